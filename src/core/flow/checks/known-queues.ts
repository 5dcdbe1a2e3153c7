import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import type { Check } from './context.ts';

/** A `queue` step names a configured queue, when the list of queues is known. */
export const checkKnownQueues: Check = (ctx) => {
  const queues = ctx.options.knownQueues;
  if (!queues) return [];
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if (info.step.type !== 'queue' || queues.includes(info.step.queue)) continue;
    out.push(
      ctx.report(`${info.pointer}/queue`, {
        code: 'unknown-queue',
        message: `unknown queue \`${info.step.queue}\` in step \`${info.id}\``,
        hint: didYouMean(info.step.queue, queues) ?? (queues.length ? `queues: ${queues.join(', ')}` : 'no queues are configured'),
      }),
    );
  }
  return out;
};
