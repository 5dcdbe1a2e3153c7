import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisConnection } from '../../../src/adapters/redis/redis-client.ts';
import { RedisRecordingStore } from '../../../src/adapters/redis/redis-recording-store.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { startRedis, useRedisServer } from '../../support/redis-server.ts';
import { T0, recording, running, runRecordingStoreContract } from './recording-store.contract.ts';

const redis = useRedisServer();

runRecordingStoreContract(
  'redis',
  async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const conn = await createRedisConnection(redis.url);
    const store = new RedisRecordingStore(conn, { closeConnection: true });
    return { store, close: () => store.close() };
  },
  {
    down: async () => {
      const other = await startRedis();
      const conn = await createRedisConnection(other.url);
      const store = new RedisRecordingStore(conn, { closeConnection: true });
      await store.list(); // up and answering first
      await other.stop();
      return { store, close: () => store.close() };
    },
  },
);

const keys = async (): Promise<string[]> => ((await redis.admin.sendCommand(['KEYS', '*'])) as string[]).sort();
const members = (key: string) => redis.admin.sendCommand(['ZRANGE', key, '0', '-1']);
const score = async (key: string, member: string) => Number(await redis.admin.sendCommand(['ZSCORE', key, member]));

describe('RedisRecordingStore layout', () => {
  it('keeps the metadata as JSON under hotline:recording:<id> and indexes it by start, call, queue and end', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisRecordingStore(redis.admin);
    const meta = recording('rec-c1-call-1', { callId: 'c1', queue: 'sales' });
    await store.put(meta);
    assert.deepEqual(JSON.parse(String(await redis.admin.sendCommand(['GET', 'hotline:recording:rec-c1-call-1']))), meta);
    assert.deepEqual(await keys(), [
      'hotline:recording:rec-c1-call-1',
      'hotline:recordings:call:c1',
      'hotline:recordings:ended',
      'hotline:recordings:queue:sales',
      'hotline:recordings:started',
    ]);
    for (const index of ['started', 'call:c1', 'queue:sales']) {
      assert.deepEqual(await members(`hotline:recordings:${index}`), ['rec-c1-call-1']);
      assert.equal(await score(`hotline:recordings:${index}`, 'rec-c1-call-1'), T0);
    }
    assert.deepEqual(await members('hotline:recordings:ended'), ['rec-c1-call-1']);
    assert.equal(await score('hotline:recordings:ended', 'rec-c1-call-1'), meta.endedAt);
    assert.equal(await redis.admin.sendCommand(['PTTL', 'hotline:recording:rec-c1-call-1']), -1, 'retention is the service’s sweep, not a TTL');
  });

  it('a replacement leaves no member behind in the old call and queue indexes; delete leaves no key at all', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisRecordingStore(redis.admin, { keyPrefix: 'test:' });
    await store.put(running('r1', { callId: 'c1', queue: 'sales' }));
    assert.deepEqual(await members('test:recordings:ended'), []);
    await store.put(recording('r1', { callId: 'c2', queue: 'support' }));
    assert.deepEqual(await keys(), [
      'test:recording:r1',
      'test:recordings:call:c2',
      'test:recordings:ended',
      'test:recordings:queue:support',
      'test:recordings:started',
    ]);
    assert.equal(await store.delete('r1'), true);
    assert.deepEqual(await keys(), []);
  });

  it('a stale index member (a lost race between two nodes) never shows in a listing', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisRecordingStore(redis.admin);
    await store.put(recording('r1', { queue: 'support' }));
    await store.put(recording('r2', { queue: 'sales', startedAt: T0 - 1 }));
    await redis.admin.sendCommand(['ZADD', 'hotline:recordings:queue:sales', String(T0), 'r1']);
    await redis.admin.sendCommand(['ZADD', 'hotline:recordings:queue:sales', String(T0 + 1), 'gone']);
    assert.deepEqual((await store.list({ queue: 'sales' })).map((m) => m.id), ['r2']);
    assert.deepEqual((await store.list({ queues: ['sales', 'support'] })).map((m) => m.id), ['r1', 'r2']);
  });

  it('refuses metadata whose times Redis could not score', async () => {
    const store = new RedisRecordingStore(redis.admin);
    await assert.rejects(store.put(recording('r1', { startedAt: Number.NaN })), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
    await assert.rejects(store.put(recording('', {})), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
  });

  it('a closed store answers HOTLINE_ERR_STORE and closes the connection only when it owns it', async () => {
    const conn = await createRedisConnection(redis.url);
    const borrowed = new RedisRecordingStore(conn);
    await borrowed.close();
    await assert.rejects(borrowed.get('r1'), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    assert.equal(await conn.sendCommand(['PING']), 'PONG', 'the connection is still open');
    const owner = new RedisRecordingStore(conn, { closeConnection: true });
    await owner.close();
    await assert.rejects(conn.sendCommand(['PING']));
  });
});
