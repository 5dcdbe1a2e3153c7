/**
 * Callbacks outside business hours (issue 5): nothing is dialled while the queue is closed
 * (billing: Mon-Fri 08:00-20:00 New York). A retry, or a kept place whose turn comes, after
 * closing waits for the next opening; the agent a late kept place would have held is freed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCallbackApp, type CallbackApp } from '../support/callback-app.ts';
import { agentAnswers, busyBillingAgent, sampleFlows, intoBilling, keepPlace } from '../support/callback-scenes.ts';

const CUSTOMER = '+12125550123';
/** Tuesday 24 November 2026, 08:00 in New York. */
const TUESDAY_OPENING = '2026-11-24T13:00:00.000Z';

/** Advances to just before `iso`, asserting nobody is dialled meanwhile; then until the customer rings. */
async function dialledAt(rig: CallbackApp, iso: string): Promise<{ id: string }> {
  await rig.advance(Date.parse(iso) - rig.clock.now() - 1000, 60_000);
  assert.deepEqual((await rig.outbound()).filter((o) => o.to === CUSTOMER), [], 'nobody dialled while closed');
  const leg = await rig.advanceUntil(async () => (await rig.outbound()).find((o) => o.to === CUSTOMER && o.status === 'ringing'), `a call at ${iso}`, 5000);
  assert.ok(rig.clock.now() >= Date.parse(iso), 'not before the opening');
  return leg;
}

describe('callbacks outside business hours', () => {
  test('a retry that falls after closing is dialled at the next opening', async () => {
    const rig = await startCallbackApp({ at: '2026-11-23T19:57:00-05:00', flowsDir: sampleFlows() });
    try {
      const created = await rig.api('POST', '/callbacks', { number: CUSTOMER, queue: 'billing', at: new Date(rig.clock.now() + 60_000).toISOString() });
      assert.equal(created.status, 201);
      const id = created.body.id as string;
      const first = await rig.advanceUntil(async () => (await rig.outbound()).find((o) => o.to === CUSTOMER), 'attempt 1 at 19:58');
      await rig.api('POST', `/sim/calls/${first.id}/reject`);
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'scheduled', 'the retry planned');
      const view = await rig.callback(id);
      assert.deepEqual(view.attempts.map((a: any) => a.outcome), ['busy']);
      assert.equal(view.dueAt, TUESDAY_OPENING, '19:58 + 5 min is after closing: deferred to opening');
      await dialledAt(rig, TUESDAY_OPENING);
      assert.deepEqual((await rig.callback(id)).attempts.map((a: any) => a.n), [1, 2]);
    } finally {
      await rig.close();
    }
  });

  test('a POST /api/callbacks for a closed time is due at opening', async () => {
    const rig = await startCallbackApp({ at: '2026-11-23T21:00:00-05:00', flowsDir: sampleFlows() });
    try {
      const created = await rig.api('POST', '/callbacks', { number: CUSTOMER, queue: 'billing' });
      assert.equal(created.status, 201);
      assert.equal(created.body.dueAt, TUESDAY_OPENING);
      await dialledAt(rig, TUESDAY_OPENING);
    } finally {
      await rig.close();
    }
  });

  test('a kept place whose turn comes after closing frees its agent and is dialled at opening', async () => {
    const rig = await startCallbackApp({ at: '2026-11-23T19:57:00-05:00', flowsDir: sampleFlows() });
    try {
      const busy = await busyBillingAgent(rig, 'alice');
      const keeper = await intoBilling(rig, CUSTOMER);
      const id = await keepPlace(rig, keeper);
      await rig.advance(Date.parse('2026-11-24T01:00:30Z') - rig.clock.now()); // 20:00:30 New York
      await rig.api('DELETE', `/sim/calls/${busy}`);
      // After wrap-up alice reaches the kept place, but nobody is called at night: alice is free again.
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'scheduled', 'the turn deferred', 60_000);
      assert.equal((await rig.callback(id)).dueAt, TUESDAY_OPENING);
      await rig.advanceUntil(async () => (await rig.api('GET', '/agents/alice')).body.state === 'available', 'alice available, not held all night', 130_000);
      assert.deepEqual((await rig.api('GET', '/queues/billing')).body.callers, [], 'the kept place left the line');

      const leg = await dialledAt(rig, TUESDAY_OPENING);
      await rig.api('POST', `/sim/calls/${leg.id}/answer`);
      await rig.untilHeard(leg.id, 'callback-greeting');
      await rig.dtmf(leg.id, '1');
      await agentAnswers(rig, 'alice');
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'connected', 'connected at opening');
      assert.deepEqual((await rig.callback(id)).attempts.map((a: any) => [a.n, a.outcome]), [[1, 'connected']]);
      await rig.api('DELETE', `/sim/calls/${leg.id}`);
    } finally {
      await rig.close();
    }
  });
});
