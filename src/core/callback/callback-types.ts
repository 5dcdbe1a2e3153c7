import type { CallbackRecord, CallbackStore } from '../../ports/callback-store.ts';
import type { Clock } from '../../ports/clock.ts';
import type { JobQueue } from '../../ports/job-queue.ts';
import type { Logger } from '../../ports/logger.ts';
import type { NumberPolicy } from './number-policy.ts';
import type { BusinessHours } from './slots.ts';

/** Job kind of callback attempts (register {@link CallbackService.attemptHandler} for it). */
export const CALLBACK_JOB_KIND = 'callback.attempt';

/** The one job of a callback: it watches expiry while queued and runs every attempt. */
export function callbackJobId(callbackId: string): string {
  return `callback:${callbackId}`;
}

/** `JobQueue.once` key that lets attempt `n` dial at most once. */
export function attemptOnceKey(callbackId: string, n: number): string {
  return `callback:${callbackId}:attempt:${n}`;
}

/**
 * How a dial attempt ended, as the dialer reports it: `connected` (customer reached an agent),
 * `answered` (customer picked up, no agent conversation followed), `declined` (customer said no),
 * `rescheduled` (customer chose another time, through {@link CallbackService.reschedule}).
 */
export type DialOutcome = 'connected' | 'answered' | 'no-answer' | 'busy' | 'failed' | 'declined' | 'rescheduled';

/**
 * Places one callback attempt and resolves when it is over. Implemented over the telephony port
 * and the callback flow by the composition root; tests script it.
 */
export interface Dialer {
  dial(callback: CallbackRecord, attempt: number): Promise<DialOutcome>;
}

/** A queue's callback settings (`callback:` in the queue file). */
export interface CallbackPolicy {
  /** Dial attempts before the callback ends `no-answer` / `failed`. */
  maxAttempts: number;
  /** Spacing between attempts (the retry is deferred to opening). */
  retryEveryMs: number;
  /** Bookings per slot. */
  capacity: number;
  /** Keep-place: from the request; scheduled: from the first due time. No attempt starts after. */
  expireAfterMs: number;
}

/** Where kept places live (the ACD): a keep-place callback that ends while queued leaves the line. */
export interface KeptPlaces {
  /** Takes the kept place `entryId` (the callback's id) out of the ACD; a no-op when it is gone. */
  releaseCallbackEntry(entryId: string): Promise<void>;
}

/** What {@link CallbackService} needs: ports only. */
export interface CallbackServiceDeps {
  store: CallbackStore;
  jobs: JobQueue;
  clock: Clock;
  logger: Logger;
  dialer: Dialer;
  /** The queue's business hours; undefined = always open. */
  hoursOf(queue: string): BusinessHours | undefined;
  policy(queue: string): CallbackPolicy;
  /** Default: {@link createNumberPolicy} with the default allowlist. */
  numbers?: NumberPolicy;
  /** The ACD's kept places (or set later with `CallbackService.usePlaces`). */
  places?: KeptPlaces;
  /** Callback id of a call's request (default: `cb-` + a hash of the call id, so a replayed request finds its callback). */
  idFor?(callId: string): string;
}

/** `requestKeepPlace` input. */
export interface KeepPlaceRequest {
  callId: string;
  /** Keyed or caller-ID number (normalised and checked). */
  number: string;
  queue: string;
  priority: number;
  /** When the caller entered the ACD (their place). Default now. */
  enqueuedAt?: number;
}

/** `book` input. */
export interface BookRequest {
  callId: string;
  number: string;
  queue: string;
  priority: number;
  /** A key from {@link CallbackService.offerSlots}. */
  slotKey: string;
}
