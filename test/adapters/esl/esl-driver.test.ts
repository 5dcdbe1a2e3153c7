import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEslDriver } from '../../../src/adapters/esl/index.ts';
import { EslInboundClient } from '../../../src/adapters/esl/esl-inbound.ts';
import { ManualClock } from '../../../src/adapters/clock/manual-clock.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import type { CallLeg, LegEvent } from '../../../src/ports/telephony.ts';
import { createEslHarness, type EslHarness } from '../../contract/esl-harness.ts';
import { FakeFreeSwitch } from '../../fakes/esl/fake-freeswitch.ts';
import { waitFor } from '../../fakes/esl/wait-for.ts';

let h: EslHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function record(leg: CallLeg): LegEvent[] {
  const events: LegEvent[] = [];
  leg.subscribe((e) => events.push(e));
  return events;
}

const sent = (fake: FakeFreeSwitch, prefix: string) => fake.commands.filter((c) => c.command.startsWith(prefix));

describe('EslTelephonyDriver against the fake FreeSWITCH', () => {
  it('refuses the default password ClueCon', () => {
    assert.throws(() => createEslDriver({ host: '127.0.0.1', port: 8021, password: 'ClueCon', listen: '127.0.0.1:0' }), {
      code: 'HOTLINE_ERR_CONFIG',
    });
  });

  it('an inbound call: caller data decoded, channel marked, re-entry after a socket loss is recovered', async () => {
    h = await createEslHarness();
    const leg = await h.placeInbound({ to: '18005550100', from: '15551230001', callerName: 'Caller Sim' });
    assert.equal(leg.to, '18005550100');
    assert.equal(leg.from, '15551230001');
    assert.equal(leg.callerName, 'Caller Sim');
    assert.equal(h.incoming[0]?.info.recovered, false);
    assert.equal(h.incoming[0]?.info.variables?.['hotline_dnis'], '18005550100');
    const ch = h.fake.channels.get(leg.id)!;
    assert.equal(ch.vars.get('hotline_session'), '1');
    assert.equal(ch.vars.get('playback_terminators'), 'none');
    assert.deepEqual(sent(h.fake, '').filter((c) => c.conn === 'outbound').slice(0, 4).map((c) => c.command), [
      'connect', 'myevents', 'event plain PLAYBACK_START PLAYBACK_STOP RECORD_START RECORD_STOP BACKGROUND_JOB', 'linger 10',
    ]);
    h.fake.killHotlineSocket(leg.id);
    await waitFor(() => h!.driver.getLeg(leg.id) === undefined, 'the leg detached');
    await assert.rejects(leg.answer(), { code: 'HOTLINE_ERR_CALL_ENDED' });
    h.fake.reenterSocket(leg.id);
    await waitFor(() => h!.incoming.length === 2, 'the re-entered call');
    assert.equal(h.incoming[1]?.info.recovered, true);
    assert.equal(h.incoming[1]?.leg.id, leg.id);
    assert.equal(h.driver.getLeg(leg.id), h.incoming[1]?.leg);
  });

  it('plays several media as one file_string with event-lock and our Event-UUID', async () => {
    h = await createEslHarness();
    const leg = await h.placeInbound({ to: '100', from: '1' });
    await leg.answer();
    await leg.play(
      [{ kind: 'sound', name: 'welcome' }, { kind: 'digits', value: '42#' }, { kind: 'number', value: 115 }, { kind: 'tone', name: 'beep' }],
      { playbackId: 'p1', bargeIn: false },
    );
    const msg = sent(h.fake, 'sendmsg').map((c) => c.headers).find((x) => x['execute-app-name'] === 'playback')!;
    assert.equal(msg['execute-app-arg'],
      'file_string:///sounds/welcome.wav!digits/4.wav!digits/2.wav!digits/pound.wav!digits/1.wav!digits/hundred.wav!digits/15.wav!tone_stream://%(250,0,1000)');
    assert.equal(msg['event-lock'], 'true');
    assert.match(msg['Event-UUID']!, /^[0-9a-f-]{36}$/);
    await assert.rejects(leg.play([{ kind: 'text', text: 'hi' }], { playbackId: 'p2', bargeIn: false }), { code: 'HOTLINE_ERR_UNSUPPORTED' });
  });

  it('barge-in: the first digit sends uuid_break, the digit arrives with 250 ms, the prompt ends stopped', async () => {
    h = await createEslHarness();
    const leg = await h.placeInbound({ to: '100', from: '1' });
    const events = record(leg);
    await leg.play([{ kind: 'sound', name: 'menu' }], { playbackId: 'menu', bargeIn: true });
    await waitFor(() => events.some((e) => e.type === 'prompt.started'), 'prompt.started');
    h.fake.sendDtmf(leg.id, '7');
    await waitFor(() => events.some((e) => e.type === 'prompt.done'), 'prompt.done');
    assert.deepEqual(events.slice(1), [
      { type: 'call.dtmf', digit: '7', durationMs: 250 },
      { type: 'prompt.done', playbackId: 'menu', reason: 'stopped' },
    ]);
    assert.equal(sent(h.fake, `api uuid_break ${leg.id}`).length, 1);
  });

  it('hangup sends the FreeSWITCH cause once; the socket closes after the linger notice', async () => {
    h = await createEslHarness();
    const leg = await h.placeInbound({ to: '100', from: '1' });
    const events = record(leg);
    await leg.hangup('busy');
    await leg.hangup('busy');
    await waitFor(() => events.find((e) => e.type === 'call.hangup'), 'call.hangup');
    assert.deepEqual(events, [{ type: 'call.hangup', cause: 'busy', by: 'local' }]);
    assert.deepEqual(sent(h.fake, 'sendmsg').map((c) => c.headers['hangup-cause']).filter(Boolean), ['USER_BUSY']);
    await waitFor(() => !h!.fake.channels.get(leg.id)?.socket, 'socket closed');
  });

  it('recording: start, pause (mask), resume (unmask), stop → recording.done', async () => {
    h = await createEslHarness();
    const leg = await h.placeInbound({ to: '100', from: '1' });
    const events = record(leg);
    await leg.startRecording!({ recordingId: 'rec-1', maxDurationMs: 60_000 });
    await leg.pauseRecording!('rec-1');
    await leg.resumeRecording!('rec-1');
    await leg.stopRecording!('rec-1');
    await waitFor(() => events.find((e) => e.type === 'recording.done'), 'recording.done');
    assert.deepEqual(sent(h.fake, 'api uuid_record').map((c) => c.command.split(' ').slice(3).join(' ')), [
      'start $${recordings_dir}/hotline/rec-1.wav 60', 'mask $${recordings_dir}/hotline/rec-1.wav',
      'unmask $${recordings_dir}/hotline/rec-1.wav', 'stop $${recordings_dir}/hotline/rec-1.wav',
    ]);
    assert.equal((events[0] as { reason: string }).reason, 'stopped');
    await assert.rejects(leg.startRecording!({ recordingId: '../etc/passwd' }), { code: 'HOTLINE_ERR_BAD_REQUEST' });
  });

  it('caller text never reaches a command line unescaped', async () => {
    h = await createEslHarness();
    const leg = await h.placeInbound({ to: '100', from: '1' });
    const before = h.fake.commands.length;
    await assert.rejects(leg.setVariable!('x', 'a\nexit'), { code: 'HOTLINE_ERR_BAD_REQUEST' });
    await assert.rejects(leg.setVariable!('bad name', 'v'), { code: 'HOTLINE_ERR_BAD_REQUEST' });
    await assert.rejects(leg.transfer!({ kind: 'number', value: '100 XML evil' }), { code: 'HOTLINE_ERR_BAD_REQUEST' });
    await assert.rejects(leg.sendDtmf!('12;x'), { code: 'HOTLINE_ERR_BAD_REQUEST' });
    await assert.rejects(h.driver.originate({ to: '200', timeoutMs: 5000, purpose: 'agent', variables: { x: '}bad' } }), {
      code: 'HOTLINE_ERR_BAD_REQUEST',
    });
    assert.equal(h.fake.commands.length, before);
    const agent = await h.driver.originate({
      to: '200', from: '+1555', callerName: "O'Brien, Jr ${system(id)}", timeoutMs: 30_000, purpose: 'agent', variables: { note: "a,b 'c'" },
    });
    const cmd = sent(h.fake, 'bgapi originate')[0]!.command;
    assert.equal(cmd, `bgapi originate {origination_uuid=${agent.id},originate_timeout=30,hotline_session=1,hotline_purpose=agent,`
      + "origination_caller_id_number=+1555,origination_caller_id_name='OBrien Jr systemid',note='a,b \\'c\\''}loopback/200/default &park()");
    assert.equal(h.fake.channels.get(agent.id)?.vars.get('note'), "a,b 'c'");
  });

  it('originate: answered → call.answered; rejected → call.hangup busy', async () => {
    h = await createEslHarness();
    const a = await h.driver.originate({ to: '200', timeoutMs: 5000, purpose: 'agent' });
    const b = await h.driver.originate({ to: '5551234', timeoutMs: 5000, purpose: 'callback' });
    const ea = record(a);
    const eb = record(b);
    await h.answerOutbound!(a.id);
    await h.rejectOutbound!(b.id);
    await waitFor(() => ea.length > 0 && eb.length > 0, 'outcomes');
    assert.deepEqual(ea, [{ type: 'call.answered' }]);
    assert.deepEqual(eb, [{ type: 'call.hangup', cause: 'busy', by: 'remote' }]);
    assert.equal(h.driver.getLeg(b.id), undefined);
  });

  it('bridges two legs with uuid_bridge, refuses a third, supervises with eavesdrop', async () => {
    h = await createEslHarness();
    const caller = await h.placeInbound({ to: '100', from: '1' });
    const agent = await h.driver.originate({ to: '200', timeoutMs: 5000, purpose: 'agent' });
    await h.answerOutbound!(agent.id);
    const sup = await h.driver.originate({ to: '300', timeoutMs: 5000, purpose: 'supervisor' });
    await h.answerOutbound!(sup.id);
    const bridge = await h.driver.createBridge();
    await bridge.addLeg(caller.id);
    await bridge.addLeg(agent.id);
    await assert.rejects(bridge.addLeg(sup.id), { code: 'HOTLINE_ERR_UNSUPPORTED' });
    await waitFor(() => h!.fake.channels.get(caller.id)?.bridgedWith === agent.id, 'bridged');
    const supervision = await h.driver.supervise({ supervisionId: 's1', callerLegId: caller.id, agentLegId: agent.id, supervisorLegId: sup.id, mode: 'listen' });
    await waitFor(() => h!.fake.channels.get(sup.id)?.eavesdrop, 'eavesdrop');
    assert.deepEqual(h.fake.channels.get(sup.id)?.eavesdrop, { target: agent.id, whisperA: false, whisperB: false });
    await supervision.setMode('whisper');
    await waitFor(() => h!.fake.channels.get(sup.id)?.eavesdrop?.whisperA, 'whisper');
    await supervision.setMode('barge');
    await waitFor(() => h!.fake.channels.get(sup.id)?.eavesdrop?.whisperB, 'barge');
    await supervision.setMode('takeover');
    await waitFor(() => h!.fake.channels.get(agent.id)?.hungUp, 'agent hung up');
    assert.equal(h.fake.channels.get(sup.id)?.bridgedWith, caller.id);
  });
});

describe('EslInboundClient', () => {
  it('reconnects with backoff after FreeSWITCH drops the connection, and never logs the password', async () => {
    const fake = new FakeFreeSwitch({ password: 's3cret-pw' });
    const port = await fake.listen();
    const lines: string[] = [];
    const logger: Logger = {
      child: () => logger,
      debug: (o, m) => lines.push(JSON.stringify(o) + (m ?? '')),
      info: (o, m) => lines.push(JSON.stringify(o) + (m ?? '')),
      warn: (o, m) => lines.push(JSON.stringify(o) + (m ?? '')),
      error: (o, m) => lines.push(JSON.stringify(o) + (m ?? '')),
    };
    const clock = new ManualClock(0);
    const client = new EslInboundClient({ host: '127.0.0.1', port, password: 's3cret-pw', events: ['BACKGROUND_JOB'], logger, clock, random: () => 0.5 });
    try {
      await client.start();
      assert.equal(client.isReady(), true);
      fake.dropInboundConnections();
      await waitFor(() => !client.isReady() && clock.pendingCount() === 1, 'a scheduled reconnect');
      assert.equal(clock.nextDueAt(), 125, 'full jitter: random 0.5 × 250 ms');
      await clock.advance(125);
      await waitFor(() => client.isReady(), 'reconnected');
      assert.equal(await client.connection().api('version'), 'FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n');
      const wrong = new EslInboundClient({ host: '127.0.0.1', port, password: 'wrong-pw', events: ['BACKGROUND_JOB'], logger, clock, random: () => 0.5 });
      void wrong.start();
      await waitFor(() => lines.some((l) => l.includes('rejected')), 'the rejection');
      assert.equal(wrong.isReady(), false);
      await wrong.stop();
      assert.ok(!lines.some((l) => l.includes('s3cret-pw') || l.includes('wrong-pw')));
    } finally {
      await client.stop();
      await fake.close();
    }
  });
});
