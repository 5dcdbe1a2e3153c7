/**
 * Cancelling a callback through the API (issue 5): nobody is dialled at the time it was due,
 * and a kept place leaves the queue, so the callers behind it move up.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MONDAY_10AM_NY, startCallbackApp } from '../support/callback-app.ts';
import { agentAnswers, billingLine, busyBillingAgent, sampleFlows, intoBilling, keepPlace } from '../support/callback-scenes.ts';

describe('cancelling a callback', () => {
  test('a scheduled callback cancelled before it is due is never dialled', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const at = new Date(rig.clock.now() + 10 * 60_000).toISOString();
      const created = await rig.api('POST', '/callbacks', { number: '+12125550123', queue: 'billing', at });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.state, 'scheduled');
      assert.equal(created.body.dueAt, at);
      assert.deepEqual((await rig.api('GET', '/callbacks?state=scheduled&queue=billing')).body.callbacks.map((c: any) => c.id), [created.body.id]);

      const cancelled = await rig.api('DELETE', `/callbacks/${created.body.id}`);
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.state, 'cancelled');
      assert.equal(cancelled.body.outcome, 'cancelled');
      assert.equal((await rig.api('DELETE', `/callbacks/${created.body.id}`)).status, 409, 'a final callback cannot be cancelled again');

      await rig.advance(15 * 60_000, 1000);
      assert.deepEqual(await rig.outbound(), [], 'nobody dialled at the due time');
      const after = await rig.callback(created.body.id);
      assert.equal(after.state, 'cancelled');
      assert.deepEqual(after.attempts, []);
      assert.deepEqual((await rig.api('GET', '/callbacks?state=cancelled')).body.callbacks.map((c: any) => c.id), [created.body.id]);
      assert.deepEqual((await rig.api('GET', '/callbacks?state=scheduled')).body.callbacks, []);
    } finally {
      await rig.close();
    }
  });

  test('a cancelled kept place leaves the queue: the caller behind moves up and gets the agent; the customer is never dialled', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const busy = await busyBillingAgent(rig, 'alice');
      const keeper = await intoBilling(rig, '+12125550123');
      await rig.advance(1000);
      const behind = await intoBilling(rig, '+13125550177');
      const cbId = await keepPlace(rig, keeper);
      assert.deepEqual(await billingLine(rig), [cbId, behind]);
      assert.equal((await rig.callback(cbId)).state, 'queued');

      const cancelled = await rig.api('DELETE', `/callbacks/${cbId}`);
      assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
      assert.equal(cancelled.body.state, 'cancelled');
      assert.deepEqual(await billingLine(rig), [behind], 'the kept place left the line');
      const before = (await rig.heard(behind)).length;
      const intro = await rig.untilHeard(behind, 'queue-position-intro', { after: before });
      assert.equal((await rig.heard(behind))[intro], 'number:1', 'the caller behind is now first');

      await rig.api('DELETE', `/sim/calls/${busy}`);
      await agentAnswers(rig, 'alice', 60_000);
      await rig.advanceUntil(async () => (await rig.api('GET', '/calls?queue=billing')).body.calls.find((c: any) => c.id === behind)?.state === 'connected', 'the caller behind connected');
      assert.ok(!(await rig.outbound()).some((o) => o.to === '+12125550123'), 'the cancelled callback is not dialled');
      await rig.advance(60_000, 1000);
      assert.ok(!(await rig.outbound()).some((o) => o.to === '+12125550123'), 'nor later');
      assert.equal((await rig.callback(cbId)).state, 'cancelled');
    } finally {
      await rig.close();
    }
  });
});
