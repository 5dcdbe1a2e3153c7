import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySessionStore } from '../../../src/adapters/memory/memory-session-store.ts';
import { MemoryFlowVersionStore } from '../../../src/adapters/memory/memory-flow-version-store.ts';
import { runStoreBehaviour, sessionRecord } from './session-store-behaviour.ts';

runStoreBehaviour('memory stores', async () => ({
  sessions: new MemorySessionStore(),
  versions: new MemoryFlowVersionStore(),
  close: async () => {},
}));

describe('MemorySessionStore retention', () => {
  it('drops an ended call once retainMs has passed on its clock', async () => {
    let now = 10_000;
    const store = new MemorySessionStore({ now: () => now });
    await store.end(sessionRecord('c1', { endedAt: 10_000 }), 5_000);
    now = 14_999;
    assert.equal((await store.get('c1'))?.state, 'ended');
    assert.equal((await store.listEnded(10)).length, 1);
    now = 15_000;
    assert.equal(await store.get('c1'), undefined);
    assert.deepEqual(await store.listEnded(10), []);
  });

  it('stamps endedAt from its clock when the record has none', async () => {
    const store = new MemorySessionStore({ now: () => 42_000 });
    await store.end(sessionRecord('c1'), 1_000);
    assert.equal((await store.get('c1'))?.endedAt, 42_000);
  });

  it('keeps the retention when an ended record is saved again', async () => {
    let now = 0;
    const store = new MemorySessionStore({ now: () => now });
    await store.end(sessionRecord('c1', { endedAt: 0 }), 1_000);
    await store.save(sessionRecord('c1', { state: 'ended', endedAt: 0, outcome: 'late-update' }));
    now = 1_000;
    assert.equal(await store.get('c1'), undefined);
  });
});
