import type { Diagnostic } from '../diagnostics.ts';
import { edgesOf } from './context.ts';
import type { Check, StepInfo } from './context.ts';

/**
 * Steps no call can reach from `start` (through `on` targets, menu options, branch cases,
 * group starts and group handlers) are warnings: usually a typo or a left-over.
 */
export const checkUnreachableSteps: Check = (ctx) => {
  const reached = new Set<StepInfo>();
  const queue: StepInfo[] = [];
  const enter = (info: StepInfo | undefined) => {
    if (!info || reached.has(info)) return;
    reached.add(info);
    queue.push(info);
    // Being inside a group means the group is active too: its handlers can fire.
    for (const g of info.parents) enter(g);
  };
  enter(ctx.byId.get(ctx.flow.doc.start));
  while (queue.length) {
    const info = queue.shift()!;
    for (const edge of edgesOf(info, ctx)) enter(ctx.byId.get(edge.target));
  }
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    // One warning per unreachable group, not one per step inside it.
    if (reached.has(info) || info.parents.some((g) => !reached.has(g))) continue;
    if (ctx.byId.get(info.id) !== info) continue; // a duplicate id is reported as such
    out.push(
      ctx.report(info.pointer, {
        severity: 'warning',
        code: 'unreachable-step',
        message: `step \`${info.id}\` is never reached from \`${ctx.flow.doc.start}\``,
        hint: 'target it from another step, or remove it',
        atKey: true,
      }),
    );
  }
  return out;
};
