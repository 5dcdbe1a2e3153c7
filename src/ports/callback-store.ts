/**
 * The callback store port: callbacks customers asked for, and the per-slot booking counters.
 * Memory for one node, Redis when several nodes share the work.
 *
 * Writes are compare-and-set on {@link CallbackRecord.version}: a node changes a callback only
 * if nobody changed it since it read it, so a cancel from the API and an attempt finishing on
 * another node never overwrite each other silently.
 */

/** How the callback was asked for. */
export type CallbackMode = 'keep-place' | 'scheduled';

/**
 * `queued` = keep-place, waiting for its turn in the ACD; `scheduled` = an attempt is due at
 * `dueAt`; `dialing` = an attempt is in progress; the rest are final.
 */
export type CallbackState = 'queued' | 'scheduled' | 'dialing' | 'connected' | 'no-answer' | 'cancelled' | 'expired' | 'failed';

/** Final states: nothing happens to the callback any more. */
export type FinalCallbackState = 'connected' | 'no-answer' | 'cancelled' | 'expired' | 'failed';

/** The final states, for checks and filters. */
export const FINAL_CALLBACK_STATES: readonly FinalCallbackState[] = ['connected', 'no-answer', 'cancelled', 'expired', 'failed'];

/** Every state, for request validation. */
export const CALLBACK_STATES: readonly CallbackState[] = ['queued', 'scheduled', 'dialing', ...FINAL_CALLBACK_STATES];

/** True for a state nothing follows. */
export function isFinalCallbackState(state: CallbackState): state is FinalCallbackState {
  return (FINAL_CALLBACK_STATES as readonly string[]).includes(state);
}

/**
 * How one attempt ended. `answered` = the customer picked up (not necessarily reached an
 * agent), `declined` = they answered and said no, `rescheduled` = they answered and chose
 * another time, `interrupted` = the node running the attempt died mid-way (it may have dialled).
 */
export type AttemptOutcome = 'answered' | 'connected' | 'no-answer' | 'busy' | 'failed' | 'declined' | 'rescheduled' | 'interrupted';

/** One dial attempt. Times are epoch ms. */
export interface CallbackAttempt {
  /** 1-based attempt number. */
  n: number;
  at: number;
  endedAt?: number;
  outcome?: AttemptOutcome;
}

/** A bookable period (see `src/core/callback/slots.ts`). */
export interface CallbackSlot {
  /** `<queue>:<YYYY-MM-DD>:<am|pm|hour-HHMM>` in the queue's time zone. */
  key: string;
  start: number;
  end: number;
  /** What the caller hears: `within the hour`, `this afternoon`, `Monday morning`. */
  label: string;
}

/** One callback as stored. */
export interface CallbackRecord {
  id: string;
  /** The call that asked for it. */
  callId: string;
  /** E.164 (`+12125550123`), already through the number policy. */
  number: string;
  mode: CallbackMode;
  queue: string;
  priority: number;
  /** When the caller first entered the ACD: a keep-place callback keeps that place. */
  enqueuedAt: number;
  /** The slot booked (`scheduled` mode from a slot menu). */
  slot?: CallbackSlot;
  /** When the next attempt is due (keep-place while `queued`: when it was asked for). */
  dueAt: number;
  state: CallbackState;
  attempts: CallbackAttempt[];
  maxAttempts: number;
  retryEveryMs: number;
  /** After this no attempt starts: the callback ends `expired`. */
  expiresAt: number;
  /** The final outcome (equal to the final state). */
  outcome?: FinalCallbackState;
  createdAt: number;
  updatedAt: number;
  /** Incremented by every successful {@link CallbackStore.update}; starts at 1. */
  version: number;
}

/** Filter of {@link CallbackStore.list}. */
export interface CallbackFilter {
  state?: CallbackState;
  queue?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

/** Where callbacks live. Every method rejects with a `HotlineError` (`HOTLINE_ERR_STORE` when the backend fails). */
export interface CallbackStore {
  /**
   * Stores a new callback with `version` 1 (whatever the record says) and returns it.
   * Rejects with `HOTLINE_ERR_CONFLICT` when the id exists.
   */
  create(record: CallbackRecord): Promise<CallbackRecord>;
  get(id: string): Promise<CallbackRecord | undefined>;
  /**
   * Compare-and-set: writes `record` with `version + 1` only if the stored version still equals
   * `record.version`. False when it does not (someone else wrote first) or the id is unknown.
   */
  update(record: CallbackRecord): Promise<boolean>;
  /** Newest first (by `createdAt`, then id). */
  list(filter?: CallbackFilter): Promise<CallbackRecord[]>;
  /** Callbacks for `number` (E.164) that are not final, oldest first. */
  pending(number: string): Promise<CallbackRecord[]>;
  /** Takes one place in a slot when fewer than `capacity` are taken; atomic across nodes. */
  reserveSlot(queue: string, slotKey: string, capacity: number): Promise<boolean>;
  /** Gives one place back (never below zero). */
  releaseSlot(queue: string, slotKey: string): Promise<void>;
  /** Places taken in each slot, same order as `slotKeys` (0 for a slot never booked). */
  slotsTaken(queue: string, slotKeys: readonly string[]): Promise<number[]>;
  /** Liveness (`GET /ready`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
