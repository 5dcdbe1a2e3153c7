import type { Diagnostic } from '../diagnostics.ts';
import { edgesOf, stepEvents, TERMINAL_KINDS } from './context.ts';
import type { Check } from './context.ts';

/**
 * Every step except `hangup`, `return` and `transfer` must have a way on. Steps with required
 * events that lack handlers are reported by `checkUnhandledEvents`; this catches the rest: a
 * group with no steps to enter, or a step of a kind that emits no events and has no
 * options, cases or start (so the call would sit there until the caller hangs up).
 */
export const checkDeadEnds: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const kind = info.step.type;
    if (TERMINAL_KINDS.includes(kind)) continue;
    if (kind === 'group' && Object.keys(info.step.steps ?? {}).length === 0) {
      out.push(
        ctx.report(info.pointer, {
          code: 'dead-end',
          message: `group \`${info.id}\` has no steps, so the call cannot go on from it`,
          hint: 'add steps and a `start`, or target another step',
          atKey: true,
        }),
      );
      continue;
    }
    if (edgesOf(info, ctx).length > 0) continue;
    // Steps with required events but no handlers are `checkUnhandledEvents`' to report.
    // (A `callback` step's required events depend on its action.)
    if (stepEvents(ctx, info).required.length > 0) continue;
    out.push(
      ctx.report(info.pointer, {
        code: 'dead-end',
        message: `step \`${info.id}\` (${kind}) can neither continue nor end the call`,
        hint: 'add `on:` targets, or end with a `hangup` step',
        atKey: true,
      }),
    );
  }
  return out;
};
