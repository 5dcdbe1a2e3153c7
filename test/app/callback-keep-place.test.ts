/**
 * Issue 5's "done means" for keep-my-place callbacks, through the HTTP API of a real Hotline on
 * the simulated PBX: a billing caller is offered a callback after 30 s, keeps their place and
 * hangs up; a later caller's position counts the kept place; when the agent frees up, Hotline
 * dials the first caller, who presses 1 and is connected to the agent held for them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MONDAY_10AM_NY, startCallbackApp } from '../support/callback-app.ts';
import { acceptOffer, agentAnswers, billingLine, busyBillingAgent, sampleFlows, intoBilling } from '../support/callback-scenes.ts';

const FIRST = '+12125550123';
const SECOND = '+13125550177';
const BUSY = '+16175550100';

describe('keep my place (sample line, billing)', () => {
  test('the kept place counts, reaches the front, the customer is dialled and connected to the held agent', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const busy = await busyBillingAgent(rig, 'alice', BUSY);

      const first = await intoBilling(rig, FIRST);
      const joinedAt = rig.clock.now();
      const offerAt = await rig.untilHeard(first, 'callback-keep-place');
      const offeredAfter = rig.clock.now() - joinedAt;
      assert.ok(offeredAfter >= 30_000, `the offer comes after 30 s (came after ${offeredAfter} ms)`);
      const confirmAt = await acceptOffer(rig, first);
      assert.ok((await rig.heard(first)).slice(offerAt).includes(`digits:${FIRST.slice(1)}`), `the caller ID is read back: ${(await rig.heard(first)).slice(offerAt)}`);
      await rig.dtmf(first, '1');
      await rig.untilHeard(first, 'callback-place-kept', { after: confirmAt });
      await rig.advanceUntil(async () => (await rig.api('GET', `/calls/${first}`)).body.state === 'ended', 'the first call ends');

      const queued = (await rig.api('GET', '/callbacks?state=queued&queue=billing')).body.callbacks as any[];
      assert.equal(queued.length, 1, JSON.stringify(queued));
      const cb = queued[0];
      assert.equal(cb.number, FIRST);
      assert.equal(cb.mode, 'keep-place');
      assert.equal(cb.callId, first);

      // A later caller is told they are number 2: the kept place counts.
      const second = await intoBilling(rig, SECOND);
      const intro = await rig.untilHeard(second, 'queue-position-intro');
      assert.equal((await rig.heard(second))[intro], 'number:2');

      // The agent frees up: the kept place is at the front; the customer is dialled, not the second caller.
      await rig.api('DELETE', `/sim/calls/${busy}`);
      const leg = await rig.advanceUntil(async () => (await rig.outbound()).find((o) => o.to === FIRST), 'the callback to the first caller');
      assert.equal(leg.status, 'ringing');
      assert.ok(!(await rig.outbound()).some((o) => o.to === 'sim:alice'), "alice's phone does not ring before the customer answers");
      const listed = (await rig.api('GET', '/calls')).body.calls as any[];
      const shown = listed.find((c) => c.id === leg.id);
      assert.equal(shown?.direction, 'outbound', `GET /calls lists the callback: ${JSON.stringify(shown)}`);
      assert.equal(shown.to, FIRST);
      assert.equal(shown.leg, 'ringing');
      assert.equal((await rig.callback(cb.id)).state, 'dialing');

      await rig.api('POST', `/sim/calls/${leg.id}/answer`);
      await rig.untilHeard(leg.id, 'callback-greeting');
      await rig.dtmf(leg.id, '1');
      await rig.advanceUntil(async () => (await rig.outbound()).some((o) => o.to === 'sim:alice'), "alice's phone rings");
      await agentAnswers(rig, 'alice');
      await rig.advanceUntil(async () => (await rig.callback(cb.id)).state === 'connected', 'the callback connected');
      const done = await rig.callback(cb.id);
      assert.deepEqual(done.attempts.map((a: any) => ({ n: a.n, outcome: a.outcome })), [{ n: 1, outcome: 'connected' }]);
      assert.equal(done.outcome, 'connected');
      const paths = (await rig.api('GET', `/sim/calls/${leg.id}/audio-paths`)).body.paths as Array<{ from: string; to: string }>;
      assert.ok(paths.some((p) => p.to === leg.id) && paths.some((p) => p.from === leg.id), 'customer and agent hear each other');

      // The second caller is still waiting, and gets alice when the callback call ends.
      const billing = (await rig.api('GET', '/calls?queue=billing')).body.calls as any[];
      assert.equal(billing.find((c) => c.id === second)?.state, 'waiting');
      await rig.api('DELETE', `/sim/calls/${leg.id}`);
      await rig.advanceUntil(async () => (await rig.outbound()).some((o) => o.to === 'sim:alice' && o.status === 'ringing'), 'alice offered the second caller', 60_000);
      await agentAnswers(rig, 'alice');
      await rig.advanceUntil(async () => (await rig.api('GET', '/calls?queue=billing')).body.calls.find((c: any) => c.id === second)?.state === 'connected', 'second caller connected');
      assert.equal((await rig.callback(cb.id)).state, 'connected');
    } finally {
      await rig.close();
    }
  });

  test('2 keys another number; a premium or international number is refused and the caller keeps waiting at the same place', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      await busyBillingAgent(rig, 'alice', BUSY);
      const keyer = await intoBilling(rig, FIRST);
      await rig.advance(2_000);
      const later = await intoBilling(rig, SECOND);
      assert.deepEqual(await billingLine(rig), [keyer, later]);

      // 1900… (premium): refused, back in the queue at the same place.
      let at = await acceptOffer(rig, keyer);
      await rig.dtmf(keyer, '2');
      at = await rig.untilHeard(keyer, 'callback-enter-number', { after: at });
      await rig.dtmf(keyer, '19005550111#');
      at = await rig.untilHeard(keyer, 'callback-number-denied', { after: at });
      at = await rig.untilHeard(keyer, 'transfer-billing', { after: at });
      assert.deepEqual(await billingLine(rig), [keyer, later], 'same place after a refused number');
      assert.equal((await rig.api('GET', '/callbacks')).body.callbacks.length, 0, 'no callback for a refused number');

      // 44… (international): refused too.
      at = await acceptOffer(rig, keyer, at);
      await rig.dtmf(keyer, '2');
      at = await rig.untilHeard(keyer, 'callback-enter-number', { after: at });
      await rig.dtmf(keyer, '442071234567#');
      at = await rig.untilHeard(keyer, 'callback-number-denied', { after: at });
      at = await rig.untilHeard(keyer, 'transfer-billing', { after: at });
      assert.deepEqual(await billingLine(rig), [keyer, later], 'same place after a refused number');

      // A number of their own: the callback dials it, and the place is kept.
      at = await acceptOffer(rig, keyer, at);
      await rig.dtmf(keyer, '2');
      at = await rig.untilHeard(keyer, 'callback-enter-number', { after: at });
      await rig.dtmf(keyer, '2125550111#');
      await rig.untilHeard(keyer, 'callback-place-kept', { after: at }).catch(async (e) => { console.log(JSON.stringify(await rig.heard(keyer)), (await rig.api('GET', `/calls/${keyer}`)).body.path); throw e; });
      const [cb] = (await rig.api('GET', '/callbacks?state=queued')).body.callbacks as any[];
      assert.equal(cb?.number, '+12125550111');
      assert.deepEqual(await billingLine(rig), [cb.id, later], 'the kept place is where the caller was');
    } finally {
      await rig.close();
    }
  });
});
