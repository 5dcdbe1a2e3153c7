import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { MemoryAuditLog } from '../../src/adapters/memory/memory-audit-log.ts';
import { MemoryRecordingStore } from '../../src/adapters/memory/memory-recording-store.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import { isHotlineError } from '../../src/core/errors.ts';
import { recordingId } from '../../src/core/recording/recording-id.ts';
import { RecordingService, type RecordingHandle, type RecordingServiceDeps } from '../../src/core/recording/recording-service.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { RecordingMedia } from '../../src/ports/recordings.ts';
import { startedDriver, T0 } from '../adapters/sim/sim-fixture.ts';

async function setup(options: { retentionMs?: number | null; media?: RecordingMedia; locate?: RecordingServiceDeps['locate'] } = {}) {
  const store = new MemoryRecordingStore();
  const audit = new MemoryAuditLog();
  const clock = new ManualClock(T0);
  const service = new RecordingService({
    store,
    audit,
    clock,
    logger: silentLogger,
    node: 'node-a',
    driver: 'sim',
    retentionMs: options.retentionMs === undefined ? null : options.retentionMs,
    ...(options.media ? { media: options.media } : {}),
    ...(options.locate ? { locate: options.locate } : {}),
  });
  const { driver, calls } = await startedDriver();
  const newLeg = async (): Promise<SimLeg> => {
    driver.placeCall({ to: '100' });
    const leg = calls.at(-1)!.leg as SimLeg;
    await leg.answer();
    return leg;
  };
  return { store, audit, clock, service, newLeg };
}

const req = (leg: SimLeg, handle: RecordingHandle = leg) => ({ callId: leg.id, flowId: 'pay', target: 'call' as const, source: 'flow' as const, handle });

describe('RecordingService', () => {
  it('starts an on-demand recording on what the locator finds, and refuses a call it cannot find', async () => {
    let legs: SimLeg[] = [];
    const { service, newLeg } = await setup({
      locate: async (callId, target) => {
        const leg = legs.find((l) => l.id === callId);
        return leg && target === 'call' ? { flowId: 'pay', handle: leg, queue: 'billing', agentId: 'alice' } : undefined;
      },
    });
    const leg = await newLeg();
    legs = [leg];
    const meta = await service.startOnDemand(leg.id, { target: 'call' });
    assert.deepEqual([meta.source, meta.target, meta.queue, meta.agentId], ['api', 'call', 'billing', 'alice']);
    assert.equal(leg.recordings.length, 1, 'the PBX records');
    await assert.rejects(service.startOnDemand(leg.id, { target: 'conversation' }), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_ILLEGAL_STATE'));
  });

  it('names recordings safely and within 80 characters', () => {
    assert.equal(recordingId('1700000000.42', 'call', 1), 'rec-1700000000.42-call-1');
    const id = recordingId(`x/../;rm -rf ${'a'.repeat(100)}`, 'conversation', 12);
    assert.match(id, /^[A-Za-z0-9_.-]{1,80}$/);
    assert.ok(id.endsWith('-conversation-12'));
  });

  it('starts once per call and target, stores metadata, and finalises on stop with the wall length', async () => {
    const { service, store, newLeg } = await setup();
    const leg = await newLeg();
    const first = await service.start(req(leg));
    const again = await service.start(req(leg));
    assert.equal(again.id, first.id, 'idempotent while running');
    assert.equal(first.id, `rec-${leg.id.replace(/[^A-Za-z0-9_.-]/g, '_')}-call-1`);
    assert.equal(leg.recordings.length, 1);
    assert.deepEqual(
      { state: first.state, startedAt: first.startedAt, node: first.node, driver: first.driver, format: first.format, paused: first.paused },
      { state: 'recording', startedAt: T0, node: 'node-a', driver: 'sim', format: 'wav', paused: [] },
    );
    await leg.advance(7_000);
    await service.stop(leg.id);
    const done = await store.get(first.id);
    assert.equal(done?.state, 'done');
    assert.equal(done?.endedAt, T0 + 7_000);
    assert.equal(done?.durationMs, 7_000);
    assert.deepEqual(service.active(leg.id), []);
    assert.equal(leg.recordings[0]!.endedAt, T0 + 7_000, 'stopped on the PBX');
    const next = await service.start(req(leg));
    assert.ok(next.id.endsWith('-call-2'), 'a new recording gets the next number');
  });

  it('nests pauses: overlapping sensitive and api pauses resume only when none is left; intervals match the leg', async () => {
    const { service, store, newLeg } = await setup();
    const leg = await newLeg();
    const meta = await service.start(req(leg));
    await leg.advance(1_000);
    await service.pause(leg.id, 'sensitive');
    await leg.advance(1_000);
    await service.pause(leg.id, 'sensitive'); // a nested sensitive step
    await service.pause(leg.id, 'api');
    await leg.advance(1_000);
    await service.resume(leg.id, 'sensitive');
    await service.resume(leg.id, 'api');
    assert.equal(service.isPaused(leg.id), true, 'the outer sensitive step still holds');
    assert.deepEqual(leg.recordings[0]!.muted, [{ from: T0 + 1_000 }]);
    await leg.advance(1_000);
    await service.resume(leg.id, 'sensitive');
    await service.resume(leg.id, 'sensitive'); // one too many: never below zero
    assert.equal(service.isPaused(leg.id), false);
    await leg.advance(1_000);
    await service.stop(leg.id);
    const stored = await store.get(meta.id);
    assert.deepEqual(stored?.paused, [{ from: T0 + 1_000, to: T0 + 4_000 }]);
    assert.deepEqual(leg.recordings[0]!.muted, [{ from: T0 + 1_000, to: T0 + 4_000 }], 'muted on the PBX, not paused');
    assert.deepEqual(leg.recordings[0]!.paused, []);
    assert.equal(stored?.durationMs, 5_000, 'muted time stays in the file');
  });

  it('starts a recording muted while the call is paused, and a flow pause is a switch', async () => {
    const { service, store, newLeg } = await setup();
    const leg = await newLeg();
    await service.pause(leg.id, 'flow');
    await service.pause(leg.id, 'flow');
    const meta = await service.start(req(leg));
    assert.deepEqual(leg.recordings[0]!.muted, [{ from: T0 }]);
    await leg.advance(2_000);
    await service.resume(leg.id, 'flow');
    assert.equal(service.isPaused(leg.id), false, 'one resume undoes any number of flow pauses');
    assert.deepEqual((await store.get(meta.id))?.paused, [{ from: T0, to: T0 + 2_000 }]);
  });

  it('falls back to pausing when a handle has no mute, and refuses handles that cannot record', async () => {
    const { service, newLeg } = await setup();
    const leg = await newLeg();
    const noMute: RecordingHandle = {
      clock: leg.clock,
      startRecording: (o) => leg.startRecording(o),
      stopRecording: (id) => leg.stopRecording(id),
      pauseRecording: (id) => leg.pauseRecording(id),
      resumeRecording: (id) => leg.resumeRecording(id),
    };
    await service.start(req(leg, noMute));
    await service.pause(leg.id, 'sensitive');
    await leg.advance(500);
    await service.resume(leg.id, 'sensitive');
    assert.deepEqual(leg.recordings[0]!.paused, [{ from: T0, to: T0 + 500 }]);
    assert.deepEqual(leg.recordings[0]!.muted, []);

    const other = await newLeg();
    await assert.rejects(service.start(req(other, {})), (e) => isHotlineError(e, 'HOTLINE_ERR_UNSUPPORTED'));
  });

  it('stops a recording that cannot be silenced rather than record sensitive input', async () => {
    const { service, store, newLeg } = await setup();
    const leg = await newLeg();
    const deaf: RecordingHandle = { clock: leg.clock, startRecording: (o) => leg.startRecording(o), stopRecording: (id) => leg.stopRecording(id) };
    const meta = await service.start(req(leg, deaf));
    await leg.advance(1_000);
    await service.pause(leg.id, 'sensitive');
    assert.equal(leg.recordings[0]!.endedAt, T0 + 1_000, 'stopped on the PBX before the sensitive input');
    assert.equal((await store.get(meta.id))?.state, 'done');
  });

  it('keeps the PBX-reported length from recording.done and finalises everything when the call ends', async () => {
    const { service, store, newLeg } = await setup();
    const leg = await newLeg();
    const meta = await service.start(req(leg));
    await leg.advance(3_000);
    await service.finished(meta.id, { reason: 'max-duration', durationMs: 2_900 });
    const stored = await store.get(meta.id);
    assert.equal(stored?.state, 'done');
    assert.equal(stored?.durationMs, 2_900);

    const leg2 = await newLeg();
    const m2 = await service.start(req(leg2));
    await service.pause(leg2.id, 'sensitive');
    await leg2.advance(4_000);
    await leg2.remoteHangup();
    await service.callEnded(leg2.id);
    const ended = await store.get(m2.id);
    assert.equal(ended?.state, 'done');
    assert.equal(ended?.endedAt, T0 + 4_000);
    assert.deepEqual(ended?.paused, [{ from: T0, to: T0 + 4_000 }], 'the open pause closes at the end');
    assert.equal(service.isPaused(leg2.id), false, 'the call is forgotten');
  });

  it('serves the catalogue: get, audio, remove', async () => {
    const files = new Map<string, Uint8Array>();
    const deleted: string[] = [];
    const media: RecordingMedia = {
      fetch: async (id) => files.get(id),
      delete: async (id) => {
        deleted.push(id);
        files.delete(id);
      },
    };
    const { service, store, newLeg } = await setup({ media });
    const leg = await newLeg();
    const meta = await service.start(req(leg));
    await assert.rejects(service.audio(meta.id), (e) => isHotlineError(e, 'HOTLINE_ERR_ILLEGAL_STATE'));
    await service.stop(leg.id);
    await assert.rejects(service.audio(meta.id), (e) => isHotlineError(e, 'HOTLINE_ERR_NO_SUCH_RECORDING'));
    files.set(meta.id, new Uint8Array([82, 73, 70, 70]));
    assert.deepEqual([...(await service.audio(meta.id))], [82, 73, 70, 70]);
    assert.equal((await service.list({ callId: leg.id })).length, 1);
    await service.remove(meta.id);
    assert.deepEqual(deleted, [meta.id]);
    assert.equal(await store.get(meta.id), undefined);
    await assert.rejects(service.get(meta.id), (e) => isHotlineError(e, 'HOTLINE_ERR_NO_SUCH_RECORDING'));
    await assert.rejects(service.remove('rec-nope-call-1'), (e) => isHotlineError(e, 'HOTLINE_ERR_NO_SUCH_RECORDING'));

    const plain = await setup();
    const leg2 = await plain.newLeg();
    const m2 = await plain.service.start(req(leg2));
    await plain.service.stop(leg2.id);
    await assert.rejects(plain.service.audio(m2.id), (e) => isHotlineError(e, 'HOTLINE_ERR_UNSUPPORTED'));
  });

  it('sweeps recordings past retention on its clock: audio, then metadata, audited', async () => {
    const order: string[] = [];
    const media: RecordingMedia = { fetch: async () => undefined, delete: async (id) => void order.push(`audio:${id}`) };
    const { service, store, audit, clock, newLeg } = await setup({ retentionMs: 60_000, media });
    const leg = await newLeg();
    const old = await service.start(req(leg));
    await service.stop(leg.id); // ended at T0 on the leg's clock
    const leg2 = await newLeg();
    await leg2.advance(50_000);
    const young = await service.start(req(leg2));
    await service.stop(leg2.id); // ended at T0 + 50 s

    const stop = service.startRetention(30_000);
    await clock.advance(30_000);
    assert.deepEqual(order, [], 'nothing is a minute old yet');
    await clock.advance(60_000); // sweeps at T0 + 60 s (nothing older than T0) and T0 + 90 s
    assert.deepEqual(order, [`audio:${old.id}`]);
    assert.equal(await store.get(old.id), undefined);
    assert.ok(await store.get(young.id));
    const entries = await audit.list({ action: 'recording.expired' });
    assert.deepEqual(
      entries.map((e) => [e.actor, e.recordingId, e.callId]),
      [['retention', old.id, leg.id]],
    );
    stop();
    await clock.advance(600_000);
    assert.ok(await store.get(young.id), 'no sweep after stop');
    assert.deepEqual(await service.sweep(), [young.id]);

    const forever = await setup({ retentionMs: null });
    assert.deepEqual(await forever.service.sweep(), []);
  });
});
