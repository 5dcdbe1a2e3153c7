/**
 * The callback's own call (`flows/callback.yaml`, issue 5): the customer answers and hears the
 * greeting; 2 books another time (the attempt ends `rescheduled`), no answer to the greeting
 * (an answering machine) or a hang-up during it ends the attempt `answered` and a retry follows.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MONDAY_10AM_NY, startCallbackApp, type CallbackApp } from '../support/callback-app.ts';
import { sampleFlows } from '../support/callback-scenes.ts';

const CUSTOMER = '+12125550123';
const RETRY_MS = 5 * 60_000;

/** A billing callback due in a minute; resolves once the customer answered it, with the callback and leg ids. */
async function answered(rig: CallbackApp): Promise<{ id: string; leg: string }> {
  const created = await rig.api('POST', '/callbacks', { number: CUSTOMER, queue: 'billing', at: new Date(rig.clock.now() + 60_000).toISOString() });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const leg = await rig.advanceUntil(async () => (await rig.outbound()).find((o) => o.to === CUSTOMER && o.status === 'ringing'), 'the customer ringing', 5 * 60_000);
  assert.equal((await rig.api('POST', `/sim/calls/${leg.id}/answer`)).status, 200);
  await rig.untilHeard(leg.id, 'callback-greeting');
  return { id: created.body.id as string, leg: leg.id };
}

async function attemptEnded(rig: CallbackApp, id: string, n: number): Promise<any> {
  await rig.advanceUntil(async () => (await rig.callback(id)).attempts.find((a: any) => a.n === n)?.outcome, `attempt ${n} to end`, 5 * 60_000);
  return rig.callback(id);
}

describe('the callback call (flows/callback.yaml)', () => {
  test('2 reschedules: the customer picks a slot, the attempt ends rescheduled and the next one comes then', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const { id, leg } = await answered(rig);
      await rig.dtmf(leg, '2');
      const intro = await rig.untilHeard(leg, 'callback-slots-intro');
      // The customer's own callback has its number: nobody asks them to confirm one.
      assert.ok(!(await rig.heard(leg)).includes('callback-confirm-number'));
      const offered = (await rig.heard(leg)).slice(intro).filter((p) => p.startsWith('text:For '));
      assert.deepEqual(offered, ['text:For within the hour, press 1.', 'text:For this afternoon, press 2.', 'text:For tomorrow morning, press 3.']);
      await rig.dtmf(leg, '2');
      await rig.untilHeard(leg, 'callback-booked', { after: intro });
      const view = await attemptEnded(rig, id, 1);
      assert.equal(view.attempts[0].outcome, 'rescheduled');
      assert.equal(view.state, 'scheduled');
      // This afternoon: 12:00 New York.
      assert.equal(view.dueAt, '2026-11-23T17:00:00.000Z');
      assert.equal(view.slot?.key, 'billing:2026-11-23:pm');
      await rig.advanceUntil(async () => (await rig.api('GET', `/calls/${leg}`)).body.state === 'ended', 'the call to end');

      // Nothing before noon; at noon attempt 2 rings (a reschedule does not count against maxAttempts).
      await rig.advance(Date.parse(view.dueAt) - rig.clock.now() - 1000, 1000);
      assert.deepEqual(await rig.outbound(), []);
      await rig.advanceUntil(async () => (await rig.outbound()).find((o) => o.to === CUSTOMER), 'attempt 2 at noon', 5000);
      assert.deepEqual((await rig.callback(id)).attempts.map((a: any) => a.n), [1, 2]);
    } finally {
      await rig.close();
    }
  });

  test('"within the hour" from the callback call is not due the moment the customer hangs up', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const { id, leg } = await answered(rig);
      await rig.dtmf(leg, '2');
      const intro = await rig.untilHeard(leg, 'callback-slots-intro');
      const pressed = rig.clock.now();
      await rig.dtmf(leg, '1');
      await rig.untilHeard(leg, 'callback-booked', { after: intro });
      const view = await attemptEnded(rig, id, 1);
      assert.equal(view.attempts[0].outcome, 'rescheduled');
      assert.equal(view.slot?.label, 'within the hour');
      const wait = Date.parse(view.dueAt) - pressed;
      assert.ok(wait >= 15 * 60_000 && wait < 15 * 60_000 + 1000, `due 15 minutes after the choice (${wait} ms)`);
    } finally {
      await rig.close();
    }
  });

  test('no answer to the greeting (a machine): the attempt ends answered and is tried again retryEvery later', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const { id, leg } = await answered(rig);
      await rig.advanceUntil(async () => (await rig.api('GET', `/calls/${leg}`)).body.state === 'ended', 'the flow to give up and hang up', 60_000);
      const heard = await rig.heard(leg);
      assert.equal(heard.filter((p) => p === 'callback-greeting').length, 3, `greeting, then two retries: ${heard}`);
      assert.equal(heard.at(-1), 'goodbye');
      const view = await attemptEnded(rig, id, 1);
      assert.equal(view.attempts[0].outcome, 'answered');
      assert.equal(view.state, 'scheduled');
      assert.equal(Date.parse(view.dueAt) - Date.parse(view.attempts[0].endedAt), RETRY_MS);
      assert.deepEqual((await rig.api('GET', '/callbacks?state=scheduled&queue=billing')).body.callbacks.map((c: any) => c.id), [id]);
    } finally {
      await rig.close();
    }
  });

  test('the customer hangs up during the greeting: answered, and a retry is scheduled', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const { id, leg } = await answered(rig);
      assert.equal((await rig.api('DELETE', `/sim/calls/${leg}`)).status, 200);
      const view = await attemptEnded(rig, id, 1);
      assert.equal(view.attempts[0].outcome, 'answered');
      assert.equal(view.state, 'scheduled');
      assert.equal(Date.parse(view.dueAt) - Date.parse(view.attempts[0].endedAt), RETRY_MS);
      assert.equal((await rig.api('GET', `/calls/${leg}`)).body.outcome, 'caller-hangup');
    } finally {
      await rig.close();
    }
  });
});
