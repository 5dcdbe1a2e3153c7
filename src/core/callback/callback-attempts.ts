import type { AttemptOutcome, CallbackRecord, FinalCallbackState } from '../../ports/callback-store.ts';
import { isFinalCallbackState } from '../../ports/callback-store.ts';
import type { ClaimedJob } from '../../ports/job-queue.ts';
import type { Logger } from '../../ports/logger.ts';
import type { JobOutcome } from '../jobs/job-runner.ts';
import { attemptOnceKey, type CallbackServiceDeps, type DialOutcome } from './callback-types.ts';
import { deferToOpening, mutate } from './callback-records.ts';
import { lastFour } from './number-policy.ts';

/** How long an attempt's once-mark outlives the callback's expiry. */
const ONCE_GRACE_MS = 7 * 24 * 3600_000;

/**
 * Outcomes that mean the customer was reached. `answered` is not one: an answering machine or
 * a wrong person picks up and never asks for the agent, so the callback is tried again.
 */
const REACHED: readonly AttemptOutcome[] = ['connected'];

/**
 * Runs deliveries of `callback.attempt` jobs. One job per callback (`callback:<id>`): while
 * `queued` it waits for the expiry, while `scheduled` for `dueAt`; when due it records attempt
 * `n` (state `dialing`), takes `once('callback:<id>:attempt:<n>')` and only then dials, so a
 * redelivered job never dials attempt `n` twice: it finds the mark taken and records the
 * attempt `interrupted` (it counts: the customer may have been rung).
 *
 * What to do next is always planned from a fresh read of the record, so a cancel or a
 * reschedule that raced with the delivery (and could not replace the claimed job) still wins.
 */
export class CallbackAttempts {
  readonly #deps: CallbackServiceDeps;
  readonly #log: Logger;

  constructor(deps: CallbackServiceDeps, log: Logger) {
    this.#deps = deps;
    this.#log = log;
  }

  /** The job handler. */
  async run(job: ClaimedJob): Promise<JobOutcome> {
    const id = job.payload.callbackId;
    if (typeof id !== 'string') {
      this.#log.warn({ jobId: job.id }, 'callback job without a callback id; dropped');
      return undefined;
    }
    const { store, clock } = this.#deps;
    let record = await store.get(id);
    if (!record || isFinalCallbackState(record.state)) return undefined;
    const now = clock.now();

    if (record.state !== 'dialing' && now >= record.expiresAt) {
      await this.#expire(id);
      return this.#plan(id);
    }
    if (record.state === 'queued' || (record.state === 'scheduled' && record.dueAt > now)) return this.#plan(id);

    let n: number;
    const open = record.attempts.find((a) => a.outcome === undefined);
    if (record.state === 'dialing' && open) {
      n = open.n; // a redelivery: the attempt was recorded, maybe dialled
    } else {
      n = record.attempts.reduce((max, a) => Math.max(max, a.n), 0) + 1;
      const started = await mutate(store, id, (r) =>
        (r.state === 'scheduled' || r.state === 'dialing') && r.dueAt <= now && now < r.expiresAt && !r.attempts.some((a) => a.n === n)
          ? { ...r, state: 'dialing', attempts: [...r.attempts, { n, at: now }], updatedAt: now }
          : undefined,
      );
      if (!started.changed) return this.#plan(id);
      record = started.record;
    }

    const ttl = Math.max(0, record.expiresAt - now) + ONCE_GRACE_MS;
    let outcome: AttemptOutcome;
    if (!(await this.#deps.jobs.once(attemptOnceKey(id, n), ttl))) {
      this.#log.warn({ callbackId: id, attempt: n }, 'callback attempt interrupted');
      outcome = 'interrupted';
    } else {
      this.#log.info({ callbackId: id, attempt: n, queue: record.queue, numberLast4: lastFour(record.number) }, 'callback dialing');
      outcome = await this.#dial(record, n);
    }
    await this.#finish(id, n, outcome);
    return this.#plan(id);
  }

  async #dial(record: CallbackRecord, n: number): Promise<DialOutcome> {
    try {
      return await this.#deps.dialer.dial(record, n);
    } catch (err) {
      this.#log.error({ err, callbackId: record.id, attempt: n }, 'callback dial failed');
      return 'failed';
    }
  }

  /** Records attempt `n`'s outcome and decides: final, or the next attempt's time. */
  async #finish(id: string, n: number, outcome: AttemptOutcome): Promise<void> {
    const { store, clock } = this.#deps;
    const { record } = await mutate(store, id, (r) => {
      const now = clock.now();
      const attempts = r.attempts.some((a) => a.n === n)
        ? r.attempts.map((a) => (a.n === n ? { ...a, endedAt: now, outcome } : a))
        : [...r.attempts, { n, at: now, endedAt: now, outcome }];
      const base: CallbackRecord = { ...r, attempts, updatedAt: now };
      const reached = REACHED.includes(outcome);
      // Reaching the customer wins over what a concurrent delivery concluded, except a cancel.
      if (reached && r.state !== 'cancelled' && r.state !== 'connected') return final(base, 'connected');
      if (r.state !== 'dialing') return base; // cancelled, rescheduled or settled meanwhile: keep it
      if (outcome === 'declined') return final(base, 'cancelled');
      const counted = attempts.filter((a) => a.outcome !== 'rescheduled').length;
      if (counted >= r.maxAttempts) return final(base, outcome === 'failed' || outcome === 'interrupted' ? 'failed' : 'no-answer');
      const due = deferToOpening(this.#deps.hoursOf(r.queue), now + r.retryEveryMs);
      if (due === undefined || due >= r.expiresAt) return final(base, 'expired');
      return { ...base, state: 'scheduled', dueAt: due };
    });
    this.#log.info(
      { callbackId: id, attempt: n, attemptOutcome: outcome, state: record.state, ...(record.outcome ? { outcome: record.outcome } : { dueAt: record.dueAt }) },
      'callback outcome',
    );
  }

  async #expire(id: string): Promise<void> {
    const now = this.#deps.clock.now();
    const { record, changed } = await mutate(this.#deps.store, id, (r) =>
      !isFinalCallbackState(r.state) && r.state !== 'dialing' && now >= r.expiresAt ? final({ ...r, updatedAt: now }, 'expired') : undefined,
    );
    if (!changed) return;
    this.#log.info({ callbackId: id, state: 'expired', outcome: 'expired' }, 'callback outcome');
    // A kept place that never reached the front leaves the line with it.
    if (record.mode === 'keep-place') await this.#deps.places?.releaseCallbackEntry(id);
  }

  /** The job's next run, from the record as it is now. */
  async #plan(id: string): Promise<JobOutcome> {
    const r = await this.#deps.store.get(id);
    if (!r || isFinalCallbackState(r.state)) return undefined;
    const payload = { callbackId: id };
    if (r.state === 'queued') return { next: { dueAt: r.expiresAt, payload } };
    if (r.state === 'scheduled') return { next: { dueAt: r.dueAt, payload } };
    // Another delivery is dialling (our lease ran out under it): look again after a retry spacing.
    return { next: { dueAt: this.#deps.clock.now() + r.retryEveryMs, payload } };
  }
}

function final(r: CallbackRecord, state: FinalCallbackState): CallbackRecord {
  return { ...r, state, outcome: state };
}
