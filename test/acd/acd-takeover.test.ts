import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isHotlineError } from '../../src/core/errors.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { createAcdRig, queueFromYaml } from './acd-rig.ts';

const FLOW: FlowDocument = {
  id: 'line',
  numbers: ['100'],
  start: 'billing',
  steps: {
    billing: { type: 'queue', queue: 'billing', on: { done: 'survey', timeout: 'bye' } },
    survey: { type: 'menu', prompt: 'survey', options: { '1': 'bye' }, on: { noInput: 'bye', noMatch: 'bye' } },
    bye: { type: 'hangup', prompt: 'goodbye' },
  },
} as FlowDocument;
const BILLING = queueFromYaml('queue: billing\nwrapUp: 15s\nmaxWait: 30m\n');

let rig: Awaited<ReturnType<typeof createAcdRig>> | undefined;
afterEach(() => {
  rig?.stop();
  rig = undefined;
});

async function connected() {
  const r = (rig = await createAcdRig([FLOW], [BILLING]));
  await r.acd.login('alice', { endpoint: 'sim:alice', skills: {} });
  const caller = await r.queuedCall('100');
  await r.until(() => r.agentLeg('alice') !== undefined);
  const agent = r.agentLeg('alice')!;
  await agent.advance(1000);
  await r.until(() => r.driver.bridges().some((b) => b.has(caller.id) && b.has(agent.id)));
  const sup = await r.driver.originate({ to: 'sim:sup1', timeoutMs: 30_000, purpose: 'supervisor', autoAnswerAfterMs: 0 });
  await sup.advance(0);
  return { r, caller, agent, sup };
}

describe('ACD takeover', () => {
  it('points the connection at the new leg, releases the agent to wrap-up, and ends the queue step when that leg hangs up', async () => {
    const { r, caller, agent, sup } = await connected();
    assert.equal(r.acd.connectionOf(caller.id)?.leg, agent);
    await r.acd.takeover(caller.id, sup);
    await r.until(() => !agent.isLive());
    const connection = r.acd.connectionOf(caller.id);
    assert.equal(connection?.leg, sup);
    assert.equal(connection?.agentLegId, agent.id);
    assert.equal(connection?.agentId, 'alice');
    assert.equal(typeof connection?.takenOverAt, 'number');
    assert.equal((await r.acd.getAgent('alice')).state, 'wrap-up');
    // The call's bridge stays: on a real PBX the supervisor talks to the caller through it.
    assert.ok(r.driver.bridges().some((b) => b.id === connection?.bridgeId && b.has(caller.id)));
    assert.ok(r.acdEvents.some((e) => e.type === 'agent.state' && e.agentId === 'alice' && e.state === 'wrap-up'));
    // The caller's queue step goes on: the agent's leg ending was not the call ending.
    assert.deepEqual(r.calls.session(caller.id)?.stateValue(), { flow: { billing: 'connected' } });
    assert.equal(caller.status, 'up');
    assert.equal((await r.acd.getQueue('billing')).answered, 1);
    await assert.rejects(r.acd.takeover(caller.id, sup), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_ILLEGAL_STATE'));

    await sup.remoteHangup();
    await r.until(() => r.calls.session(caller.id)?.currentStep() === 'survey');
    assert.equal(r.acd.connectionOf(caller.id), undefined);
    assert.deepEqual(r.driver.bridges(), []);
    await r.clock.advance(15_000);
    await r.until(async () => (await r.acd.getAgent('alice')).state === 'available');
  });

  it('the caller hanging up after a takeover hangs up the leg that took over', async () => {
    const { r, caller, sup } = await connected();
    await r.acd.takeover(caller.id, sup);
    await caller.remoteHangup();
    await r.until(() => !sup.isLive());
    assert.equal(r.acd.connectionOf(caller.id), undefined);
    assert.deepEqual(r.driver.resourcesOf(caller.id), []);
    assert.deepEqual(r.driver.resourcesOf(sup.id), []);
  });

  it('a takeover the PBX could not carry out leaves the agent connected', async () => {
    const { r, caller, agent, sup } = await connected();
    await assert.rejects(
      r.acd.takeover(caller.id, sup, async () => {
        throw new Error('pbx said no');
      }),
      /pbx said no/,
    );
    assert.equal(r.acd.connectionOf(caller.id)?.leg, agent);
    assert.equal(agent.status, 'up');
    assert.equal((await r.acd.getAgent('alice')).state, 'on-call');
    // The agent hanging up still ends the call's queue step as usual.
    await agent.remoteHangup();
    await r.until(() => r.calls.session(caller.id)?.currentStep() === 'survey');
  });

  it('refuses a call that is not connected here', async () => {
    rig = await createAcdRig([FLOW], [BILLING]);
    const waiting = await rig.queuedCall('100');
    const sup = await rig.driver.originate({ to: 'sim:sup1', timeoutMs: 30_000, purpose: 'supervisor', autoAnswerAfterMs: 0 });
    await assert.rejects(rig.acd.takeover(waiting.id, sup), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_ILLEGAL_STATE'));
    assert.equal(rig.acd.connectionOf(waiting.id), undefined);
  });

  it('lists live callers: waiting, offered, connected and taken over, with when they entered that state', async () => {
    const { r, caller, sup } = await connected();
    const t0 = r.clock.now();
    r.driver.setAgentAnswerMode('bob', 'manual');
    await r.clock.advance(2000);
    const second = await r.queuedCall('100');
    await r.clock.advance(3000);
    await r.acd.login('bob', { endpoint: 'sim:bob', skills: {} });
    await r.until(() => r.agentLeg('bob') !== undefined);
    await r.clock.advance(1000);
    const third = await r.queuedCall('100');
    const { now, callers } = await r.acd.liveCallers();
    assert.equal(now, t0 + 6000);
    const byId = new Map(callers.map((c) => [c.callId, c]));
    assert.deepEqual(byId.get(caller.id), { callId: caller.id, queue: 'billing', state: 'connected', since: t0, agentId: 'alice', legId: r.agentLeg('alice')!.id, node: 'node-a' });
    assert.deepEqual(byId.get(second.id), { callId: second.id, queue: 'billing', state: 'offered', since: t0 + 5000, agentId: 'bob', node: 'node-a' });
    assert.deepEqual(byId.get(third.id), { callId: third.id, queue: 'billing', state: 'waiting', since: t0 + 6000, node: 'node-a' });

    await r.acd.takeover(caller.id, sup);
    const after = (await r.acd.liveCallers()).callers.find((c) => c.callId === caller.id);
    assert.deepEqual(after, { callId: caller.id, queue: 'billing', state: 'connected', since: t0 + 6000, legId: sup.id, node: 'node-a', takenOver: true });
  });
});
