import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner, retryDelayMs, type JobRunnerOptions } from '../../src/core/jobs/job-runner.ts';
import { MemoryJobQueue } from '../../src/adapters/memory/memory-job-queue.ts';
import { ManualClock, settle } from '../../src/adapters/clock/manual-clock.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { ClaimedJob, JobQueue } from '../../src/ports/job-queue.ts';

const T0 = Date.parse('2026-11-23T15:00:00Z');
const S = 1000;

interface Entry {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** A logger that keeps what it is given, bindings included. */
function recordingLogger(entries: Entry[], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: string) => (obj: object | string, msg?: string) => {
    if (typeof obj === 'string') entries.push({ level, msg: obj, fields: { ...bindings } });
    else entries.push({ level, msg: msg ?? '', fields: { ...bindings, ...obj } });
  };
  return {
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('JobRunner', () => {
  let clock: ManualClock;
  let queue: MemoryJobQueue;
  let logs: Entry[];
  let runner: JobRunner;
  const make = (options: Partial<JobRunnerOptions> = {}) =>
    new JobRunner({ queue, clock, logger: recordingLogger(logs), node: 'node-a', pollMs: 500, leaseMs: 10 * S, ...options });

  beforeEach(() => {
    clock = new ManualClock(T0);
    queue = new MemoryJobQueue({ now: () => clock.now() });
    logs = [];
    runner = make();
  });
  afterEach(async () => {
    await runner.stop();
    clock.dispose();
  });

  it('polls on the clock and runs the handler of each due job once, then removes it', async () => {
    const seen: { id: string; at: number; deliveries: number; payload: unknown }[] = [];
    runner.handle('callback.attempt', async (job) => {
      seen.push({ id: job.id, at: clock.now(), deliveries: job.deliveries, payload: job.payload });
    });
    await queue.schedule({ id: 'j1', kind: 'callback.attempt', dueAt: T0 + 2 * S, payload: { to: '+15550100' } });
    runner.start();
    await clock.advance(1999);
    assert.deepEqual(seen, []);
    await clock.advance(1);
    assert.deepEqual(seen, [{ id: 'j1', at: T0 + 2 * S, deliveries: 1, payload: { to: '+15550100' } }]);
    assert.equal(await queue.get('j1'), undefined);
    await clock.advance(60 * S);
    assert.equal(seen.length, 1);
  });

  it('re-schedules a job at the next the handler returns', async () => {
    const attempts: number[] = [];
    runner.handle('callback.attempt', async (job) => {
      const attempt = job.payload.attempt as number;
      attempts.push(attempt);
      if (attempt < 3) return { next: { dueAt: clock.now() + 60 * S, payload: { attempt: attempt + 1 } } };
    });
    await queue.schedule({ id: 'cb', kind: 'callback.attempt', dueAt: T0, payload: { attempt: 1 } });
    runner.start();
    await clock.advance(500);
    assert.deepEqual(attempts, [1]);
    assert.deepEqual(await queue.get('cb'), { id: 'cb', kind: 'callback.attempt', dueAt: T0 + 500 + 60 * S, payload: { attempt: 2 } });
    await clock.advance(60 * S);
    assert.deepEqual(attempts, [1, 2]);
    await clock.advance(60 * S);
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.equal(await queue.get('cb'), undefined);
  });

  it('a handler that throws is retried after 2^deliveries s (at most 60 s) and the failure is logged', async () => {
    const runs: { at: number; deliveries: number }[] = [];
    runner.handle('flaky', async (job) => {
      runs.push({ at: clock.now(), deliveries: job.deliveries });
      if (job.deliveries < 3) throw new Error('PBX said no');
    });
    await queue.schedule({ id: 'f', kind: 'flaky', dueAt: T0, payload: { keep: true } });
    runner.start();
    await clock.advance(500);
    assert.deepEqual(runs, [{ at: T0 + 500, deliveries: 1 }]);
    const retry = await queue.get('f');
    assert.equal(retry?.dueAt, T0 + 500 + 2 * S);
    assert.deepEqual(retry?.payload, { keep: true });
    assert.equal(retry?.claimedBy, undefined);
    const failure = logs.find((l) => l.level === 'error');
    assert.equal(failure?.msg, 'job handler failed; retrying later');
    assert.equal((failure?.fields.err as Error).message, 'PBX said no');
    assert.equal(failure?.fields.jobId, 'f');
    assert.equal(failure?.fields.retryAt, T0 + 500 + 2 * S);
    await clock.advance(2 * S);
    assert.deepEqual(runs.at(-1), { at: T0 + 2500, deliveries: 2 });
    assert.equal((await queue.get('f'))?.dueAt, T0 + 2500 + 4 * S);
    await clock.advance(4 * S);
    assert.deepEqual(runs.at(-1), { at: T0 + 6500, deliveries: 3 });
    assert.equal(await queue.get('f'), undefined);
    assert.deepEqual([1, 2, 5, 6, 7, 20].map(retryDelayMs), [2 * S, 4 * S, 32 * S, 60 * S, 60 * S, 60 * S]);
  });

  it('a job of a kind with no handler is logged and retried, not dropped', async () => {
    await queue.schedule({ id: 'x', kind: 'unknown.kind', dueAt: T0, payload: {} });
    runner.start();
    await clock.advance(500);
    assert.equal((await queue.get('x'))?.dueAt, T0 + 500 + 2 * S);
    assert.ok(logs.some((l) => l.level === 'error' && (l.fields.err as Error).message.includes('unknown.kind')));
  });

  it('extends the lease every half lease while a handler runs, so no other node takes the job', async () => {
    const gate = deferred();
    let started = 0;
    runner.handle('slow', async () => {
      started++;
      await gate.promise;
    });
    await queue.schedule({ id: 's', kind: 'slow', dueAt: T0, payload: {} });
    runner.start();
    await clock.advance(500); // claimed at T0+500 until T0+10500
    assert.equal(started, 1);
    assert.equal((await queue.get('s'))?.leaseUntil, T0 + 10_500);
    await clock.advance(5 * S); // half a lease: renewed to T0+5500+10000
    assert.equal((await queue.get('s'))?.leaseUntil, T0 + 15_500);
    await clock.advance(5 * S);
    assert.equal((await queue.get('s'))?.leaseUntil, T0 + 20_500);
    // another node polling after the first lease would have run out gets nothing
    assert.deepEqual(await queue.claim({ now: clock.now(), limit: 10, leaseMs: 10 * S, node: 'node-b' }), []);
    gate.resolve();
    await settle();
    await settle();
    assert.equal(await queue.get('s'), undefined);
    assert.equal(started, 1);
    assert.equal(clock.pendingCount(), 1, 'only the poll timer is left: renewals stop with the handler');
  });

  it('ctl.extend moves the lease by the handler\'s own amount', async () => {
    const gate = deferred();
    const answers: boolean[] = [];
    runner.handle('slow', async (_job, ctl) => {
      answers.push(await ctl.extend(120 * S));
      await gate.promise;
    });
    await queue.schedule({ id: 's', kind: 'slow', dueAt: T0, payload: {} });
    runner.start();
    await clock.advance(500);
    assert.deepEqual(answers, [true]);
    assert.equal((await queue.get('s'))?.leaseUntil, T0 + 500 + 120 * S);
    gate.resolve();
  });

  it('logs a lost lease and does not claim the job back when another node has redelivered it', async () => {
    const gate = deferred();
    let held: ClaimedJob | undefined;
    runner = make({ leaseMs: 10 * S });
    runner.handle('slow', async (job) => {
      held = job;
      await gate.promise;
    });
    await queue.schedule({ id: 's', kind: 'slow', dueAt: T0, payload: {} });
    runner.start();
    await clock.advance(500);
    assert.ok(held);
    // someone steals the job (as if our renewal had not reached Redis in time)
    const [stolen] = await queue.claim({ now: held.leaseUntil, limit: 1, leaseMs: 60 * S, node: 'node-b' });
    assert.equal(stolen?.deliveries, 2);
    await clock.advance(5 * S); // the renewal is refused
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg.startsWith('job lease lost while its handler runs')));
    gate.resolve();
    await settle();
    await settle();
    assert.equal((await queue.get('s'))?.claimedBy, 'node-b', 'our completion did not remove node-b\'s claim');
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg.startsWith('job lease lost before completion')));
  });

  it('claims at most batch jobs at a time and takes more as handlers finish', async () => {
    runner = make({ batch: 2 });
    const gates = new Map<string, { resolve(): void }>();
    runner.handle('k', async (job) => {
      const gate = deferred();
      gates.set(job.id, gate);
      await gate.promise;
    });
    for (const id of ['a', 'b', 'c', 'd']) await queue.schedule({ id, kind: 'k', dueAt: T0, payload: {} });
    runner.start();
    await clock.advance(500);
    assert.deepEqual([...gates.keys()], ['a', 'b']);
    assert.equal(runner.runningCount, 2);
    await clock.advance(500);
    assert.deepEqual([...gates.keys()], ['a', 'b'], 'no capacity, no claim');
    gates.get('a')!.resolve();
    await settle();
    await clock.advance(500);
    assert.deepEqual([...gates.keys()], ['a', 'b', 'c']);
    for (const g of gates.values()) g.resolve();
    await settle();
    await clock.advance(500);
    assert.deepEqual([...gates.keys()], ['a', 'b', 'c', 'd']);
    gates.get('d')!.resolve();
  });

  it('stop ends polling and waits for running handlers to finish and be recorded', async () => {
    const gate = deferred();
    let runs = 0;
    runner.handle('k', async () => {
      runs++;
      await gate.promise;
    });
    await queue.schedule({ id: 'a', kind: 'k', dueAt: T0, payload: {} });
    runner.start();
    await clock.advance(500);
    assert.equal(runs, 1);
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false, 'stop waits for the handler');
    gate.resolve();
    await stopping;
    assert.equal(await queue.get('a'), undefined, 'the job was completed before stop resolved');
    await queue.schedule({ id: 'b', kind: 'k', dueAt: clock.now(), payload: {} });
    await clock.advance(10 * S);
    assert.equal(runs, 1, 'no polling after stop');
    assert.equal(clock.pendingCount(), 0);
  });

  it('keeps polling after the queue fails, logging the failure', async () => {
    let fail = true;
    const flaky: JobQueue = new Proxy(queue, {
      get(target, prop, receiver) {
        if (prop === 'claim' && fail) return async () => Promise.reject(new Error('redis down'));
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    runner = make({ queue: flaky });
    let runs = 0;
    runner.handle('k', async () => {
      runs++;
    });
    await queue.schedule({ id: 'a', kind: 'k', dueAt: T0, payload: {} });
    runner.start();
    await clock.advance(500);
    assert.equal(runs, 0);
    assert.ok(logs.some((l) => l.level === 'error' && l.msg === 'job claim failed'));
    fail = false;
    await clock.advance(500);
    assert.equal(runs, 1);
  });

  it('a redelivered job (lease ran out on a dead node) runs again with deliveries = 2', async () => {
    await queue.schedule({ id: 'a', kind: 'k', dueAt: T0, payload: {} });
    // a node that claims and dies
    await queue.claim({ now: T0, limit: 1, leaseMs: 10 * S, node: 'dead-node' });
    const seen: number[] = [];
    runner.handle('k', async (job) => {
      seen.push(job.deliveries);
    });
    runner.start();
    await clock.advance(9500);
    assert.deepEqual(seen, []);
    await clock.advance(500);
    assert.deepEqual(seen, [2]);
  });
});
