import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import { edgesOf } from './context.ts';
import type { Check } from './context.ts';

/** Every `on` target, menu option and branch `goto` names a step of the flow. */
export const checkUnknownTargets: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    // Group starts are checked by `checkStartStep`; inherited edges belong to the group.
    for (const edge of edgesOf(info, ctx)) {
      if (edge.inherited || edge.label === 'start' || ctx.byId.has(edge.target)) continue;
      out.push(
        ctx.report(edge.pointer, {
          code: 'unknown-step',
          message: `unknown step \`${edge.target}\``,
          hint: didYouMean(edge.target, ctx.byId.keys()),
        }),
      );
    }
  }
  return out;
};
