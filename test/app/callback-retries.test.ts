/**
 * Callback attempts and retries (issue 5): busy, no answer and a failed call are tried again
 * `retryEvery` later (billing: 5 minutes), up to `maxAttempts` (billing: 3); the outcome of
 * each attempt and the final one are on the API.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MONDAY_10AM_NY, startCallbackApp, type CallbackApp } from '../support/callback-app.ts';
import { agentAnswers, sampleFlows } from '../support/callback-scenes.ts';

const CUSTOMER = '+12125550123';
const RETRY_MS = 5 * 60_000;

/** A callback for billing due in a minute, through the API. */
async function schedule(rig: CallbackApp): Promise<string> {
  const created = await rig.api('POST', '/callbacks', { number: CUSTOMER, queue: 'billing', at: new Date(rig.clock.now() + 60_000).toISOString() });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id as string;
}

/** Advances until the customer's phone rings; resolves with the leg. */
async function ringing(rig: CallbackApp, maxMs = 10 * 60_000): Promise<{ id: string }> {
  return rig.advanceUntil(async () => (await rig.outbound()).find((o) => o.to === CUSTOMER && o.status === 'ringing'), 'the customer ringing', maxMs);
}

describe('callback retries', () => {
  test('busy, then no answer, then answered: attempts spaced by retryEvery, final connected', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      await rig.login('alice', { billing: 5 });
      const id = await schedule(rig);

      // 1: busy.
      const first = await ringing(rig);
      assert.equal((await rig.callback(id)).state, 'dialing');
      assert.deepEqual((await rig.api('GET', '/callbacks?state=dialing')).body.callbacks.map((c: any) => c.id), [id]);
      assert.equal((await rig.api('POST', `/sim/calls/${first.id}/reject`)).status, 200);
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'scheduled', 'the retry scheduled');
      let view = await rig.callback(id);
      assert.deepEqual(view.attempts.map((a: any) => a.outcome), ['busy']);
      assert.equal(Date.parse(view.dueAt) - Date.parse(view.attempts[0].endedAt), RETRY_MS);

      // 2: rings out (CALLBACK_RING_SECONDS, 30 s by default).
      const second = await ringing(rig);
      assert.notEqual(second.id, first.id);
      const rangAt = rig.clock.now();
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'scheduled', 'the second retry scheduled', 60_000);
      const rang = rig.clock.now() - rangAt;
      assert.ok(rang >= 29_000 && rang <= 31_000, `rang for the ring timeout (${rang} ms)`);
      view = await rig.callback(id);
      assert.deepEqual(view.attempts.map((a: any) => a.outcome), ['busy', 'no-answer']);

      // 3: answered; the customer presses 1 and talks to alice.
      const third = await ringing(rig);
      await rig.api('POST', `/sim/calls/${third.id}/answer`);
      await rig.untilHeard(third.id, 'callback-greeting');
      await rig.dtmf(third.id, '1');
      await agentAnswers(rig, 'alice');
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'connected', 'connected');
      view = await rig.callback(id);
      assert.deepEqual(view.attempts.map((a: any) => [a.n, a.outcome]), [[1, 'busy'], [2, 'no-answer'], [3, 'connected']]);
      assert.equal(view.outcome, 'connected');
      for (let i = 1; i < view.attempts.length; i++) {
        const gap = Date.parse(view.attempts[i].at) - Date.parse(view.attempts[i - 1].endedAt);
        assert.ok(gap >= RETRY_MS && gap <= RETRY_MS + 1000, `attempt ${i + 1} came retryEvery after attempt ${i} (${gap} ms)`);
      }
      assert.deepEqual((await rig.api('GET', '/callbacks?state=connected&queue=billing')).body.callbacks.map((c: any) => c.id), [id]);
      assert.deepEqual((await rig.api('GET', '/callbacks?state=connected&queue=support')).body.callbacks, []);
      await rig.api('DELETE', `/sim/calls/${third.id}`);
    } finally {
      await rig.close();
    }
  });

  test('never answered: maxAttempts attempts, then the final outcome is no-answer and nothing more is dialled', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: sampleFlows() });
    try {
      const id = await schedule(rig);
      const legs = new Set<string>();
      for (let n = 1; n <= 3; n++) {
        const leg = await ringing(rig);
        legs.add(leg.id);
        await rig.advanceUntil(async () => (await rig.callback(id)).attempts.find((a: any) => a.n === n)?.outcome, `attempt ${n} to end`, 60_000);
      }
      assert.equal(legs.size, 3, 'three calls placed');
      const view = await rig.callback(id);
      assert.equal(view.state, 'no-answer');
      assert.equal(view.outcome, 'no-answer');
      assert.deepEqual(view.attempts.map((a: any) => a.outcome), ['no-answer', 'no-answer', 'no-answer']);
      await rig.advance(30 * 60_000, 1000);
      assert.deepEqual(await rig.outbound(), [], 'no fourth attempt');
      assert.equal((await rig.callback(id)).attempts.length, 3);
      assert.deepEqual((await rig.api('GET', '/callbacks?state=no-answer')).body.callbacks.map((c: any) => c.id), [id]);
    } finally {
      await rig.close();
    }
  });
});
