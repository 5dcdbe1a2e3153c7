import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import type { Check } from './context.ts';

/**
 * A `queue` step (and a `callback` step with a `queue`) names a queue that a queue file
 * (`flows/queues/<name>.yaml`) defines. Runs only when the validator is given the queue names
 * (`options.knownQueues`).
 */
export const checkKnownQueues: Check = (ctx) => {
  const queues = ctx.options.knownQueues;
  if (!queues) return [];
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    if ((info.step.type !== 'queue' && info.step.type !== 'callback') || typeof info.step.queue !== 'string') continue;
    const name = info.step.queue;
    if (queues.includes(name)) continue;
    out.push(
      ctx.report(`${info.pointer}/queue`, {
        code: 'unknown-queue',
        message: `unknown queue \`${name}\` in step \`${info.id}\`: no queue file defines it`,
        hint:
          didYouMean(name, queues) ??
          (queues.length ? `queues: ${queues.join(', ')}; or add flows/queues/${name}.yaml` : `add flows/queues/${name}.yaml (see docs/queues.md)`),
      }),
    );
  }
  return out;
};
