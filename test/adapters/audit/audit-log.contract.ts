import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry, AuditLog } from '../../../src/ports/audit.ts';
import { isHotlineError } from '../../../src/core/errors.ts';

/** One log under test; `close` releases what the factory opened. */
export interface AuditFixture {
  log: AuditLog;
  close(): Promise<void>;
}

/** What an adapter can be put through beyond the shared behaviour. */
export interface AuditContractOptions {
  /** A log whose backend has gone away (Redis stopped). Omitted by adapters that cannot fail (memory). */
  down?: () => Promise<AuditFixture>;
}

export const T0 = Date.parse('2026-11-23T15:00:00Z');
const S = 1000;

/** An entry with test defaults; `overrides` win. */
export function entry(action: string, overrides: Partial<Omit<AuditEntry, 'id'>> = {}): Omit<AuditEntry, 'id'> {
  return { at: T0, actor: 'sue', role: 'supervisor', action, ...overrides };
}

const actions = (list: AuditEntry[]): string[] => list.map((e) => e.action);

/**
 * The behaviour every `AuditLog` shares, written once and run over the memory and Redis logs.
 * Times are absolute (`T0 + …`); nothing sleeps.
 */
export function runAuditLogContract(name: string, factory: () => Promise<AuditFixture>, options: AuditContractOptions = {}): void {
  describe(`${name}: AuditLog contract`, () => {
    let fx: AuditFixture;
    let log: AuditLog;
    beforeEach(async () => {
      fx = await factory();
      log = fx.log;
    });
    afterEach(() => fx.close());

    it('append gives each entry a distinct id and list returns them as appended, newest first', async () => {
      const first = entry('recording.get', {
        callId: 'c1',
        queue: 'sales',
        recordingId: 'rec-c1-call-1',
        details: { reason: 'qa', nested: { ok: true, n: [1, 2] } },
      });
      const second = entry('supervision.start', { at: T0 + S, actor: 'admin', role: 'admin', supervisionId: 'sv-1', callId: 'c1' });
      const a = await log.append(first);
      const b = await log.append(second);
      assert.deepEqual(a, { ...first, id: a.id });
      assert.deepEqual(b, { ...second, id: b.id });
      assert.equal(typeof a.id, 'string');
      assert.notEqual(a.id, b.id);
      assert.deepEqual(await log.list(), [b, a]);
    });

    it('an empty log lists nothing', async () => {
      assert.deepEqual(await log.list(), []);
      assert.deepEqual(await log.list({ actor: 'sue', since: T0 }), []);
    });

    it('keeps append order even when clocks disagree (a node behind the others)', async () => {
      await log.append(entry('one', { at: T0 + 5 * S }));
      await log.append(entry('two', { at: T0 + 1 * S }));
      await log.append(entry('three', { at: T0 + 3 * S }));
      assert.deepEqual(actions(await log.list()), ['three', 'two', 'one']);
      assert.deepEqual(actions(await log.list({ since: T0 + 3 * S })), ['three', 'one'], 'since compares each entry’s own time');
    });

    describe('filters', () => {
      beforeEach(async () => {
        await log.append(entry('recording.list', { at: T0 }));
        await log.append(entry('recording.get', { at: T0 + 1 * S, callId: 'c1', recordingId: 'r1' }));
        await log.append(entry('recording.audio', { at: T0 + 2 * S, actor: 'bob', callId: 'c1', recordingId: 'r1' }));
        await log.append(entry('recording.get', { at: T0 + 3 * S, actor: 'bob', callId: 'c2', recordingId: 'r2' }));
        await log.append(entry('recording.delete', { at: T0 + 4 * S, actor: 'admin', role: 'admin', callId: 'c2', recordingId: 'r2' }));
        await log.append(entry('recording.expired', { at: T0 + 5 * S, actor: 'retention', role: 'admin', recordingId: 'r3' }));
      });

      it('by actor', async () => {
        assert.deepEqual(actions(await log.list({ actor: 'bob' })), ['recording.get', 'recording.audio']);
        assert.deepEqual(await log.list({ actor: 'nobody' }), []);
      });

      it('by action', async () => {
        const got = await log.list({ action: 'recording.get' });
        assert.deepEqual(got.map((e) => e.recordingId), ['r2', 'r1']);
      });

      it('by call', async () => {
        assert.deepEqual(actions(await log.list({ callId: 'c2' })), ['recording.delete', 'recording.get']);
      });

      it('by time: at or after since', async () => {
        assert.deepEqual(actions(await log.list({ since: T0 + 4 * S })), ['recording.expired', 'recording.delete']);
        assert.equal((await log.list({ since: T0 })).length, 6);
        assert.deepEqual(await log.list({ since: T0 + 6 * S }), []);
      });

      it('all conditions hold together', async () => {
        assert.deepEqual(actions(await log.list({ actor: 'bob', callId: 'c1' })), ['recording.audio']);
        assert.deepEqual(actions(await log.list({ actor: 'bob', action: 'recording.get', since: T0 + 3 * S })), ['recording.get']);
        assert.deepEqual(await log.list({ actor: 'bob', action: 'recording.get', since: T0 + 4 * S }), []);
      });

      it('limit counts matches, newest first', async () => {
        assert.deepEqual(actions(await log.list({ limit: 2 })), ['recording.expired', 'recording.delete']);
        assert.deepEqual(actions(await log.list({ actor: 'sue', limit: 1 })), ['recording.get']);
        assert.equal((await log.list({ limit: 0 })).length, 1, 'at least one');
      });
    });

    it('returns at most 100 by default and at most 1000 when asked for more', async () => {
      for (let i = 0; i < 1005; i++) await log.append(entry(`bulk.${i}`, { at: T0 + i }));
      const byDefault = await log.list();
      assert.equal(byDefault.length, 100);
      assert.equal(byDefault[0]?.action, 'bulk.1004');
      assert.equal(byDefault[99]?.action, 'bulk.905');
      const most = await log.list({ limit: 5000 });
      assert.equal(most.length, 1000);
      assert.equal(most[999]?.action, 'bulk.5');
      // a rare match far back is found across pages
      await log.append(entry('rare', { at: T0 - S, actor: 'eve' }));
      for (let i = 0; i < 10; i++) await log.append(entry('late', { at: T0 + 10_000 + i }));
      assert.deepEqual(actions(await log.list({ action: 'bulk.3' })), ['bulk.3']);
      assert.deepEqual(actions(await log.list({ actor: 'eve' })), ['rare']);
    });

    if (options.down) {
      const down = options.down;
      it('answers HOTLINE_ERR_STORE when its backend is down', async () => {
        const broken = await down();
        try {
          const isStore = (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_STORE');
          await assert.rejects(broken.log.append(entry('recording.get')), isStore);
          await assert.rejects(broken.log.list(), isStore);
          await assert.rejects(broken.log.list({ actor: 'sue', since: T0 }), isStore);
        } finally {
          await broken.close();
        }
      });
    }
  });
}
