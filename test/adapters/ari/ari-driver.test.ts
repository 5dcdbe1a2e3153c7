import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHotlineError } from '../../../src/core/errors.ts';
import { AriClient } from '../../../src/adapters/ari/ari-client.ts';
import { errorFromAriResponse } from '../../../src/adapters/ari/ari-errors.ts';
import { createAriDriver } from '../../../src/adapters/ari/index.ts';
import type { CallLeg, LegEvent } from '../../../src/ports/telephony.ts';
import { createAriHarness, until } from '../../contract/ari-harness.ts';

type Harness = Awaited<ReturnType<typeof createAriHarness>>;
const code = (c: string) => (err: unknown) => isHotlineError(err) && err.code === c;
const ctx = { method: 'POST', path: '/channels/x/answer', target: 'channel' as const };

describe('ARI error mapping', () => {
  it('maps statuses to Hotline codes and keeps the vendor text in details only', () => {
    assert.equal(errorFromAriResponse(404, 'Channel not found', ctx).code, 'HOTLINE_ERR_CALL_ENDED');
    assert.equal(errorFromAriResponse(404, 'Playback not found', { ...ctx, target: 'playback' }).code, 'HOTLINE_ERR_CALL_ENDED');
    assert.equal(errorFromAriResponse(404, 'Bridge not found', { ...ctx, target: 'bridge' }).code, 'HOTLINE_ERR_NOT_FOUND');
    assert.equal(errorFromAriResponse(404, 'Resource not found', ctx).code, 'HOTLINE_ERR_PBX');
    assert.equal(errorFromAriResponse(409, 'Channel not in Stasis application', ctx).code, 'HOTLINE_ERR_ILLEGAL_STATE');
    const unprocessable = errorFromAriResponse(422, 'specified format is unknown on this system', ctx);
    assert.equal(unprocessable.code, 'HOTLINE_ERR_PBX');
    assert.equal(unprocessable.details?.['ariMessage'], 'specified format is unknown on this system');
    assert.equal(errorFromAriResponse(400, 'Missing parameter channel', ctx).code, 'HOTLINE_ERR_PBX');
    const auth = errorFromAriResponse(401, 'Authentication required', ctx);
    assert.deepEqual([auth.code, auth.message], ['HOTLINE_ERR_PBX_UNAVAILABLE', 'ARI authentication failed']);
  });

  it('turns a refused connection into HOTLINE_ERR_PBX_UNAVAILABLE', async () => {
    const client = new AriClient({ url: 'http://127.0.0.1:9', username: 'u', password: 'p', requestTimeoutMs: 2000 });
    await assert.rejects(client.listChannels(), code('HOTLINE_ERR_PBX_UNAVAILABLE'));
  });
});

describe('AriTelephonyDriver on the fake ARI server', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createAriHarness();
  });
  afterEach(() => h.close());

  async function answered(): Promise<{ leg: CallLeg; events: LegEvent[] }> {
    const leg = await h.placeInbound({ to: '100', from: '5551000', callerName: 'Ada' });
    const events: LegEvent[] = [];
    leg.subscribe((e) => events.push(e));
    await leg.answer();
    return { leg, events };
  }

  it('maps ARI failures of leg commands: 401, 409 not in Stasis, originate allocation failure', async () => {
    const wrong = new AriClient({ url: h.fake.url, username: 'hotline', password: 'nope' });
    await assert.rejects(wrong.listChannels(), (err) => code('HOTLINE_ERR_PBX_UNAVAILABLE')(err) && /authentication failed/.test((err as Error).message));
    const outer = h.fake.placeInbound({ to: '101', from: '1', tech: 'Local', app: 'hotline' });
    const outerId = h.fake.channels.get(outer)!.peerId!;
    await assert.rejects(h.driver.client.answer(outerId), code('HOTLINE_ERR_ILLEGAL_STATE'));
    const bridge = await h.driver.createBridge({ purpose: 'call' });
    await assert.rejects(bridge.addLeg(outerId), code('HOTLINE_ERR_ILLEGAL_STATE'));
    await assert.rejects(bridge.addLeg('no-such-channel'), code('HOTLINE_ERR_CALL_ENDED'));
    await assert.rejects(h.driver.originate({ to: 'Bogus/foo', timeoutMs: 1000, purpose: 'agent' }), code('HOTLINE_ERR_ORIGINATE_FAILED'));
    await bridge.destroy();
    await bridge.destroy();
  });

  it('plays several media in one request (comma-separated), text through the synthesizer', async () => {
    await h.close();
    h = await createAriHarness({ synthesizer: { render: async () => ({ name: 'tts/abc123', durationMs: 900 }) } });
    const { leg, events } = await answered();
    await leg.play(
      [{ kind: 'sound', name: 'welcome' }, { kind: 'digits', value: '42' }, { kind: 'tone', name: 'beep' }, { kind: 'text', text: 'Hi' }],
      { playbackId: 'multi', bargeIn: false },
    );
    const req = h.fake.requests.find((r) => r.path.endsWith('/play'))!;
    assert.equal(req.query['media'], 'sound:hotline/welcome,digits:42,sound:beep,sound:tts/abc123');
    assert.equal(req.query['playbackId'], 'multi');
    await h.finishPlayback(leg.id);
    assert.deepEqual(events.filter((e) => e.type.startsWith('prompt')).map((e) => e.type), ['prompt.started', 'prompt.done']);
  });

  it('refuses text without a synthesizer and unsafe input before any request', async () => {
    const { leg } = await answered();
    const before = h.fake.requests.length;
    await assert.rejects(leg.play([{ kind: 'text', text: 'hello' }], { playbackId: 't', bargeIn: false }), code('HOTLINE_ERR_UNSUPPORTED'));
    await assert.rejects(leg.play([{ kind: 'sound', name: '../etc/passwd' }], { playbackId: 'u', bargeIn: false }), code('HOTLINE_ERR_BAD_REQUEST'));
    await assert.rejects(leg.play([{ kind: 'digits', value: '1,sound:x' }], { playbackId: 'v', bargeIn: false }), code('HOTLINE_ERR_BAD_REQUEST'));
    await assert.rejects(leg.setVariable!('SHELL(rm -rf /)', 'x'), code('HOTLINE_ERR_BAD_REQUEST'));
    await assert.rejects(leg.transfer!({ kind: 'number', value: '100&endpoint=x' }), code('HOTLINE_ERR_BAD_REQUEST'));
    assert.equal(h.fake.requests.length, before);
  });

  it('hangs up with the mapped reason; transfer continues into hotline-transfer and ends the leg', async () => {
    const a = await answered();
    await a.leg.hangup('no-answer');
    assert.equal(h.fake.requests.at(-1)?.query['reason'], 'no_answer');
    const b = await answered();
    await b.leg.transfer!({ kind: 'number', value: '+15550001' });
    const req = h.fake.requests.at(-1)!;
    assert.deepEqual([req.path, req.query], [`/channels/${b.leg.id}/continue`, { context: 'hotline-transfer', extension: '+15550001', priority: '1' }]);
    assert.deepEqual(b.events.at(-1), { type: 'call.hangup', cause: 'normal', by: 'local' });
  });

  it('hold, DTMF to the caller and recordings (stop → recording.done stopped)', async () => {
    const { leg, events } = await answered();
    await leg.startHold!({ mohClass: 'default' });
    assert.equal(h.fake.channels.get(leg.id)?.moh, 'default');
    await leg.stopHold!();
    await leg.sendDtmf!('12#');
    assert.deepEqual(h.fake.channels.get(leg.id)?.sentDtmf, ['12#']);
    await leg.startRecording!({ recordingId: 'vm-1', maxDurationMs: 120_000, beep: true, terminateOn: '#' });
    const rec = h.fake.requests.at(-1)!;
    assert.deepEqual(rec.query, { name: 'vm-1', format: 'wav', ifExists: 'overwrite', maxDurationSeconds: '120', beep: 'true', terminateOn: '#' });
    await leg.pauseRecording!('vm-1');
    await leg.resumeRecording!('vm-1');
    await leg.stopRecording!('vm-1');
    await until(() => events.some((e) => e.type === 'recording.done'), 'recording.done');
    assert.deepEqual(events.find((e) => e.type === 'recording.done'), { type: 'recording.done', recordingId: 'vm-1', reason: 'stopped', durationMs: 0 });
  });

  it('mutes a live recording (silence kept in the file) and refuses it once the recording ended', async () => {
    const { leg } = await answered();
    await leg.startRecording!({ recordingId: 'pci-1' });
    await leg.muteRecording!('pci-1');
    assert.equal(h.fake.recordings.get('pci-1')?.muted, true);
    assert.deepEqual(h.fake.requests.at(-1) && [h.fake.requests.at(-1)!.method, h.fake.requests.at(-1)!.path], ['POST', '/recordings/live/pci-1/mute']);
    await leg.unmuteRecording!('pci-1');
    assert.equal(h.fake.recordings.get('pci-1')?.muted, false);
    await leg.stopRecording!('pci-1');
    await until(() => !h.fake.recordings.has('pci-1') || h.fake.recordings.get('pci-1')?.json.state === 'done', 'recording to end');
    await assert.rejects(leg.muteRecording!('pci-1'), (err) => isHotlineError(err));
  });

  it('creates holding bridges for callers waiting together, and mixing ones by default', async () => {
    const hold = await h.driver.createBridge({ purpose: 'queue-billing', kind: 'holding' });
    const mix = await h.driver.createBridge({ purpose: 'call' });
    assert.equal(h.fake.bridges.get(hold.id)?.json.bridge_type, 'holding');
    assert.equal(h.fake.bridges.get(mix.id)?.json.bridge_type, 'mixing');
    await hold.destroy();
    await mix.destroy();
    assert.equal(h.fake.bridges.size, 0);
  });

  it('supervise: listen, whisper, barge and end, as bridge-snoop.jsonl does it', async () => {
    const { leg: caller } = await answered();
    const agent = await h.driver.originate({ to: 'PJSIP/200', timeoutMs: 20_000, purpose: 'agent', variables: { AGENT_ID: 'a-200' } });
    await h.answerOutbound!(agent.id);
    const supervisor = await h.driver.originate({ to: 'PJSIP/300', timeoutMs: 20_000, purpose: 'supervisor' });
    await h.answerOutbound!(supervisor.id);
    const call = await h.driver.createBridge({ purpose: 'call' });
    await call.addLeg(caller.id);
    await call.addLeg(agent.id);
    const sup = await h.driver.supervise!({ supervisionId: 's1', callerLegId: caller.id, agentLegId: agent.id, supervisorLegId: supervisor.id, mode: 'listen' });
    const snoopReq = () => h.fake.requests.filter((r) => r.path.startsWith(`/channels/${agent.id}/snoop/`)).at(-1)!;
    assert.deepEqual([snoopReq().query['spy'], snoopReq().query['whisper'], snoopReq().query['app']], ['both', 'none', 'hotline']);
    let state = h.fake.liveState();
    assert.equal(state.snoops.length, 1);
    assert.deepEqual(state.bridges.find((b) => b.id === 'hotline-sup-s1-1')?.channels.sort(), [supervisor.id, state.snoops[0]!.id].sort());
    await sup.setMode('whisper');
    state = h.fake.liveState();
    assert.equal(state.snoops.length, 1);
    assert.equal(snoopReq().query['whisper'], 'out');
    assert.ok(state.channels.some((c) => c.id === supervisor.id), 'the supervisor leg stays up');
    await sup.setMode('barge');
    state = h.fake.liveState();
    assert.equal(state.snoops.length, 0);
    assert.ok(state.bridges.find((b) => b.id === call.id)?.channels.includes(supervisor.id));
    await sup.end();
    await until(() => h.driver.eventsReceived >= h.fake.sentCount(), 'events');
    state = h.fake.liveState();
    assert.deepEqual(state.snoops, []);
    assert.equal(state.bridges.find((b) => b.id === 'hotline-sup-s1-1'), undefined);
    assert.deepEqual(state.bridges.find((b) => b.id === call.id)?.channels.sort(), [caller.id, agent.id].sort());
    const originate = h.fake.requests.find((r) => r.method === 'POST' && r.path === '/channels')!;
    assert.deepEqual(originate.body, { variables: { AGENT_ID: 'a-200' } });
    assert.equal(originate.query['endpoint'], 'PJSIP/200');
  });

  it('takeover: the supervisor joins the call and the agent leg is hung up', async () => {
    const { leg: caller } = await answered();
    const agent = await h.driver.originate({ to: 'PJSIP/200', timeoutMs: 20_000, purpose: 'agent' });
    await h.answerOutbound!(agent.id);
    const supervisor = await h.driver.originate({ to: 'PJSIP/300', timeoutMs: 20_000, purpose: 'supervisor' });
    await h.answerOutbound!(supervisor.id);
    const call = await h.driver.createBridge({ purpose: 'call' });
    await call.addLeg(caller.id);
    await call.addLeg(agent.id);
    await h.driver.supervise!({ supervisionId: 's2', callerLegId: caller.id, agentLegId: agent.id, supervisorLegId: supervisor.id, mode: 'takeover' });
    await until(() => h.driver.eventsReceived >= h.fake.sentCount(), 'events');
    assert.equal(h.fake.channels.has(agent.id), false);
    assert.deepEqual(h.fake.liveState().bridges.find((b) => b.id === call.id)?.channels.sort(), [caller.id, supervisor.id].sort());
  });
});

describe('createAriDriver', () => {
  it('builds a driver that is not ready before start', () => {
    const driver = createAriDriver({ url: 'http://127.0.0.1:8088', username: 'u', password: 'p', app: 'hotline' });
    assert.equal(driver.name, 'ari');
    assert.equal(driver.isReady(), false);
  });
});
