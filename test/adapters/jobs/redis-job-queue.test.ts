import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisConnection } from '../../../src/adapters/redis/redis-client.ts';
import { RedisJobQueue } from '../../../src/adapters/redis/redis-job-queue.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { startRedis, useRedisServer } from '../../support/redis-server.ts';
import { T0, job, runJobQueueContract } from './job-queue.contract.ts';

const redis = useRedisServer();

runJobQueueContract('redis', async () => {
  await redis.admin.sendCommand(['FLUSHALL']);
  const conn = await createRedisConnection(redis.url);
  const queue = new RedisJobQueue(conn, { closeConnection: true });
  return { queue, close: () => conn.close() };
});

describe('RedisJobQueue', () => {
  it('keeps its keys under the prefix: due and leased sorted sets, a hash per job', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const q = new RedisJobQueue(redis.admin, { keyPrefix: 'test:jobs:' });
    await q.schedule(job('a', T0 + 5));
    await q.schedule(job('b', T0 + 7));
    await q.claim({ now: T0 + 5, limit: 5, leaseMs: 100, node: 'n1' });
    await q.once('mark', 60_000);
    const keys = ((await redis.admin.sendCommand(['KEYS', '*'])) as string[]).sort();
    assert.deepEqual(keys, ['test:jobs:due', 'test:jobs:job:a', 'test:jobs:job:b', 'test:jobs:leased', 'test:jobs:once:mark']);
    assert.deepEqual(await redis.admin.sendCommand(['ZRANGE', 'test:jobs:due', '0', '-1']), ['b']);
    assert.equal(Number(await redis.admin.sendCommand(['ZSCORE', 'test:jobs:due', 'b'])), T0 + 7);
    assert.deepEqual(await redis.admin.sendCommand(['ZRANGE', 'test:jobs:leased', '0', '-1']), ['a']);
    assert.equal(Number(await redis.admin.sendCommand(['ZSCORE', 'test:jobs:leased', 'a'])), T0 + 105);
    assert.equal(await redis.admin.sendCommand(['HGET', 'test:jobs:job:a', 'claimedBy']), 'n1');
    const pttl = Number(await redis.admin.sendCommand(['PTTL', 'test:jobs:once:mark']));
    assert.ok(pttl > 50_000 && pttl <= 60_000, `PTTL ${pttl}`);
  });

  it('decides from Redis alone: a second queue object on another connection sees the first one\'s claims', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const conn = await createRedisConnection(redis.url);
    const one = new RedisJobQueue(redis.admin);
    const two = new RedisJobQueue(conn, { closeConnection: true });
    try {
      await one.schedule(job('j1', T0));
      const [c] = await one.claim({ now: T0, limit: 1, leaseMs: 1000, node: 'n1' });
      assert.ok(c);
      assert.deepEqual(await two.claim({ now: T0 + 999, limit: 1, leaseMs: 1000, node: 'n2' }), []);
      assert.equal(await two.schedule(job('j1', T0)), false);
      assert.equal(await two.complete('j1', c.lease), true);
      assert.equal(await one.get('j1'), undefined);
    } finally {
      await two.close();
    }
  });

  it('reloads its scripts after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const q = new RedisJobQueue(redis.admin);
    await q.init();
    await redis.admin.sendCommand(['SCRIPT', 'FLUSH']);
    assert.equal(await q.schedule(job('j1', T0)), true);
    assert.equal((await q.claim({ now: T0, limit: 1, leaseMs: 1000, node: 'n' })).length, 1);
  });

  it('fails with HOTLINE_ERR_STORE when Redis is gone', async () => {
    const other = await startRedis();
    const conn = await createRedisConnection(other.url);
    const q = new RedisJobQueue(conn, { closeConnection: true });
    await q.schedule(job('j1', T0));
    await other.stop();
    await assert.rejects(q.claim({ now: T0, limit: 1, leaseMs: 1000, node: 'n' }), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    await assert.rejects(q.once('k', 1000), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    await q.close();
  });

  it('two connections claiming 200 jobs concurrently never both get one: each job is claimed exactly once', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const setup = new RedisJobQueue(redis.admin);
    for (let i = 0; i < 200; i++) await setup.schedule(job(`j${String(i).padStart(3, '0')}`, T0 + (i % 17)));
    const conns = await Promise.all([createRedisConnection(redis.url), createRedisConnection(redis.url)]);
    const claimers = conns.map((c) => new RedisJobQueue(c, { closeConnection: true }));
    try {
      const claimedBy = new Map<string, string[]>();
      const loop = async (q: RedisJobQueue, node: string): Promise<number> => {
        let mine = 0;
        for (;;) {
          const got = await q.claim({ now: T0 + 100, limit: 3, leaseMs: 60_000, node });
          if (got.length === 0) return mine;
          for (const j of got) {
            claimedBy.set(j.id, [...(claimedBy.get(j.id) ?? []), node]);
            assert.equal(j.deliveries, 1);
          }
          mine += got.length;
        }
      };
      const [a, b] = await Promise.all([loop(claimers[0]!, 'n1'), loop(claimers[1]!, 'n2')]);
      assert.equal(a + b, 200);
      assert.ok(a > 0 && b > 0, `both claimers took part (${a} / ${b})`);
      assert.equal(claimedBy.size, 200);
      for (const [id, nodes] of claimedBy) {
        assert.equal(nodes.length, 1, `${id} claimed by ${nodes.join(', ')}`);
        assert.equal((await setup.get(id))?.claimedBy, nodes[0]);
      }
    } finally {
      await Promise.all(claimers.map((q) => q.close()));
    }
  });
});
