import type { AuditLog } from '../../ports/audit.ts';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RecordingFilter, RecordingMedia, RecordingMeta, RecordingSource, RecordingStore, RecordingTarget } from '../../ports/recordings.ts';
import type { DriverName } from '../../ports/telephony.ts';
import { hotlineError, isHotlineError } from '../errors.ts';
import { closeInterval, isOpen, openInterval } from './intervals.ts';
import { PauseReasons, type PauseReason } from './pause-reasons.ts';
import { silence, type RecordingHandle } from './recording-handle.ts';
import { recordingId } from './recording-id.ts';
import { sweepExpired } from './retention.ts';

export type { RecordingHandle } from './recording-handle.ts';
export type { PauseReason } from './pause-reasons.ts';

/** What the recording service is built from. */
export interface RecordingServiceDeps {
  store: RecordingStore;
  media?: RecordingMedia;
  clock: Clock;
  logger: Logger;
  /** This node's id, stored on the recordings it drives. */
  node: string;
  driver: DriverName;
  audit?: AuditLog;
  /** null: keep forever */
  retentionMs: number | null;
  /**
   * Finds what to record for an on-demand request (the call's leg, or its conversation bridge),
   * or `undefined` when this node does not hold it. Without it {@link RecordingService.startOnDemand} is absent.
   */
  locate?: (callId: string, target: RecordingTarget) => Promise<Omit<StartRecordingRequest, 'callId' | 'target' | 'source'> | undefined>;
}

/** A request to record part of a call. */
export interface StartRecordingRequest {
  callId: string;
  flowId: string;
  target: RecordingTarget;
  source: RecordingSource;
  handle: RecordingHandle;
  queue?: string;
  agentId?: string;
}

interface LiveRecording {
  meta: RecordingMeta;
  handle: RecordingHandle;
  clock: Clock;
  /** Silenced on the PBX right now. */
  muted: boolean;
}

interface CallRecordings {
  reasons: PauseReasons;
  live: Map<RecordingTarget, LiveRecording>;
  /** Operations on one call run in order: a pause never overtakes the start it should mute. */
  chain: Promise<unknown>;
}

/**
 * Records calls and keeps their metadata: starts and stops recordings on a leg or bridge,
 * pauses them around sensitive input by muting (the file keeps its timeline, the card digits
 * become silence), finalises them when the call ends, and serves and expires the catalogue.
 *
 * Live state (what runs, why it is paused) is per node; metadata is in the shared store, so any
 * node lists and serves recordings, and a node taking a call over {@link adopt}s its recordings.
 *
 * @example
 * const recordings = new RecordingService({ store, clock, logger, node: 'a', driver: 'sim', retentionMs: null });
 * await recordings.start({ callId: leg.id, flowId: 'pay', target: 'call', source: 'flow', handle: leg });
 * await recordings.pause(leg.id, 'sensitive'); // card number: silence
 * await recordings.resume(leg.id, 'sensitive');
 */
export class RecordingService {
  readonly #deps: RecordingServiceDeps;
  readonly #logger: Logger;
  readonly #calls = new Map<string, CallRecordings>();
  /** Recording id → call id, for the PBX's `recording.done`. */
  readonly #callOf = new Map<string, string>();

  constructor(deps: RecordingServiceDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'recordings' });
  }

  /**
   * Starts recording `target` of a call on `handle`; idempotent per (callId, target) while one
   * runs. A call paused at the time starts its recording muted.
   * @throws `HOTLINE_ERR_UNSUPPORTED` when the handle cannot record; the PBX's error (or `HOTLINE_ERR_PBX`) when it refuses.
   */
  start(req: StartRecordingRequest): Promise<RecordingMeta> {
    return this.#run(req.callId, async (call) => {
      const running = call.live.get(req.target);
      if (running) return structuredClone(running.meta);
      if (!req.handle.startRecording) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'this leg cannot be recorded', { callId: req.callId });
      const clock = req.handle.clock ?? this.#deps.clock;
      const meta: RecordingMeta = {
        id: recordingId(req.callId, req.target, await this.#nextNumber(req.callId, req.target)),
        callId: req.callId,
        flowId: req.flowId,
        ...(req.queue !== undefined ? { queue: req.queue } : {}),
        ...(req.agentId !== undefined ? { agentId: req.agentId } : {}),
        target: req.target,
        source: req.source,
        driver: this.#deps.driver,
        node: this.#deps.node,
        state: 'recording',
        startedAt: clock.now(),
        paused: [],
        format: 'wav',
      };
      try {
        await req.handle.startRecording({ recordingId: meta.id });
      } catch (err) {
        meta.state = 'failed';
        meta.endedAt = clock.now();
        await this.#deps.store.put(meta);
        this.#logger.warn({ callId: req.callId, recordingId: meta.id, err: describe(err) }, 'recording failed to start');
        throw isHotlineError(err) ? err : hotlineError('HOTLINE_ERR_PBX', 'the PBX refused to record', { recordingId: meta.id }, err);
      }
      const live: LiveRecording = { meta, handle: req.handle, clock, muted: false };
      call.live.set(req.target, live);
      this.#callOf.set(meta.id, req.callId);
      await this.#deps.store.put(meta);
      this.#logger.info({ callId: req.callId, recordingId: meta.id, target: req.target, source: req.source }, 'recording started');
      await this.#apply(req.callId, call);
      return structuredClone(live.meta);
    });
  }

  /** Stops the call's recordings (of one target, or all). Stopping nothing resolves. */
  /**
   * Starts a recording asked for through the API (`source: api`). Rejects with
   * `HOTLINE_ERR_ILLEGAL_STATE` when the call has nothing of that kind to record on this node.
   */
  async startOnDemand(callId: string, request: { target: RecordingTarget }): Promise<RecordingMeta> {
    const found = await this.#deps.locate?.(callId, request.target);
    if (!found) throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `call ${callId} has no ${request.target} to record on this node`, { callId, target: request.target });
    return this.start({ ...found, callId, target: request.target, source: 'api' });
  }

  stop(callId: string, target?: RecordingTarget): Promise<void> {
    return this.#run(callId, async (call) => {
      for (const live of [...call.live.values()]) {
        if (target === undefined || live.meta.target === target) await this.#end(call, live, { reason: 'stopped', stopOnPbx: true });
      }
    });
  }

  /**
   * Pauses (mutes) every active recording of the call. Reasons nest: `sensitive` and `api`
   * pauses are counted separately; audio resumes only when none is left. Recordings started
   * while paused start muted. `flow` is a switch (a `record` step's pause), not a count.
   */
  pause(callId: string, reason: PauseReason): Promise<void> {
    return this.#run(callId, async (call) => {
      call.reasons.add(reason);
      await this.#apply(callId, call);
    });
  }

  /** Takes back one pause of `reason`; unmutes once no reason is left. */
  resume(callId: string, reason: PauseReason): Promise<void> {
    return this.#run(callId, async (call) => {
      call.reasons.remove(reason);
      await this.#apply(callId, call);
    });
  }

  /**
   * A session takes the call over (another node after a fail-over, or this one after the PBX
   * connection came back): re-attaches the call's running recordings to `handle` and forgets
   * the pause reasons the session re-derives (sensitive steps, the flow's switch). Recordings
   * muted before stay muted until {@link reconcile}, so nothing is heard in between.
   */
  adopt(callId: string, handle: RecordingHandle): Promise<void> {
    return this.#run(callId, async (call) => {
      call.reasons.forgetSessionReasons();
      for (const meta of await this.#deps.store.list({ callId, limit: 1000 })) {
        if (meta.state !== 'recording') continue;
        const known = call.live.get(meta.target);
        if (known && known.meta.id === meta.id) {
          known.handle = handle;
          continue;
        }
        const live: LiveRecording = { meta: { ...meta, node: this.#deps.node }, handle, clock: handle.clock ?? this.#deps.clock, muted: isOpen(meta.paused) };
        call.live.set(meta.target, live);
        this.#callOf.set(meta.id, callId);
        await this.#deps.store.put(live.meta);
      }
    });
  }

  /** Makes the PBX match the pause reasons now held (after {@link adopt} and the re-issued pauses). */
  reconcile(callId: string): Promise<void> {
    return this.#run(callId, (call) => this.#apply(callId, call));
  }

  /** The call ended: stops and finalises its recordings (durationMs, endedAt, state done). */
  async callEnded(callId: string): Promise<void> {
    if (!this.#calls.has(callId)) return;
    await this.#run(callId, async (call) => {
      for (const live of [...call.live.values()]) await this.#end(call, live, { reason: 'hangup', stopOnPbx: true });
    });
    const call = this.#calls.get(callId);
    if (call && call.live.size === 0) this.#calls.delete(callId);
  }

  /** A PBX reported a recording finished (`recording.done` of a leg). */
  async finished(recordingId: string, info: { durationMs?: number; reason: string }): Promise<void> {
    const callId = this.#callOf.get(recordingId);
    if (callId !== undefined) {
      await this.#run(callId, async (call) => {
        const live = [...call.live.values()].find((l) => l.meta.id === recordingId);
        if (live) await this.#end(call, live, { reason: info.reason, stopOnPbx: false, ...(info.durationMs !== undefined ? { durationMs: info.durationMs } : {}) });
        else await this.#settleStored(recordingId, info);
      });
      return;
    }
    await this.#settleStored(recordingId, info);
  }

  /** Metadata of the call's running recordings on this node. */
  active(callId: string): RecordingMeta[] {
    return [...(this.#calls.get(callId)?.live.values() ?? [])].map((l) => structuredClone(l.meta));
  }

  /** True while any reason pauses the call's recordings. */
  isPaused(callId: string): boolean {
    return this.#calls.get(callId)?.reasons.paused() ?? false;
  }

  // catalogue (any node; the HTTP layer writes the access audit, it knows the principal) --------

  list(filter?: RecordingFilter): Promise<RecordingMeta[]> {
    return this.#deps.store.list(filter);
  }

  /** @throws `HOTLINE_ERR_NO_SUCH_RECORDING` */
  async get(id: string): Promise<RecordingMeta> {
    const meta = await this.#deps.store.get(id);
    if (!meta) throw hotlineError('HOTLINE_ERR_NO_SUCH_RECORDING', `no recording ${id}`, { recordingId: id });
    return meta;
  }

  /**
   * WAV bytes of a finished recording.
   * @throws `HOTLINE_ERR_NO_SUCH_RECORDING` (also when the PBX has no audio for it), `HOTLINE_ERR_UNSUPPORTED` without media, `HOTLINE_ERR_ILLEGAL_STATE` while recording.
   */
  async audio(id: string): Promise<Uint8Array> {
    const meta = await this.get(id);
    if (meta.state === 'recording') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `recording ${id} is still running`, { recordingId: id });
    const media = this.#deps.media;
    if (!media) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', `the ${this.#deps.driver} driver serves no recording audio`, { recordingId: id });
    const bytes = await media.fetch(id);
    if (!bytes) throw hotlineError('HOTLINE_ERR_NO_SUCH_RECORDING', `recording ${id} has no audio`, { recordingId: id, audio: false });
    return bytes;
  }

  /** Deletes audio (media.delete) then metadata; a running recording is stopped first. */
  async remove(id: string): Promise<void> {
    const meta = await this.get(id);
    const callId = this.#callOf.get(id);
    if (callId !== undefined) await this.stop(callId, meta.target);
    await this.#deps.media?.delete(id);
    await this.#deps.store.delete(id);
    this.#logger.info({ recordingId: id, callId: meta.callId }, 'recording deleted');
  }

  /** Deletes recordings past retention; returns ids deleted; audits `recording.expired` with actor `retention`. */
  async sweep(): Promise<string[]> {
    const retentionMs = this.#deps.retentionMs;
    if (retentionMs === null) return [];
    return sweepExpired(this.#deps, this.#deps.clock.now(), retentionMs);
  }

  /** Runs sweep every `everyMs` on the clock; returns a stop function. */
  startRetention(everyMs = 3_600_000): () => void {
    const clock = this.#deps.clock;
    let stopped = false;
    let timer: TimerHandle | undefined;
    const schedule = () => {
      timer = clock.setTimeout(() => {
        this.sweep()
          .catch((err: unknown) => this.#logger.error({ err: describe(err) }, 'recording retention sweep failed'))
          .finally(() => {
            if (!stopped) schedule();
          });
      }, everyMs);
    };
    schedule();
    return () => {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
    };
  }

  // internals --------------------------------------------------------------------------------

  #run<T>(callId: string, op: (call: CallRecordings) => Promise<T>): Promise<T> {
    let call = this.#calls.get(callId);
    if (!call) {
      call = { reasons: new PauseReasons(), live: new Map(), chain: Promise.resolve() };
      this.#calls.set(callId, call);
    }
    const target = call;
    const result = target.chain.then(() => op(target));
    target.chain = result.catch(() => {});
    return result;
  }

  /** Mutes or unmutes each running recording so it matches the call's pause reasons. */
  async #apply(callId: string, call: CallRecordings): Promise<void> {
    const paused = call.reasons.paused();
    for (const live of [...call.live.values()]) {
      if (live.muted === paused) continue;
      const at = live.clock.now();
      try {
        await silence(live.handle, live.meta.id, paused);
      } catch (err) {
        if (isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) continue;
        if (paused) {
          // Sensitive input must never reach the file: a recording that cannot be silenced ends here.
          this.#logger.error({ callId, recordingId: live.meta.id, err: describe(err) }, 'recording could not be paused; stopping it');
          await this.#end(call, live, { reason: 'unpausable', stopOnPbx: true });
        } else {
          this.#logger.warn({ callId, recordingId: live.meta.id, err: describe(err) }, 'recording could not be resumed');
        }
        continue;
      }
      live.muted = paused;
      if (paused) openInterval(live.meta.paused, at);
      else closeInterval(live.meta.paused, at);
      await this.#deps.store.put(live.meta);
      this.#logger.info({ callId, recordingId: live.meta.id, reasons: call.reasons.toJSON() }, paused ? 'recording paused' : 'recording resumed');
    }
  }

  async #end(call: CallRecordings, live: LiveRecording, how: { reason: string; stopOnPbx: boolean; durationMs?: number }): Promise<void> {
    call.live.delete(live.meta.target);
    if (how.stopOnPbx) {
      await live.handle.stopRecording?.(live.meta.id).catch((err: unknown) => {
        if (!isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) this.#logger.warn({ recordingId: live.meta.id, err: describe(err) }, 'stopping the recording failed');
      });
    }
    const meta = live.meta;
    const now = live.clock.now();
    closeInterval(meta.paused, now);
    meta.endedAt = now;
    meta.state = how.reason === 'failed' ? 'failed' : 'done';
    meta.durationMs = how.durationMs ?? Math.max(0, now - meta.startedAt);
    await this.#deps.store.put(meta);
    this.#callOf.delete(meta.id);
    this.#logger.info({ callId: meta.callId, recordingId: meta.id, reason: how.reason, durationMs: meta.durationMs }, 'recording ended');
  }

  /** `recording.done` for a recording no node runs any more: keep the PBX's length, close it. */
  async #settleStored(recordingId: string, info: { durationMs?: number; reason: string }): Promise<void> {
    const meta = await this.#deps.store.get(recordingId);
    if (!meta) return;
    if (meta.state !== 'recording' && info.durationMs === undefined) return;
    if (meta.state === 'recording') {
      const now = this.#deps.clock.now();
      closeInterval(meta.paused, now);
      meta.endedAt = now;
      meta.state = info.reason === 'failed' ? 'failed' : 'done';
    }
    if (info.durationMs !== undefined) meta.durationMs = info.durationMs;
    else meta.durationMs ??= Math.max(0, (meta.endedAt ?? meta.startedAt) - meta.startedAt);
    await this.#deps.store.put(meta);
  }

  /** Numbers continue after the call's stored recordings, so a node taking over never reuses an id. */
  async #nextNumber(callId: string, target: RecordingTarget): Promise<number> {
    const prefix = recordingId(callId, target, 0).slice(0, -1);
    let max = 0;
    for (const meta of await this.#deps.store.list({ callId, limit: 1000 })) {
      if (meta.target !== target || !meta.id.startsWith(prefix)) continue;
      const n = Number(meta.id.slice(prefix.length));
      if (Number.isInteger(n) && n > max) max = n;
    }
    return max + 1;
  }
}

function describe(err: unknown): Record<string, unknown> {
  if (isHotlineError(err)) return { code: err.code, message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}
