import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisConnection } from '../../../src/adapters/redis/redis-client.ts';
import { RedisAuditLog } from '../../../src/adapters/redis/redis-audit-log.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { startRedis, useRedisServer } from '../../support/redis-server.ts';
import { T0, entry, runAuditLogContract } from './audit-log.contract.ts';

const redis = useRedisServer();

runAuditLogContract(
  'redis',
  async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const conn = await createRedisConnection(redis.url);
    const log = new RedisAuditLog(conn, { closeConnection: true });
    return { log, close: () => log.close() };
  },
  {
    down: async () => {
      const other = await startRedis();
      const conn = await createRedisConnection(other.url);
      const log = new RedisAuditLog(conn, { closeConnection: true });
      await log.list(); // up and answering first
      await other.stop();
      return { log, close: () => log.close() };
    },
  },
);

describe('RedisAuditLog layout', () => {
  it('appends to the stream hotline:audit; the entry id is the stream id', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const log = new RedisAuditLog(redis.admin);
    const a = await log.append(entry('recording.get', { recordingId: 'r1' }));
    const b = await log.append(entry('recording.audio', { recordingId: 'r1' }));
    assert.match(a.id, /^\d+-\d+$/);
    const rows = (await redis.admin.sendCommand(['XRANGE', 'hotline:audit', '-', '+'])) as [string, string[]][];
    assert.deepEqual(rows.map((r) => r[0]), [a.id, b.id]);
    assert.deepEqual(rows[0]![1], ['entry', JSON.stringify(entry('recording.get', { recordingId: 'r1' }))]);
    assert.equal(await redis.admin.sendCommand(['TYPE', 'hotline:audit']), 'stream');
  });

  it('never trims, and pages backwards through a long stream with exclusive bounds', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const log = new RedisAuditLog(redis.admin, { keyPrefix: 'test:', pageSize: 3 });
    for (let i = 0; i < 20; i++) await log.append(entry(i % 4 === 0 ? 'hit' : 'miss', { at: T0 + i }));
    assert.equal(await redis.admin.sendCommand(['XLEN', 'test:audit']), 20);
    const hits = await log.list({ action: 'hit' });
    assert.deepEqual(hits.map((e) => e.at - T0), [16, 12, 8, 4, 0], 'each entry once, none skipped at page edges');
    assert.deepEqual((await log.list({ since: T0 + 14 })).map((e) => e.at - T0), [19, 18, 17, 16, 15, 14]);
    assert.deepEqual((await log.list({ limit: 7 })).map((e) => e.at - T0), [19, 18, 17, 16, 15, 14, 13]);
  });

  it('two nodes appending at once lose nothing and get distinct, growing ids', async () => {
    await redis.admin.sendCommand(['FLUSHALL']);
    const c1 = await createRedisConnection(redis.url);
    const c2 = await createRedisConnection(redis.url);
    const one = new RedisAuditLog(c1, { closeConnection: true });
    const two = new RedisAuditLog(c2, { closeConnection: true });
    try {
      const made = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? one : two).append(entry(`a.${i}`, { at: T0 + i }))));
      assert.equal(new Set(made.map((e) => e.id)).size, 200);
      const listed = await one.list({ limit: 1000 });
      assert.equal(listed.length, 200);
      const seq = listed.map((e) => e.id.split('-').map(Number) as [number, number]);
      for (let i = 1; i < seq.length; i++) {
        const [ms, n] = seq[i]!;
        const [pms, pn] = seq[i - 1]!;
        assert.ok(ms < pms || (ms === pms && n < pn), `ids descend: ${listed[i - 1]!.id} then ${listed[i]!.id}`);
      }
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('a closed log answers HOTLINE_ERR_STORE', async () => {
    const log = new RedisAuditLog(redis.admin);
    await log.close();
    await assert.rejects(log.append(entry('x')), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
    await assert.rejects(log.list(), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE'));
  });
});
