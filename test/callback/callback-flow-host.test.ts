import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { QueuedCaller } from '../../src/ports/acd-store.ts';
import { CallbackFlowHost, type KeepPlaceAcd } from '../../src/core/callback/callback-flow-host.ts';
import { isHotlineError } from '../../src/core/errors.ts';
import { callbackRig } from './callback-rig.ts';

/** An ACD with one caller in line, whose entry `keepPlace` renames (as the store does). */
function acdWith(callId: string): KeepPlaceAcd & { entries: Map<string, QueuedCaller> } {
  const entries = new Map<string, QueuedCaller>([
    [callId, { callId, queue: 'support', priority: 2, enqueuedAt: Date.parse('2026-11-23T13:55:00Z'), node: 'n1', state: 'waiting', agentIds: [] } as QueuedCaller],
  ]);
  return {
    entries,
    async callerOf(id) {
      return entries.get(id);
    },
    async keepPlace(id, entryId) {
      const entry = entries.get(id);
      if (!entry) return undefined;
      entries.delete(id);
      const kept = { ...entry, callId: entryId, node: 'callback-inbox' };
      entries.set(entryId, kept);
      return kept;
    },
  };
}

const request = { op: 'keep-place' as const, callId: 'call-1', queue: 'support', number: '2125550123', vars: {} };

describe('CallbackFlowHost keep-place', () => {
  it('turns the caller’s entry into the callback’s, with its priority and place', async () => {
    const rig = callbackRig();
    const acd = acdWith('call-1');
    const host = new CallbackFlowHost({ callbacks: rig.service, acd });
    const { callbackId } = await host.request(request);
    const record = await rig.service.get(callbackId!);
    assert.equal(record.mode, 'keep-place');
    assert.equal(record.priority, 2);
    assert.equal(record.enqueuedAt, Date.parse('2026-11-23T13:55:00Z'));
    assert.equal(acd.entries.get(callbackId!)?.node, 'callback-inbox');
    assert.equal(acd.entries.has('call-1'), false);
  });

  it('a replay after the node died (the entry is the callback’s already) answers with the same callback', async () => {
    const rig = callbackRig();
    const acd = acdWith('call-1');
    const host = new CallbackFlowHost({ callbacks: rig.service, acd });
    const first = await host.request(request);
    const again = await host.request(request);
    assert.deepEqual(again, first);
    assert.equal((await rig.service.list()).length, 1);
  });

  it('a call that is not in line (and made no callback) is refused', async () => {
    const rig = callbackRig();
    const host = new CallbackFlowHost({ callbacks: rig.service, acd: acdWith('someone-else') });
    await assert.rejects(host.request(request), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_ILLEGAL_STATE'));
    // …and so is a replay once the callback it made was cancelled.
    const acd = acdWith('call-1');
    const host2 = new CallbackFlowHost({ callbacks: rig.service, acd });
    const { callbackId } = await host2.request(request);
    await rig.service.cancel(callbackId!);
    await assert.rejects(host2.request(request), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_ILLEGAL_STATE'));
  });
});
