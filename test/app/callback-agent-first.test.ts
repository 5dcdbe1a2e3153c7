/**
 * Agent-first callbacks (issue 5: "Hotline reserves an agent and calls the customer, or the
 * agent first, per queue setting"), through the HTTP API of a real Hotline on the simulated
 * PBX: a billing queue with `callback.connect: agent-first`. When the kept place reaches the
 * front the agent's phone rings first; the customer is dialled only once an agent answered,
 * and is bridged straight to them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MONDAY_10AM_NY, startCallbackApp, type CallbackApp } from '../support/callback-app.ts';

const LINE = '+18005550199';
const CUSTOMER = '+12125550123';

const FLOW = `id: agent-first-line
numbers: ["${LINE}"]
start: billing
steps:
  billing:
    type: queue
    queue: billing
    callback: { after: 5s, goto: keep }
    on: { done: bye, timeout: bye }
  keep:
    type: callback
    action: keep-place
    on: { done: bye, error: billing }
  bye:
    type: hangup
`;

const BILLING = `queue: billing
ringTimeout: 20s
wrapUp: 15s
maxWait: 30m
announce: { first: 10s, every: 30s }
recording: from-answer
callback: { connect: agent-first, retryEvery: 5m, maxAttempts: 3 }
`;

function flowsDir(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'hotline-agent-first-')), 'flows');
  mkdirSync(join(dir, 'queues'), { recursive: true });
  writeFileSync(join(dir, 'agent-first-line.yaml'), FLOW);
  writeFileSync(join(dir, 'queues', 'billing.yaml'), BILLING);
  return dir;
}

/** A caller keeps their place in billing (no agent logged in yet); resolves with the callback's id. */
async function keptPlace(rig: CallbackApp): Promise<string> {
  const call = await rig.call(CUSTOMER, LINE);
  const offerAt = await rig.untilHeard(call, 'callback-keep-place');
  await rig.dtmf(call, '1');
  const confirmAt = await rig.untilHeard(call, 'callback-confirm-number', { after: offerAt });
  await rig.dtmf(call, '1');
  await rig.untilHeard(call, 'callback-place-kept', { after: confirmAt });
  await rig.advanceUntil(async () => (await rig.api('GET', `/calls/${call}`)).body.state === 'ended', 'the caller to hang up');
  const queued = (await rig.api('GET', '/callbacks?state=queued&queue=billing')).body.callbacks as any[];
  assert.equal(queued.length, 1, JSON.stringify(queued));
  return queued[0].id;
}

async function ringing(rig: CallbackApp, to: string): Promise<{ id: string; status: string }> {
  return rig.advanceUntil(async () => (await rig.outbound()).find((o) => o.to === to && o.status === 'ringing'), `${to} ringing`);
}

async function agent(rig: CallbackApp, id: string): Promise<any> {
  return (await rig.api('GET', `/agents/${id}`)).body;
}

describe('agent-first callbacks (sim, real app)', () => {
  test('the agent is rung first (a miss goes to the next agent), then the customer is dialled and bridged to the agent who answered', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: flowsDir() });
    try {
      const id = await keptPlace(rig);
      await rig.login('alice', { billing: 5 });
      await rig.advance(1000);
      await rig.login('bob', { billing: 5 });

      // The place is at the front: alice (idle longest) is rung; the customer is not dialled.
      await ringing(rig, 'sim:alice');
      assert.equal((await rig.outbound()).some((o) => o.to === CUSTOMER), false, 'the customer is not dialled before an agent answers');
      assert.equal((await rig.callback(id)).state, 'dialing');

      // alice refuses after a while (bob has been idle longer by then): a miss; bob is rung by the same attempt.
      await rig.advance(3000);
      assert.equal((await rig.api('POST', '/sim/agents/alice/reject')).status, 200);
      await ringing(rig, 'sim:bob');
      const alice = await agent(rig, 'alice');
      assert.equal(alice.state, 'available');
      assert.equal(alice.figures.missed, 1);
      assert.equal((await rig.outbound()).some((o) => o.to === CUSTOMER), false);

      assert.equal((await rig.api('POST', '/sim/agents/bob/answer')).status, 200);
      const customer = await ringing(rig, CUSTOMER);
      await rig.api('POST', `/sim/calls/${customer.id}/answer`);
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'connected', 'the callback to be connected');
      const cb = await rig.callback(id);
      assert.deepEqual(cb.attempts.map((a: any) => [a.n, a.outcome]), [[1, 'connected']]);

      // Customer and bob hear each other; bob is on the call with the customer's leg.
      const paths = (await rig.api('GET', `/sim/calls/${customer.id}/audio-paths`)).body;
      assert.ok(paths.legs.some((l: any) => l.to === 'sim:bob'), JSON.stringify(paths));
      const bob = await agent(rig, 'bob');
      assert.equal(bob.state, 'on-call');
      assert.equal(bob.currentCall?.callId, customer.id);
      assert.equal((await rig.callback(id)).state, 'connected');
      // The queue's `recording: from-answer` records the conversation, as for any ACD call.
      const recs = (await rig.api('GET', `/recordings?call=${customer.id}`)).body.recordings as any[];
      assert.ok(recs.some((r) => r.target === 'conversation' && r.agentId === 'bob' && r.queue === 'billing'), JSON.stringify(recs));

      // The customer hangs up: bob's phone is hung up and bob wraps up.
      await rig.api('DELETE', `/sim/calls/${customer.id}`);
      await rig.advanceUntil(async () => (await agent(rig, 'bob')).state === 'wrap-up', 'bob in wrap-up');
      assert.equal((await rig.outbound()).some((o) => o.to === 'sim:bob'), false);
      const queue = (await rig.api('GET', '/queues/billing')).body;
      assert.equal(queue.answered, 1);
      assert.equal(queue.waiting, 0);
    } finally {
      await rig.close();
    }
  });

  test('a busy customer: the agent is released available (no miss, no wrap-up) and the callback is retried after retryEvery, agent first again', async () => {
    const rig = await startCallbackApp({ at: MONDAY_10AM_NY, flowsDir: flowsDir() });
    try {
      const id = await keptPlace(rig);
      await rig.login('alice', { billing: 5 });
      await ringing(rig, 'sim:alice');
      await rig.api('POST', '/sim/agents/alice/answer');
      const customer = await ringing(rig, CUSTOMER);
      await rig.api('POST', `/sim/calls/${customer.id}/reject`);
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'scheduled', 'the callback to be rescheduled');
      const cb = await rig.callback(id);
      assert.deepEqual(cb.attempts.map((a: any) => [a.n, a.outcome]), [[1, 'busy']]);
      const alice = await agent(rig, 'alice');
      assert.equal(alice.state, 'available');
      assert.equal(alice.figures.missed, 0);
      assert.equal((await rig.outbound()).some((o) => o.to === 'sim:alice'), false, "alice's phone is hung up");
      assert.equal((await rig.api('GET', '/queues/billing')).body.callers.length, 0, 'the place left the queue');

      // Not before retryEvery: then alice's phone rings again, and the customer answers this time.
      await rig.advance(4 * 60_000, 1000);
      assert.equal((await rig.outbound()).length, 0);
      await ringing(rig, 'sim:alice');
      assert.ok(rig.clock.now() - Date.parse(MONDAY_10AM_NY) >= 5 * 60_000);
      await rig.api('POST', '/sim/agents/alice/answer');
      const again = await ringing(rig, CUSTOMER);
      await rig.api('POST', `/sim/calls/${again.id}/answer`);
      await rig.advanceUntil(async () => (await rig.callback(id)).state === 'connected', 'the callback to be connected');
      assert.deepEqual((await rig.callback(id)).attempts.map((a: any) => [a.n, a.outcome]), [[1, 'busy'], [2, 'connected']]);
      assert.equal((await agent(rig, 'alice')).state, 'on-call');

      // alice hangs up: the customer's call ends too, and alice wraps up.
      await rig.api('POST', '/sim/agents/alice/hangup');
      await rig.advanceUntil(async () => !(await rig.outbound()).some((o) => o.id === again.id), "the customer's call to end");
      assert.equal((await agent(rig, 'alice')).state, 'wrap-up');
    } finally {
      await rig.close();
    }
  });
});
