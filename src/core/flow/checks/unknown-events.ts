import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import { pointerSeg, quoteList, stepEvents } from './context.ts';
import type { Check, CheckContext, StepInfo } from './context.ts';

/**
 * `on` keys are events the step can emit (for a `subflow` step, also the called flow's
 * `return` outcomes). A group's `on` may also handle any event of the steps inside it, at any
 * depth.
 */
export const checkUnknownEvents: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const allowed = allowedEvents(ctx, info);
    for (const event of Object.keys(info.step.on ?? {})) {
      if (allowed.has(event)) continue;
      const kind = info.step.type;
      out.push(
        ctx.report(`${info.pointer}/on/${pointerSeg(event)}`, {
          code: 'unknown-event',
          message: `\`${kind}\` step \`${info.id}\` has no event \`${event}\``,
          hint:
            didYouMean(event, allowed) ??
            (allowed.size ? `its events: ${quoteList(allowed)}` : `a \`${kind}\` step ends the call and emits no events`),
          atKey: true,
        }),
      );
    }
  }
  return out;
};

function allowedEvents(ctx: CheckContext, info: StepInfo): Set<string> {
  const own = stepEvents(ctx, info);
  const allowed = new Set([...own.required, ...own.optional]);
  if (info.step.type === 'group') {
    for (const inner of ctx.steps) {
      if (!inner.parents.includes(info)) continue;
      const ev = stepEvents(ctx, inner);
      for (const e of [...ev.required, ...ev.optional]) allowed.add(e);
    }
  }
  return allowed;
}
