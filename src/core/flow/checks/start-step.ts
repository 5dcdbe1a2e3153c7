import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import type { Check } from './context.ts';

/**
 * `start` names an existing step, and a group's `start` is one of the group's own steps (a
 * group is entered at its start; starting elsewhere would leave the group at once).
 */
export const checkStartStep: Check = (ctx) => {
  const out: Diagnostic[] = [];
  const start = ctx.flow.doc.start;
  if (!ctx.byId.has(start)) {
    out.push(
      ctx.report('/start', {
        code: 'unknown-start',
        message: `start step \`${start}\` does not exist`,
        hint: didYouMean(start, ctx.byId.keys()) ?? `steps: ${[...ctx.byId.keys()].slice(0, 8).join(', ')}`,
      }),
    );
  }
  for (const info of ctx.steps) {
    if (info.step.type !== 'group') continue;
    const own = Object.keys(info.step.steps ?? {});
    const target = info.step.start;
    if (own.includes(target)) continue;
    const exists = ctx.byId.has(target);
    out.push(
      ctx.report(`${info.pointer}/start`, {
        code: exists ? 'group-start-outside' : 'unknown-step',
        message: exists
          ? `group \`${info.id}\` starts at \`${target}\`, which is not one of its own steps`
          : `unknown step \`${target}\` (start of group \`${info.id}\`)`,
        hint: didYouMean(target, own) ?? `its steps: ${own.join(', ')}`,
      }),
    );
  }
  return out;
};
