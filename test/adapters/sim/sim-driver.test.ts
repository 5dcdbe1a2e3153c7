import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimTelephonyDriver } from '../../../src/adapters/sim/sim-driver.ts';
import { MemorySoundLibrary } from '../../../src/adapters/memory/memory-sound-library.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { startedDriver, T0 } from './sim-fixture.ts';

const code = (c: string) => (err: unknown) => isHotlineError(err, c as never);

describe('SimTelephonyDriver inbound calls', () => {
  it('refuses calls before start and after stop with HOTLINE_ERR_PBX_UNAVAILABLE', async () => {
    const driver = new SimTelephonyDriver({ sounds: new MemorySoundLibrary() });
    assert.equal(driver.isReady(), false);
    assert.throws(() => driver.placeCall({ to: '100' }), code('HOTLINE_ERR_PBX_UNAVAILABLE'));
    await driver.start(() => {});
    assert.equal(driver.isReady(), true);
    await driver.stop();
    assert.throws(() => driver.placeCall({ to: '100' }), code('HOTLINE_ERR_PBX_UNAVAILABLE'));
  });

  it('validates numbers so caller input never reaches the PBX raw', async () => {
    const { driver, calls } = await startedDriver();
    assert.throws(() => driver.placeCall({ to: '100;evil' }), code('HOTLINE_ERR_BAD_REQUEST'));
    assert.throws(() => driver.placeCall({ to: '100', from: 'sip:x@y' }), code('HOTLINE_ERR_BAD_REQUEST'));
    assert.throws(() => driver.placeCall({ to: '1'.repeat(33) }), code('HOTLINE_ERR_BAD_REQUEST'));
    driver.placeCall({ to: '*97#', from: '+15551234567' });
    assert.equal(calls.length, 1);
  });

  it('hands a ringing inbound leg to onCall, not recovered, with unique ids', async () => {
    const { driver, calls } = await startedDriver();
    const a = driver.placeCall({ to: '100', from: '+15551234567', callerName: 'Ada' });
    const b = driver.placeCall({ to: '100' });
    assert.equal(calls[0]?.leg, a);
    assert.deepEqual(calls[0]?.info, { recovered: false });
    assert.equal(a.status, 'ringing');
    assert.equal(a.callerName, 'Ada');
    assert.notEqual(a.id, b.id);
    assert.match(a.id, /^sim-[0-9a-f]{8}$/);
    assert.deepEqual(driver.legs(), [a, b]);
  });

  it('gives each call its own clock, starting at `at`', async () => {
    const { driver } = await startedDriver();
    const christmas = Date.parse('2026-12-25T10:00:00Z');
    const a = driver.placeCall({ to: '100', at: christmas });
    const b = driver.placeCall({ to: '100' });
    assert.equal(a.clock.now(), christmas);
    assert.equal(b.clock.now(), T0);
    let fired = 0;
    a.clock.setTimeout(() => fired++, 5000);
    await b.advance(10_000);
    assert.equal(fired, 0);
    await a.advance(5000);
    assert.equal(fired, 1);
    assert.equal(driver.clockOf(a.id), a.clock);
  });

  it('leaves calls up on stop and hands them over again, recovered, on the next start', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100', variables: { hotline_dnis: '100' } });
    await leg.answer();
    const ended = driver.placeCall({ to: '100' });
    await ended.remoteHangup();
    await driver.stop();
    assert.equal(leg.status, 'up');
    const again: Array<{ id: string; recovered: boolean; variables?: Record<string, string> }> = [];
    await driver.start((l, info) => again.push({ id: l.id, ...info }));
    assert.deepEqual(again, [{ id: leg.id, recovered: true, variables: { hotline_dnis: '100' } }]);
  });

  it('tells onLeg listeners about every new leg', async () => {
    const { driver } = await startedDriver();
    const seen: string[] = [];
    driver.onLeg((leg) => seen.push(`${leg.direction}:${leg.to}`));
    driver.placeCall({ to: '100' });
    await driver.originate({ to: 'sim:alice', timeoutMs: 1000, purpose: 'agent' });
    assert.deepEqual(seen, ['inbound:100', 'outbound:sim:alice']);
  });
});

describe('SimTelephonyDriver originate', () => {
  it('rings until the far end answers', async () => {
    const { driver } = await startedDriver();
    driver.setAgentAnswerMode('alice', 'manual');
    const leg = await driver.originate({ to: 'sim:alice', from: '+15550001111', timeoutMs: 20_000, purpose: 'agent', variables: { hotline_call: 'c1' } });
    assert.deepEqual([leg.direction, leg.to, leg.status, leg.variables.get('hotline_call')], ['outbound', 'sim:alice', 'ringing', 'c1']);
    await assert.rejects(leg.answer(), code('HOTLINE_ERR_ILLEGAL_STATE')); // only the far end answers it
    await leg.advance(19_000);
    await leg.remoteAnswer();
    await leg.advance(60_000);
    assert.equal(leg.status, 'up');
    assert.deepEqual(leg.events, [{ type: 'call.answered' }]);
  });

  it('gives up after timeoutMs on its clock with no-answer', async () => {
    const { driver } = await startedDriver();
    const leg = await driver.originate({ to: '+15557654321', timeoutMs: 15_000, purpose: 'callback' });
    await leg.advance(14_999);
    assert.equal(leg.status, 'ringing');
    await leg.advance(1);
    assert.deepEqual(leg.events, [{ type: 'call.hangup', cause: 'no-answer', by: 'remote' }]);
    assert.deepEqual(driver.resourcesOf(leg.id), []);
    await assert.rejects(leg.remoteAnswer(), code('HOTLINE_ERR_CALL_ENDED'));
  });

  it('is rejected busy by the far end', async () => {
    const { driver } = await startedDriver();
    const leg = await driver.originate({ to: '+15557654321', timeoutMs: 15_000, purpose: 'callback' });
    await leg.remoteReject();
    assert.deepEqual(leg.events, [{ type: 'call.hangup', cause: 'busy', by: 'remote' }]);
    await leg.advance(20_000);
    assert.equal(leg.events.length, 1);
  });

  it('auto-answers after autoAnswerAfterMs or variables.sim_auto_answer_ms', async () => {
    const { driver } = await startedDriver();
    const a = await driver.originate({ to: 'sim:alice', timeoutMs: 15_000, purpose: 'agent', autoAnswerAfterMs: 2000 });
    const b = await driver.originate({ to: 'sim:bob', timeoutMs: 15_000, purpose: 'agent', variables: { sim_auto_answer_ms: '3000' } });
    await a.advance(1999);
    assert.equal(a.status, 'ringing');
    await a.advance(1);
    await b.advance(3000);
    assert.deepEqual([a.status, b.status], ['up', 'up']);
    assert.deepEqual(b.events, [{ type: 'call.answered' }]);
  });

  it('validates the destination', async () => {
    const { driver } = await startedDriver();
    await assert.rejects(driver.originate({ to: 'PJSIP/200@evil;x', timeoutMs: 1000, purpose: 'agent' }), code('HOTLINE_ERR_BAD_REQUEST'));
    await assert.rejects(driver.originate({ to: 'sim:', timeoutMs: 1000, purpose: 'agent' }), code('HOTLINE_ERR_BAD_REQUEST'));
  });
});

describe('SimTelephonyDriver bridges and supervision', () => {
  async function conversation() {
    const { driver } = await startedDriver();
    const caller = driver.placeCall({ to: '100' });
    await caller.answer();
    const agent = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent', autoAnswerAfterMs: 0 });
    await agent.advance(0);
    const sup = await driver.originate({ to: 'sim:sam', timeoutMs: 20_000, purpose: 'supervisor', autoAnswerAfterMs: 0 });
    await sup.advance(0);
    const bridge = await driver.createBridge({ purpose: 'queue' });
    await bridge.addLeg(caller.id);
    await bridge.addLeg(agent.id);
    return { driver, caller, agent, sup, bridge };
  }
  const paths = (list: Array<{ from: string; to: string }>, names: Record<string, string>) =>
    list.map((p) => `${names[p.from]}>${names[p.to]}`).sort();

  it('everyone in a bridge hears everyone else', async () => {
    const { driver, caller, agent, bridge } = await conversation();
    const n = { [caller.id]: 'caller', [agent.id]: 'agent' };
    assert.deepEqual(paths(driver.audioPaths(), n), ['agent>caller', 'caller>agent']);
    await bridge.removeLeg(agent.id);
    assert.deepEqual(driver.audioPaths(), []);
  });

  it('derives who hears whom for each supervise mode', async () => {
    const { driver, caller, agent, sup } = await conversation();
    const n = { [caller.id]: 'caller', [agent.id]: 'agent', [sup.id]: 'sup' };
    const s = await driver.supervise({ supervisionId: 's1', callerLegId: caller.id, agentLegId: agent.id, supervisorLegId: sup.id, mode: 'listen' });
    assert.deepEqual(paths(driver.audioPaths(), n), ['agent>caller', 'agent>sup', 'caller>agent', 'caller>sup']);
    await s.setMode('whisper');
    assert.deepEqual(paths(driver.audioPaths(), n), ['agent>caller', 'agent>sup', 'caller>agent', 'caller>sup', 'sup>agent']);
    await s.setMode('barge');
    assert.deepEqual(paths(driver.audioPaths(), n), ['agent>caller', 'agent>sup', 'caller>agent', 'caller>sup', 'sup>agent', 'sup>caller']);
    await s.setMode('takeover');
    assert.deepEqual(paths(driver.audioPaths(), n), ['caller>sup', 'sup>caller']);
    assert.deepEqual(paths(driver.audioPaths(agent.id), n), []);
    await s.end();
    await s.end();
    assert.deepEqual(paths(driver.audioPaths(), n), ['agent>caller', 'caller>agent']);
    assert.equal(sup.status, 'up');
    await assert.rejects(s.setMode('listen'), code('HOTLINE_ERR_ILLEGAL_STATE'));
  });

  it('drops a hung-up leg from bridges, supervisions and audio paths', async () => {
    const { driver, caller, agent, sup, bridge } = await conversation();
    await driver.supervise({ supervisionId: 's1', callerLegId: caller.id, agentLegId: agent.id, supervisorLegId: sup.id, mode: 'barge' });
    await agent.remoteHangup();
    assert.deepEqual(bridge.legIds(), [caller.id]);
    assert.deepEqual(driver.supervisions(), []);
    assert.deepEqual(driver.audioPaths(), []);
    assert.deepEqual(driver.resourcesOf(agent.id), []);
    await assert.rejects(bridge.addLeg(agent.id), code('HOTLINE_ERR_CALL_ENDED'));
  });

  it('moves a leg that joins another bridge; destroy is idempotent and leaves legs up', async () => {
    const { driver, caller, agent, bridge } = await conversation();
    const other = await driver.createBridge({ id: 'b2' });
    assert.equal(await driver.createBridge({ id: 'b2' }), other);
    await other.addLeg(agent.id);
    assert.deepEqual(bridge.legIds(), [caller.id]);
    assert.deepEqual(driver.resourcesOf(agent.id), ['bridge:b2']);
    await other.destroy();
    await other.destroy();
    assert.equal(agent.status, 'up');
    assert.deepEqual(driver.resourcesOf(agent.id), []);
    await assert.rejects(other.addLeg(agent.id), code('HOTLINE_ERR_ILLEGAL_STATE'));
  });

  it('records, holds and plays into a bridge on the first joiner’s clock', async () => {
    const { caller, bridge } = await conversation();
    assert.equal(bridge.clock, caller.clock);
    const done: unknown[] = [];
    bridge.subscribe((e) => done.push(e));
    await bridge.startHold({ mohClass: 'jazz' });
    assert.deepEqual(bridge.hold, { mohClass: 'jazz' });
    await bridge.stopHold();
    await bridge.play([{ kind: 'sound', name: 'beep' }], { playbackId: 'bp' });
    await bridge.play([{ kind: 'sound', name: 'beep' }], { playbackId: 'bp' });
    assert.equal(bridge.played.length, 1);
    await assert.rejects(bridge.play([{ kind: 'sound', name: 'nope' }], { playbackId: 'x' }), code('HOTLINE_ERR_MEDIA_NOT_FOUND'));
    await bridge.startRecording({ recordingId: 'call-rec', maxDurationMs: 60_000 });
    await caller.advance(2000);
    await bridge.pauseRecording('call-rec');
    await caller.advance(1000);
    await bridge.resumeRecording('call-rec');
    await caller.advance(500);
    await bridge.destroy();
    assert.deepEqual(done, [{ type: 'recording.done', recordingId: 'call-rec', reason: 'terminated', durationMs: 2500 }]);
    assert.deepEqual(bridge.recordings[0]?.paused, [{ from: T0 + 2000, to: T0 + 3000 }]);
  });
});
