import { createHash } from 'node:crypto';
import type { CallbackFilter, CallbackRecord, CallbackSlot } from '../../ports/callback-store.ts';
import { isFinalCallbackState } from '../../ports/callback-store.ts';
import type { Logger } from '../../ports/logger.ts';
import type { JobHandler } from '../jobs/job-runner.ts';
import { hotlineError, isHotlineError } from '../errors.ts';
import { CallbackAttempts } from './callback-attempts.ts';
import { deferToOpening, mutate, withoutSlot } from './callback-records.ts';
import {
  CALLBACK_JOB_KIND,
  callbackJobId,
  type BookRequest,
  type CallbackServiceDeps,
  type KeepPlaceRequest,
  type KeptPlaces,
} from './callback-types.ts';
import { createNumberPolicy, lastFour, normaliseNumber, type NumberPolicy } from './number-policy.ts';
import { ALWAYS_OPEN, nextSlots } from './slots.ts';

/** Slots computed (before capacity filtering) when looking for a key or filling an offer. */
const SLOT_LOOKAHEAD = 32;
/** A callback moved to a slot under way is not due sooner than this. */
export const RESCHEDULE_MIN_DELAY_MS = 15 * 60_000;

/**
 * Callbacks: a caller in a queue hangs up and is called back, keeping their place or at a slot
 * they chose. State lives in the {@link CallbackStore} (every change a compare-and-set), attempts
 * run as durable `callback.attempt` jobs (register {@link CallbackService.attemptHandler} with the
 * `JobRunner`), dialling goes through the injected {@link Dialer}.
 *
 * @example
 * const callbacks = new CallbackService({ store, jobs, clock, logger, dialer, hoursOf, policy });
 * runner.handle(CALLBACK_JOB_KIND, callbacks.attemptHandler);
 * const slots = await callbacks.offerSlots('support', 3);
 * await callbacks.book({ callId, number: leg.from, queue: 'support', priority: 0, slotKey: slots[0].key });
 */
export class CallbackService {
  readonly #deps: CallbackServiceDeps;
  readonly #numbers: NumberPolicy;
  readonly #log: Logger;
  readonly #attempts: CallbackAttempts;

  /** The `JobRunner` handler of {@link CALLBACK_JOB_KIND}. */
  readonly attemptHandler: JobHandler;

  constructor(deps: CallbackServiceDeps) {
    this.#deps = { ...deps }; // our own copy: usePlaces completes it later
    this.#numbers = deps.numbers ?? createNumberPolicy();
    this.#log = deps.logger.child({ component: 'callback' });
    this.#attempts = new CallbackAttempts(this.#deps, this.#log);
    this.attemptHandler = (job) => this.#attempts.run(job);
  }

  /** Where kept places live (the ACD, built after this service): cancelled or expired ones leave the line. */
  usePlaces(places: KeptPlaces): void {
    this.#deps.places = places;
  }

  /**
   * Records a keep-place callback: the ACD keeps the caller's virtual place; when it reaches
   * the front, call {@link CallbackService.dueNow}. Expires `expireAfterMs` after the request.
   * Idempotent per call (a replayed request returns the callback it made).
   * Rejects with `HOTLINE_ERR_NUMBER_DENIED`.
   */
  async requestKeepPlace(request: KeepPlaceRequest): Promise<CallbackRecord> {
    const number = this.#numbers.check(request.number);
    const now = this.#deps.clock.now();
    const policy = this.#deps.policy(request.queue);
    const record = this.#newRecord(request, number, now, {
      mode: 'keep-place',
      state: 'queued',
      dueAt: now,
      enqueuedAt: request.enqueuedAt ?? now,
      expiresAt: now + policy.expireAfterMs,
    });
    const existing = await this.#existing(record);
    if (existing) return existing;
    const { record: created, fresh } = await this.#create(record);
    if (fresh) await this.#schedule(created.id, created.expiresAt);
    return created;
  }

  /**
   * Books a slot offered by {@link CallbackService.offerSlots}: reserves a place in it, and
   * schedules the first attempt at the slot's start (deferred to opening). Rejects with
   * `HOTLINE_ERR_SLOT_FULL`, `HOTLINE_ERR_NUMBER_DENIED`, or `HOTLINE_ERR_BAD_REQUEST` for a
   * slot that is not (or no longer) offered.
   */
  async book(request: BookRequest): Promise<CallbackRecord> {
    const number = this.#numbers.check(request.number);
    const now = this.#deps.clock.now();
    const policy = this.#deps.policy(request.queue);
    const slot = this.#candidates(request.queue, now).find((s) => s.key === request.slotKey);
    if (!slot) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `slot ${request.slotKey} is not offered`, { slotKey: request.slotKey });
    const dueAt = deferToOpening(this.#deps.hoursOf(request.queue), slot.start) ?? slot.start;
    const record = this.#newRecord(request, number, now, { mode: 'scheduled', state: 'scheduled', dueAt, enqueuedAt: now, expiresAt: dueAt + policy.expireAfterMs, slot });
    const existing = await this.#existing(record);
    if (existing) return existing;
    if (!(await this.#deps.store.reserveSlot(request.queue, slot.key, policy.capacity))) {
      throw hotlineError('HOTLINE_ERR_SLOT_FULL', `slot "${slot.label}" is full`, { slotKey: slot.key });
    }
    let created: CallbackRecord;
    try {
      const result = await this.#create(record);
      created = result.record;
      if (!result.fresh) {
        await this.#deps.store.releaseSlot(request.queue, slot.key); // lost a race with a replay of this request
        return created;
      }
    } catch (err) {
      await this.#deps.store.releaseSlot(request.queue, slot.key);
      throw err;
    }
    await this.#schedule(created.id, created.dueAt);
    return created;
  }

  /**
   * A callback at a chosen time (`POST /api/callbacks`: an agent or supervisor promised one),
   * deferred to the queue's opening; no slot is reserved. Idempotent per `requestId`.
   * Rejects with `HOTLINE_ERR_NUMBER_DENIED`, or `HOTLINE_ERR_BAD_REQUEST` (`details.reason`
   * `past` or `closed`) for a time in the past or a queue that never opens.
   */
  async scheduleAt(request: { requestId: string; number: string; queue: string; at?: number; priority?: number }): Promise<CallbackRecord> {
    const number = this.#numbers.check(request.number);
    const now = this.#deps.clock.now();
    const at = request.at ?? now;
    if (at < now - 60_000) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'the time must not be in the past', { field: 'at', reason: 'past', now: new Date(now).toISOString() });
    }
    const dueAt = deferToOpening(this.#deps.hoursOf(request.queue), Math.max(now, at));
    if (dueAt === undefined) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `queue ${request.queue} does not open in the next five weeks`, { field: 'queue', reason: 'closed' });
    const policy = this.#deps.policy(request.queue);
    const record = this.#newRecord({ callId: request.requestId, queue: request.queue, priority: request.priority ?? 0 }, number, now, {
      mode: 'scheduled', state: 'scheduled', dueAt, enqueuedAt: now, expiresAt: dueAt + policy.expireAfterMs,
    });
    const existing = await this.#existing(record);
    if (existing) return existing;
    const { record: created, fresh } = await this.#create(record);
    if (fresh) await this.#schedule(created.id, created.dueAt);
    return created;
  }

  /** The number in E.164 when callbacks may dial it; `HOTLINE_ERR_NUMBER_DENIED` otherwise. */
  checkNumber(raw: string): string {
    return this.#numbers.check(raw);
  }

  /** The next `count` slots with places left, in order (see `nextSlots`). */
  async offerSlots(queue: string, count: number): Promise<CallbackSlot[]> {
    const candidates = this.#candidates(queue, this.#deps.clock.now(), count + SLOT_LOOKAHEAD);
    const taken = await this.#deps.store.slotsTaken(queue, candidates.map((s) => s.key));
    const capacity = this.#deps.policy(queue).capacity;
    return candidates.filter((_, i) => (taken[i] ?? 0) < capacity).slice(0, Math.max(0, count));
  }

  /**
   * A keep-place callback's turn came: its first attempt is scheduled now (or at opening).
   * A callback that is not `queued` any more is returned as it is.
   */
  async dueNow(id: string): Promise<CallbackRecord> {
    const now = this.#deps.clock.now();
    const { record, changed } = await mutate(this.#deps.store, id, (r) =>
      r.state === 'queued' ? { ...r, state: 'scheduled', dueAt: deferToOpening(this.#deps.hoursOf(r.queue), now) ?? now, updatedAt: now } : undefined,
    );
    if (changed) {
      this.#log.info({ callbackId: id, dueAt: record.dueAt }, 'callback due');
      await this.#schedule(id, record.dueAt);
    }
    return record;
  }

  /** Cancels a pending callback. `HOTLINE_ERR_ILLEGAL_STATE` (409) when it is final already. */
  async cancel(id: string): Promise<CallbackRecord> {
    const now = this.#deps.clock.now();
    const { record } = await mutate(this.#deps.store, id, (r) => {
      if (isFinalCallbackState(r.state)) throw finalError(r);
      return { ...r, state: 'cancelled', outcome: 'cancelled', updatedAt: now };
    });
    await this.#deps.jobs.cancel(callbackJobId(id)); // a claimed job sees the cancel when it plans
    if (record.slot && record.slot.end > now) await this.#deps.store.releaseSlot(record.queue, record.slot.key);
    // A kept place still in line must not be counted, nor hold an agent when it reaches the front.
    if (record.mode === 'keep-place') await this.#deps.places?.releaseCallbackEntry(record.id);
    this.#log.info({ callbackId: id, state: 'cancelled', outcome: 'cancelled' }, 'callback outcome');
    return record;
  }

  /**
   * Moves the next attempt to `at`, deferred to opening (the callback leaves a slot it booked).
   * `HOTLINE_ERR_BAD_REQUEST` with `details.reason` `past`, `after-expiry` or
   * `closed-until-expiry`; `HOTLINE_ERR_ILLEGAL_STATE` when final.
   */
  async reschedule(id: string, at: number): Promise<CallbackRecord> {
    const now = this.#deps.clock.now();
    if (!(at > now)) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'the new time must be in the future', { field: 'at', reason: 'past', now: new Date(now).toISOString() });
    }
    let released: CallbackRecord['slot'];
    const { record } = await mutate(this.#deps.store, id, (r) => {
      if (isFinalCallbackState(r.state)) throw finalError(r);
      const expires = new Date(r.expiresAt).toISOString();
      if (at > r.expiresAt) {
        throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `the new time is after the callback expires (${expires})`, { field: 'at', reason: 'after-expiry', expiresAt: expires });
      }
      const due = deferToOpening(this.#deps.hoursOf(r.queue), at);
      if (due === undefined || due > r.expiresAt) {
        throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `the queue is closed from then until the callback expires (${expires})`, {
          field: 'at', reason: 'closed-until-expiry', expiresAt: expires,
        });
      }
      released = r.slot;
      return { ...withoutSlot(r), state: 'scheduled', dueAt: due, updatedAt: now };
    });
    if (released && released.end > now) await this.#deps.store.releaseSlot(record.queue, released.key);
    await this.#schedule(id, record.dueAt);
    this.#log.info({ callbackId: id, dueAt: record.dueAt }, 'callback rescheduled');
    return record;
  }

  /**
   * The customer, on the callback's own call, picks one of {@link CallbackService.offerSlots}:
   * the callback takes a place in that slot (leaving any slot it had) and its next attempt is due
   * at the slot's start, or {@link RESCHEDULE_MIN_DELAY_MS} from now for a slot under way ("within
   * the hour" must not ring them again the moment they hang up). Its expiry moves with it: the
   * customer chose a time we offered. `HOTLINE_ERR_SLOT_FULL` when the slot is full or no longer
   * offered; `HOTLINE_ERR_ILLEGAL_STATE` when final.
   */
  async rescheduleToSlot(id: string, slotKey: string): Promise<CallbackRecord> {
    const now = this.#deps.clock.now();
    const current = await this.get(id);
    if (isFinalCallbackState(current.state)) throw finalError(current);
    const slot = (await this.offerSlots(current.queue, SLOT_LOOKAHEAD)).find((s) => s.key === slotKey);
    if (!slot) throw hotlineError('HOTLINE_ERR_SLOT_FULL', 'the slot is full or no longer offered', { slotKey });
    const policy = this.#deps.policy(current.queue);
    const same = current.slot?.key === slot.key;
    if (!same && !(await this.#deps.store.reserveSlot(current.queue, slot.key, policy.capacity))) {
      throw hotlineError('HOTLINE_ERR_SLOT_FULL', `slot "${slot.label}" is full`, { slotKey });
    }
    const dueAt = deferToOpening(this.#deps.hoursOf(current.queue), Math.max(slot.start, now + RESCHEDULE_MIN_DELAY_MS)) ?? slot.start;
    let released: CallbackSlot | undefined;
    let record: CallbackRecord;
    try {
      ({ record } = await mutate(this.#deps.store, id, (r) => {
        if (isFinalCallbackState(r.state)) throw finalError(r);
        released = r.slot && r.slot.key !== slot.key ? r.slot : undefined;
        return { ...r, slot, state: 'scheduled', dueAt, expiresAt: Math.max(r.expiresAt, dueAt + policy.expireAfterMs), updatedAt: now };
      }));
    } catch (err) {
      if (!same) await this.#deps.store.releaseSlot(current.queue, slot.key);
      throw err;
    }
    if (released && released.end > now) await this.#deps.store.releaseSlot(record.queue, released.key);
    await this.#schedule(id, record.dueAt);
    this.#log.info({ callbackId: id, dueAt: record.dueAt, slotKey: slot.key }, 'callback rescheduled');
    return record;
  }

  /** The callback call `callId` asked for, if it made one (requests are idempotent per call). */
  madeBy(callId: string): Promise<CallbackRecord | undefined> {
    return this.#deps.store.get((this.#deps.idFor ?? defaultId)(callId));
  }

  /** `HOTLINE_ERR_NO_SUCH_CALLBACK` when unknown. */
  async get(id: string): Promise<CallbackRecord> {
    const record = await this.#deps.store.get(id);
    if (!record) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALLBACK', `no callback ${id}`, { callbackId: id });
    return record;
  }

  /** Newest first. */
  list(filter: CallbackFilter = {}): Promise<CallbackRecord[]> {
    return this.#deps.store.list(filter);
  }

  /** Callbacks for a number (any form the number policy normalises) that are not final. */
  async pendingFor(number: string): Promise<CallbackRecord[]> {
    let e164: string;
    try {
      e164 = normaliseNumber(number);
    } catch {
      return [];
    }
    return this.#deps.store.pending(e164);
  }

  #candidates(queue: string, now: number, count = SLOT_LOOKAHEAD): CallbackSlot[] {
    return nextSlots(this.#deps.hoursOf(queue) ?? ALWAYS_OPEN, { queue, now, count });
  }

  #newRecord(
    request: { callId: string; queue: string; priority: number },
    number: string,
    now: number,
    fields: Pick<CallbackRecord, 'mode' | 'state' | 'dueAt' | 'enqueuedAt' | 'expiresAt'> & { slot?: CallbackSlot },
  ): CallbackRecord {
    const policy = this.#deps.policy(request.queue);
    return {
      id: (this.#deps.idFor ?? defaultId)(request.callId),
      callId: request.callId,
      number,
      queue: request.queue,
      priority: request.priority,
      attempts: [],
      maxAttempts: policy.maxAttempts,
      retryEveryMs: policy.retryEveryMs,
      createdAt: now,
      updatedAt: now,
      version: 1,
      ...fields,
    };
  }

  /** The callback this call already made (a replayed request); a different kind is a conflict. */
  async #existing(record: CallbackRecord): Promise<CallbackRecord | undefined> {
    const existing = await this.#deps.store.get(record.id);
    if (!existing) return undefined;
    if (existing.mode !== record.mode || existing.queue !== record.queue) {
      throw hotlineError('HOTLINE_ERR_CONFLICT', `call ${record.callId} already has callback ${existing.id}`, { callbackId: existing.id });
    }
    return existing;
  }

  /** Creates, or returns what a concurrent replay of the same request created. */
  async #create(record: CallbackRecord): Promise<{ record: CallbackRecord; fresh: boolean }> {
    try {
      const created = await this.#deps.store.create(record);
      this.#log.info({ callbackId: created.id, callId: created.callId, mode: created.mode, queue: created.queue, dueAt: created.dueAt, numberLast4: lastFour(created.number) }, 'callback requested');
      return { record: created, fresh: true };
    } catch (err) {
      if (!isHotlineError(err, 'HOTLINE_ERR_CONFLICT')) throw err;
      const existing = await this.#existing(record);
      if (!existing) throw err;
      return { record: existing, fresh: false };
    }
  }

  async #schedule(id: string, dueAt: number): Promise<void> {
    // false = the job is running now; it plans its next run from the record, which we changed.
    await this.#deps.jobs.schedule({ id: callbackJobId(id), kind: CALLBACK_JOB_KIND, dueAt, payload: { callbackId: id } });
  }
}

function finalError(r: CallbackRecord) {
  return hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `callback ${r.id} is already ${r.state}`, { callbackId: r.id, state: r.state });
}

/** `cb-` and 20 hex of SHA-256 of the call id: URL-safe, and the same for a replayed request. */
function defaultId(callId: string): string {
  return `cb-${createHash('sha256').update(callId).digest('hex').slice(0, 20)}`;
}
