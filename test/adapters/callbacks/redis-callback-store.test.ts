import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisConnection } from '../../../src/adapters/redis/redis-client.ts';
import { RedisCallbackStore } from '../../../src/adapters/redis/redis-callback-store.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { startRedis, useRedisServer } from '../../support/redis-server.ts';
import { callback, runCallbackStoreContract } from './callback-store.contract.ts';

const redis = useRedisServer();

runCallbackStoreContract('redis', async () => {
  await redis.admin.sendCommand(['FLUSHALL']);
  const conn = await createRedisConnection(redis.url);
  const store = new RedisCallbackStore(conn, { closeConnection: true });
  return { store, close: () => store.close() };
});

describe('RedisCallbackStore', () => {
  it('keeps its keys under the prefix', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisCallbackStore(redis.admin, { keyPrefix: 'test:cb:' });
    await store.create(callback('a'));
    await store.reserveSlot('support', 'support:2026-11-23:am', 3);
    const keys = ((await redis.admin.sendCommand(['KEYS', '*'])) as string[]).sort();
    assert.deepEqual(keys, [
      'test:cb:callback-slot:support:support:2026-11-23:am',
      'test:cb:callback:a',
      'test:cb:callbacks:all',
      'test:cb:callbacks:number:+12125550123',
    ]);
    assert.ok(Number(await redis.admin.sendCommand(['PTTL', 'test:cb:callback-slot:support:support:2026-11-23:am'])) > 0, 'slot counters expire');
  });

  it('reloads its scripts after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisCallbackStore(redis.admin);
    const created = await store.create(callback('a'));
    await redis.admin.sendCommand(['SCRIPT', 'FLUSH']);
    assert.equal(await store.update({ ...created, state: 'dialing' }), true);
    await redis.admin.sendCommand(['SCRIPT', 'FLUSH']);
    assert.equal(await store.reserveSlot('q', 'k', 1), true);
  });

  it('two connections racing reserveSlot never exceed capacity, and racing update: one winner per version', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const one = new RedisCallbackStore(await createRedisConnection(redis.url), { closeConnection: true });
    const two = new RedisCallbackStore(await createRedisConnection(redis.url), { closeConnection: true });
    try {
      const slots = ['q:2026-11-23:am', 'q:2026-11-23:pm', 'q:2026-11-24:am'];
      const tries = await Promise.all(
        Array.from({ length: 300 }, (_, i) => (i % 2 ? one : two).reserveSlot('q', slots[i % 3]!, 11).then((ok) => [i % 3, ok] as const)),
      );
      for (let s = 0; s < 3; s++) assert.equal(tries.filter(([k, ok]) => k === s && ok).length, 11);
      assert.deepEqual(await one.slotsTaken('q', slots), [11, 11, 11]);

      // many rounds of both connections updating the same version: versions advance by exactly one per round
      let current = await one.create(callback('race'));
      for (let round = 0; round < 20; round++) {
        const from = current;
        const results = await Promise.all([
          one.update({ ...from, priority: 1, updatedAt: T(round) }),
          two.update({ ...from, priority: 2, updatedAt: T(round) }),
          one.update({ ...from, priority: 3, updatedAt: T(round) }),
          two.update({ ...from, priority: 4, updatedAt: T(round) }),
        ]);
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results.join(',')}`);
        current = (await two.get('race'))!;
        assert.equal(current.version, from.version + 1);
        assert.equal(current.priority, results.indexOf(true) + 1);
      }
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('fails with HOTLINE_ERR_STORE when Redis is gone', async () => {
    const other = await startRedis();
    const store = new RedisCallbackStore(await createRedisConnection(other.url), { closeConnection: true });
    await store.ping();
    await other.stop();
    await assert.rejects(store.get('a'), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    await assert.rejects(store.reserveSlot('q', 'k', 1), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    await store.close();
  });
});

function T(n: number): number {
  return Date.parse('2026-11-23T15:00:00Z') + n;
}
