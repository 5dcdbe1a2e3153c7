import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryJobQueue } from '../../../src/adapters/memory/memory-job-queue.ts';
import { runJobQueueContract } from './job-queue.contract.ts';

runJobQueueContract('memory', async () => {
  const queue = new MemoryJobQueue();
  return { queue, close: () => queue.close() };
});

describe('MemoryJobQueue', () => {
  it('once marks expire after ttlMs on its clock', async () => {
    let now = 1_000;
    const q = new MemoryJobQueue({ now: () => now });
    assert.equal(await q.once('k', 5_000), true);
    now = 5_999;
    assert.equal(await q.once('k', 5_000), false);
    now = 6_000;
    assert.equal(await q.once('k', 5_000), true);
  });
});
