import type { Diagnostic } from '../diagnostics.ts';
import { edgesOf, entryStep, type Check, type StepInfo } from './context.ts';

/**
 * `record-pause-unresumed` (warning): a `record` step with `action: pause` from which no path
 * reaches a `record` step that resumes or stops: the rest of the call is recorded as silence.
 */
export const checkRecordPause: Check = (ctx) => {
  const out: Diagnostic[] = [];
  const ends = (info: StepInfo) => {
    const step = info.step as { type: string; action?: unknown };
    return step.type === 'record' && (step.action === 'resume' || step.action === 'stop');
  };
  for (const info of ctx.steps) {
    const step = info.step as { type: string; action?: unknown };
    if (step.type !== 'record' || step.action !== 'pause') continue;
    const seen = new Set<string>([info.id]);
    const queue: StepInfo[] = [info];
    let found = false;
    while (queue.length && !found) {
      const current = queue.shift()!;
      for (const edge of edgesOf(current, ctx)) {
        const next = entryStep(ctx, edge.target);
        if (!next || seen.has(next.id)) continue;
        if (ends(next)) {
          found = true;
          break;
        }
        seen.add(next.id);
        queue.push(next);
      }
    }
    if (found) continue;
    out.push(
      ctx.report(`${info.pointer}/action`, {
        severity: 'warning',
        code: 'record-pause-unresumed',
        message: `step \`${info.id}\` pauses the recording and no path after it resumes or stops it: the rest of the call is recorded as silence`,
        hint: 'add a `record` step with `action: resume` where recording should go on',
      }),
    );
  }
  return out;
};
