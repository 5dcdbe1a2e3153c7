import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisConnection } from '../../../src/adapters/redis/redis-client.ts';
import { RedisSessionStore } from '../../../src/adapters/redis/redis-session-store.ts';
import { RedisFlowVersionStore } from '../../../src/adapters/redis/redis-flow-version-store.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { useRedisServer } from '../../support/redis-server.ts';
import { runStoreBehaviour, sessionRecord } from '../memory/session-store-behaviour.ts';

const redis = useRedisServer();

runStoreBehaviour('redis stores', async () => {
  await redis.admin.sendCommand(['FLUSHALL']);
  const conn = await createRedisConnection(redis.url);
  return {
    sessions: new RedisSessionStore(conn),
    versions: new RedisFlowVersionStore(conn),
    close: () => conn.close(),
  };
});

describe('RedisSessionStore layout', () => {
  it('keeps records as JSON under hotline:session:<callId> and indexes active calls', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisSessionStore(redis.admin, { closeConnection: false });
    await store.save(sessionRecord('c1'));
    assert.deepEqual(JSON.parse(String(await redis.admin.sendCommand(['GET', 'hotline:session:c1']))), sessionRecord('c1'));
    assert.deepEqual(await redis.admin.sendCommand(['SMEMBERS', 'hotline:sessions:active']), ['c1']);
    assert.equal(await redis.admin.sendCommand(['PTTL', 'hotline:session:c1']), -1);
  });

  it('gives an ended record a PX expiry of retainMs and keeps it when saved again', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisSessionStore(redis.admin, { closeConnection: false });
    await store.save(sessionRecord('c1'));
    await store.end(sessionRecord('c1', { endedAt: 5_000 }), 60_000);
    const ttl = Number(await redis.admin.sendCommand(['PTTL', 'hotline:session:c1']));
    assert.ok(ttl > 55_000 && ttl <= 60_000, `PTTL ${ttl}`);
    await store.save(sessionRecord('c1', { state: 'ended', endedAt: 5_000 }));
    assert.ok(Number(await redis.admin.sendCommand(['PTTL', 'hotline:session:c1'])) > 0);
    assert.deepEqual(await redis.admin.sendCommand(['SMEMBERS', 'hotline:sessions:active']), []);
    assert.deepEqual(await redis.admin.sendCommand(['ZRANGE', 'hotline:sessions:ended', '0', '-1']), ['c1']);
    assert.equal(Number(await redis.admin.sendCommand(['ZSCORE', 'hotline:sessions:ended', 'c1'])), 5000);
  });

  it('skips and prunes index entries whose record expired', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisSessionStore(redis.admin, { closeConnection: false });
    await store.save(sessionRecord('gone'));
    await store.save(sessionRecord('here'));
    await store.end(sessionRecord('old', { endedAt: 1_000 }), 60_000);
    await store.end(sessionRecord('new', { endedAt: 2_000 }), 60_000);
    // Expiry is Redis's job; deleting the key stands in for it without waiting.
    await redis.admin.sendCommand(['DEL', 'hotline:session:gone', 'hotline:session:old']);
    assert.deepEqual((await store.listActive()).map((r) => r.callId), ['here']);
    assert.deepEqual((await store.listEnded(10)).map((r) => r.callId), ['new']);
    assert.deepEqual(await redis.admin.sendCommand(['SMEMBERS', 'hotline:sessions:active']), ['here']);
    assert.deepEqual(await redis.admin.sendCommand(['ZRANGE', 'hotline:sessions:ended', '0', '-1']), ['new']);
  });

  it('uses a key prefix when given one', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const store = new RedisSessionStore(redis.admin, { keyPrefix: 'test:', closeConnection: false });
    await store.save(sessionRecord('c1'));
    assert.equal(await redis.admin.sendCommand(['EXISTS', 'test:session:c1']), 1);
  });

  it('fails with HOTLINE_ERR_STORE after close, and close is idempotent', async () => {
    const conn = await createRedisConnection(redis.url);
    const store = new RedisSessionStore(conn);
    await store.close();
    await store.close();
    await assert.rejects(store.get('c1'), (err) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
  });

  it('translates a dead server into HOTLINE_ERR_STORE', async () => {
    await assert.rejects(createRedisConnection('redis://127.0.0.1:1', { connectTimeoutMs: 500 }), (err) =>
      isHotlineError(err, 'HOTLINE_ERR_STORE'),
    );
  });
});
