/**
 * A caller who calls again while a callback is pending (issue 5) is told so: 1 keeps it, 2
 * cancels it. Callers without one go on to the menu as before.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MONDAY_10AM_NY, startCallbackApp, type CallbackApp } from '../support/callback-app.ts';
import { sampleFlows } from '../support/callback-scenes.ts';

const CUSTOMER = '+12125550123';

async function pendingCallback(rig: CallbackApp): Promise<string> {
  const created = await rig.api('POST', '/callbacks', { number: CUSTOMER, queue: 'billing', at: new Date(rig.clock.now() + 3600_000).toISOString() });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id as string;
}

describe('calling again while a callback is pending', () => {
  test('1 keeps it: still scheduled', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const id = await pendingCallback(rig);
      const call = await rig.call(CUSTOMER);
      const at = await rig.untilHeard(call, 'callback-pending');
      await rig.dtmf(call, '1');
      await rig.untilHeard(call, 'callback-kept', { after: at });
      await rig.advance(5_000);
      const view = await rig.callback(id);
      assert.equal(view.state, 'scheduled');
      assert.deepEqual((await rig.api('GET', '/callbacks?state=scheduled&queue=billing')).body.callbacks.map((c: any) => c.id), [id]);
    } finally {
      await rig.close();
    }
  });

  test('2 cancels it: cancelled on the API, and the caller goes on to the menu', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const id = await pendingCallback(rig);
      const call = await rig.call(CUSTOMER);
      const at = await rig.untilHeard(call, 'callback-pending');
      await rig.dtmf(call, '2');
      const cancelledAt = await rig.untilHeard(call, 'callback-cancelled', { after: at });
      await rig.untilHeard(call, 'main-menu', { after: cancelledAt });
      const view = await rig.callback(id);
      assert.equal(view.state, 'cancelled');
      assert.equal(view.outcome, 'cancelled');
      assert.deepEqual((await rig.api('GET', '/callbacks?state=cancelled')).body.callbacks.map((c: any) => c.id), [id]);
      await rig.advance(2 * 3600_000, 60_000);
      assert.deepEqual(await rig.outbound(), [], 'never dialled');
    } finally {
      await rig.close();
    }
  });

  test('a caller with no pending callback is not asked', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      await pendingCallback(rig);
      const call = await rig.call('+13125550177');
      await rig.untilHeard(call, 'main-menu');
      assert.ok(!(await rig.heard(call)).includes('callback-pending'));
    } finally {
      await rig.close();
    }
  });
});
