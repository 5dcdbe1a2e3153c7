import type { Diagnostic } from '../diagnostics.ts';
import { eventsOf, handlerFor, quoteList } from './context.ts';
import type { Check } from './context.ts';

/** Every required event of a step is handled by the step's `on` or an enclosing group's `on`. */
export const checkUnhandledEvents: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const missing = eventsOf(info.step.type).required.filter((e) => !handlerFor(info, e));
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
