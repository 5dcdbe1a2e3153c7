import type { Diagnostic } from '../diagnostics.ts';
import type { Check } from './context.ts';

/**
 * Step ids are unique across the whole flow, groups included: any step may target any other
 * by id, and the compiled machine addresses states by id. (Duplicates inside one mapping are
 * already YAML errors.)
 */
export const checkDuplicateSteps: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const first = ctx.byId.get(info.id);
    if (!first || first === info) continue;
    const line = ctx.flow.keyPosition(first.pointer)?.line;
    out.push(
      ctx.report(info.pointer, {
        code: 'duplicate-step',
        message: `step id \`${info.id}\` is already used${line ? ` on line ${line}` : ''}`,
        hint: 'step ids must be unique across the flow, groups included; rename one',
        atKey: true,
      }),
    );
  }
  return out;
};
