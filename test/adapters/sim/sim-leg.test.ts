import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsSoundLibrary } from '../../../src/adapters/fs-sounds/fs-sound-library.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import type { LegEvent } from '../../../src/ports/telephony.ts';
import { wavFile } from '../fs-sounds/wav-fixture.ts';
import { startedDriver, T0 } from './sim-fixture.ts';

const types = (events: readonly LegEvent[]) => events.map((e) => ('reason' in e ? `${e.type}:${e.reason}` : e.type));

describe('SimLeg playback', () => {
  it('lasts as long as the WAV file behind the sound', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hotline-sim-'));
    try {
      await writeFile(path.join(dir, 'welcome.wav'), wavFile({ durationMs: 1750 }));
      const { driver } = await startedDriver(await FsSoundLibrary.load(dir));
      const leg = driver.placeCall({ to: '100' });
      await leg.play([{ kind: 'sound', name: 'welcome' }], { playbackId: 'p', bargeIn: false });
      await leg.advance(1749);
      assert.equal(leg.currentPlayback()?.playbackId, 'p');
      await leg.advance(1);
      assert.deepEqual(leg.played[0] && { reason: leg.played[0].reason, startedAt: leg.played[0].startedAt, endedAt: leg.played[0].endedAt }, {
        reason: 'finished',
        startedAt: T0,
        endedAt: T0 + 1750,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('times text, digits, numbers and tones by speaking rate', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    const cases = [
      [{ kind: 'text', text: 'Hi' }, 500], // minimum
      [{ kind: 'text', text: 'x'.repeat(20) }, 1300],
      [{ kind: 'digits', value: '1234' }, 2000],
      [{ kind: 'number', value: 1234 }, 6 * 700], // one thousand two hundred thirty four
      [{ kind: 'tone', name: 'beep' }, 1000],
    ] as const;
    for (const [i, [media, ms]] of cases.entries()) {
      await leg.play([media], { playbackId: `p${i}`, bargeIn: false });
      await leg.finishPlayback();
      const p = leg.played[i]!;
      assert.equal(p.endedAt! - p.startedAt!, ms, JSON.stringify(media));
    }
  });

  it('emits prompt.started then prompt.done finished, on the leg clock', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.answer();
    await leg.play([{ kind: 'sound', name: 'welcome' }, { kind: 'sound', name: 'beep' }], { playbackId: 'p', bargeIn: false });
    assert.deepEqual(types(leg.events), ['prompt.started']);
    await leg.advance(2249);
    assert.deepEqual(types(leg.events), ['prompt.started']);
    await leg.advance(1);
    assert.deepEqual(types(leg.events), ['prompt.started', 'prompt.done:finished']);
  });

  it('fails a playback with an unknown sound', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.play([{ kind: 'sound', name: 'welcome' }, { kind: 'sound', name: 'nope' }], { playbackId: 'p', bargeIn: false });
    assert.deepEqual(leg.events, [{ type: 'prompt.done', playbackId: 'p', reason: 'failed' }]);
  });

  it('queues a second playback behind the first, like Asterisk', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.play([{ kind: 'sound', name: 'welcome' }], { playbackId: 'a', bargeIn: false });
    await leg.play([{ kind: 'sound', name: 'beep' }], { playbackId: 'b', bargeIn: false });
    await leg.advance(2000);
    assert.equal(leg.currentPlayback()?.playbackId, 'b');
    await leg.advance(250);
    assert.deepEqual(
      leg.events.map((e) => ('playbackId' in e ? `${e.type}:${e.playbackId}` : e.type)),
      ['prompt.started:a', 'prompt.done:a', 'prompt.started:b', 'prompt.done:b'],
    );
    assert.equal(leg.played[1]?.startedAt, T0 + 2000);
  });

  it('ignores a replayed play with a known playbackId, even after it finished', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.play([{ kind: 'sound', name: 'beep' }], { playbackId: 'a', bargeIn: false });
    await leg.advance(250);
    await leg.play([{ kind: 'sound', name: 'beep' }], { playbackId: 'a', bargeIn: false });
    assert.equal(leg.played.length, 1);
    assert.equal(leg.currentPlayback(), undefined);
  });

  it('stopPlayback stops a playing or queued playback and is a no-op once done', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.play([{ kind: 'sound', name: 'welcome' }], { playbackId: 'a', bargeIn: false });
    await leg.play([{ kind: 'sound', name: 'welcome' }], { playbackId: 'b', bargeIn: false });
    await leg.stopPlayback('b');
    await leg.stopPlayback('a');
    await leg.stopPlayback('a');
    await leg.stopPlayback('unknown');
    assert.deepEqual(
      leg.events.map((e) => ('playbackId' in e ? `${e.type}:${e.playbackId}` : e.type)),
      ['prompt.started:a', 'prompt.done:b', 'prompt.done:a'],
    );
    assert.equal(leg.clock.pendingCount(), 0);
  });
});

describe('SimLeg DTMF and speech', () => {
  it('barge-in: the digit comes first, then prompt.done stopped (as ARI delivers them)', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.play([{ kind: 'sound', name: 'menus/main' }], { playbackId: 'menu', bargeIn: true });
    await leg.advance(1000);
    await leg.pressDigits('12');
    assert.deepEqual(leg.events.slice(1), [
      { type: 'call.dtmf', digit: '1', durationMs: 100 },
      { type: 'prompt.done', playbackId: 'menu', reason: 'stopped' },
      { type: 'call.dtmf', digit: '2', durationMs: 100 },
    ]);
    assert.equal(leg.played[0]?.endedAt, T0 + 1000);
  });

  it('rejects non-DTMF input', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await assert.rejects(leg.pressDigits('1; DROP'), (err) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
  });

  it('delivers speech only while recognition runs, and records all of it', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.say('billing');
    await leg.startSpeech({ language: 'en-US', hints: ['billing'] });
    await leg.say('technical support', { confidence: 0.8 });
    await leg.stopSpeech();
    await leg.say('hello?');
    assert.deepEqual(leg.events, [{ type: 'call.speech', text: 'technical support', confidence: 0.8 }]);
    assert.deepEqual(leg.utterances.map((u) => [u.text, u.heard]), [['billing', false], ['technical support', true], ['hello?', false]]);
  });

  it('keeps delivering to other listeners when one throws, in order even when a listener reacts', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    const seen: string[] = [];
    leg.subscribe(() => {
      throw new Error('broken subscriber');
    });
    leg.subscribe((e) => {
      if (e.type === 'call.dtmf') void leg.play([{ kind: 'sound', name: 'beep' }], { playbackId: `after-${e.digit}`, bargeIn: false });
    });
    leg.subscribe((e) => seen.push(e.type));
    await leg.pressDigits('1');
    assert.deepEqual(seen, ['call.dtmf', 'prompt.started']);
  });
});

describe('SimLeg life', () => {
  it('hangs up once with the cause, then refuses commands with HOTLINE_ERR_CALL_ENDED', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.answer();
    await leg.play([{ kind: 'sound', name: 'welcome' }], { playbackId: 'p', bargeIn: false });
    await leg.hangup('rejected');
    await leg.hangup();
    assert.deepEqual(types(leg.events), ['prompt.started', 'call.hangup']);
    assert.deepEqual(leg.events.at(-1), { type: 'call.hangup', cause: 'rejected', by: 'local' });
    assert.equal(leg.status, 'ended');
    assert.equal(leg.played[0]?.reason, 'stopped');
    for (const attempt of [() => leg.answer(), () => leg.setVariable('a', 'b'), () => leg.startHold(), () => leg.pressDigits('1')]) {
      await assert.rejects(attempt(), (err) => isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED'));
    }
    assert.equal(driver.getLeg(leg.id), undefined);
    assert.equal(driver.findLeg(leg.id), leg);
  });

  it('transfers: the leg leaves with status transferred and a normal local hang-up', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await assert.rejects(leg.transfer({ kind: 'number', value: '+1555;evil' }), (err) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
    await leg.transfer({ kind: 'endpoint', value: 'PJSIP/200' });
    assert.equal(leg.status, 'transferred');
    assert.deepEqual(leg.transferredTo, { kind: 'endpoint', value: 'PJSIP/200' });
    assert.deepEqual(leg.events, [{ type: 'call.hangup', cause: 'normal', by: 'local' }]);
  });

  it('keeps variables, validates their names, and sends DTMF to the far end', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100', variables: { hotline_dnis: '100' } });
    await leg.setVariable('crm_id', 'a"b');
    assert.equal(await leg.getVariable('crm_id'), 'a"b');
    assert.equal(leg.variables.get('hotline_dnis'), '100');
    await assert.rejects(leg.setVariable('bad name', 'x'), (err) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
    await leg.sendDtmf('12#');
    assert.equal(leg.sentDigits, '12#');
    await leg.startHold({ mohClass: 'default' });
    assert.deepEqual(leg.hold, { mohClass: 'default' });
    await leg.stopHold();
    assert.equal(leg.hold, undefined);
  });
});

describe('SimLeg recording', () => {
  it('keeps muted time in the recording as silent intervals', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'm1' });
    await leg.advance(1000);
    await leg.muteRecording('m1');
    await leg.advance(4000);
    await leg.unmuteRecording('m1');
    await leg.advance(500);
    await leg.stopRecording('m1');
    const rec = leg.recordings.find((r) => r.recordingId === 'm1')!;
    assert.deepEqual(rec.muted, [{ from: T0 + 1000, to: T0 + 5000 }]);
    assert.equal(rec.durationMs, 5500, 'muted time stays in the timeline, unlike a pause');
  });

  it('records start, end and paused intervals; duration excludes pauses', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'r1' });
    await leg.advance(1000);
    await leg.pauseRecording('r1');
    await leg.advance(3000);
    await leg.resumeRecording('r1');
    await leg.advance(500);
    await leg.stopRecording('r1');
    await leg.stopRecording('r1'); // idempotent
    assert.deepEqual(leg.events, [{ type: 'recording.done', recordingId: 'r1', reason: 'stopped', durationMs: 1500 }]);
    const r = leg.recordings[0]!;
    assert.deepEqual({ startedAt: r.startedAt, endedAt: r.endedAt, paused: r.paused }, {
      startedAt: T0,
      endedAt: T0 + 4500,
      paused: [{ from: T0 + 1000, to: T0 + 4000 }],
    });
  });

  it('ends at maxDurationMs of recorded audio, paused time not counted', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'vm', maxDurationMs: 2000 });
    await leg.advance(1500);
    await leg.pauseRecording('vm');
    await leg.advance(10_000);
    await leg.resumeRecording('vm');
    await leg.advance(499);
    assert.deepEqual(leg.events, []);
    await leg.advance(1);
    assert.deepEqual(leg.events, [{ type: 'recording.done', recordingId: 'vm', reason: 'max-duration', durationMs: 2000 }]);
  });

  it('ends on its terminateOn digit (after the digit event) and on hang-up', async () => {
    const { driver } = await startedDriver();
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'a', terminateOn: '#' });
    await leg.startRecording({ recordingId: 'b' });
    await leg.advance(700);
    await leg.pressDigits('#');
    await leg.remoteHangup();
    assert.deepEqual(types(leg.events), ['call.dtmf', 'recording.done:terminated', 'recording.done:hangup', 'call.hangup']);
  });
});
