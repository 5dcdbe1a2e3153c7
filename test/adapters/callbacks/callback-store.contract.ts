import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { CallbackRecord, CallbackStore } from '../../../src/ports/callback-store.ts';
import { isHotlineError } from '../../../src/core/errors.ts';

/** One store under test; `close` releases what the factory opened. */
export interface CallbackFixture {
  store: CallbackStore;
  close(): Promise<void>;
}

export const T0 = Date.parse('2026-11-23T15:00:00Z');

/** A callback record with test defaults. */
export function callback(id: string, patch: Partial<CallbackRecord> = {}): CallbackRecord {
  return {
    id,
    callId: `call-${id}`,
    number: '+12125550123',
    mode: 'scheduled',
    queue: 'support',
    priority: 0,
    enqueuedAt: T0,
    dueAt: T0 + 60_000,
    state: 'scheduled',
    attempts: [],
    maxAttempts: 3,
    retryEveryMs: 600_000,
    expiresAt: T0 + 86_400_000,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...patch,
  };
}

/** The behaviour every `CallbackStore` shares, run over the memory and Redis stores. */
export function runCallbackStoreContract(name: string, factory: () => Promise<CallbackFixture>): void {
  describe(`${name}: CallbackStore contract`, () => {
    let fx: CallbackFixture;
    let store: CallbackStore;
    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });
    afterEach(() => fx.close());

    it('creates at version 1, reads back equal, and refuses an existing id', async () => {
      const created = await store.create(callback('a', { version: 7, slot: { key: 'support:2026-11-23:pm', start: T0, end: T0 + 1, label: 'this afternoon' } }));
      assert.equal(created.version, 1);
      assert.deepEqual(await store.get('a'), created);
      await assert.rejects(store.create(callback('a')), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_CONFLICT'));
      assert.equal(await store.get('missing'), undefined);
    });

    it('update is a compare-and-set on version', async () => {
      const created = await store.create(callback('a'));
      assert.equal(await store.update({ ...created, state: 'dialing', attempts: [{ n: 1, at: T0 }] }), true);
      const read = await store.get('a');
      assert.equal(read?.version, 2);
      assert.equal(read?.state, 'dialing');
      assert.deepEqual(read?.attempts, [{ n: 1, at: T0 }]);
      // a writer still holding version 1 loses
      assert.equal(await store.update({ ...created, state: 'cancelled' }), false);
      assert.equal((await store.get('a'))?.state, 'dialing');
      assert.equal(await store.update(callback('nobody')), false);
      assert.equal(await store.get('nobody'), undefined);
    });

    it('of two concurrent updates from the same version exactly one wins', async () => {
      const created = await store.create(callback('a'));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.update({ ...created, priority: i + 1 })),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const read = await store.get('a');
      assert.equal(read?.version, 2);
      assert.equal(read?.priority, results.indexOf(true) + 1);
    });

    it('lists newest first, filtered by state and queue, limited', async () => {
      await store.create(callback('a', { createdAt: T0 }));
      await store.create(callback('b', { createdAt: T0 + 2, queue: 'billing' }));
      await store.create(callback('c', { createdAt: T0 + 1, state: 'queued', mode: 'keep-place' }));
      await store.create(callback('d', { createdAt: T0 + 3, state: 'cancelled', outcome: 'cancelled' }));
      assert.deepEqual((await store.list()).map((r) => r.id), ['d', 'b', 'c', 'a']);
      assert.deepEqual((await store.list({ state: 'scheduled' })).map((r) => r.id), ['b', 'a']);
      assert.deepEqual((await store.list({ queue: 'support' })).map((r) => r.id), ['d', 'c', 'a']);
      assert.deepEqual((await store.list({ queue: 'support', state: 'queued' })).map((r) => r.id), ['c']);
      assert.deepEqual((await store.list({ limit: 2 })).map((r) => r.id), ['d', 'b']);
      assert.deepEqual(await store.list({ queue: 'nope' }), []);
    });

    it('pending lists a number’s callbacks that are not final and follows updates', async () => {
      const a = await store.create(callback('a', { createdAt: T0 }));
      await store.create(callback('b', { createdAt: T0 + 1 }));
      await store.create(callback('c', { createdAt: T0 + 2, number: '+13125550199' }));
      await store.create(callback('d', { createdAt: T0 + 3, state: 'failed', outcome: 'failed' }));
      assert.deepEqual((await store.pending('+12125550123')).map((r) => r.id), ['a', 'b']);
      assert.equal(await store.update({ ...a, state: 'connected', outcome: 'connected' }), true);
      assert.deepEqual((await store.pending('+12125550123')).map((r) => r.id), ['b']);
      assert.deepEqual((await store.pending('+13125550199')).map((r) => r.id), ['c']);
      assert.deepEqual(await store.pending('+14155550100'), []);
    });

    it('reserveSlot counts up to capacity per queue and slot; releaseSlot gives a place back', async () => {
      const key = 'support:2026-11-23:pm';
      assert.equal(await store.reserveSlot('support', key, 2), true);
      assert.equal(await store.reserveSlot('support', key, 2), true);
      assert.equal(await store.reserveSlot('support', key, 2), false);
      assert.equal(await store.reserveSlot('billing', key, 2), true, 'another queue has its own counter');
      assert.deepEqual(await store.slotsTaken('support', [key, 'support:2026-11-24:am']), [2, 0]);
      await store.releaseSlot('support', key);
      assert.deepEqual(await store.slotsTaken('support', [key]), [1]);
      assert.equal(await store.reserveSlot('support', key, 2), true);
      await store.releaseSlot('support', key);
      await store.releaseSlot('support', key);
      await store.releaseSlot('support', key);
      assert.deepEqual(await store.slotsTaken('support', [key]), [0], 'never below zero');
      assert.equal(await store.reserveSlot('support', key, 0), false, 'capacity 0 takes nobody');
    });

    it('concurrent reservations never exceed capacity', async () => {
      const results = await Promise.all(Array.from({ length: 25 }, () => store.reserveSlot('q', 'q:2026-11-23:am', 7)));
      assert.equal(results.filter(Boolean).length, 7);
      assert.deepEqual(await store.slotsTaken('q', ['q:2026-11-23:am']), [7]);
    });

    it('answers ping', async () => {
      await store.ping();
    });
  });
}
