/**
 * Agent-first callbacks (`callback.connect: agent-first`, issue 5): the agent held for a kept
 * place is rung before the customer is dialled, and the customer is bridged straight to them.
 * ACD service over the memory store and the simulated PBX, driven by `dialAgentFirst`.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import { CALLBACK_INBOX } from '../../src/core/acd/acd-service.ts';
import { AGENT_FIRST_NOTICE, dialAgentFirst } from '../../src/core/callback/agent-first-dialer.ts';
import type { DialOutcome } from '../../src/core/callback/callback-types.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import type { CallbackRecord } from '../../src/ports/callback-store.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createAcdRig, queueFromYaml } from './acd-rig.ts';

const FLOW: FlowDocument = {
  id: 'line',
  numbers: ['100'],
  start: 'billing',
  steps: { billing: { type: 'queue', queue: 'billing', on: { done: 'bye', timeout: 'bye' } }, bye: { type: 'hangup' } },
} as FlowDocument;
const BILLING = queueFromYaml(`queue: billing
ringTimeout: 20s
wrapUp: 15s
maxWait: 30m
recording: none
callback: { connect: agent-first }
`);
const CUSTOMER = '+12125550111';
const ENTRY = 'cb-0123456789abcdef0123';

let rig: Awaited<ReturnType<typeof createAcdRig>> | undefined;
afterEach(() => {
  rig?.stop();
  rig = undefined;
});

type Rig = Awaited<ReturnType<typeof createAcdRig>>;

/** An ACD with manual-answer agents and a kept place (as `keepPlace` leaves it) at the front of `billing`. */
async function setup(agents: string[], queue = BILLING): Promise<{ r: Rig; dues: string[]; record: CallbackRecord }> {
  const r = (rig = await createAcdRig([FLOW], [queue]));
  const dues: string[] = [];
  // The callback service answers a turn with the record: due now, so the ACD holds the agent.
  r.acd.useCallbacks({
    due: async (id) => {
      dues.push(id);
      return { state: 'scheduled', dueAt: r.clock.now() };
    },
  });
  for (const id of agents) r.driver.setAgentAnswerMode(id, 'manual');
  const enqueuedAt = r.clock.now() - 60_000;
  await r.acdStore.enqueue({ callId: ENTRY, queue: 'billing', priority: 0, node: CALLBACK_INBOX, enqueuedAt, data: { callback: ENTRY } }, r.clock.now());
  for (const id of agents) {
    await r.acd.login(id, { endpoint: `sim:${id}`, skills: {} });
    await r.clock.advance(1000); // the first agent has been idle longest
  }
  const record: CallbackRecord = {
    id: ENTRY, callId: 'call-1', number: CUSTOMER, mode: 'keep-place', queue: 'billing', priority: 0, enqueuedAt,
    dueAt: r.clock.now(), state: 'dialing', attempts: [], maxAttempts: 3, retryEveryMs: 300_000, expiresAt: r.clock.now() + 86_400_000,
    createdAt: enqueuedAt, updatedAt: enqueuedAt, version: 1,
  };
  return { r, dues, record };
}

function dial(r: Rig, record: CallbackRecord, attempt = 1): { outcome: Promise<DialOutcome>; settled: () => DialOutcome | undefined } {
  let result: DialOutcome | undefined;
  const outcome = dialAgentFirst({ driver: r.driver, acd: r.acd, logger: silentLogger, ringTimeoutMs: 30_000 }, record, attempt);
  void outcome.then((o) => (result = o));
  return { outcome, settled: () => result };
}

function customerLeg(r: Rig): SimLeg | undefined {
  return r.driver.outboundLegs().find((l) => l.to === CUSTOMER);
}

describe('agent-first callbacks', () => {
  it('rings the held agent first; a miss goes to the next agent; the customer is dialled once an agent answers, then bridged', async () => {
    const { r, dues, record } = await setup(['alice', 'bob']);
    // The place reached the front: alice is held for it and the callback is due.
    assert.deepEqual(dues, [ENTRY]);
    assert.equal((await r.acd.getAgent('alice')).state, 'offered');
    assert.equal(r.agentLeg('alice'), undefined);

    const { outcome, settled } = dial(r, record);
    await r.until(() => r.agentLeg('alice') !== undefined);
    assert.equal(r.agentLeg('alice')!.from, CUSTOMER, 'the agent sees whom they will be talking to');
    assert.equal(customerLeg(r), undefined, 'the customer is not dialled before an agent answers');

    await r.agentLeg('alice')!.advance(20_000); // rings out: a miss
    await r.until(() => r.agentLeg('bob') !== undefined);
    const alice = await r.acd.getAgent('alice');
    assert.equal(alice.state, 'available');
    assert.equal(alice.figures.missed, 1);
    assert.equal(customerLeg(r), undefined);
    assert.equal(dues.length, 1, 'the same attempt goes on with the next agent');

    const bobLeg = r.agentLeg('bob')!;
    await bobLeg.remoteAnswer();
    await r.until(() => customerLeg(r) !== undefined);
    assert.deepEqual(bobLeg.played[0]?.media, AGENT_FIRST_NOTICE);
    assert.equal((await r.acd.getAgent('bob')).state, 'offered', 'reserved while the customer rings');

    const customer = customerLeg(r)!;
    await customer.remoteAnswer();
    assert.equal(await outcome, 'connected');
    await r.until(() => r.driver.audioPaths(customer.id).some((p) => p.from === bobLeg.id && p.to === customer.id));
    const bob = await r.acd.getAgent('bob');
    assert.equal(bob.state, 'on-call');
    assert.equal(bob.currentCall?.callId, customer.id);
    assert.equal(r.acd.connectionOf(customer.id)?.agentId, 'bob');
    assert.equal(await r.acdStore.getCaller(ENTRY), undefined, 'the place became the customer\'s call');
    assert.ok(r.acdEvents.some((e) => e.type === 'queue.answered' && e.callId === customer.id && e.waitSeconds >= 60));
    assert.equal(settled(), 'connected');

    // The customer hangs up: the agent's leg goes too, and the agent wraps up.
    await customer.remoteHangup();
    await r.until(() => !bobLeg.isLive());
    assert.equal((await r.acd.getAgent('bob')).state, 'wrap-up');
    assert.equal((await r.acd.getQueue('billing')).answered, 1);
    assert.equal(r.acd.connectionOf(customer.id), undefined);
  });

  it('a customer who is busy: the agent is hung up and available at once (no miss, no wrap-up), the place leaves; a retry takes its old place again', async () => {
    const { r, record } = await setup(['alice']);
    const first = dial(r, record);
    await r.until(() => r.agentLeg('alice') !== undefined);
    const aliceLeg = r.agentLeg('alice')!;
    await aliceLeg.remoteAnswer();
    await r.until(() => customerLeg(r) !== undefined);
    await customerLeg(r)!.remoteReject('busy');
    assert.equal(await first.outcome, 'busy');
    await r.until(() => !aliceLeg.isLive());
    const alice = await r.acd.getAgent('alice');
    assert.equal(alice.state, 'available');
    assert.equal(alice.figures.missed, 0);
    assert.equal(await r.acdStore.getCaller(ENTRY), undefined);

    // A caller joins meanwhile; alice takes them, so the retry waits at its original place (first).
    await r.driver.setAgentAnswerMode('alice', 'manual');
    const other = await r.queuedCall('100');
    await r.until(() => r.agentLeg('alice') !== undefined);
    await r.agentLeg('alice')!.remoteAnswer();
    await r.until(async () => (await r.acd.getAgent('alice')).state === 'on-call');

    const retry = dial(r, record, 2);
    await r.until(async () => (await r.acdStore.getCaller(ENTRY))?.state === 'waiting');
    assert.equal((await r.acd.status(ENTRY)).position, 1);
    await r.agentLeg('alice')!.remoteHangup(); // alice ends the call with `other`
    await r.clock.advance(15_000); // wrap-up
    await r.until(() => r.agentLeg('alice') !== undefined);
    assert.equal(customerLeg(r), undefined);
    await r.agentLeg('alice')!.remoteAnswer();
    await r.until(() => customerLeg(r) !== undefined);
    await customerLeg(r)!.advance(30_000); // no answer
    assert.equal(await retry.outcome, 'no-answer');
    assert.equal((await r.acd.getAgent('alice')).state, 'available');
    assert.ok(other.id);
  });

  it('the agent hanging up ends the customer\'s call and wraps the agent up', async () => {
    const { r, record } = await setup(['alice']);
    const { outcome } = dial(r, record);
    await r.until(() => r.agentLeg('alice') !== undefined);
    const aliceLeg = r.agentLeg('alice')!;
    await aliceLeg.remoteAnswer();
    await r.until(() => customerLeg(r) !== undefined);
    const customer = customerLeg(r)!;
    await customer.remoteAnswer();
    assert.equal(await outcome, 'connected');
    await aliceLeg.remoteHangup();
    await r.until(() => !customer.isLive());
    assert.equal(customer.hangupBy, 'local');
    assert.equal((await r.acd.getAgent('alice')).state, 'wrap-up');
    assert.equal(r.driver.bridges().some((b) => b.has(customer.id)), false);
  });

  it('the agent hanging up while the customer rings: the customer call is dropped and the attempt fails', async () => {
    const { r, record } = await setup(['alice']);
    const { outcome } = dial(r, record);
    await r.until(() => r.agentLeg('alice') !== undefined);
    const aliceLeg = r.agentLeg('alice')!;
    await aliceLeg.remoteAnswer();
    await r.until(() => customerLeg(r) !== undefined);
    const customer = customerLeg(r)!;
    await aliceLeg.remoteHangup();
    assert.equal(await outcome, 'failed');
    assert.equal(customer.isLive(), false);
    assert.equal((await r.acd.getAgent('alice')).state, 'available');
  });

  it('a place released while the attempt waits for an agent ends the attempt without dialling', async () => {
    const { r, record } = await setup([]);
    const { outcome } = dial(r, record);
    await r.until(async () => (await r.acdStore.getCaller(ENTRY))?.state === 'waiting');
    await r.acd.releaseCallbackEntry(ENTRY);
    assert.equal(await outcome, 'failed');
    assert.equal(customerLeg(r), undefined);
  });

  it('a place another node popped from the shared inbox is rung by the node whose attempt waits for it', async () => {
    // One miss pauses the agent, so the place waits until bob logs in through node-b.
    const queue = queueFromYaml(`queue: billing
ringTimeout: 20s
maxMissedOffers: 1
recording: none
callback: { connect: agent-first }
`);
    const { r, record } = await setup(['alice'], queue);
    const other = await createAcdRig([FLOW], [queue], { store: r.acdStore, node: 'node-b' });
    try {
      other.acd.useCallbacks({ due: async () => ({ state: 'dialing' }) });
      r.driver.setAgentAnswerMode('bob', 'manual');
      const { outcome } = dial(r, record);
      await r.until(() => r.agentLeg('alice') !== undefined);
      await r.agentLeg('alice')!.advance(20_000); // alice misses and is paused; the place waits
      await r.until(async () => (await r.acd.getAgent('alice')).state === 'paused');
      await r.until(async () => (await r.acdStore.getCaller(ENTRY))?.state === 'waiting');

      // bob logs in through node-b: node-b routes, pops the place's offer and only holds bob.
      await other.acd.login('bob', { endpoint: 'sim:bob', skills: {} });
      assert.equal((await r.acdStore.getCaller(ENTRY))?.state, 'offered');
      assert.equal(other.agentLeg('bob'), undefined, 'node-b has no attempt waiting for the place');
      assert.equal(r.agentLeg('bob'), undefined);

      await r.clock.advance(1000); // this node's sweep finds the offer its attempt waits for
      await r.until(() => r.agentLeg('bob') !== undefined);
      await r.agentLeg('bob')!.remoteAnswer();
      await r.until(() => customerLeg(r) !== undefined);
      await customerLeg(r)!.remoteAnswer();
      assert.equal(await outcome, 'connected');
      assert.equal((await r.acd.getAgent('bob')).state, 'on-call');
    } finally {
      other.stop();
    }
  });
});
