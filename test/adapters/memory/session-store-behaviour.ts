import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowVersionStore, SessionRecord, SessionStore } from '../../../src/ports/stores.ts';

/** One store pair under test; `close` releases what the factory opened. */
export interface StoreFixture {
  sessions: SessionStore;
  versions: FlowVersionStore;
  close(): Promise<void>;
}

/** A session record with sensible defaults. */
export function sessionRecord(callId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    callId,
    legId: callId,
    driver: 'sim',
    direction: 'inbound',
    from: '+15551230000',
    to: '100',
    flowId: 'support-line',
    flowVersion: 'v1',
    state: 'active',
    step: 'main-menu',
    path: ['welcome', 'main-menu'],
    variables: { tier: 'gold', order: { id: 42, items: ['a', 'b'] } },
    prompts: [{ playbackId: 'p1', step: 'welcome', media: [{ kind: 'sound', name: 'welcome' }], at: 1000, state: 'finished' }],
    startedAt: 1_000,
    snapshot: { value: 'main-menu', context: { attempts: 1, text: 'élan ☎' } },
    runtime: { timers: [{ id: 'menu.timeout', dueAt: 6_000 }], inflight: {} },
    updatedAt: 2_000,
    ...overrides,
  };
}

/**
 * The behaviour every `SessionStore`/`FlowVersionStore` pair shares, written once and run over
 * the memory and the Redis stores.
 */
export function runStoreBehaviour(name: string, factory: () => Promise<StoreFixture>): void {
  describe(name, () => {
    let fx: StoreFixture;
    beforeEach(async () => {
      fx = await factory();
    });
    afterEach(async () => {
      await fx.close();
    });

    it('returns what was saved, and nothing for an unknown call', async () => {
      const record = sessionRecord('c1');
      await fx.sessions.save(record);
      assert.deepEqual(await fx.sessions.get('c1'), record);
      assert.equal(await fx.sessions.get('nope'), undefined);
    });

    it('keeps its own copy: mutating the saved or returned object changes nothing stored', async () => {
      const record = sessionRecord('c1');
      await fx.sessions.save(record);
      record.step = 'changed';
      const read = await fx.sessions.get('c1');
      assert.equal(read?.step, 'main-menu');
      read!.variables.tier = 'bronze';
      assert.equal((await fx.sessions.get('c1'))?.variables.tier, 'gold');
    });

    it('replaces a record on save and lists each active call once, oldest first', async () => {
      await fx.sessions.save(sessionRecord('late', { startedAt: 5_000 }));
      await fx.sessions.save(sessionRecord('early', { startedAt: 1_000 }));
      await fx.sessions.save(sessionRecord('early', { startedAt: 1_000, step: 'billing', updatedAt: 3_000 }));
      const active = await fx.sessions.listActive();
      assert.deepEqual(active.map((r) => r.callId), ['early', 'late']);
      assert.equal(active[0]?.step, 'billing');
    });

    it('moves an ended call out of the active list and into the ended list', async () => {
      await fx.sessions.save(sessionRecord('c1'));
      await fx.sessions.save(sessionRecord('c2'));
      await fx.sessions.end(sessionRecord('c1', { endedAt: 9_000, outcome: 'caller-hangup' }), 60_000);
      assert.deepEqual((await fx.sessions.listActive()).map((r) => r.callId), ['c2']);
      const ended = await fx.sessions.get('c1');
      assert.equal(ended?.state, 'ended');
      assert.equal(ended?.endedAt, 9_000);
      assert.equal(ended?.outcome, 'caller-hangup');
      assert.deepEqual((await fx.sessions.listEnded!(10)).map((r) => r.callId), ['c1']);
    });

    it('lists ended calls newest first, up to the limit', async () => {
      for (const [id, endedAt] of [['a', 3_000], ['b', 1_000], ['c', 2_000]] as const) {
        await fx.sessions.end(sessionRecord(id, { endedAt }), 60_000);
      }
      assert.deepEqual((await fx.sessions.listEnded!(10)).map((r) => r.callId), ['a', 'c', 'b']);
      assert.deepEqual((await fx.sessions.listEnded!(2)).map((r) => r.callId), ['a', 'c']);
      assert.deepEqual(await fx.sessions.listEnded!(0), []);
    });

    it('a call saved active again after ending is active, not ended', async () => {
      await fx.sessions.end(sessionRecord('c1', { endedAt: 9_000 }), 60_000);
      await fx.sessions.save(sessionRecord('c1'));
      assert.deepEqual((await fx.sessions.listActive()).map((r) => r.callId), ['c1']);
      assert.deepEqual(await fx.sessions.listEnded!(10), []);
    });

    it('deletes a call from every list', async () => {
      await fx.sessions.save(sessionRecord('c1'));
      await fx.sessions.end(sessionRecord('c2', { endedAt: 5_000 }), 60_000);
      await fx.sessions.delete('c1');
      await fx.sessions.delete('c2');
      await fx.sessions.delete('never-existed');
      assert.equal(await fx.sessions.get('c1'), undefined);
      assert.equal(await fx.sessions.get('c2'), undefined);
      assert.deepEqual(await fx.sessions.listActive(), []);
      assert.deepEqual(await fx.sessions.listEnded!(10), []);
    });

    it('answers ping', async () => {
      await fx.sessions.ping();
    });

    it('stores flow versions by content hash, first copy wins', async () => {
      const source = { flowId: 'support-line', version: 'abc123', file: 'flows/support.yaml', text: 'id: support-line\n', storedAt: 1 };
      await fx.versions.put(source);
      await fx.versions.put({ ...source, text: 'something else', storedAt: 2 });
      assert.deepEqual(await fx.versions.get('abc123'), source);
      assert.equal(await fx.versions.get('unknown'), undefined);
    });
  });
}
