import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { createAcdRig, queueFromYaml } from './acd-rig.ts';

const FLOW: FlowDocument = {
  id: 'line',
  numbers: ['100', '200'],
  start: 'route',
  steps: {
    route: { type: 'branch', cases: [{ when: { value: '${call.to}', eq: '200' }, goto: 'support' }], on: { otherwise: 'billing' } },
    billing: {
      type: 'queue',
      queue: 'billing',
      prompt: 'please-hold',
      keys: { '9': 'vm' },
      on: { done: 'survey', timeout: 'busy', voicemail: 'vm' },
    },
    support: { type: 'queue', queue: 'support', on: { done: 'survey', timeout: 'busy' } },
    survey: {
      type: 'menu',
      prompt: 'survey',
      options: { '1': 'bye', '2': 'bye', '3': 'bye', '4': 'bye', '5': 'bye' },
      into: 'rating',
      on: { noInput: 'bye', noMatch: 'bye' },
    },
    busy: { type: 'hangup' },
    vm: { type: 'hangup', prompt: 'vm' },
    bye: { type: 'hangup', prompt: 'goodbye' },
  },
} as FlowDocument;

const BILLING = queueFromYaml(`queue: billing
skills: { billing: 3 }
strategy: longest-idle
ringTimeout: 20s
wrapUp: 15s
maxMissedOffers: 2
maxWait: 5m
whenMaxWait: { action: overflow, queue: support }
priority: { vipNumbers: ["+15555550123"], vipPriority: 10 }
announce: { every: 60s, position: true, waitTime: true }
`);
const SUPPORT = queueFromYaml(`queue: support
skills: { support: 2 }
strategy: best-skill-match
maxWait: 10m
whenMaxWait: { action: voicemail }
`);

let rig: Awaited<ReturnType<typeof createAcdRig>> | undefined;
afterEach(() => {
  rig?.stop();
  rig = undefined;
});

async function setup() {
  rig = await createAcdRig([FLOW], [BILLING, SUPPORT]);
  return rig;
}

describe('ACD service on the simulated PBX', () => {
  it('connects a waiting caller to a logged-in agent by skill, bridges them, and runs the survey after the agent hangs up', async () => {
    const r = await setup();
    const caller = await r.queuedCall('100');
    assert.equal(r.calls.session(caller.id)?.currentStep(), 'billing');
    // An agent without the billing skill is not offered the call.
    await r.acd.login('sam', { endpoint: 'sim:sam', skills: { support: 9 } });
    await r.acd.login('alice', { endpoint: 'sim:alice', skills: { billing: 7 } });
    await r.until(() => r.agentLeg('alice') !== undefined);
    assert.equal(r.agentLeg('sam'), undefined);
    assert.equal((await r.acd.getAgent('alice')).state, 'offered');
    const pop = r.acdEvents.find((e) => e.type === 'agent.offered');
    assert.ok(pop && pop.type === 'agent.offered');
    assert.equal(pop.screenPop.callId, caller.id);
    assert.deepEqual(pop.screenPop.path.slice(0, 2), ['route', 'billing']);

    // The simulated agent phone picks up after one second.
    const agentLeg = r.agentLeg('alice')!;
    await agentLeg.advance(1000);
    await r.until(() => r.driver.bridges().some((b) => b.has(caller.id) && b.has(agentLeg.id)));
    assert.equal((await r.acd.getAgent('alice')).state, 'on-call');
    assert.ok(r.driver.audioPaths(caller.id).some((p) => p.from === agentLeg.id && p.to === caller.id));
    assert.deepEqual(r.calls.session(caller.id)?.stateValue(), { flow: { billing: 'connected' } });

    await agentLeg.remoteHangup();
    await r.until(() => r.calls.session(caller.id)?.currentStep() === 'survey');
    assert.equal((await r.acd.getAgent('alice')).state, 'wrap-up');
    await r.toInput(caller);
    await caller.pressDigits('4');
    await r.toEnd(caller);
    const record = await r.store.get(caller.id);
    assert.equal(record?.variables.rating, '4');
    assert.equal(record?.outcome, 'completed');

    // Wrap-up ends on the ACD clock.
    await r.clock.advance(15_000);
    await r.until(async () => (await r.acd.getAgent('alice')).state === 'available');
    const q = await r.acd.getQueue('billing');
    assert.equal(q.answered, 1);
    assert.equal(q.waiting, 0);
  });

  it('an offer that rings out goes to the next agent; after maxMissedOffers in a row the agent is paused', async () => {
    const r = await setup();
    r.driver.setAgentAnswerMode('slow', 'manual');
    r.driver.setAgentAnswerMode('bob', 'manual');
    await r.acd.login('slow', { endpoint: 'sim:slow', skills: { billing: 5 } });
    await r.clock.advance(1000); // slow has been idle longer than bob
    await r.acd.login('bob', { endpoint: 'sim:bob', skills: { billing: 5 } });
    const first = await r.queuedCall('100');
    await r.until(() => r.agentLeg('slow') !== undefined);
    await r.agentLeg('slow')!.advance(20_000); // rings out
    await r.until(() => r.agentLeg('bob') !== undefined);
    assert.equal((await r.acd.getAgent('slow')).state, 'available');
    await r.agentLeg('bob')!.remoteAnswer();
    await r.until(() => r.calls.session(first.id)?.stateValue() !== undefined && JSON.stringify(r.calls.session(first.id)?.stateValue()).includes('connected'));

    const second = await r.queuedCall('100');
    await r.until(() => r.agentLeg('slow') !== undefined);
    await r.agentLeg('slow')!.remoteReject();
    await r.until(async () => (await r.acd.getAgent('slow')).state === 'paused');
    const slow = await r.acd.getAgent('slow');
    assert.equal(slow.reason, 'missed-offers');
    assert.equal(slow.figures.missed, 2);
    // The caller keeps waiting for the next agent.
    assert.equal(r.calls.session(second.id)?.currentStep(), 'billing');
    assert.equal((await r.acd.getQueue('billing')).waiting, 1);
  });

  it('a caller hanging up while the agent rings withdraws the offer and counts an abandoned call', async () => {
    const r = await setup();
    r.driver.setAgentAnswerMode('alice', 'manual');
    await r.acd.login('alice', { endpoint: 'sim:alice', skills: { billing: 5 } });
    const caller = await r.queuedCall('100');
    await r.until(() => r.agentLeg('alice') !== undefined);
    const ringing = r.agentLeg('alice')!;
    await caller.remoteHangup();
    await r.until(() => !ringing.isLive());
    await r.until(async () => (await r.acd.getAgent('alice')).state === 'available');
    const q = await r.acd.getQueue('billing');
    assert.equal(q.abandoned, 1);
    assert.equal((await r.acd.getAgent('alice')).figures.missed, 0);
  });

  it('announces position and estimated wait, and says it again only when it changes or on the period', async () => {
    const r = await setup();
    await r.queuedCall('100');
    await r.clock.advance(1000); // joined a second later: behind the first caller
    const second = await r.queuedCall('100');
    const announced = () => r.sounds(second.id).filter((s) => s === 'queue-position-intro').length;
    await second.advance(10_000); // first status check
    await r.until(() => announced() === 1);
    const media = r.events.filter((e) => e.type === 'prompt.played' && e.callId === second.id).at(-1);
    assert.ok(media && media.type === 'prompt.played');
    assert.deepEqual(media.media.slice(0, 2), [{ kind: 'sound', name: 'queue-position-intro' }, { kind: 'number', value: 2 }]);
    await second.advance(3000); // announcement over, back to music
    await second.advance(10_000); // nothing changed: no announcement
    assert.equal(announced(), 1);
    await second.advance(60_000); // the period passed
    await r.until(() => announced() === 2);
  });

  it('a VIP caller moves ahead of callers already waiting', async () => {
    const r = await setup();
    const a = await r.queuedCall('100', '+15551110001');
    await r.clock.advance(1000);
    const vip = await r.queuedCall('100', '+15555550123');
    const q = await r.acd.getQueue('billing');
    assert.deepEqual(q.callers.map((c) => c.callId), [vip.id, a.id]);
    await r.acd.login('alice', { endpoint: 'sim:alice', skills: { billing: 5 } });
    const pop = await (async () => {
      await r.until(() => r.acdEvents.some((e) => e.type === 'agent.offered'));
      return r.acdEvents.find((e) => e.type === 'agent.offered');
    })();
    assert.equal(pop?.type === 'agent.offered' && pop.screenPop.callId, vip.id);
  });

  it('a key leaves the queue; the ACD forgets the caller', async () => {
    const r = await setup();
    const caller = await r.queuedCall('100');
    await caller.pressDigits('9');
    await r.toEnd(caller);
    assert.deepEqual(r.steps(caller.id), ['route', 'billing', 'vm']);
    assert.equal((await r.acd.getQueue('billing')).waiting, 0);
    assert.equal(await r.acdStore.getCaller(caller.id), undefined);
  });

  it('at the queue maximum wait a caller overflows to the next queue, keeping their place in time, then reaches its voicemail', async () => {
    const r = await setup();
    const caller = await r.queuedCall('100');
    await r.clock.advance(5 * 60_000);
    await r.until(async () => (await r.acdStore.getCaller(caller.id))?.queue === 'support');
    assert.ok(r.acdEvents.some((e) => e.type === 'queue.overflowed' && e.callId === caller.id && e.to === 'support'));
    // support's own maximum sends the caller to the step's `voicemail` handler.
    await r.clock.advance(10 * 60_000);
    await r.toEnd(caller);
    assert.deepEqual(r.steps(caller.id), ['route', 'billing', 'vm']);
  });

  it('ring-all rings every free agent; the first to answer gets the caller and the others stop ringing', async () => {
    const ringAll = queueFromYaml('queue: billing\nstrategy: ring-all\nwrapUp: 0s\n');
    rig = await createAcdRig([FLOW], [ringAll, SUPPORT]);
    const r = rig;
    for (const id of ['ann', 'ben', 'cat']) {
      r.driver.setAgentAnswerMode(id, 'manual');
      await r.acd.login(id, { endpoint: `sim:${id}`, skills: {} });
    }
    const caller = await r.queuedCall('100');
    await r.until(() => ['ann', 'ben', 'cat'].every((id) => r.agentLeg(id)?.status === 'ringing'));
    const losers = [r.agentLeg('ann')!, r.agentLeg('cat')!];
    await r.agentLeg('ben')!.remoteAnswer();
    await r.until(() => losers.every((leg) => !leg.isLive()));
    await r.until(async () => (await r.acd.getAgent('ann')).state === 'available');
    assert.equal((await r.acd.getAgent('ben')).state, 'on-call');
    assert.equal((await r.acd.getAgent('cat')).state, 'available');
    assert.deepEqual([(await r.acd.getAgent('ann')).figures.missed, (await r.acd.getAgent('cat')).figures.missed], [0, 0]);
    await r.until(() => r.driver.bridges().some((b) => b.has(caller.id) && b.has(r.agentLeg('ben')!.id)));
  });
});
