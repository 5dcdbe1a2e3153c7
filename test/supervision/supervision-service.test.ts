import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { isHotlineError, type HotlineErrorCode } from '../../src/core/errors.ts';
import type { SuperviseMode } from '../../src/ports/telephony.ts';
import { ADMIN, OMAR, SUE, createSupervisionRig } from './supervision-rig.ts';

type Rig = Awaited<ReturnType<typeof createSupervisionRig>>;
let rig: Rig | undefined;
afterEach(() => {
  rig?.stop();
  rig = undefined;
});

const code = (c: HotlineErrorCode) => (err: unknown) => isHotlineError(err, c);

/** A connected billing call with supervisor sue on `sim:sup1`, answered, in `mode`. */
async function supervised(mode: SuperviseMode) {
  const r = (rig = await createSupervisionRig());
  const { caller, agent } = await r.connectedCall();
  const view = await r.supervision.start({ callId: caller.id, endpoint: 'sim:sup1', mode, principal: SUE });
  assert.equal(view.state, 'ringing');
  const sup = r.phone('sup1')!;
  assert.equal(sup.status, 'ringing');
  assert.equal(sup.variables.get('hotline_supervision_id'), view.id);
  await sup.advance(1000); // the simulated phone picks up after a second
  await r.until(() => r.supervision.get(view.id).state === 'active');
  const names = { [caller.id]: 'caller', [agent.id]: 'agent', [sup.id]: 'sup' };
  return { r, caller, agent, sup, id: view.id, names };
}

describe('SupervisionService on the simulated PBX', () => {
  it('listen, whisper, barge and takeover on one supervisor leg; after the takeover the supervisor hanging up ends the queue step and the flow goes on', async () => {
    const { r, caller, agent, sup, id, names } = await supervised('listen');
    // listen: the supervisor hears both; nobody hears the supervisor.
    assert.deepEqual(r.paths(names), ['agent>caller', 'agent>sup', 'caller>agent', 'caller>sup']);

    await r.clock.advance(10_000);
    await r.supervision.setMode(id, 'whisper', SUE);
    // whisper: the agent hears the supervisor; the caller never does.
    assert.deepEqual(r.paths(names), ['agent>caller', 'agent>sup', 'caller>agent', 'caller>sup', 'sup>agent']);
    assert.ok(!r.paths(names).includes('sup>caller'));

    await r.clock.advance(5_000);
    await r.supervision.setMode(id, 'barge', SUE);
    assert.deepEqual(r.paths(names), ['agent>caller', 'agent>sup', 'caller>agent', 'caller>sup', 'sup>agent', 'sup>caller']);

    await r.clock.advance(3_000);
    await r.supervision.setMode(id, 'listen', SUE);
    assert.deepEqual(r.paths(names), ['agent>caller', 'agent>sup', 'caller>agent', 'caller>sup']);
    assert.equal(r.phone('sup1'), sup, 'every switch keeps the same supervisor leg');
    assert.equal(sup.status, 'up');

    await r.clock.advance(2_000);
    await r.supervision.setMode(id, 'takeover', SUE);
    await r.until(() => !agent.isLive());
    assert.deepEqual(r.paths(names), ['caller>sup', 'sup>caller']);
    assert.deepEqual(r.driver.resourcesOf(agent.id), []);
    assert.equal(sup.status, 'up');
    assert.equal(caller.status, 'up');
    assert.equal((await r.acd.getAgent('alice')).state, 'wrap-up');
    assert.equal(r.calls.session(caller.id)?.currentStep(), 'billing');
    assert.equal(r.acd.connectionOf(caller.id)?.leg, sup);
    await assert.rejects(r.supervision.setMode(id, 'listen', SUE), code('HOTLINE_ERR_ILLEGAL_STATE'));

    await r.clock.advance(4_000);
    await sup.remoteHangup();
    await r.until(() => r.calls.session(caller.id)?.currentStep() === 'survey');
    const view = r.supervision.get(id);
    assert.equal(view.state, 'ended');
    assert.equal(view.endReason, 'supervisor-hangup');
    assert.deepEqual(view.modes.map((m) => m.mode), ['listen', 'whisper', 'barge', 'listen', 'takeover']);
    assert.deepEqual(r.driver.resourcesOf(sup.id), []);
    assert.deepEqual(r.driver.supervisions(), []);
    assert.deepEqual(r.driver.bridges(), []);

    // The survey runs and the call completes normally.
    await r.toInput(caller);
    await caller.pressDigits('5');
    await r.toEnd(caller);
    assert.equal((await r.store.get(caller.id))?.variables.rating, '5');

    const entries = (await r.audit.list({ callId: caller.id })).reverse();
    assert.deepEqual(entries.map((e) => e.action), ['supervision.start', 'supervision.mode', 'supervision.mode', 'supervision.mode', 'supervision.mode', 'supervision.end']);
    assert.ok(entries.every((e) => e.actor === 'sue' && e.role === 'supervisor' && e.queue === 'billing' && e.supervisionId === id));
    assert.deepEqual(entries[0]!.details, { mode: 'listen', endpoint: 'sim:sup1' });
    assert.deepEqual(entries[1]!.details, { from: 'listen', to: 'whisper' });
    assert.deepEqual(entries[5]!.details, {
      durationMs: 24_000,
      reason: 'supervisor-hangup',
      modes: [
        { mode: 'listen', ms: 12_000 },
        { mode: 'whisper', ms: 5_000 },
        { mode: 'barge', ms: 3_000 },
        { mode: 'takeover', ms: 4_000 },
      ],
    });
  });

  it('end() hangs up the supervisor and leaves the caller and the agent talking, with nothing of the supervision left', async () => {
    const { r, caller, agent, sup, id, names } = await supervised('barge');
    await r.clock.advance(7_000);
    await r.supervision.end(id, ADMIN);
    await r.supervision.end(id, ADMIN); // idempotent
    assert.equal(sup.status, 'ended');
    assert.deepEqual(r.driver.resourcesOf(sup.id), []);
    assert.deepEqual(r.driver.supervisions(), []);
    assert.deepEqual(r.paths(names), ['agent>caller', 'caller>agent']);
    assert.equal((await r.acd.getAgent('alice')).state, 'on-call');
    assert.equal(agent.status, 'up');
    const [end] = await r.audit.list({ action: 'supervision.end' });
    assert.equal(end?.actor, 'admin');
    assert.deepEqual(end?.details, { durationMs: 7_000, reason: 'api', modes: [{ mode: 'barge', ms: 7_000 }] });
    assert.equal(r.supervision.get(id).endReason, 'api');
    assert.equal(caller.status, 'up');
  });

  it('the caller hanging up during a supervision ends it and leaves nothing on the PBX', async () => {
    const { r, caller, agent, sup, id } = await supervised('whisper');
    await caller.remoteHangup();
    await r.until(() => !sup.isLive() && !agent.isLive());
    await r.until(() => r.supervision.get(id).state === 'ended');
    assert.equal(r.supervision.get(id).endReason, 'caller-hangup');
    for (const leg of [caller, agent, sup]) assert.deepEqual(r.driver.resourcesOf(leg.id), [], leg.id);
    assert.deepEqual(r.driver.supervisions(), []);
    assert.deepEqual(r.driver.audioPaths(), []);
  });

  it('the agent hanging up ends the supervision; the caller goes on to the survey', async () => {
    const { r, caller, agent, sup, id } = await supervised('listen');
    await agent.remoteHangup();
    await r.until(() => r.supervision.get(id).state === 'ended' && !sup.isLive());
    assert.equal(r.supervision.get(id).endReason, 'agent-hangup');
    await r.until(() => r.calls.session(caller.id)?.currentStep() === 'survey');
    assert.deepEqual(r.driver.resourcesOf(sup.id), []);
    assert.deepEqual(r.driver.supervisions(), []);
  });

  it('a takeover requested at the start: the agent is released on answer and the caller talks to the supervisor only', async () => {
    const { r, caller, agent, sup, id, names } = await supervised('takeover');
    await r.until(() => !agent.isLive());
    assert.deepEqual(r.paths(names), ['caller>sup', 'sup>caller']);
    assert.equal((await r.acd.getAgent('alice')).state, 'wrap-up');
    // The caller is still in the queue step, now with the supervisor.
    assert.deepEqual(r.calls.session(caller.id)?.stateValue(), { flow: { billing: 'connected' } });
    await r.supervision.end(id, SUE);
    await r.until(() => r.calls.session(caller.id)?.currentStep() === 'survey');
    assert.deepEqual(r.driver.resourcesOf(sup.id), []);
    assert.deepEqual(r.driver.bridges(), []);
  });

  it('a supervisor phone that is not answered ends the supervision after 30 s without touching the call', async () => {
    const r = (rig = await createSupervisionRig());
    const { caller, agent } = await r.connectedCall();
    r.driver.setAgentAnswerMode('sup1', 'manual');
    const view = await r.supervision.start({ callId: caller.id, endpoint: 'sim:sup1', mode: 'listen', principal: SUE });
    const sup = r.phone('sup1')!;
    await r.supervision.setMode(view.id, 'whisper', SUE); // while ringing: applies on answer, if any
    await sup.advance(30_000);
    await r.until(() => r.supervision.get(view.id).state === 'ended');
    assert.equal(r.supervision.get(view.id).endReason, 'no-answer');
    assert.deepEqual(r.driver.resourcesOf(sup.id), []);
    assert.equal(agent.status, 'up');
    assert.equal(caller.status, 'up');
    const [end] = await r.audit.list({ action: 'supervision.end' });
    assert.deepEqual(end?.details, { durationMs: 0, reason: 'no-answer', modes: [] });
  });

  it('refuses a supervisor of another queue (audited), bad endpoints and modes, calls not with an agent, calls of another node', async () => {
    const r = (rig = await createSupervisionRig());
    const { caller } = await r.connectedCall();
    await assert.rejects(r.supervision.start({ callId: caller.id, endpoint: 'sim:sup1', mode: 'listen', principal: OMAR }), code('HOTLINE_ERR_FORBIDDEN'));
    await assert.rejects(
      r.supervision.start({ callId: caller.id, endpoint: 'sim:sup1', mode: 'listen', principal: { name: 'al', role: 'agent', queues: [], agentId: 'al' } }),
      code('HOTLINE_ERR_FORBIDDEN'),
    );
    assert.equal(r.phone('sup1'), undefined, 'nobody was called');
    const denied = await r.audit.list({ action: 'supervision.denied' });
    assert.deepEqual(
      denied.map((e) => [e.actor, e.callId, e.queue]),
      [
        ['al', caller.id, 'billing'],
        ['omar', caller.id, 'billing'],
      ],
    );

    for (const endpoint of ['sim:sup1;x', 'PJSIP/200&PJSIP/201', 'Local/1@ctx', '+15551234567', 'user/a,b']) {
      await assert.rejects(r.supervision.start({ callId: caller.id, endpoint, mode: 'listen', principal: SUE }), code('HOTLINE_ERR_BAD_REQUEST'), endpoint);
    }
    await assert.rejects(r.supervision.start({ callId: caller.id, endpoint: 'sim:sup1', mode: 'spy' as SuperviseMode, principal: SUE }), code('HOTLINE_ERR_BAD_REQUEST'));

    // A caller still waiting has no agent to supervise.
    const waiting = await r.queuedCall('100');
    await assert.rejects(r.supervision.start({ callId: waiting.id, endpoint: 'sim:sup1', mode: 'listen', principal: SUE }), code('HOTLINE_ERR_ILLEGAL_STATE'));
    await assert.rejects(r.supervision.start({ callId: 'nope', endpoint: 'sim:sup1', mode: 'listen', principal: ADMIN }), code('HOTLINE_ERR_ILLEGAL_STATE'));

    // A caller whose session runs on another node.
    await r.acdStore.enqueue({ callId: 'elsewhere', queue: 'support', priority: 0, node: 'node-b' }, r.clock.now());
    await assert.rejects(r.supervision.start({ callId: 'elsewhere', endpoint: 'sim:sup1', mode: 'listen', principal: ADMIN }), (err: unknown) =>
      isHotlineError(err, 'HOTLINE_ERR_WRONG_NODE') && err.details?.node === 'node-b',
    );

    // One supervision per call; another supervisor of the queue may not act on sue's either way below.
    const view = await r.supervision.start({ callId: caller.id, endpoint: 'sim:sup1', mode: 'listen', principal: SUE });
    await assert.rejects(r.supervision.start({ callId: caller.id, endpoint: 'sim:sup2', mode: 'listen', principal: ADMIN }), code('HOTLINE_ERR_CONFLICT'));
    await assert.rejects(r.supervision.setMode(view.id, 'barge', OMAR), code('HOTLINE_ERR_FORBIDDEN'));
    await assert.rejects(r.supervision.end(view.id, OMAR), code('HOTLINE_ERR_FORBIDDEN'));
    assert.throws(() => r.supervision.get('sup-missing'), code('HOTLINE_ERR_NO_SUCH_SUPERVISION'));
    assert.deepEqual(r.supervision.list().map((s) => s.id), [view.id]);
  });
});
