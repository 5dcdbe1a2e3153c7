import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsSoundLibrary } from '../../../src/adapters/fs-sounds/fs-sound-library.ts';
import { MemorySoundLibrary } from '../../../src/adapters/memory/memory-sound-library.ts';
import { SimTelephonyDriver } from '../../../src/adapters/sim/sim-driver.ts';
import { decodeWav, encodeWav, resample } from '../../../src/adapters/sim/sim-wav.ts';
import type { SoundLibrary } from '../../../src/ports/sounds.ts';
import { allZero, readWav, rms, sine, slice, toneLevel } from './audio-probe.ts';
import { T0 } from './sim-fixture.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hotline-sim-rec-'));
  dirs.push(dir);
  return dir;
}
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function driverWith(sounds: SoundLibrary): Promise<SimTelephonyDriver> {
  const driver = new SimTelephonyDriver({ sounds, now: () => T0, recordingsDir: await tempDir() });
  await driver.start(() => {});
  return driver;
}

/** `level` of both tones of a DTMF key in a stretch of audio. */
function keyLevels(samples: Int16Array, low: number, high: number): [number, number] {
  return [toneLevel(samples, low), toneLevel(samples, high)];
}

describe('sim recordings: audio of a leg', () => {
  let driver: SimTelephonyDriver;
  before(async () => {
    // A prompt whose samples are known: 500 Hz for one second.
    const dir = await tempDir();
    await writeFile(path.join(dir, 'tone500.wav'), encodeWav(sine(500, 1000)));
    driver = await driverWith(await FsSoundLibrary.load(dir));
  });

  it('mixes the prompt and the caller keys; a muted interval is exact silence, keys pressed while muted never leak', async () => {
    const leg = driver.placeCall({ to: '100' });
    await leg.answer();
    await leg.startRecording({ recordingId: 'pci-1' });
    await leg.play([{ kind: 'sound', name: 'tone500' }], { playbackId: 'p', bargeIn: false });
    await leg.advance(1000); // prompt done
    await leg.pressDigits('1'); // heard: 697 + 1209 Hz at 1000..1100
    await leg.advance(300);
    await leg.play([{ kind: 'sound', name: 'tone500' }], { playbackId: 'p2', bargeIn: false }); // 1300..2300
    await leg.advance(100);
    await leg.muteRecording('pci-1'); // 1400: card number from here
    await leg.pressDigits('5'); // 770 + 1336 Hz, muted
    await leg.advance(200);
    // The last key at the very instant the flow unmutes: its 100 ms tone must not spill out.
    await leg.pressDigits('8');
    await leg.unmuteRecording('pci-1'); // 1600
    await leg.advance(400);
    await leg.stopRecording('pci-1'); // 2000

    const { sampleRate, samples, header } = readWav(await driver.recordingMedia.fetch('pci-1'));
    assert.equal(sampleRate, 8000);
    assert.equal(header.readUInt16LE(20), 1); // PCM
    assert.equal(header.readUInt16LE(22), 1); // mono
    assert.equal(header.readUInt16LE(34), 16); // bits
    assert.equal(samples.length, 2000 * 8);

    // The prompt is the file's own samples.
    assert.deepEqual(slice(samples, 0, 1000), sine(500, 1000));
    assert.ok(toneLevel(slice(samples, 0, 1000), 500) > 7000);
    // The unmuted key: both of its tones, none of the muted key's.
    const [low, high] = keyLevels(slice(samples, 1000, 1100), 697, 1209);
    assert.ok(low > 5000 && high > 5000, `DTMF 1 levels ${low} ${high}`);
    assert.ok(toneLevel(slice(samples, 1000, 1100), 770) < 2000);
    assert.ok(allZero(slice(samples, 1100, 1300)));
    // Muted: zeros, though the second prompt plays on. The key pressed as the flow unmuted stays out too.
    assert.deepEqual(slice(samples, 1300, 1400), sine(500, 100));
    assert.ok(allZero(slice(samples, 1400, 1600)));
    assert.deepEqual(slice(samples, 1600, 2000), sine(500, 1000).subarray(300 * 8, 700 * 8));
    for (const f of [770, 1336, 852]) assert.ok(toneLevel(samples, f) < 50, `no trace of ${f} Hz`);
  });

  it('without the mute the same keys are recorded', async () => {
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'plain' });
    await leg.pressDigits('58'); // keyed in one go: 5 at 0..100, 8 at 160..260
    await leg.advance(500);
    await leg.stopRecording('plain');
    const { samples } = readWav(await driver.recordingMedia.fetch('plain'));
    const five = keyLevels(slice(samples, 0, 100), 770, 1336);
    const eight = keyLevels(slice(samples, 160, 260), 852, 1336);
    assert.ok(Math.min(...five, ...eight) > 5000, JSON.stringify({ five, eight }));
    assert.ok(allZero(slice(samples, 100, 160)), 'a gap between the keys');
  });

  it('cuts paused time out of the file: duration is wall time minus paused time', async () => {
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'paused-1' });
    await leg.advance(1000);
    await leg.pauseRecording('paused-1');
    await leg.pressDigits('5'); // while paused: not in the file
    await leg.advance(500);
    await leg.resumeRecording('paused-1');
    await leg.advance(100);
    await leg.pressDigits('1'); // wall 1600 → file 1100
    await leg.advance(600);
    await leg.stopRecording('paused-1');
    assert.equal(leg.recordings.at(-1)?.durationMs, 1700);
    const { samples } = readWav(await driver.recordingMedia.fetch('paused-1'));
    assert.equal(samples.length, 1700 * 8);
    assert.ok(Math.min(...keyLevels(slice(samples, 1100, 1200), 697, 1209)) > 5000);
    assert.ok(toneLevel(samples, 770) < 50, 'the key pressed while paused is not there');
  });

  it('a caller speaking is voiced audio; a recording ended by hang-up is written too', async () => {
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'vm-1' });
    await leg.say('hello there');
    await leg.advance(1500);
    await leg.remoteHangup();
    const { samples } = readWav(await driver.recordingMedia.fetch('vm-1'));
    assert.equal(samples.length, 1500 * 8);
    assert.ok(rms(slice(samples, 0, 400)) > 1000, 'first word');
    assert.ok(rms(slice(samples, 1000, 1500)) < 1, 'silence after the words');
  });

  it('rejects recording ids that are not file-name safe, at start and in fetch/delete', async () => {
    const leg = driver.placeCall({ to: '100' });
    for (const id of ['../etc/passwd', 'a/b', '', 'x'.repeat(101), '..']) {
      await assert.rejects(leg.startRecording({ recordingId: id }), { code: 'HOTLINE_ERR_BAD_REQUEST' }, id);
      await assert.rejects(driver.recordingMedia.fetch(id), { code: 'HOTLINE_ERR_BAD_REQUEST' }, id);
      await assert.rejects(driver.recordingMedia.delete(id), { code: 'HOTLINE_ERR_BAD_REQUEST' }, id);
    }
  });

  it('fetch gives undefined for an unknown recording; delete removes the file and is idempotent', async () => {
    assert.equal(await driver.recordingMedia.fetch('never-recorded'), undefined);
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'gone-1' });
    await leg.advance(250);
    await leg.stopRecording('gone-1');
    const file = path.join(driver.recordingMedia.dir, 'gone-1.wav');
    const bytes = await driver.recordingMedia.fetch('gone-1');
    assert.deepEqual(new Uint8Array(await readFile(file)), bytes);
    await driver.recordingMedia.delete('gone-1');
    assert.equal(await driver.recordingMedia.fetch('gone-1'), undefined);
    await driver.recordingMedia.delete('gone-1');
  });
});

describe('sim recordings: the default directory', () => {
  it('is the driver\'s own temporary directory, removed by dispose()', async () => {
    const driver = new SimTelephonyDriver({ sounds: new MemorySoundLibrary({}), now: () => T0 });
    await driver.start(() => {});
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'tmp-1' });
    await leg.advance(100);
    await leg.stopRecording('tmp-1');
    await driver.recordingMedia.flush();
    assert.ok(driver.recordingMedia.dir.startsWith(tmpdir()));
    assert.equal((await readFile(path.join(driver.recordingMedia.dir, 'tmp-1.wav'))).length, 44 + 100 * 16);
    driver.dispose();
    await assert.rejects(readFile(path.join(driver.recordingMedia.dir, 'tmp-1.wav')), { code: 'ENOENT' });
  });
});

describe('sim recordings: bridges', () => {
  it('a bridge recording mixes both legs; a leg in the bridge hears the other one', async () => {
    const driver = await driverWith(new MemorySoundLibrary({ welcome: 1000 }));
    const caller = driver.placeCall({ to: '100' });
    await caller.answer();
    const agent = await driver.originate({ to: '+15551230000', timeoutMs: 30_000, purpose: 'agent' });
    await agent.advance(5000); // the agent's clock runs on its own
    await agent.remoteAnswer();
    const bridge = await driver.createBridge();
    await bridge.addLeg(caller.id);
    await bridge.addLeg(agent.id);
    await caller.startRecording({ recordingId: 'caller-leg' });
    await bridge.startRecording({ recordingId: 'conv-1' });

    // Each simulated leg has its own clock; both move together here, as on a real call.
    const both = async (ms: number) => {
      await caller.advance(ms);
      await agent.advance(ms);
    };
    await caller.pressDigits('1'); // 0..100
    await both(500);
    await agent.pressDigits('9'); // 500..600 on the bridge's (the caller's) clock
    await both(500);
    await bridge.muteRecording('conv-1'); // 1000
    await agent.pressDigits('5');
    await both(200);
    await bridge.unmuteRecording('conv-1'); // 1200
    await both(300);
    await bridge.stopRecording('conv-1'); // 1500
    await caller.stopRecording('caller-leg');

    const conv = readWav(await driver.recordingMedia.fetch('conv-1')).samples;
    assert.equal(conv.length, 1500 * 8);
    assert.ok(Math.min(...keyLevels(slice(conv, 0, 100), 697, 1209)) > 5000, 'the caller');
    assert.ok(Math.min(...keyLevels(slice(conv, 500, 600), 852, 1477)) > 5000, 'the agent');
    assert.ok(allZero(slice(conv, 1000, 1500)), 'muted, and the agent key pressed then never leaks');

    const leg = readWav(await driver.recordingMedia.fetch('caller-leg')).samples;
    assert.ok(Math.min(...keyLevels(slice(leg, 500, 600), 852, 1477)) > 5000, 'the caller hears the agent');
    assert.ok(Math.min(...keyLevels(slice(leg, 1000, 1100), 770, 1336)) > 5000, "the leg's own recording was not muted");
  });

  it('media played into the bridge is in the bridge recording and heard by its legs', async () => {
    const driver = await driverWith(new MemorySoundLibrary({}));
    const a = driver.placeCall({ to: '100' });
    const b = driver.placeCall({ to: '101' });
    const bridge = await driver.createBridge();
    await bridge.addLeg(a.id);
    await bridge.addLeg(b.id);
    await bridge.startRecording({ recordingId: 'br' });
    await b.startRecording({ recordingId: 'b-leg' });
    await bridge.play([{ kind: 'tone', name: 'beep' }], { playbackId: 'beep-1' });
    await a.advance(2000);
    await b.advance(2000);
    await bridge.stopRecording('br');
    await b.stopRecording('b-leg');
    for (const id of ['br', 'b-leg']) {
      const { samples } = readWav(await driver.recordingMedia.fetch(id));
      assert.ok(toneLevel(slice(samples, 0, 1000), 1000) > 5000, id);
      assert.ok(allZero(slice(samples, 1000, 2000)), id);
    }
  });
});

describe('sim recordings: the shipped prompts', () => {
  it('record a shipped prompt sample for sample (8 kHz 16-bit mono files)', async () => {
    const sounds = await FsSoundLibrary.load('sounds');
    const driver = await driverWith(sounds);
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'welcome-rec' });
    await leg.play([{ kind: 'sound', name: 'welcome' }], { playbackId: 'w', bargeIn: false });
    await leg.finishPlayback();
    await leg.stopRecording('welcome-rec');
    const recorded = readWav(await driver.recordingMedia.fetch('welcome-rec')).samples;
    const original = decodeWav(await readFile(sounds.get('welcome')!.file));
    assert.equal(original.sampleRate, 8000);
    assert.equal(recorded.length, sounds.durationMs('welcome')! * 8);
    const n = Math.min(recorded.length, original.samples.length);
    assert.deepEqual(recorded.subarray(0, n), original.samples.subarray(0, n));
    assert.ok(rms(recorded) > 100, 'not silence');
  });

  it('converts prompts of other formats (16 kHz stereo) to 8 kHz mono', async () => {
    const dir = await tempDir();
    const stereo16k = new Int16Array(16000 * 2);
    const tone = sine(400, 1000, 8000, 16000);
    for (let i = 0; i < tone.length; i++) [stereo16k[2 * i], stereo16k[2 * i + 1]] = [tone[i]!, tone[i]!];
    const wav = Buffer.from(encodeWav(stereo16k, 16000));
    wav.writeUInt16LE(2, 22); // channels
    wav.writeUInt32LE(16000 * 4, 28); // byte rate
    wav.writeUInt16LE(4, 32); // block align
    await writeFile(path.join(dir, 'wide.wav'), wav);
    const driver = await driverWith(await FsSoundLibrary.load(dir));
    const leg = driver.placeCall({ to: '100' });
    await leg.startRecording({ recordingId: 'wide' });
    await leg.play([{ kind: 'sound', name: 'wide' }], { playbackId: 'w', bargeIn: false });
    await leg.finishPlayback();
    await leg.stopRecording('wide');
    const { samples } = readWav(await driver.recordingMedia.fetch('wide'));
    assert.equal(samples.length, 8000);
    assert.ok(toneLevel(samples, 400) > 7000);
    assert.equal(resample(tone, 16000, 8000).length, 8000);
  });
});
