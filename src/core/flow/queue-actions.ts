import type { Media } from '../../ports/telephony.ts';
import type { FlowEvent, QueueProgress } from '../call/events.ts';
import { renderTemplate, type TemplateScope } from '../eval/template.ts';
import { MAX_PRIORITY } from '../acd/routing-order.ts';

/**
 * A `queue` step's `priority` as a number: a literal, or a template rendered against the call
 * (`${vars.order.priority}`). Anything that is not a whole number in range means "no override",
 * so a CRM answering nonsense cannot break the queue.
 */
export function queuePriority(value: number | string | undefined, scope: TemplateScope): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(renderTemplate(value, scope).trim());
  if (!Number.isInteger(n) || n < 0) return undefined;
  return Math.min(n, MAX_PRIORITY);
}

/** Why a caller left a queue step, from the event that made the step exit. */
export function queueLeaveReason(event: FlowEvent): 'abandoned' | 'completed' | 'timeout' | 'left' {
  switch (event.type) {
    case 'call.hangup':
      return 'abandoned';
    case 'queue.done':
      return 'completed';
    case 'timer.fired':
    case 'queue.timeout':
      return 'timeout';
    default:
      return 'left';
  }
}

/**
 * Whether a status answer is worth saying: the position or the estimated wait changed since
 * the last announcement, or the queue's period passed. Nothing is said when the queue turned
 * both off, or while the caller is first in line with nothing new to say.
 */
export function shouldAnnounce(progress: QueueProgress | null, event: FlowEvent, pollMs: number): boolean {
  if (event.type !== 'queue.status' || (!event.sayPosition && !event.sayWait)) return false;
  if (event.position < 1) return false;
  const announcedPosition = progress?.announcedPosition ?? null;
  const announcedEwt = progress?.announcedEwt ?? null;
  if (announcedPosition === null) return true;
  if (event.sayPosition && event.position !== announcedPosition) return true;
  if (event.sayWait && event.ewtMinutes !== announcedEwt) return true;
  return (progress?.sinceAnnounceMs ?? 0) + pollMs >= event.everyMs;
}

/** Params of a queue step's status check: its period, and when its callback offer becomes due. */
export interface QueueCheckParams {
  pollMs: number;
  /** Offer a callback once the caller has waited this long (the queue step has a `callback` offer). */
  offerAfterMs?: number;
  /** …or as soon as the estimated wait reaches this. */
  offerWaitOverMs?: number;
}

/**
 * True when this status answer makes the queue step's callback offer due (it was not yet):
 * the caller's time in line (counted in checks) reached `offerAfterMs`, or the estimated wait
 * reached `offerWaitOverMs`. Counted at checks rather than on a timer of its own, so the offer
 * is said with the next announcement.
 */
export function callbackOfferDue(progress: QueueProgress | null, event: FlowEvent, params: QueueCheckParams): boolean {
  if (event.type !== 'queue.status' || params.offerAfterMs === undefined || progress?.callbackOffer) return false;
  if ((progress?.waitedMs ?? 0) + params.pollMs >= params.offerAfterMs) return true;
  return params.offerWaitOverMs !== undefined && event.ewtMinutes * 60_000 >= params.offerWaitOverMs;
}

/** "Your position in the queue is 3. Your expected wait time is about 4 minutes." */
export function queueStatusMedia(progress: QueueProgress, say: { sayPosition: boolean; sayWait: boolean }): Media[] {
  const media: Media[] = [];
  if (say.sayPosition && progress.position !== null) {
    media.push({ kind: 'sound', name: 'queue-position-intro' }, { kind: 'number', value: progress.position });
  }
  if (say.sayWait && progress.ewtMinutes !== null) {
    media.push({ kind: 'sound', name: 'queue-wait-intro' }, { kind: 'number', value: Math.max(1, progress.ewtMinutes) }, { kind: 'sound', name: 'minutes' });
  }
  return media;
}
