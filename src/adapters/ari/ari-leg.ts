import type { Logger } from '../../ports/logger.ts';
import type { SpeechSynthesizer } from '../../ports/speech.ts';
import type {
  CallLeg,
  HangupCause,
  LegEvent,
  Media,
  PlayOptions,
  RecordOptions,
  TransferTarget,
} from '../../ports/telephony.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';
import { causeToHangupReason, dialstatusToCause, q850ToCause } from './ari-causes.ts';
import type { AriClient } from './ari-client.ts';
import { AriEmitter } from './ari-emitter.ts';
import { ariMessageOf, ariStatusOf, asHotlineError } from './ari-errors.ts';
import type { AriLiveRecording, AriPlayback } from './ari-types.ts';
import { toMediaUris } from './ari-media.ts';
import { recordQuery } from './ari-record.ts';
import { AriLegSpeech } from './ari-leg-speech.ts';
import type { AriSpeechContext } from './ari-speech.ts';
import {
  assertDtmf,
  assertReadableVariable,
  assertSimpleName,
  assertTransferTarget,
  assertVariableValue,
  assertWritableVariable,
  isEndpoint,
} from './ari-validate.ts';

/** What a leg needs from its driver. */
export interface AriLegContext {
  client: AriClient;
  logger: Logger;
  soundPrefix: string;
  synthesizer?: SpeechSynthesizer;
  /** Dialplan context numbers are transferred into (`continue`), extension = the number. */
  transferContext: string;
  /** Routes `Playback*` / `Recording*` events of this id to the leg. */
  track(kind: 'playback' | 'recording', id: string, leg: AriCallLeg): void;
  untrack(kind: 'playback' | 'recording', id: string): void;
  legEnded(leg: AriCallLeg): void;
  /** Present when the driver has a speech recognizer: what `startSpeech` runs on. */
  speech?: AriSpeechContext;
  /**
   * Removes a speech bridge and external media channel an earlier run of this node left for
   * the leg (adopted at resynchronisation), once the leg ends without running speech here.
   */
  speechLeftovers?(legId: string): Promise<void>;
}

/** Construction parameters of {@link AriCallLeg}. */
export interface AriLegInit {
  id: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  callerName?: string;
  /** `StasisStart.args`. */
  args?: readonly string[];
  /** An inbound channel already `Up` (recovered) or an originated leg already in Stasis. */
  up?: boolean;
}

/** Where a leg is: `ringing` (not answered yet), `up`, `ended`, `transferred`. */
export type AriLegStatus = 'ringing' | 'up' | 'ended' | 'transferred';

interface PlaybackEntry {
  bargeIn: boolean;
  stopping: boolean;
  done: boolean;
}

interface RecordingEntry {
  terminateOn?: string;
  maxDurationSeconds?: number;
  stopping: boolean;
  done: boolean;
}

/**
 * One Asterisk channel in Hotline's Stasis application, behind the {@link CallLeg} port.
 * Commands are ARI REST calls; the driver feeds it the channel's ARI events, which it turns into
 * {@link LegEvent}s.
 */
export class AriCallLeg implements CallLeg {
  readonly id: string;
  readonly driver = 'ari' as const;
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  readonly callerName?: string;
  /** Arguments of `Stasis(app,…)` the channel arrived with. */
  readonly args: readonly string[];
  status: AriLegStatus;

  readonly #ctx: AriLegContext;
  readonly #emitter: AriEmitter<LegEvent>;
  readonly #playbacks = new Map<string, PlaybackEntry>();
  readonly #recordings = new Map<string, RecordingEntry>();
  #hangingUp: Promise<void> | undefined;
  #localCause: HangupCause | undefined;
  #remoteCause: number | undefined;
  #dialCause: HangupCause | undefined;
  readonly #speech: AriLegSpeech;

  constructor(init: AriLegInit, ctx: AriLegContext) {
    this.id = init.id;
    this.direction = init.direction;
    this.from = init.from;
    this.to = init.to;
    if (init.callerName) this.callerName = init.callerName;
    this.args = [...(init.args ?? [])];
    this.status = init.up ? 'up' : 'ringing';
    this.#ctx = ctx;
    this.#emitter = new AriEmitter<LegEvent>(ctx.logger);
    this.#speech = new AriLegSpeech({
      legId: init.id,
      logger: ctx.logger,
      ...(ctx.speech ? { context: ctx.speech } : {}),
      ...(ctx.speechLeftovers ? { leftovers: ctx.speechLeftovers } : {}),
      heard: (heard) => this.#emitter.emit({ type: 'call.speech', ...heard }),
      isLive: () => this.isLive(),
    });
  }

  /** True while the channel is ringing or up. */
  isLive(): boolean {
    return this.status === 'ringing' || this.status === 'up';
  }

  subscribe(listener: (event: LegEvent) => void): () => void {
    return this.#emitter.subscribe(listener);
  }

  async answer(): Promise<void> {
    this.#assertLive('answer');
    if (this.direction === 'outbound') {
      if (this.status === 'up') return;
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', 'an outbound leg is answered by the far end', { legId: this.id });
    }
    await this.#call('answer', () => this.#ctx.client.answer(this.id));
    this.status = 'up';
  }

  async play(media: readonly Media[], options: PlayOptions): Promise<void> {
    this.#assertLive('play');
    if (this.#playbacks.has(options.playbackId)) return;
    assertSimpleName(options.playbackId, 'playbackId');
    // Registered before the request: Asterisk often sends PlaybackStarted before the REST reply.
    this.#playbacks.set(options.playbackId, { bargeIn: options.bargeIn, stopping: false, done: false });
    this.#ctx.track('playback', options.playbackId, this);
    try {
      const uris = await toMediaUris(media, { soundPrefix: this.#ctx.soundPrefix, ...this.#synth() });
      this.#assertLive('play');
      await this.#call('play', () => this.#ctx.client.play(this.id, uris, options.playbackId));
    } catch (err) {
      this.#playbacks.delete(options.playbackId);
      this.#ctx.untrack('playback', options.playbackId);
      throw err;
    }
  }

  async stopPlayback(playbackId: string): Promise<void> {
    const entry = this.#playbacks.get(playbackId);
    if (!entry || entry.done || !this.isLive()) return;
    entry.stopping = true;
    try {
      await this.#ctx.client.stopPlayback(playbackId);
    } catch (err) {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    }
    // Stopped playbacks finish as `done` in Asterisk, and one that never started may send
    // nothing at all: report `stopped` now, the late PlaybackFinished is ignored.
    this.#finishPlayback(playbackId, 'stopped');
  }

  hangup(cause: HangupCause = 'normal'): Promise<void> {
    if (!this.isLive()) return Promise.resolve();
    this.#hangingUp ??= (async () => {
      this.#localCause = cause;
      try {
        await this.#ctx.client.hangup(this.id, causeToHangupReason(cause));
      } catch (err) {
        if (ariStatusOf(err) !== 404) {
          this.#hangingUp = undefined;
          throw asHotlineError(err);
        }
      }
      this.#end(cause, 'local');
      // Resolve once the media path is gone too: nothing of the call is left on the PBX.
      await this.#speech.teardown;
    })();
    return this.#hangingUp;
  }

  async setVariable(name: string, value: string): Promise<void> {
    this.#assertLive('setVariable');
    assertWritableVariable(name);
    assertVariableValue(String(value));
    await this.#call('setVariable', () => this.#ctx.client.setVariable(this.id, name, String(value)));
  }

  async getVariable(name: string): Promise<string | undefined> {
    this.#assertLive('getVariable');
    assertReadableVariable(name);
    try {
      const result = await this.#ctx.client.getVariable(this.id, name);
      return result?.value;
    } catch (err) {
      // Same status for "no such channel" and "no such variable": only the message differs.
      if (ariStatusOf(err) === 404 && ariMessageOf(err) !== 'Channel not found') return undefined;
      throw asHotlineError(err);
    }
  }

  async sendDtmf(digits: string): Promise<void> {
    this.#assertLive('sendDtmf');
    assertDtmf(digits);
    await this.#call('sendDtmf', () => this.#ctx.client.sendDtmf(this.id, digits));
  }

  async startHold(options: { mohClass?: string } = {}): Promise<void> {
    this.#assertLive('startHold');
    if (options.mohClass !== undefined) assertSimpleName(options.mohClass, 'mohClass');
    await this.#call('startHold', () => this.#ctx.client.startMoh(this.id, options.mohClass));
  }

  async stopHold(): Promise<void> {
    this.#assertLive('stopHold');
    await this.#call('stopHold', () => this.#ctx.client.stopMoh(this.id));
  }

  async startRecording(options: RecordOptions): Promise<void> {
    this.#assertLive('startRecording');
    if (this.#recordings.has(options.recordingId)) return;
    const query = recordQuery(options);
    const entry: RecordingEntry = { stopping: false, done: false };
    if (typeof query['terminateOn'] === 'string' && query['terminateOn'] !== 'none') entry.terminateOn = query['terminateOn'];
    if (typeof query['maxDurationSeconds'] === 'number') entry.maxDurationSeconds = query['maxDurationSeconds'];
    this.#recordings.set(options.recordingId, entry);
    this.#ctx.track('recording', options.recordingId, this);
    try {
      await this.#call('startRecording', () => this.#ctx.client.record(this.id, query));
    } catch (err) {
      this.#recordings.delete(options.recordingId);
      this.#ctx.untrack('recording', options.recordingId);
      throw err;
    }
  }

  async stopRecording(recordingId: string): Promise<void> {
    const entry = this.#recordings.get(recordingId);
    if (!entry || entry.done) return;
    entry.stopping = true;
    try {
      await this.#ctx.client.stopRecording(recordingId);
    } catch (err) {
      if (ariStatusOf(err) !== 404) throw asHotlineError(err);
    }
  }

  async pauseRecording(recordingId: string): Promise<void> {
    this.#assertLive('pauseRecording');
    await this.#callRecording(() => this.#ctx.client.pauseRecording(recordingId));
  }

  async resumeRecording(recordingId: string): Promise<void> {
    this.#assertLive('resumeRecording');
    await this.#callRecording(() => this.#ctx.client.unpauseRecording(recordingId));
  }

  async muteRecording(recordingId: string): Promise<void> {
    this.#assertLive('muteRecording');
    await this.#callRecording(() => this.#ctx.client.muteRecording(recordingId));
  }

  async unmuteRecording(recordingId: string): Promise<void> {
    this.#assertLive('unmuteRecording');
    await this.#callRecording(() => this.#ctx.client.unmuteRecording(recordingId));
  }

  /**
   * Starts recognition over `externalMedia` (see `AriSpeechSession`); `call.speech` events carry
   * final results. Rejects `HOTLINE_ERR_UNSUPPORTED` when the driver has no recognizer.
   * Starting while recognition runs is a no-op.
   */
  async startSpeech(options: { language: string; hints?: string[] }): Promise<void> {
    this.#assertLive('startSpeech');
    await this.#speech.start(options);
  }

  /** Stops recognition and removes its bridge, channel and socket; idempotent. */
  stopSpeech(): Promise<void> {
    return this.#speech.stop();
  }

  async transfer(target: TransferTarget): Promise<void> {
    this.#assertLive('transfer');
    assertTransferTarget(target.value);
    if (target.kind === 'endpoint') {
      if (!isEndpoint(target.value)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'invalid transfer endpoint');
      await this.#call('transfer', () => this.#ctx.client.redirect(this.id, target.value));
    } else {
      await this.#call('transfer', () =>
        this.#ctx.client.continueInDialplan(this.id, this.#ctx.transferContext, target.value, 1),
      );
    }
    // The channel leaves Stasis and lives on in the dialplan: for Hotline the leg is over.
    this.#end('normal', 'local', 'transferred');
  }

  // ---- ARI events, fed by the driver ---------------------------------------------------------

  /** @internal An originated leg entered Stasis: the far end answered. */
  onStasisStart(): void {
    if (this.direction !== 'outbound' || this.status !== 'ringing') return;
    this.status = 'up';
    this.#emitter.emit({ type: 'call.answered' });
  }

  /** @internal */
  onDtmf(digit: string, durationMs: number | undefined): void {
    if (!this.isLive()) return;
    // Events go up in the order Asterisk sends them: the digit first, then (once the stop
    // below is done) `PlaybackFinished`, reported as `stopped`. A recording's `terminateOn`
    // digit is handled by Asterisk itself, whose `RecordingFinished` follows the digit
    // (record.jsonl, seq 28-29; dtmf-menu.jsonl, seq 23-26).
    this.#emitter.emit({ type: 'call.dtmf', digit, ...(durationMs === undefined ? {} : { durationMs }) });
    for (const [playbackId, entry] of this.#playbacks) {
      if (entry.bargeIn && !entry.done && !entry.stopping) {
        entry.stopping = true;
        this.#ctx.client.stopPlayback(playbackId).catch((err: unknown) => {
          // 404: it finished on its own meanwhile; its PlaybackFinished reports it.
          if (ariStatusOf(err) !== 404) this.#ctx.logger.warn({ playbackId, code: (err as { code?: string }).code }, 'barge-in stop failed');
        });
      }
    }
  }

  /** @internal */
  onPlayback(type: 'PlaybackStarted' | 'PlaybackContinuing' | 'PlaybackFinished', playback: AriPlayback): void {
    const entry = this.#playbacks.get(playback.id);
    if (!entry || entry.done) return;
    if (type === 'PlaybackStarted') {
      this.#emitter.emit({ type: 'prompt.started', playbackId: playback.id });
    } else if (type === 'PlaybackFinished') {
      const reason = playback.state === 'failed' ? 'failed' : entry.stopping ? 'stopped' : 'finished';
      this.#finishPlayback(playback.id, reason);
    }
  }

  /** @internal */
  onRecording(type: 'RecordingStarted' | 'RecordingFinished' | 'RecordingFailed', recording: AriLiveRecording): void {
    const entry = this.#recordings.get(recording.name);
    if (!entry || entry.done || type === 'RecordingStarted') return;
    const durationMs = typeof recording.duration === 'number' ? recording.duration * 1000 : undefined;
    if (type === 'RecordingFailed' || recording.state === 'failed') {
      this.#finishRecording(recording.name, 'failed', durationMs);
    } else if (entry.stopping) {
      this.#finishRecording(recording.name, 'stopped', durationMs);
    } else if (this.#remoteCause !== undefined || !this.isLive()) {
      this.#finishRecording(recording.name, 'hangup', durationMs);
    } else if (entry.maxDurationSeconds && (recording.duration ?? 0) >= entry.maxDurationSeconds) {
      this.#finishRecording(recording.name, 'max-duration', durationMs);
    } else {
      this.#finishRecording(recording.name, 'terminated', durationMs);
    }
  }

  /** @internal `ChannelHangupRequest`: remembers the cause for the `call.hangup` that follows. */
  onHangupRequest(cause: number | undefined): void {
    if (cause !== undefined && cause !== 32) this.#remoteCause = cause;
    else this.#remoteCause ??= 16;
  }

  /** @internal `Dial` with this leg as peer. */
  onDial(dialstatus: string): void {
    this.#dialCause = dialstatusToCause(dialstatus) ?? this.#dialCause;
  }

  /** @internal `StasisEnd` or `ChannelDestroyed`, or the channel vanished while we were disconnected. */
  onGone(cause: number | undefined): void {
    if (!this.isLive()) return;
    if (this.#localCause !== undefined) {
      this.#end(this.#localCause, 'local');
      return;
    }
    const q850 = cause ?? this.#remoteCause;
    const mapped = q850 === undefined || q850 === 0 ? (this.#dialCause ?? q850ToCause(q850)) : q850ToCause(q850);
    this.#end(mapped, 'remote');
  }

  /** What the PBX may still hold for this leg (playbacks, recordings) as far as the leg knows. */
  activeResources(): string[] {
    return [
      ...(this.#speech.active ? [`speech:${this.id}`] : []),
      ...[...this.#playbacks].filter(([, e]) => !e.done).map(([id]) => `playback:${id}`),
      ...[...this.#recordings].filter(([, e]) => !e.done).map(([id]) => `recording:${id}`),
    ];
  }

  // ---- internals -----------------------------------------------------------------------------

  #finishPlayback(playbackId: string, reason: 'finished' | 'stopped' | 'failed'): void {
    const entry = this.#playbacks.get(playbackId);
    if (!entry || entry.done) return;
    entry.done = true;
    this.#ctx.untrack('playback', playbackId);
    this.#emitter.emit({ type: 'prompt.done', playbackId, reason });
  }

  #finishRecording(
    recordingId: string,
    reason: 'stopped' | 'terminated' | 'max-duration' | 'failed' | 'hangup',
    durationMs: number | undefined,
  ): void {
    const entry = this.#recordings.get(recordingId);
    if (!entry || entry.done) return;
    entry.done = true;
    this.#ctx.untrack('recording', recordingId);
    this.#emitter.emit({ type: 'recording.done', recordingId, reason, ...(durationMs === undefined ? {} : { durationMs }) });
  }

  #end(cause: HangupCause, by: 'remote' | 'local', status: 'ended' | 'transferred' = 'ended'): void {
    if (!this.isLive()) return;
    this.status = status;
    for (const [recordingId, entry] of this.#recordings) if (!entry.done) this.#finishRecording(recordingId, 'hangup', undefined);
    for (const [playbackId, entry] of this.#playbacks) {
      // Asterisk reports a prompt cut by the hang-up as failed; nothing more will come for it.
      if (!entry.done) {
        entry.done = true;
        this.#ctx.untrack('playback', playbackId);
      }
    }
    this.#speech.release();
    this.#emitter.emit({ type: 'call.hangup', cause, by });
    this.#ctx.legEnded(this);
  }

  #synth(): { synthesizer?: SpeechSynthesizer } {
    return this.#ctx.synthesizer ? { synthesizer: this.#ctx.synthesizer } : {};
  }

  async #call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const error = asHotlineError(err);
      if (isHotlineError(error, 'HOTLINE_ERR_CALL_ENDED')) this.onGone(undefined);
      this.#ctx.logger.debug({ op, legId: this.id, code: error.code }, 'ARI leg command failed');
      throw error;
    }
  }

  async #callRecording(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      throw asHotlineError(err);
    }
  }

  #assertLive(op: string): void {
    if (!this.isLive()) {
      throw hotlineError('HOTLINE_ERR_CALL_ENDED', `leg ${this.id} has ended`, { legId: this.id, op });
    }
  }
}
