import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EslParser, parseEvent, type EslEvent } from '../../../src/adapters/esl/esl-parser.ts';
import { EslCallLeg } from '../../../src/adapters/esl/esl-leg.ts';
import type { EslConnection } from '../../../src/adapters/esl/esl-connection.ts';
import { originateError } from '../../../src/adapters/esl/esl-errors.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { LegEvent } from '../../../src/ports/telephony.ts';
import { loadFixture, recvStream } from '../../fakes/esl/fixtures.ts';

/** Events FreeSWITCH sent on one captured connection. */
function eventsOf(fixture: string, conn: string): EslEvent[] {
  return new EslParser().push(recvStream(loadFixture(fixture), conn)).map(parseEvent).filter((e) => e !== undefined);
}

/** A leg whose commands go nowhere, whose executes carry the captured Event-UUIDs. */
function replayLeg(id: string, appUuids: string[], viaSocket = true): { leg: EslCallLeg; events: LegEvent[]; sent: string[] } {
  const sent: string[] = [];
  const conn = {
    sendmsg: async (_uuid: string | undefined, headers: Record<string, string>) => {
      sent.push(`sendmsg ${headers['call-command']} ${headers['execute-app-name'] ?? ''} ${headers['execute-app-arg'] ?? ''}`.trim());
    },
    api: async (cmd: string) => {
      sent.push(`api ${cmd}`);
      return '+OK Success\n';
    },
  } as unknown as EslConnection;
  const ids = [...appUuids];
  const leg = new EslCallLeg({ id, direction: viaSocket ? 'inbound' : 'outbound', from: '15551230001', to: '18005550100' }, {
    connection: () => conn,
    viaSocket,
    paths: { soundsDir: '/usr/share/asterisk/sounds/en', recordingsDir: '/usr/local/freeswitch/recordings' },
    logger: silentLogger,
    transferContext: 'default',
    onGone: () => {},
    newId: () => ids.shift() ?? 'unexpected',
  });
  const events: LegEvent[] = [];
  leg.subscribe((e) => events.push(e));
  return { leg, events, sent };
}

function feed(leg: EslCallLeg, events: EslEvent[]): void {
  for (const e of events) if (e.headers['Unique-ID'] === leg.id) leg.handleEvent(e);
}

const sound = (name: string) => [{ kind: 'sound' as const, name }];

describe('replaying captured FreeSWITCH events through the leg', () => {
  it('outbound-dtmf-menu: answer, prompts, digits with durations, one hangup', async () => {
    const id = '13ef1dee-bfd5-4806-89b2-900a50451758';
    const { leg, events } = replayLeg(id, ['ivr-answer-0001', 'ivr-greeting-0001', 'ivr-goodbye-0001']);
    const answered = leg.answer();
    await leg.play(sound('hello-world'), { playbackId: 'greeting', bargeIn: false });
    await leg.play(sound('goodbye'), { playbackId: 'bye', bargeIn: false });
    await leg.hangup('normal');
    feed(leg, eventsOf('outbound-dtmf-menu', 'outbound#1'));
    await answered;
    assert.deepEqual(events.filter((e) => e.type !== 'call.dtmf'), [
      { type: 'call.answered' },
      // No PLAYBACK_START for the greeting: myevents lacks it until `event plain PLAYBACK_START ...`.
      { type: 'prompt.done', playbackId: 'greeting', reason: 'finished' },
      { type: 'prompt.started', playbackId: 'bye' },
      { type: 'prompt.done', playbackId: 'bye', reason: 'finished' },
      { type: 'call.hangup', cause: 'normal', by: 'local' },
    ]);
    const digits = events.filter((e) => e.type === 'call.dtmf');
    assert.deepEqual(digits.map((e) => e.digit).join(''), '3123456#');
    assert.ok(digits.every((e) => e.durationMs === 250), '2000 samples at 8 kHz = 250 ms');
  });

  it('outbound-caller-hangup: nested and locked prompts finish; the one cut by hangup fails; one hangup', async () => {
    const id = 'cafcfeb5-93aa-4212-9a72-b21e9449f515';
    const { leg, events } = replayLeg(id, [
      'hup-answer-0001', 'nolock-play-0001', 'nolock-play-0002', 'lock-play-0001', 'lock-play-0002', 'hup-play-0001',
    ]);
    void leg.answer();
    for (const pb of ['a1', 'a2', 'b1', 'b2', 'c1']) await leg.play(sound('x'), { playbackId: pb, bargeIn: false });
    feed(leg, eventsOf('outbound-caller-hangup', 'outbound#1'));
    const done = events.filter((e) => e.type === 'prompt.done');
    assert.deepEqual(done.map((e) => `${e.playbackId}:${e.reason}`), ['a2:finished', 'a1:finished', 'b1:finished', 'b2:finished', 'c1:failed']);
    const started = events.filter((e) => e.type === 'prompt.started').map((e) => e.playbackId);
    assert.deepEqual(started, ['a1', 'a2', 'b1', 'b2', 'c1']);
    const hangups = events.filter((e) => e.type === 'call.hangup');
    assert.deepEqual(hangups, [{ type: 'call.hangup', cause: 'normal', by: 'remote' }]);
    assert.ok(events.indexOf(hangups[0]!) < events.findIndex((e) => e.type === 'prompt.done' && e.playbackId === 'c1'));
    await assert.rejects(leg.play(sound('late'), { playbackId: 'late', bargeIn: false }), { code: 'HOTLINE_ERR_CALL_ENDED' });
  });

  it('record: uuid_record start/mask/unmask/stop, RECORD_STOP → recording.done; a hangup ends a running one', async () => {
    const id = 'cd41828a-404c-4249-9aab-e869b7061095';
    const { leg, events, sent } = replayLeg(id, [], false);
    await leg.startRecording({ recordingId: 'capture-uuid-record' });
    await leg.pauseRecording('capture-uuid-record');
    await leg.resumeRecording('capture-uuid-record');
    await leg.stopRecording('capture-uuid-record');
    await leg.startRecording({ recordingId: 'capture-hangup-while-recording' });
    assert.deepEqual(sent.slice(0, 4), [
      `api uuid_record ${id} start /usr/local/freeswitch/recordings/capture-uuid-record.wav`,
      `api uuid_record ${id} mask /usr/local/freeswitch/recordings/capture-uuid-record.wav`,
      `api uuid_record ${id} unmask /usr/local/freeswitch/recordings/capture-uuid-record.wav`,
      `api uuid_record ${id} stop /usr/local/freeswitch/recordings/capture-uuid-record.wav`,
    ]);
    feed(leg, eventsOf('record', 'inbound#1'));
    assert.deepEqual(events, [
      { type: 'recording.done', recordingId: 'capture-uuid-record', reason: 'stopped', durationMs: 4540 },
      { type: 'recording.done', recordingId: 'capture-hangup-while-recording', reason: 'hangup', durationMs: 1040 },
      { type: 'call.hangup', cause: 'normal', by: 'remote' },
    ]);
  });

  it('bridge-eavesdrop (JSON events): answers, supervisor digits, one hangup per leg', () => {
    const all = eventsOf('bridge-eavesdrop', 'inbound#1');
    assert.equal(all.length, 80);
    const caller = replayLeg('1c0e1300-2f8c-487d-be9d-e741b9ca7be7', [], false);
    const supervisor = replayLeg('949407ee-8c2f-4466-b45d-b44b09493a1c', [], false);
    feed(caller.leg, all);
    feed(supervisor.leg, all);
    assert.deepEqual(caller.events, [{ type: 'call.answered' }, { type: 'call.hangup', cause: 'normal', by: 'remote' }]);
    assert.deepEqual(supervisor.events.map((e) => (e.type === 'call.dtmf' ? `dtmf ${e.digit}` : e.type)), [
      'call.answered', 'dtmf 2', 'dtmf 0', 'call.hangup',
    ]);
  });

  it('originate-failures: every -ERR cause maps to a neutral cause', () => {
    const bodies = loadFixture('originate-failures')
      .filter((r) => r.dir === 'recv' && r.content_type === 'api/response' && r.body?.startsWith('-ERR') && !r.body.includes('channel'))
      .map((r) => r.body!);
    const mapped = bodies.map((b) => [b.trim(), originateError(b).details?.['cause']]);
    assert.deepEqual(Object.fromEntries(mapped), {
      '-ERR USER_NOT_REGISTERED': 'unavailable',
      '-ERR SUBSCRIBER_ABSENT': 'unavailable',
      '-ERR INVALID_GATEWAY': 'failed',
      '-ERR INVALID_PROFILE': 'failed',
      '-ERR CHAN_NOT_IMPLEMENTED': 'failed',
      '-ERR NO_ROUTE_DESTINATION': 'unavailable',
      '-ERR USER_BUSY': 'busy',
      '-ERR CALL_REJECTED': 'rejected',
      '-ERR NO_ANSWER': 'no-answer',
      '-ERR NORMAL_TEMPORARY_FAILURE': 'unavailable',
    });
    assert.equal(originateError('-ERR USER_BUSY\n').code, 'HOTLINE_ERR_ORIGINATE_FAILED');
    const job = eventsOf('originate-failures', 'inbound#1').find((e) => e.name === 'BACKGROUND_JOB')!;
    assert.equal(job.body, '-ERR USER_BUSY\n');
    const { leg, events } = replayLeg('00000000-0000-4000-8000-000000000001', [], false);
    leg.markHangup(job.body!.replace('-ERR ', '').trim());
    assert.deepEqual(events, [{ type: 'call.hangup', cause: 'busy', by: 'remote' }]);
  });

  it('app-down: the socket dropped after connect gives no hangup, and the leg refuses commands', async () => {
    const frames = new EslParser().push(recvStream(loadFixture('app-down'), 'inbound#1'));
    const logs = frames.filter((f) => f.contentType === 'log/data').map((f) => f.body ?? '');
    assert.ok(logs.some((l) => l.includes('Socket Error: Connection refused')));
    assert.ok(logs.some((l) => l.includes('running fallback')));
    const id = '904fbfae-958f-4678-87e0-bc3635d75843';
    const { leg, events } = replayLeg(id, ['crash-answer-0001']);
    const answered = leg.answer();
    feed(leg, eventsOf('app-down', 'outbound#1').filter((e) => e.headers['Unique-ID'] === id));
    await answered;
    leg.markDetached();
    assert.deepEqual(events, [{ type: 'call.answered' }]);
    await assert.rejects(leg.play(sound('x'), { playbackId: 'p', bargeIn: false }), { code: 'HOTLINE_ERR_CALL_ENDED' });
  });
});
