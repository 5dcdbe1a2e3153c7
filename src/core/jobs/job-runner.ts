import type { ClaimedJob, JobQueue } from '../../ports/job-queue.ts';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';

/** What a handler may do with its claim while it runs. */
export interface JobControl {
  /** Extends the lease to `ms` from now; false when the lease was lost (another node may run the job). */
  extend(ms: number): Promise<boolean>;
}

/** What a handler returns: nothing (the job is done) or the job's next run (same id). */
export type JobOutcome = { next?: { dueAt: number; payload: Record<string, unknown> } } | void;

/** Runs one delivery of a job. Throwing re-schedules it with backoff. */
export type JobHandler = (job: ClaimedJob, ctl: JobControl) => Promise<JobOutcome>;

/** Options of {@link JobRunner}. */
export interface JobRunnerOptions {
  queue: JobQueue;
  clock: Clock;
  logger: Logger;
  /** This node's id, recorded as `claimedBy`. */
  node: string;
  /** Time between polls. Default 500 ms. */
  pollMs?: number;
  /** Lease taken per claim, renewed every half lease while a handler runs. Default 30 s. */
  leaseMs?: number;
  /** Most jobs this runner handles at once. Default 20. */
  batch?: number;
}

/** Longest retry delay after a handler failed. */
export const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Delay before retrying a job whose handler failed on its `deliveries`-th delivery:
 * 2^deliveries seconds, at most a minute.
 */
export function retryDelayMs(deliveries: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, 2 ** Math.max(0, deliveries) * 1000);
}

interface Running {
  job: ClaimedJob;
  /** The lease end the queue last confirmed. */
  leaseUntil: number;
  renewal?: TimerHandle;
  /** The queue refused an extension: someone else may hold the job now. */
  lost: boolean;
  /** The handler returned or threw: no more renewals. */
  finished: boolean;
}

/**
 * Polls a {@link JobQueue} on the injected clock and runs the handler registered for each
 * claimed job's kind. Delivery is at least once: a handler may run again for the same job
 * (its node died, its lease ran out), so it guards side effects with `queue.once(...)`.
 *
 * @example
 * const runner = new JobRunner({ queue, clock: systemClock, logger, node: 'node-a' });
 * runner.handle('callback.attempt', async (job) => {
 *   if (await queue.once(`callback:${job.id}:attempt:${job.payload.attempt}:dial`, 86_400_000)) await dial(job.payload);
 * });
 * runner.start();
 * // on shutdown
 * await runner.stop();
 */
export class JobRunner {
  readonly #queue: JobQueue;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #node: string;
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #batch: number;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #running = new Map<string, Promise<void>>();
  #timer: TimerHandle | undefined;
  #polling: Promise<number> | undefined;
  #started = false;

  constructor(options: JobRunnerOptions) {
    this.#queue = options.queue;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'job-runner', node: options.node });
    this.#node = options.node;
    this.#pollMs = options.pollMs ?? 500;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#batch = options.batch ?? 20;
  }

  /** Registers the handler of `kind` (one per kind; a later one replaces it). */
  handle(kind: string, handler: JobHandler): void {
    this.#handlers.set(kind, handler);
  }

  /** Starts polling: the first poll is `pollMs` from now. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#arm();
  }

  /** Stops polling and resolves once every running handler has finished and been recorded. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#polling;
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }

  /** Jobs whose handler is running now. */
  get runningCount(): number {
    return this.#running.size;
  }

  /**
   * Claims what is due now (up to the free capacity) and starts its handlers; resolves with how
   * many jobs were claimed, without waiting for the handlers. Polls do not overlap: a call
   * during a poll joins it.
   */
  poll(): Promise<number> {
    this.#polling ??= this.#claimAndRun().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  #arm(): void {
    if (!this.#started) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.poll().finally(() => this.#arm());
    }, this.#pollMs);
  }

  async #claimAndRun(): Promise<number> {
    const limit = this.#batch - this.#running.size;
    if (limit <= 0) return 0;
    let jobs: ClaimedJob[];
    try {
      jobs = await this.#queue.claim({ now: this.#clock.now(), limit, leaseMs: this.#leaseMs, node: this.#node });
    } catch (err) {
      this.#logger.error({ err }, 'job claim failed');
      return 0;
    }
    for (const job of jobs) {
      const done = this.#run(job).finally(() => this.#running.delete(job.id));
      this.#running.set(job.id, done);
    }
    return jobs.length;
  }

  async #run(job: ClaimedJob): Promise<void> {
    const log = this.#logger.child({ jobId: job.id, kind: job.kind, deliveries: job.deliveries });
    const state: Running = { job, leaseUntil: job.leaseUntil, lost: false, finished: false };
    this.#renewLater(state, log);
    const ctl: JobControl = { extend: (ms) => this.#extend(state, this.#clock.now() + ms, log) };
    let outcome: JobOutcome = undefined;
    let failure: unknown;
    let failed = false;
    try {
      const handler = this.#handlers.get(job.kind);
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      outcome = await handler(job, ctl);
    } catch (err) {
      failed = true;
      failure = err;
    } finally {
      state.finished = true;
      if (state.renewal !== undefined) this.#clock.clearTimeout(state.renewal);
      state.renewal = undefined;
    }
    try {
      if (failed) {
        const dueAt = this.#clock.now() + retryDelayMs(job.deliveries);
        log.error({ err: failure, retryAt: dueAt }, 'job handler failed; retrying later');
        const kept = await this.#queue.complete(job.id, job.lease, { dueAt, payload: job.payload });
        if (!kept) log.warn('job lease lost before the retry was scheduled; the next holder runs it');
        return;
      }
      const next = outcome ? outcome.next : undefined;
      const kept = await this.#queue.complete(job.id, job.lease, next);
      if (!kept) log.warn('job lease lost before completion; the job may run again');
      else log.debug(next ? { nextDueAt: next.dueAt } : {}, next ? 'job re-scheduled' : 'job done');
    } catch (err) {
      // The lease runs out and another delivery happens: at least once, never lost.
      log.error({ err }, 'job completion failed; it will be delivered again');
    }
  }

  /** Renews the lease every half lease while the handler runs. */
  #renewLater(state: Running, log: Logger): void {
    const wait = Math.max(1, Math.floor(this.#leaseMs / 2));
    state.renewal = this.#clock.setTimeout(() => {
      state.renewal = undefined;
      // A failed attempt (Redis unreachable) is retried; a refused one means the lease is gone.
      void this.#extend(state, this.#clock.now() + this.#leaseMs, log).then(() => {
        if (!state.finished && !state.lost) this.#renewLater(state, log);
      });
    }, wait);
  }

  async #extend(state: Running, leaseUntil: number, log: Logger): Promise<boolean> {
    if (state.lost || state.finished) return false;
    try {
      const ok = await this.#queue.extend(state.job.id, state.job.lease, leaseUntil);
      if (ok) state.leaseUntil = leaseUntil;
      else {
        state.lost = true;
        log.warn('job lease lost while its handler runs; another node may run it too');
      }
      return ok;
    } catch (err) {
      log.error({ err }, 'job lease extension failed');
      return false;
    }
  }
}
