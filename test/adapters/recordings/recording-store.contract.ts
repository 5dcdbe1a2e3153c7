import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordingMeta, RecordingStore } from '../../../src/ports/recordings.ts';
import { isHotlineError } from '../../../src/core/errors.ts';

/** One store under test; `close` releases what the factory opened. */
export interface RecordingFixture {
  store: RecordingStore;
  close(): Promise<void>;
}

/** What an adapter can be put through beyond the shared behaviour. */
export interface RecordingContractOptions {
  /** A store whose backend has gone away (Redis stopped). Omitted by adapters that cannot fail (memory). */
  down?: () => Promise<RecordingFixture>;
}

export const T0 = Date.parse('2026-11-23T15:00:00Z');
const S = 1000;

/** A finished recording with test defaults; `overrides` win. */
export function recording(id: string, overrides: Partial<RecordingMeta> = {}): RecordingMeta {
  return {
    id,
    callId: 'call-1',
    flowId: 'support',
    target: 'call',
    source: 'flow',
    driver: 'sim',
    node: 'node-a',
    state: 'done',
    startedAt: T0,
    endedAt: T0 + 60 * S,
    durationMs: 60 * S,
    paused: [],
    format: 'wav',
    ...overrides,
  };
}

/** A recording still running: no `endedAt`, no duration. */
export function running(id: string, overrides: Partial<RecordingMeta> = {}): RecordingMeta {
  const { endedAt: _e, durationMs: _d, ...rest } = recording(id, { state: 'recording', ...overrides });
  return rest;
}

const ids = (list: RecordingMeta[]): string[] => list.map((m) => m.id);

/**
 * The behaviour every `RecordingStore` shares, written once and run over the memory and Redis
 * stores. Times are absolute (`T0 + …`); nothing sleeps.
 */
export function runRecordingStoreContract(name: string, factory: () => Promise<RecordingFixture>, options: RecordingContractOptions = {}): void {
  describe(`${name}: RecordingStore contract`, () => {
    let fx: RecordingFixture;
    let store: RecordingStore;
    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });
    afterEach(() => fx.close());

    describe('put and get', () => {
      it('round-trips every field, optional ones and pause intervals included', async () => {
        const meta = recording('rec-c1-conversation-1', {
          queue: 'sales',
          agentId: 'ag-7',
          target: 'conversation',
          source: 'queue',
          driver: 'ari',
          paused: [{ from: T0 + 5 * S, to: T0 + 9 * S }, { from: T0 + 30 * S }],
        });
        await store.put(meta);
        assert.deepEqual(await store.get(meta.id), meta);
        assert.equal(await store.get('rec-nope'), undefined);
      });

      it('hands out copies: changing a result changes nothing stored', async () => {
        await store.put(recording('r1', { paused: [{ from: T0 }] }));
        const got = (await store.get('r1'))!;
        got.paused.push({ from: T0 + S });
        got.state = 'failed';
        const listed = (await store.list())[0]!;
        listed.paused.length = 0;
        assert.deepEqual(await store.get('r1'), recording('r1', { paused: [{ from: T0 }] }));
      });

      it('put replaces: a running recording becomes done with its end and duration', async () => {
        await store.put(running('r1'));
        assert.equal((await store.get('r1'))?.state, 'recording');
        await store.put(recording('r1', { durationMs: 42 * S, endedAt: T0 + 42 * S }));
        const got = await store.get('r1');
        assert.equal(got?.state, 'done');
        assert.equal(got?.durationMs, 42 * S);
        assert.deepEqual(ids(await store.list()), ['r1'], 'one record, not two');
      });

      it('a replacement that changes the queue moves the recording between queue listings', async () => {
        await store.put(recording('r1', { queue: 'sales' }));
        await store.put(recording('r2', { queue: 'sales', startedAt: T0 - S }));
        await store.put(recording('r1', { queue: 'support' }));
        assert.deepEqual(ids(await store.list({ queue: 'sales' })), ['r2']);
        assert.deepEqual(ids(await store.list({ queue: 'support' })), ['r1']);
        assert.deepEqual(ids(await store.list({ queues: ['sales'] })), ['r2']);
        await store.put(recording('r1', { queue: undefined }));
        assert.deepEqual(ids(await store.list({ queue: 'support' })), []);
        assert.deepEqual(ids(await store.list({ queues: ['sales', 'support'] })), ['r2']);
        assert.deepEqual(ids(await store.list()), ['r1', 'r2']);
      });

      it('a replacement that changes the call or the start time re-indexes it', async () => {
        await store.put(recording('r1', { callId: 'a' }));
        await store.put(recording('r2', { callId: 'a', startedAt: T0 + S }));
        await store.put(recording('r1', { callId: 'b', startedAt: T0 + 2 * S }));
        assert.deepEqual(ids(await store.list({ callId: 'a' })), ['r2']);
        assert.deepEqual(ids(await store.list({ callId: 'b' })), ['r1']);
        assert.deepEqual(ids(await store.list()), ['r1', 'r2'], 'newest start first after the move');
      });
    });

    describe('list', () => {
      beforeEach(async () => {
        // out of order on purpose: the store sorts
        await store.put(recording('m', { callId: 'c2', queue: 'sales', startedAt: T0 + 3 * S }));
        await store.put(recording('k', { callId: 'c1', startedAt: T0 + 1 * S }));
        await store.put(recording('p', { callId: 'c3', queue: 'support', startedAt: T0 + 5 * S }));
        await store.put(recording('l', { callId: 'c1', queue: 'sales', startedAt: T0 + 2 * S }));
        await store.put(running('n', { callId: 'c3', queue: 'billing', startedAt: T0 + 4 * S }));
      });

      it('lists everything newest first', async () => {
        assert.deepEqual(ids(await store.list()), ['p', 'n', 'm', 'l', 'k']);
        assert.deepEqual(ids(await store.list({})), ['p', 'n', 'm', 'l', 'k']);
      });

      it('breaks ties of startedAt by id, highest first', async () => {
        await store.put(recording('a-tie', { startedAt: T0 + 9 * S }));
        await store.put(recording('Z-tie', { startedAt: T0 + 9 * S }));
        await store.put(recording('b-tie', { startedAt: T0 + 9 * S }));
        assert.deepEqual(ids(await store.list({ limit: 3 })), ['b-tie', 'a-tie', 'Z-tie']);
      });

      it('filters by call', async () => {
        assert.deepEqual(ids(await store.list({ callId: 'c1' })), ['l', 'k']);
        assert.deepEqual(ids(await store.list({ callId: 'c3' })), ['p', 'n']);
        assert.deepEqual(await store.list({ callId: 'nobody' }), []);
      });

      it('filters by queue', async () => {
        assert.deepEqual(ids(await store.list({ queue: 'sales' })), ['m', 'l']);
        assert.deepEqual(await store.list({ queue: 'nobody' }), []);
      });

      it('filters by a set of queues, leaving out recordings without a queue', async () => {
        assert.deepEqual(ids(await store.list({ queues: ['sales', 'support'] })), ['p', 'm', 'l']);
        assert.deepEqual(ids(await store.list({ queues: ['billing', 'billing'] })), ['n']);
        assert.deepEqual(await store.list({ queues: [] }), [], 'a supervisor of no queue sees nothing');
      });

      it('combines filters: all conditions hold', async () => {
        assert.deepEqual(ids(await store.list({ callId: 'c1', queue: 'sales' })), ['l']);
        assert.deepEqual(ids(await store.list({ callId: 'c3', queues: ['sales', 'billing'] })), ['n']);
        assert.deepEqual(ids(await store.list({ queue: 'sales', queues: ['support'] })), []);
      });

      it('honours limit after filtering and sorting', async () => {
        assert.deepEqual(ids(await store.list({ limit: 2 })), ['p', 'n']);
        assert.deepEqual(ids(await store.list({ queues: ['sales', 'support'], limit: 2 })), ['p', 'm']);
        assert.deepEqual(ids(await store.list({ callId: 'c1', limit: 1 })), ['l']);
        assert.deepEqual(ids(await store.list({ limit: 0 })), ['p'], 'at least one');
      });

      it('returns at most 100 by default', async () => {
        for (let i = 0; i < 100; i++) await store.put(recording(`bulk-${String(i).padStart(3, '0')}`, { startedAt: T0 - (i + 1) * S }));
        const all = await store.list();
        assert.equal(all.length, 100);
        assert.equal(all[0]?.id, 'p');
        assert.equal(all[99]?.id, 'bulk-094');
      });

      it('finds a few matches deep in a long index', async () => {
        for (let i = 0; i < 150; i++) {
          await store.put(recording(`deep-${String(i).padStart(3, '0')}`, { callId: 'long', startedAt: T0 + (1000 - i) * S, queue: i >= 147 ? 'rare' : 'common' }));
        }
        assert.deepEqual(ids(await store.list({ callId: 'long', queue: 'rare' })), ['deep-147', 'deep-148', 'deep-149']);
        assert.deepEqual(ids(await store.list({ callId: 'long', queues: ['rare'], limit: 2 })), ['deep-147', 'deep-148']);
      });
    });

    describe('delete', () => {
      it('removes the recording from get, every listing and retention; true only the first time', async () => {
        await store.put(recording('r1', { callId: 'c1', queue: 'sales', endedAt: T0 + S }));
        await store.put(recording('r2', { callId: 'c1', queue: 'sales', startedAt: T0 - S, endedAt: T0 + 2 * S }));
        assert.equal(await store.delete('r1'), true);
        assert.equal(await store.get('r1'), undefined);
        assert.deepEqual(ids(await store.list()), ['r2']);
        assert.deepEqual(ids(await store.list({ callId: 'c1' })), ['r2']);
        assert.deepEqual(ids(await store.list({ queue: 'sales' })), ['r2']);
        assert.deepEqual(ids(await store.list({ queues: ['sales'] })), ['r2']);
        assert.deepEqual(await store.expired(T0 + 60 * S, 10), ['r2']);
        assert.equal(await store.delete('r1'), false);
        assert.equal(await store.delete('never'), false);
      });

      it('an id put again after delete comes back fresh', async () => {
        await store.put(recording('r1', { queue: 'sales' }));
        await store.delete('r1');
        await store.put(recording('r1', { queue: 'support' }));
        assert.deepEqual(ids(await store.list({ queue: 'support' })), ['r1']);
        assert.deepEqual(await store.list({ queue: 'sales' }), []);
      });
    });

    describe('expired', () => {
      beforeEach(async () => {
        await store.put(recording('e3', { startedAt: T0, endedAt: T0 + 30 * S }));
        await store.put(recording('e1', { startedAt: T0 + 5 * S, endedAt: T0 + 10 * S }));
        await store.put(recording('e2', { startedAt: T0 + 1 * S, endedAt: T0 + 20 * S, state: 'failed' }));
        await store.put(running('live', { startedAt: T0 - 3600 * S }));
      });

      it('lists ids that ended strictly before the cut-off, oldest end first', async () => {
        assert.deepEqual(await store.expired(T0 + 60 * S, 10), ['e1', 'e2', 'e3']);
        assert.deepEqual(await store.expired(T0 + 20 * S, 10), ['e1'], 'an end exactly at the cut-off is kept');
        assert.deepEqual(await store.expired(T0 + 10 * S, 10), []);
      });

      it('honours limit', async () => {
        assert.deepEqual(await store.expired(T0 + 60 * S, 2), ['e1', 'e2']);
        assert.deepEqual(await store.expired(T0 + 60 * S, 0), []);
      });

      it('ignores recordings still running, even one that already carries an end time', async () => {
        await store.put({ ...running('live-2'), endedAt: T0 });
        assert.deepEqual(await store.expired(T0 + 3600 * S, 10), ['e1', 'e2', 'e3']);
      });

      it('follows replacements: a recording that finishes becomes due, one put back to running is not', async () => {
        await store.put(recording('live', { startedAt: T0 - 3600 * S, endedAt: T0 + 15 * S }));
        await store.put(running('e1', { startedAt: T0 + 5 * S }));
        assert.deepEqual(await store.expired(T0 + 60 * S, 10), ['live', 'e2', 'e3']);
      });
    });

    if (options.down) {
      const down = options.down;
      it('answers HOTLINE_ERR_STORE for every operation when its backend is down', async () => {
        const broken = await down();
        try {
          const isStore = (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE');
          await assert.rejects(broken.store.put(recording('r1')), isStore);
          await assert.rejects(broken.store.get('r1'), isStore);
          await assert.rejects(broken.store.list(), isStore);
          await assert.rejects(broken.store.list({ queues: ['sales'] }), isStore);
          await assert.rejects(broken.store.delete('r1'), isStore);
          await assert.rejects(broken.store.expired(T0, 10), isStore);
        } finally {
          await broken.close();
        }
      });
    }
  });
}
