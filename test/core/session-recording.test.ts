import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { MemoryRecordingStore } from '../../src/adapters/memory/memory-recording-store.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import type { CallService } from '../../src/core/call/call-service.ts';
import type { CallServiceEvent } from '../../src/core/call/types.ts';
import { openSnapshot, sealSnapshot } from '../../src/core/call/secure-snapshot.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { RecordingService } from '../../src/core/recording/recording-service.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { silentLogger, type Logger } from '../../src/ports/logger.ts';
import { createRig } from '../support/call-rig.ts';
import { PinoTail } from '../support/pino-lines.ts';

const CARD = '4111111111111111';

const pay: FlowDocument = {
  id: 'pay',
  numbers: ['400'],
  start: 'rec',
  steps: {
    rec: { type: 'record', action: 'start', on: { done: 'menu' } },
    menu: { type: 'menu', prompt: 'menu', options: { '1': 'card' }, on: { noInput: 'bye', noMatch: 'bye' } },
    card: { type: 'gather', prompt: 'enter', into: 'card', maxDigits: 16, secure: true, on: { done: 'stop', noInput: 'bye', invalid: 'bye' } },
    stop: { type: 'record', action: 'stop', on: { done: 'bye' } },
    bye: { type: 'hangup', prompt: 'goodbye' },
  },
};

/** Takes the card inside a sensitive group (a sensitive play, then a secure gather), then checks it. */
const grouped: FlowDocument = {
  id: 'grouped',
  numbers: ['401'],
  start: 'rec',
  steps: {
    rec: { type: 'record', action: 'start', on: { done: 'payment' } },
    payment: {
      type: 'group',
      sensitive: true,
      start: 'explain',
      steps: {
        explain: { type: 'play', prompt: 'welcome', sensitive: true, on: { done: 'card' } },
        card: { type: 'gather', prompt: 'enter', into: 'card', maxDigits: 16, secure: true, on: { done: 'confirm', noInput: 'bye', invalid: 'bye' } },
        confirm: { type: 'menu', prompt: 'menu', options: { '1': 'check' }, on: { noInput: 'bye', noMatch: 'bye' } },
      },
    },
    check: { type: 'branch', cases: [{ when: { var: 'card', eq: CARD }, goto: 'good' }], on: { otherwise: 'bad' } },
    good: { type: 'play', prompt: { say: 'thank you' }, on: { done: 'bye' } },
    bad: { type: 'play', prompt: { say: 'card lost' }, on: { done: 'bye' } },
    bye: { type: 'hangup' },
  },
};

function capture(): { logger: Logger; tail: PinoTail } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination: stream }), tail: new PinoTail('node', () => text) };
}

/** A rig whose call services get a RecordingService on one shared store: a new one per "node". */
async function recordingRig(docs: FlowDocument[], options: { logger?: Logger; recordings?: boolean } = {}) {
  const store = new MemoryRecordingStore();
  const services: RecordingService[] = [];
  const rig = await createRig(docs, {
    logger: options.logger ?? silentLogger,
    onCalls: (calls: CallService) => {
      if (options.recordings === false) return;
      const service = new RecordingService({ store, clock: new ManualClock(), logger: options.logger ?? silentLogger, node: `n${services.length}`, driver: 'sim', retentionMs: null });
      services.push(service);
      calls.useRecordings(service);
    },
  });
  return { rig, store, services };
}

function enteredAt(events: readonly CallServiceEvent[], callId: string, step: string): number {
  const e = events.find((x) => x.type === 'step.entered' && x.callId === callId && x.step === step);
  assert.ok(e, `step ${step} entered`);
  return e.at;
}

describe('recording in flows', () => {
  it('records the call, silences exactly the secure gather, and never logs or stores the card', async () => {
    const { logger, tail } = capture();
    const { rig, store } = await recordingRig([pay], { logger });
    const leg = await rig.call('400');
    await rig.toInput(leg);
    await leg.advance(2_000);
    await leg.pressDigits('1');
    await rig.toInput(leg);
    await leg.advance(1_000);
    await leg.pressDigits(CARD);
    await rig.toEnd(leg);

    assert.deepEqual(rig.steps(leg.id), ['rec', 'menu', 'card', 'stop', 'bye']);
    const [meta, ...others] = await store.list({ callId: leg.id });
    assert.ok(meta);
    assert.equal(others.length, 0);
    const from = enteredAt(rig.events, leg.id, 'card');
    const to = enteredAt(rig.events, leg.id, 'stop');
    assert.ok(to > from, 'the gather took time');
    assert.deepEqual(meta.paused, [{ from, to }], 'paused exactly while in the gather');
    assert.equal(meta.state, 'done');
    assert.equal(meta.endedAt, to, 'stopped by the record step');
    assert.equal(meta.source, 'flow');
    assert.equal(meta.target, 'call');
    assert.equal(meta.flowId, 'pay');
    const simRecording = leg.recordings.find((r) => r.recordingId === meta.id);
    assert.ok(simRecording);
    assert.deepEqual(simRecording.muted, [{ from, to }], 'muted on the PBX over the same interval');
    assert.equal(meta.durationMs, simRecording.durationMs, 'the PBX-reported length');

    const lines = tail.take();
    assert.ok(lines.some((l) => l.msg === 'recording paused' && l['callId'] === leg.id));
    assert.ok(lines.some((l) => l.msg === 'dtmf' && l['digit'] === '[REDACTED]'));
    assert.ok(!JSON.stringify(lines).includes(CARD), 'no card number in any log line');
    for (const d of new Set(CARD)) {
      assert.ok(!lines.some((l) => l.msg === 'dtmf' && l['digit'] === d && l['callId'] === leg.id && l.time >= from && l.time < to), `digit ${d} not logged`);
    }
    const stored = await rig.store.get(leg.id);
    assert.ok(stored);
    assert.ok(!JSON.stringify(stored).includes(CARD), 'no card number in the stored session');
    assert.equal(stored.variables['card'], '[REDACTED]');
  });

  it('a sensitive group and the sensitive steps inside it pause once and resume when the group is left', async () => {
    const { rig, store } = await recordingRig([grouped]);
    const leg = await rig.call('401');
    await rig.toInput(leg);
    await leg.pressDigits(CARD);
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'confirm');
    const [live] = await store.list({ callId: leg.id });
    assert.equal(live?.paused.length, 1);
    assert.equal(live?.paused[0]!.to, undefined, 'still paused in the group after the gather ended');
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    const [meta] = await store.list({ callId: leg.id });
    assert.deepEqual(meta?.paused, [{ from: enteredAt(rig.events, leg.id, 'explain'), to: enteredAt(rig.events, leg.id, 'check') }]);
    assert.equal(meta?.state, 'done', 'finalised when the call ended');
    assert.deepEqual(rig.steps(leg.id).slice(-3), ['check', 'good', 'bye']);
  });

  it('a call resumed on another node inside a sensitive step stays paused and keeps its secure digits', async () => {
    const { rig, store, services } = await recordingRig([grouped]);
    const leg = await rig.call('401');
    await rig.toInput(leg);
    await leg.pressDigits(CARD);
    await rig.toInput(leg); // in `confirm`, still in the sensitive group
    const stored = await rig.store.get(leg.id);
    assert.ok(!JSON.stringify(stored).includes(CARD), 'the card is encrypted in the stored snapshot');

    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await rig.toInput(leg);
    assert.equal(services.length, 2, 'a second recording service (another node) took the call');
    assert.equal(services[1]!.isPaused(leg.id), true, 'the pause was re-issued on resume');
    const [meta] = await store.list({ callId: leg.id });
    assert.equal(meta?.node, 'n1');
    assert.equal(meta?.paused.length, 1);
    assert.equal(meta?.paused[0]!.to, undefined, 'never unmuted across the fail-over');
    assert.equal(leg.recordings[0]!.muted.length, 1);
    assert.equal(leg.recordings[0]!.muted[0]!.to, undefined);

    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(rig.steps(leg.id).slice(-3), ['check', 'good', 'bye'], 'the resumed call got the card back');
    const [done] = await store.list({ callId: leg.id });
    assert.deepEqual(done?.paused, [{ from: enteredAt(rig.events, leg.id, 'explain'), to: enteredAt(rig.events, leg.id, 'check') }]);
  });

  it('a caller hanging up in the middle of the card number leaves a finished recording, silent to the end', async () => {
    const { rig, store, services } = await recordingRig([pay]);
    const leg = await rig.call('400');
    await rig.toInput(leg);
    await leg.pressDigits('1');
    await rig.toInput(leg);
    await leg.pressDigits('4111');
    await leg.advance(500);
    const hungUpAt = leg.clock.now();
    await leg.remoteHangup();
    await rig.toEnd(leg);
    await rig.until(() => services[0]!.active(leg.id).length === 0);
    const [meta] = await store.list({ callId: leg.id });
    assert.equal(meta?.state, 'done');
    assert.equal(meta?.endedAt, hungUpAt);
    assert.deepEqual(meta?.paused, [{ from: enteredAt(rig.events, leg.id, 'card'), to: hungUpAt }]);
    assert.equal(services[0]!.isPaused(leg.id), false, 'nothing of the call is left in the service');
  });

  it('secure values sealed under one key open as unset under another (a node with a different key)', async () => {
    const keys = [randomBytes(32), randomBytes(32)];
    const snapshot = { value: {}, context: { vars: { card: CARD, name: 'Ann' }, secureVars: ['card'], digits: CARD } };
    const sealed = sealSnapshot(snapshot, keys[0]!, 'call-1');
    assert.ok(!JSON.stringify(sealed).includes(CARD));
    assert.deepEqual(openSnapshot(sealed, keys[0]!, 'call-1').snapshot, snapshot, 'same key: everything back');
    const other = openSnapshot(sealed, keys[1]!, 'call-1');
    assert.deepEqual(other.snapshot, { value: {}, context: { vars: { name: 'Ann' }, secureVars: ['card'], digits: '' } });
    assert.deepEqual(other.lost, ['card', 'digits']);
    assert.deepEqual(openSnapshot(sealed, keys[0]!, 'call-2').lost, ['card', 'digits'], 'bound to the call');
  });

  it('a record step on a node without recordings goes to `error`, or on to `done` when `error` is unhandled', async () => {
    const flow: FlowDocument = {
      id: 'r',
      numbers: ['402', '403'],
      start: 'split',
      steps: {
        split: { type: 'branch', cases: [{ when: { value: '${call.to}', eq: '402' }, goto: 'with' }], on: { otherwise: 'without' } },
        with: { type: 'record', action: 'start', on: { done: 'ok', error: 'failed' } },
        without: { type: 'record', action: 'start', on: { done: 'ok' } },
        ok: { type: 'hangup' },
        failed: { type: 'hangup' },
      },
    };
    const { rig } = await recordingRig([flow], { recordings: false });
    const a = await rig.call('402');
    await rig.toEnd(a);
    assert.deepEqual(rig.steps(a.id), ['split', 'with', 'failed']);
    const b = await rig.call('403');
    await rig.toEnd(b);
    assert.deepEqual(rig.steps(b.id), ['split', 'without', 'ok']);
    assert.equal(a.recordings.length + b.recordings.length, 0);
  });
});
