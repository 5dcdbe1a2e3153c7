import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisConnection } from '../../../src/adapters/redis/redis-client.ts';
import { RedisAcdStore } from '../../../src/adapters/redis/redis-acd-store.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { startRedis, useRedisServer } from '../../support/redis-server.ts';
import { T0, queue, runAcdStoreContract } from './acd-store.contract.ts';

const redis = useRedisServer();

runAcdStoreContract('redis', async () => {
  await redis.admin.sendCommand(['FLUSHALL']);
  const conn = await createRedisConnection(redis.url);
  const store = new RedisAcdStore(conn, { closeConnection: true });
  return { store, close: () => store.close() };
});

describe('RedisAcdStore', () => {
  it('keeps its keys under the prefix and callers in a sorted set scored by priority then time', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisAcdStore(redis.admin, { keyPrefix: 'test:acd:' });
    await store.setQueues([queue('q')]);
    // the latest time a score allows with the highest priority gap stays exact in a double
    await store.enqueue({ callId: 'late', queue: 'q', priority: 0, node: 'n', enqueuedAt: 2 ** 42 - 1 }, T0);
    await store.enqueue({ callId: 'early', queue: 'q', priority: 0, node: 'n', enqueuedAt: 2 ** 42 - 2 }, T0);
    await store.enqueue({ callId: 'vip', queue: 'q', priority: 1000, node: 'n' }, T0);
    const keys = ((await redis.admin.sendCommand(['KEYS', '*'])) as string[]).sort();
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith('test:acd:')), keys.join(' '));
    assert.deepEqual(await redis.admin.sendCommand(['ZRANGE', 'test:acd:q:q:line', '0', '-1']), ['vip', 'early', 'late']);
    assert.equal(Number(await redis.admin.sendCommand(['ZSCORE', 'test:acd:q:q:line', 'late'])), 1000 * 2 ** 42 + 2 ** 42 - 1);
    assert.equal((await store.getCaller('late'))?.enqueuedAt, 2 ** 42 - 1);
  });

  it('reloads its scripts after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisAcdStore(redis.admin);
    await store.init();
    await store.setQueues([queue('q')]);
    await redis.admin.sendCommand(['SCRIPT', 'FLUSH']);
    assert.equal((await store.enqueue({ callId: 'c1', queue: 'q', priority: 0, node: 'n' }, T0)).state, 'waiting');
  });

  it('fails with HOTLINE_ERR_STORE when Redis is gone', async () => {
    const other = await startRedis();
    const conn = await createRedisConnection(other.url);
    const store = new RedisAcdStore(conn, { closeConnection: true });
    await store.ping();
    await other.stop();
    await assert.rejects(store.route('q', T0), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    await store.close();
    await assert.rejects(store.ping(), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
  });

  it('two connections racing route, routeAgent and setAgentState never double-book an agent or a caller', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const c1 = await createRedisConnection(redis.url);
    const c2 = await createRedisConnection(redis.url);
    const one = new RedisAcdStore(c1, { closeConnection: true });
    const two = new RedisAcdStore(c2, { closeConnection: true });
    try {
      await one.setQueues([queue('a', { strategy: 'round-robin' }), queue('b', { strategy: 'ring-all' }), queue('c', { strategy: 'fewest-calls' })]);
      const agents = Array.from({ length: 40 }, (_, i) => `ag${i}`);
      const callers = Array.from({ length: 200 }, (_, i) => `call${i}`);
      await Promise.all(agents.map((id, i) => (i % 2 ? one : two).login({ id, endpoint: `sim:${id}`, skills: {}, queues: i % 3 ? null : ['a'] }, T0)));
      await Promise.all(callers.map((id, i) => (i % 2 ? two : one).enqueue({ callId: id, queue: 'abc'[i % 3]!, priority: i % 7, node: `node-${i % 2}` }, T0 + i)));
      let now = T0 + 1000;
      for (let round = 0; round < 6; round++) {
        now += 1000;
        const at = now;
        await Promise.all([
          ...['a', 'b', 'c'].flatMap((q) => [one.route(q, at), two.route(q, at)]),
          ...agents.map((id, i) => ((i + round) % 2 ? one : two).routeAgent(id, at)),
          ...agents.map((id, i) =>
            (i % 2 ? two : one).setAgentState(id, round % 2 ? 'available' : 'paused', 'break', at).catch((err: unknown) => {
              if (!isHotlineError(err, 'HOTLINE_ERR_ILLEGAL_STATE')) throw err; // offered agents refuse
            }),
          ),
        ]);
        // answer half of what rings, fail the rest, from both connections at once
        const offers = [...(await one.takeOffers('node-0')), ...(await two.takeOffers('node-1'))];
        await Promise.all(
          offers.map((o, i) =>
            i % 2
              ? (i % 4 === 1 ? one : two).offerAnswered(o.offerId, o.agentIds[o.agentIds.length - 1]!, at + 1).then(async (r) => {
                  if (r.ok) await (i % 3 ? one : two).leave(o.callId, 'completed', at + 2, 0);
                })
              : Promise.all(o.agentIds.map((id) => one.offerFailed(o.offerId, id, 'missed', at + 1, 100))),
          ),
        );
      }
      const all = await one.listAgents();
      const byOffer = new Map<string, string[]>();
      for (const a of all) {
        if (a.state === 'offered') {
          assert.ok(a.offerId && a.callId, `${a.id} offered without an offer`);
          byOffer.set(a.offerId, [...(byOffer.get(a.offerId) ?? []), a.id]);
        } else {
          assert.equal(a.offerId === undefined || a.state === 'on-call', true, `${a.id} ${a.state} keeps offer ${a.offerId}`);
        }
      }
      let served = 0;
      let queued = 0;
      for (const id of callers) {
        const c = await one.getCaller(id);
        if (!c) {
          served++;
          continue;
        }
        queued++;
        if (c.state === 'offered') {
          const ringing = byOffer.get(c.offerId!) ?? [];
          assert.deepEqual([...ringing].sort(), [...c.agentIds].sort(), `caller ${id} and its agents disagree`);
          byOffer.delete(c.offerId!);
        } else {
          assert.equal(c.offerId, undefined);
        }
      }
      assert.equal(byOffer.size, 0, `agents ring for offers no caller holds: ${[...byOffer.keys()].join(' ')}`);
      const snapshots = await Promise.all(['a', 'b', 'c'].map((q) => one.queueSnapshot(q)));
      const counted = snapshots.reduce((n, s) => n + s.counters.handled + s.callers.length, 0);
      assert.equal(counted, callers.length, 'every caller is either handled or still in line');
      assert.equal(served + queued, callers.length);
      assert.ok(served > 0, 'some callers were served');
    } finally {
      await one.close();
      await two.close();
    }
  });
});
