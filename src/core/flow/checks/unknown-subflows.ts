import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import type { Check } from './context.ts';

/** A `subflow` step names a flow of the set being validated. */
export const checkUnknownSubflows: Check = (ctx) => {
  const ids = new Set(ctx.flows.map((f) => f.doc.id));
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'subflow' || ids.has(info.step.flow)) continue;
    out.push(
      ctx.report(`${info.pointer}/flow`, {
        code: 'unknown-subflow',
        message: `unknown flow \`${info.step.flow}\` in subflow step \`${info.id}\``,
        hint: didYouMean(info.step.flow, ids),
      }),
    );
  }
  return out;
};
