import type { Diagnostic } from '../diagnostics.ts';
import { handlerFor, quoteList, stepEvents } from './context.ts';
import type { Check } from './context.ts';

/**
 * Every required event of a step is handled by the step's `on` or an enclosing group's `on`;
 * for a `subflow` step that includes every `outcome` the called flow can `return`.
 */
export const checkUnhandledEvents: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const missing = stepEvents(ctx, info).required.filter((e) => !handlerFor(info, e));
    if (missing.length === 0) continue;
    out.push(
      ctx.report(info.pointer, {
        code: 'unhandled-event',
        message: `step \`${info.id}\` (${info.step.type}) does not handle ${quoteList(missing)}`,
        hint: `add \`on: { ${missing.map((e) => `${e}: <step>`).join(', ')} }\` to the step or to an enclosing group`,
        atKey: true,
      }),
    );
  }
  return out;
};
