import { pino } from 'pino';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { MemoryCallbackStore } from '../../src/adapters/memory/memory-callback-store.ts';
import { MemoryJobQueue } from '../../src/adapters/memory/memory-job-queue.ts';
import { CallbackService } from '../../src/core/callback/callback-service.ts';
import { callbackJobId, type CallbackPolicy, type DialOutcome } from '../../src/core/callback/callback-types.ts';
import type { BusinessHours } from '../../src/core/callback/slots.ts';
import type { CallbackRecord } from '../../src/ports/callback-store.ts';
import type { ClaimedJob } from '../../src/ports/job-queue.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { captureLines } from '../http/fakes.ts';

/** Monday 2026-11-23 09:00 in New York (EST). */
export const MON_0900 = Date.parse('2026-11-23T14:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const NY_HOURS: BusinessHours = {
  timezone: 'America/New_York',
  weekly: { 'mon-fri': '08:00-18:00' },
  holidays: ['2026-11-26'],
};

/** One dial the fake dialer saw. */
export interface Dial {
  id: string;
  n: number;
  at: number;
}

/** What a scripted dial does: an outcome, an error, a promise the test settles (a dial in progress), or what runs during the dial. */
export type Script = DialOutcome | Error | Promise<DialOutcome> | (() => Promise<DialOutcome>);

export interface Rig {
  clock: ManualClock;
  store: MemoryCallbackStore;
  jobs: MemoryJobQueue;
  service: CallbackService;
  dials: Dial[];
  /** Outcomes the dialer returns, in order (then `no-answer`). */
  script: Script[];
  /** Pino JSON lines logged so far. */
  lines(): Array<Record<string, any>>;
  /** Claims what is due now and runs each delivery to its end (complete with its `next`). */
  deliver(): Promise<number>;
  /** Advances to the callback's job due time and delivers; false when it has no job. */
  step(id: string): Promise<boolean>;
  /** Runs every step of a callback until its job is gone (at most `max` steps). */
  drain(id: string, max?: number): Promise<CallbackRecord>;
}

/** A service over memory stores, a manual clock at Monday 09:00 New York and a scripted dialer. */
export function callbackRig(options: { hours?: BusinessHours | null; policy?: Partial<CallbackPolicy>; start?: number; script?: Script[] } = {}): Rig {
  const clock = new ManualClock(options.start ?? MON_0900);
  const store = new MemoryCallbackStore();
  const jobs = new MemoryJobQueue({ now: () => clock.now() });
  const dials: Dial[] = [];
  const script: Script[] = [...(options.script ?? [])];
  const capture = captureLines();
  const logger = pino({ level: 'debug' }, capture.stream) as unknown as Logger;
  const hours = options.hours === null ? undefined : (options.hours ?? NY_HOURS);
  const policy: CallbackPolicy = { maxAttempts: 3, retryEveryMs: 10 * MIN, capacity: 5, expireAfterMs: 24 * HOUR, ...options.policy };
  const service = new CallbackService({
    store,
    jobs,
    clock,
    logger,
    hoursOf: () => hours,
    policy: () => policy,
    dialer: {
      async dial(callback, n) {
        dials.push({ id: callback.id, n, at: clock.now() });
        const next = script.shift() ?? 'no-answer';
        if (next instanceof Error) throw next;
        return typeof next === 'function' ? next() : next;
      },
    },
  });
  const runOne = async (job: ClaimedJob) => {
    const outcome = await service.attemptHandler(job, { extend: async () => true });
    await jobs.complete(job.id, job.lease, outcome ? outcome.next : undefined);
  };
  const rig: Rig = {
    clock,
    store,
    jobs,
    service,
    dials,
    script,
    lines: () => capture.lines(),
    async deliver() {
      const claimed = await jobs.claim({ now: clock.now(), limit: 100, leaseMs: 30_000, node: 'test' });
      for (const job of claimed) await runOne(job);
      return claimed.length;
    },
    async step(id) {
      const job = await jobs.get(callbackJobId(id));
      if (!job) return false;
      if (job.dueAt > clock.now()) await clock.advanceTo(job.dueAt);
      await rig.deliver();
      return true;
    },
    async drain(id, max = 50) {
      for (let i = 0; i < max && (await rig.step(id)); i++);
      return service.get(id);
    },
  };
  return rig;
}
