import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { JobQueue, ScheduledJob } from '../../../src/ports/job-queue.ts';
import { isHotlineError } from '../../../src/core/errors.ts';

/** One queue under test; `close` releases what the factory opened. */
export interface JobQueueFixture {
  queue: JobQueue;
  close(): Promise<void>;
}

export const T0 = Date.parse('2026-11-23T15:00:00Z');
const S = 1000;
const LEASE = 30 * S;

/** A job with test defaults. */
export function job(id: string, dueAt: number, payload: Record<string, unknown> = {}, kind = 'callback.attempt'): ScheduledJob {
  return { id, kind, dueAt, payload };
}

/**
 * The behaviour every `JobQueue` shares, run over the memory and Redis queues. Times are
 * absolute (`T0 + …`) and passed in; nothing sleeps. `once` expiry is adapter-specific (memory
 * reads an injected clock, Redis its own), so it is tested in each adapter's file.
 */
export function runJobQueueContract(name: string, factory: () => Promise<JobQueueFixture>): void {
  describe(`${name}: JobQueue contract`, () => {
    let fx: JobQueueFixture;
    let q: JobQueue;
    beforeEach(async () => {
      fx = await factory();
      q = fx.queue;
    });
    afterEach(() => fx.close());

    const claim = (now: number, limit = 10, node = 'node-a', leaseMs = LEASE) => q.claim({ now, limit, leaseMs, node });
    const ids = (jobs: { id: string }[]) => jobs.map((j) => j.id);

    it('claims due jobs in due order, ties by id, and leaves jobs not yet due', async () => {
      await q.schedule(job('c', T0 + 3 * S));
      await q.schedule(job('b', T0 + 1 * S));
      await q.schedule(job('a2', T0 + 2 * S));
      await q.schedule(job('a1', T0 + 2 * S));
      await q.schedule(job('later', T0 + 60 * S));
      assert.deepEqual(await claim(T0), []);
      const got = await claim(T0 + 3 * S, 10, 'node-a', 600 * S);
      assert.deepEqual(ids(got), ['b', 'a1', 'a2', 'c']);
      assert.deepEqual(await claim(T0 + 59 * S, 10, 'node-a', 600 * S), []);
      assert.deepEqual(ids(await claim(T0 + 60 * S, 10, 'node-a', 600 * S)), ['later']);
    });

    it('hands the claim its job, a lease, leaseUntil and deliveries = 1', async () => {
      const payload = { to: '+15550100', attempt: 1, list: [], nested: { big: 2 ** 53 - 1, text: 'Zoë ☎' } };
      assert.equal(await q.schedule(job('j1', T0, payload)), true);
      const [c] = await claim(T0 + 5 * S, 10, 'node-a', 20 * S);
      assert.ok(c);
      assert.deepEqual({ ...c, lease: undefined }, { id: 'j1', kind: 'callback.attempt', dueAt: T0, payload, lease: undefined, leaseUntil: T0 + 25 * S, deliveries: 1 });
      assert.equal(typeof c.lease, 'string');
      assert.ok(c.lease.length >= 16, 'a lease token is hard to guess');
      assert.deepEqual(await q.get('j1'), { id: 'j1', kind: 'callback.attempt', dueAt: T0, payload, claimedBy: 'node-a', leaseUntil: T0 + 25 * S });
    });

    it('claims at most limit jobs per call, the earliest first', async () => {
      for (let i = 0; i < 5; i++) await q.schedule(job(`j${i}`, T0 + i));
      assert.deepEqual(ids(await claim(T0 + 10, 2)), ['j0', 'j1']);
      assert.deepEqual(ids(await claim(T0 + 10, 2)), ['j2', 'j3']);
      assert.deepEqual(ids(await claim(T0 + 10, 2)), ['j4']);
      assert.deepEqual(await claim(T0 + 10, 2), []);
    });

    it('a claimed job is not claimed again while its lease runs', async () => {
      await q.schedule(job('j1', T0));
      assert.equal((await claim(T0, 10, 'node-a')).length, 1);
      assert.deepEqual(await claim(T0 + LEASE - 1, 10, 'node-b'), []);
    });

    it('redelivers a job whose lease ran out, with deliveries = 2 and a new lease; the old lease is then stale', async () => {
      await q.schedule(job('j1', T0, { n: 1 }));
      const [first] = await claim(T0, 10, 'node-a');
      const [second] = await claim(T0 + LEASE, 10, 'node-b');
      assert.ok(first && second);
      assert.equal(second.deliveries, 2);
      assert.deepEqual(second.payload, { n: 1 });
      assert.notEqual(second.lease, first.lease);
      assert.equal((await q.get('j1'))?.claimedBy, 'node-b');
      assert.equal(await q.complete('j1', first.lease), false);
      assert.equal(await q.extend('j1', first.lease, T0 + 10 * LEASE), false);
      assert.equal(await q.complete('j1', second.lease), true);
      assert.equal(await q.get('j1'), undefined);
    });

    it('complete removes the job; a second complete or a wrong lease fails', async () => {
      await q.schedule(job('j1', T0));
      const [c] = await claim(T0);
      assert.ok(c);
      assert.equal(await q.complete('j1', 'not-the-lease'), false);
      assert.equal(await q.complete('j1', c.lease), true);
      assert.equal(await q.get('j1'), undefined);
      assert.equal(await q.complete('j1', c.lease), false);
      assert.deepEqual(await claim(T0 + 10 * LEASE), []);
    });

    it('a lease that ran out still completes while nobody else has claimed the job', async () => {
      await q.schedule(job('j1', T0));
      const [c] = await claim(T0);
      assert.ok(c);
      assert.equal(await q.complete('j1', c.lease), true);
    });

    it('complete with next re-schedules the same id, unclaimed, and counts deliveries on', async () => {
      await q.schedule(job('j1', T0, { attempt: 1 }));
      const [c] = await claim(T0);
      assert.ok(c);
      assert.equal(await q.complete('j1', c.lease, { dueAt: T0 + 600 * S, payload: { attempt: 2 } }), true);
      assert.deepEqual(await q.get('j1'), { id: 'j1', kind: 'callback.attempt', dueAt: T0 + 600 * S, payload: { attempt: 2 } });
      assert.equal(await q.complete('j1', c.lease), false, 'the old lease ended with the completion');
      assert.deepEqual(await claim(T0 + 599 * S), []);
      const [again] = await claim(T0 + 600 * S);
      assert.equal(again?.deliveries, 2);
      assert.deepEqual(again?.payload, { attempt: 2 });
    });

    it('extend moves leaseUntil for the holder only', async () => {
      await q.schedule(job('j1', T0));
      const [c] = await claim(T0);
      assert.ok(c);
      assert.equal(await q.extend('j1', c.lease, T0 + 3 * LEASE), true);
      assert.equal((await q.get('j1'))?.leaseUntil, T0 + 3 * LEASE);
      assert.deepEqual(await claim(T0 + 2 * LEASE, 10, 'node-b'), []);
      assert.equal(await q.extend('j1', 'other', T0 + 9 * LEASE), false);
      assert.equal(await q.extend('missing', c.lease, T0 + 9 * LEASE), false);
      assert.equal((await claim(T0 + 3 * LEASE, 10, 'node-b')).length, 1);
    });

    it('cancel removes a waiting job, refuses a claimed one, and answers false for an unknown id', async () => {
      await q.schedule(job('j1', T0));
      await q.schedule(job('j2', T0 + 1));
      assert.equal(await q.cancel('j1'), true);
      assert.equal(await q.get('j1'), undefined);
      assert.equal(await q.cancel('j1'), false);
      assert.equal(await q.cancel('nope'), false);
      const [c] = await claim(T0 + 1);
      assert.equal(c?.id, 'j2');
      assert.equal(await q.cancel('j2'), false);
      assert.equal((await q.get('j2'))?.claimedBy, 'node-a');
    });

    it('schedule replaces a waiting job (time, kind, payload, deliveries) and refuses a claimed one', async () => {
      await q.schedule(job('j1', T0, { v: 1 }));
      assert.equal(await q.schedule(job('j1', T0 + 50 * S, { v: 2 }, 'other.kind')), true);
      assert.deepEqual(await q.get('j1'), { id: 'j1', kind: 'other.kind', dueAt: T0 + 50 * S, payload: { v: 2 } });
      assert.deepEqual(await claim(T0 + 49 * S), []);
      const [c] = await claim(T0 + 50 * S);
      assert.ok(c);
      assert.equal(await q.schedule(job('j1', T0, { v: 3 })), false);
      assert.deepEqual((await q.get('j1'))?.payload, { v: 2 });
      assert.equal(await q.complete('j1', c.lease, { dueAt: T0 + 60 * S, payload: { v: 4 } }), true);
      assert.equal(await q.schedule(job('j1', T0 + 70 * S, { v: 5 })), true);
      const [fresh] = await claim(T0 + 70 * S);
      assert.equal(fresh?.deliveries, 1, 'schedule starts the count again');
      assert.deepEqual(fresh?.payload, { v: 5 });
    });

    it('once is true for the first caller of a key only', async () => {
      assert.equal(await q.once('callback:c1:attempt:1:dial', 60 * S), true);
      assert.equal(await q.once('callback:c1:attempt:1:dial', 60 * S), false);
      assert.equal(await q.once('callback:c1:attempt:2:dial', 60 * S), true);
      const racing = await Promise.all(Array.from({ length: 10 }, () => q.once('race', 60 * S)));
      assert.equal(racing.filter(Boolean).length, 1);
    });

    it('does not alias payloads: changing a returned or passed object changes nothing stored', async () => {
      const payload = { list: [1] };
      await q.schedule(job('j1', T0, payload));
      payload.list.push(2);
      const got = await q.get('j1');
      (got?.payload.list as number[]).push(3);
      assert.deepEqual((await q.get('j1'))?.payload, { list: [1] });
    });

    it('refuses malformed requests with HOTLINE_ERR_BAD_REQUEST', async () => {
      const bad = (p: Promise<unknown>) => assert.rejects(p, (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
      await bad(q.schedule(job('', T0)));
      await bad(q.schedule({ id: 'j', kind: 'k', dueAt: Number.NaN, payload: {} }));
      await bad(q.schedule({ id: 'j', kind: 'k', dueAt: T0, payload: [] as unknown as Record<string, unknown> }));
      await bad(q.claim({ now: T0, limit: 0, leaseMs: LEASE, node: 'n' }));
      await bad(q.claim({ now: T0, limit: 1, leaseMs: LEASE, node: '' }));
      await bad(q.once('', 1000));
      assert.equal(await q.get('j'), undefined);
    });

    it('fails with HOTLINE_ERR_STORE once closed', async () => {
      await q.close();
      await assert.rejects(q.schedule(job('j1', T0)), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
      await assert.rejects(q.claim({ now: T0, limit: 1, leaseMs: LEASE, node: 'n' }), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    });
  });
}
