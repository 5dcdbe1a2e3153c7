import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AriTelephonyDriver } from '../../../src/adapters/ari/ari-driver.ts';
import { buildRtp, decodeUlaw, parseRtp, ulawToLinear } from '../../../src/adapters/ari/ari-rtp.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import type { SpeechRecognizer, SpeechResult } from '../../../src/ports/speech.ts';
import type { CallLeg, IncomingCallInfo, LegEvent } from '../../../src/ports/telephony.ts';
import { createAriHarness, until } from '../../contract/ari-harness.ts';
import { FakeAriServer } from '../../fakes/ari/fake-ari-server.ts';

/** A recognizer that keeps the PCM it is fed and lets the test decide what it "heard". */
class RecordingRecognizer implements SpeechRecognizer {
  readonly streams: { language: string; hints?: string[]; pcm: Buffer[]; ended: boolean; say: (r: SpeechResult) => void; fail: (e: Error) => void }[] = [];

  start(options: Parameters<SpeechRecognizer['start']>[0]) {
    const entry = {
      language: options.language,
      ...(options.hints ? { hints: options.hints } : {}),
      pcm: [] as Buffer[],
      ended: false,
      say: options.onResult,
      fail: options.onError,
    };
    this.streams.push(entry);
    return {
      write: (pcm: Buffer) => {
        if (entry.ended) throw new Error('write after end');
        entry.pcm.push(pcm);
      },
      end: () => {
        entry.ended = true;
      },
    };
  }
}

const code = (c: string) => (err: unknown) => isHotlineError(err) && err.code === c;
type Harness = Awaited<ReturnType<typeof createAriHarness>>;
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(recognizer?: SpeechRecognizer): Promise<Harness> {
  const h = await createAriHarness(recognizer ? { recognizer } : {});
  cleanup.push(() => h.close());
  return h;
}

async function answered(h: Harness): Promise<{ leg: CallLeg; events: LegEvent[] }> {
  const leg = await h.placeInbound({ to: '100', from: '5551000' });
  const events: LegEvent[] = [];
  leg.subscribe((e) => events.push(e));
  await leg.answer();
  return { leg, events };
}

const drained = (h: Harness) => until(() => h.driver.eventsReceived >= h.fake.sentCount(), 'events to reach the driver');

/** What a leg's speech left on the fake PBX. */
function speechLeftovers(fake: FakeAriServer): string[] {
  const state = fake.liveState();
  return [
    ...state.channels.filter((c) => c.name.startsWith('UnicastRTP/')).map((c) => `channel:${c.id}`),
    ...state.bridges.map((b) => `bridge:${b.id}`),
  ];
}

describe('µ-law and RTP', () => {
  it('decodes G.711 µ-law codes to 16-bit linear PCM', () => {
    const known: [number, number][] = [[0xff, 0], [0x7f, 0], [0x80, 32124], [0x00, -32124], [0xf0, 120], [0x70, -120], [0xfe, 8], [0xc0, 1884]];
    for (const [ulaw, linear] of known) assert.equal(ulawToLinear(ulaw), linear, `0x${ulaw.toString(16)}`);
    const pcm = decodeUlaw(Buffer.from(known.map(([u]) => u)));
    assert.equal(pcm.length, known.length * 2);
    assert.deepEqual(known.map((_, i) => pcm.readInt16LE(i * 2)), known.map(([, l]) => l));
  });

  it('parses RTP with CSRCs, a header extension and padding; drops what is not RTP', () => {
    const payload = Buffer.from([1, 2, 3]);
    const plain = parseRtp(buildRtp({ payloadType: 0, sequence: 0x8bd4, timestamp: 160, ssrc: 0x1da10185, payload }))!;
    assert.deepEqual([plain.payloadType, plain.sequence, plain.timestamp, plain.ssrc, [...plain.payload]], [0, 0x8bd4, 160, 0x1da10185, [1, 2, 3]]);
    // V=2, P=1, X=1, CC=1; one CSRC, a one-word extension, two bytes of padding.
    const fancy = Buffer.concat([
      Buffer.from([0xb1, 0x00, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9]),
      Buffer.from([0, 0, 0, 7]),
      Buffer.from([0xbe, 0xde, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd]),
      payload,
      Buffer.from([0, 2]),
    ]);
    assert.deepEqual([...parseRtp(fancy)!.payload], [1, 2, 3]);
    assert.equal(parseRtp(Buffer.from('not rtp at all')), undefined);
    assert.equal(parseRtp(Buffer.alloc(8)), undefined);
  });
});

describe('ARI speech over externalMedia', () => {
  it('bridges the caller with a UnicastRTP channel, feeds decoded PCM to the recognizer and reports final results', async () => {
    const recognizer = new RecordingRecognizer();
    const h = await setup(recognizer);
    const { leg, events } = await answered(h);
    await leg.startSpeech!({ language: 'en-GB', hints: ['billing', 'support'] });

    const bridgeId = `hotline-speech-${leg.id}`;
    const emId = `hotline-em-${leg.id}`;
    const em = h.fake.requests.find((r) => r.path === '/channels/externalMedia')!;
    assert.equal(em.status, 200);
    assert.match(em.query['external_host'] ?? '', /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(em.query, {
      app: 'hotline', external_host: em.query['external_host'], format: 'ulaw', encapsulation: 'rtp', transport: 'udp', direction: 'both', channelId: emId,
    });
    assert.deepEqual(h.fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/bridges')).map((r) => [r.path, r.query]), [
      ['/bridges', { type: 'mixing', bridgeId, name: 'hotline-speech' }],
      [`/bridges/${bridgeId}/addChannel`, { channel: leg.id }],
      [`/bridges/${bridgeId}/addChannel`, { channel: emId }],
    ]);
    // The media channel entered Stasis too, but it is no call.
    await drained(h);
    assert.deepEqual([...h.handed.keys()], [leg.id]);
    assert.deepEqual(recognizer.streams.map((s) => [s.language, s.hints]), [['en-GB', ['billing', 'support']]]);

    const ulaw = Buffer.alloc(320, 0xff);
    Buffer.from([0x80, 0x00, 0xf0, 0x70]).copy(ulaw, 0);
    assert.equal(await h.fake.speak(leg.id, ulaw), 2);
    const stream = recognizer.streams[0]!;
    await until(() => stream.pcm.length >= 2, 'two packets of PCM');
    const pcm = Buffer.concat(stream.pcm);
    assert.equal(pcm.length, 640);
    assert.deepEqual([0, 1, 2, 3, 4, 319].map((i) => pcm.readInt16LE(i * 2)), [32124, -32124, 120, -120, 0, 0]);

    stream.say({ text: 'bill', final: false, confidence: 0.2 });
    stream.say({ text: 'billing please', final: true, confidence: 0.83 });
    stream.say({ text: 'support', final: true });
    assert.deepEqual(events.filter((e) => e.type === 'call.speech'), [
      { type: 'call.speech', text: 'billing please', confidence: 0.83 },
      { type: 'call.speech', text: 'support' },
    ]);

    await leg.stopSpeech!();
    await drained(h);
    assert.equal(stream.ended, true);
    assert.deepEqual(speechLeftovers(h.fake), []);
    assert.deepEqual(await h.leftovers(leg.id), [`channel:${leg.id}`], 'only the caller, still up');
    stream.say({ text: 'too late', final: true });
    assert.equal(events.filter((e) => e.type === 'call.speech').length, 2);
    // Recognition runs again on request, on a fresh stream.
    await leg.startSpeech!({ language: 'en-GB' });
    assert.equal(recognizer.streams.length, 2);
    await leg.hangup();
    await drained(h);
    assert.deepEqual(speechLeftovers(h.fake), []);
  });

  it('tears the media path down when the caller hangs up mid-recognition', async () => {
    const recognizer = new RecordingRecognizer();
    const h = await setup(recognizer);
    const { leg, events } = await answered(h);
    await leg.startSpeech!({ language: 'en-US' });
    assert.equal(speechLeftovers(h.fake).length, 2);
    await h.remoteHangup(leg.id);
    await until(() => speechLeftovers(h.fake).length === 0, 'speech media to be torn down');
    assert.deepEqual(events.at(-1), { type: 'call.hangup', cause: 'normal', by: 'remote' });
    assert.equal(recognizer.streams[0]!.ended, true);
    assert.deepEqual(await h.leftovers(leg.id), []);
  });

  it('stopSpeech while starting leaves nothing behind; a recognizer error stops the feed but not the call', async () => {
    const recognizer = new RecordingRecognizer();
    const h = await setup(recognizer);
    const { leg, events } = await answered(h);
    const starting = leg.startSpeech!({ language: 'en-US' });
    await leg.stopSpeech!();
    await starting;
    await drained(h);
    assert.deepEqual(speechLeftovers(h.fake), []);

    await leg.startSpeech!({ language: 'en-US' });
    const stream = recognizer.streams.at(-1)!;
    stream.fail(new Error('quota exceeded'));
    assert.equal(stream.ended, true);
    assert.equal(await h.fake.speak(leg.id, Buffer.alloc(160, 0xff)), 1);
    assert.ok(leg.direction === 'inbound' && events.every((e) => e.type !== 'call.hangup'));
    await leg.stopSpeech!();
    await drained(h);
    assert.deepEqual(speechLeftovers(h.fake), []);
  });

  it('without a recognizer startSpeech rejects HOTLINE_ERR_UNSUPPORTED before any request', async () => {
    const h = await setup();
    const { leg } = await answered(h);
    const before = h.fake.requests.length;
    await assert.rejects(leg.startSpeech!({ language: 'en-US' }), code('HOTLINE_ERR_UNSUPPORTED'));
    await leg.stopSpeech!();
    assert.equal(h.fake.requests.length, before);
  });

  it('a restarted node does not take the media channel for a call, replaces it on the next startSpeech and cleans up', async () => {
    const fake = await new FakeAriServer({ username: 'hotline', password: 'pw' }).start();
    const drivers: AriTelephonyDriver[] = [];
    cleanup.push(async () => {
      for (const d of drivers) await d.stop();
      await fake.close();
    });
    const boot = async () => {
      const recognizer = new RecordingRecognizer();
      const driver = new AriTelephonyDriver({ url: fake.url, username: 'hotline', password: 'pw', app: 'hotline', recognizer });
      drivers.push(driver);
      const handed: { leg: CallLeg; info: IncomingCallInfo }[] = [];
      await driver.start((leg, info) => handed.push({ leg, info }));
      return { driver, handed, recognizer };
    };
    const first = await boot();
    const a = fake.placeInbound({ to: '100', from: '5551000' });
    const b = fake.placeInbound({ to: '100', from: '5551001' });
    await until(() => first.handed.length === 2, 'two calls');
    for (const { leg } of first.handed) {
      await leg.answer();
      await leg.startSpeech!({ language: 'en-US' });
    }
    // The node dies: its socket goes, its speech sessions are never torn down.
    await first.driver.stop();

    const second = await boot();
    assert.deepEqual(second.handed.map((x) => [x.leg.id, x.info.recovered]).sort(), [[a, true], [b, true]]);
    assert.equal(fake.liveState().channels.filter((c) => c.name.startsWith('UnicastRTP/')).length, 2, 'media of live calls is left alone');
    const legA = second.handed.find((x) => x.leg.id === a)!.leg;
    const legB = second.handed.find((x) => x.leg.id === b)!.leg;
    await legA.startSpeech!({ language: 'en-US' });
    assert.equal(await fake.speak(a, Buffer.alloc(160, 0xff)), 1);
    await until(() => second.recognizer.streams[0]!.pcm.length === 1, 'audio on the new node');
    await legA.hangup();
    // B never restarts speech: its adopted bridge and media channel go when it ends.
    await legB.hangup();
    await until(() => speechLeftovers(fake).length === 0, 'no speech leftovers');
    assert.deepEqual(fake.liveState().channels.filter((c) => c.id === a || c.id === b), []);
  });
});
