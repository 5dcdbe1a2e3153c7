import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { listLiveCalls } from '../../src/core/supervision/live-calls.ts';
import { SUE, createSupervisionRig } from './supervision-rig.ts';

let rig: Awaited<ReturnType<typeof createSupervisionRig>> | undefined;
afterEach(() => {
  rig?.stop();
  rig = undefined;
});

describe('live calls for supervisors', () => {
  it('joins calls with the ACD: state, queue, agent, time in state; filtered by queue and by the principal’s queues', async () => {
    const r = (rig = await createSupervisionRig());
    const t0 = r.clock.now();
    const { caller, agent } = await r.connectedCall();
    await r.clock.advance(2000);
    const waiting = await r.queuedCall('200');

    let views = await listLiveCalls(r.calls, r.acd);
    assert.deepEqual(views.map((v) => v.id).sort(), [caller.id, waiting.id].sort());
    const connected = views.find((v) => v.id === caller.id)!;
    assert.equal(connected.state, 'connected');
    assert.equal(connected.queue, 'billing');
    assert.deepEqual(connected.agent, { id: 'alice', legId: agent.id });
    assert.equal(connected.since, new Date(t0).toISOString());
    assert.equal(connected.inStateMs, 2000);
    assert.equal(connected.step, 'billing');
    assert.deepEqual(connected.path, ['route', 'billing']);
    assert.equal(connected.from, caller.from);
    assert.equal(connected.to, '100');
    assert.equal(connected.flow, 'line');
    assert.equal(connected.node, 'node-a');
    const queued = views.find((v) => v.id === waiting.id)!;
    assert.equal(queued.state, 'waiting');
    assert.equal(queued.queue, 'support');
    assert.equal(queued.agent, undefined);
    assert.equal(queued.inStateMs, 0);

    await r.clock.advance(5000);
    views = await listLiveCalls(r.calls, r.acd);
    assert.deepEqual(views.map((v) => [v.id, v.inStateMs]).sort(), [[caller.id, 7000], [waiting.id, 5000]].sort());

    assert.deepEqual((await listLiveCalls(r.calls, r.acd, { queue: 'billing' })).map((v) => v.id), [caller.id]);
    assert.deepEqual((await listLiveCalls(r.calls, r.acd, { queues: SUE.queues })).map((v) => v.id), [caller.id]);
    assert.deepEqual((await listLiveCalls(r.calls, r.acd, { queues: ['support'] })).map((v) => v.id), [waiting.id]);
    assert.deepEqual((await listLiveCalls(r.calls, r.acd, { queue: 'support', queues: ['billing'] })).map((v) => v.id), []);
    assert.equal((await listLiveCalls(r.calls, r.acd, { queues: '*' })).length, 2);

    // Back in the flow after the agent hung up: `ivr`, in no queue, hidden from queue-bound supervisors.
    await agent.remoteHangup();
    await r.until(() => r.calls.session(caller.id)?.currentStep() === 'survey');
    const ivr = (await listLiveCalls(r.calls, r.acd, { queues: '*' })).find((v) => v.id === caller.id)!;
    assert.equal(ivr.state, 'ivr');
    assert.equal(ivr.queue, undefined);
    assert.equal(ivr.since, ivr.startedAt);
    assert.equal(ivr.step, 'survey');
    assert.deepEqual((await listLiveCalls(r.calls, r.acd, { queues: ['billing'] })).map((v) => v.id), []);
  });

  it('shows a call taken over by a supervisor as connected, without the released agent', async () => {
    const r = (rig = await createSupervisionRig());
    const { caller } = await r.connectedCall();
    const view = await r.supervision.start({ callId: caller.id, endpoint: 'sim:sup1', mode: 'takeover', principal: SUE });
    await r.phone('sup1')!.advance(1000);
    await r.until(() => r.supervision.get(view.id).state === 'active');
    const [live] = await listLiveCalls(r.calls, r.acd, { queue: 'billing' });
    assert.equal(live?.id, caller.id);
    assert.equal(live?.state, 'connected');
    assert.equal(live?.takenOver, true);
    assert.equal(live?.agent, undefined);
  });
});
