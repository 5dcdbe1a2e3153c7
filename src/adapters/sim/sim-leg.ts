import type { ManualClock } from '../clock/manual-clock.ts';
import { settle } from '../clock/manual-clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import type {
  CallLeg,
  HangupCause,
  LegEvent,
  Media,
  PlayOptions,
  RecordOptions,
  TransferTarget,
} from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';
import { playbackSegments, shiftSegment, SIM_FAR_END_TIMING, SimAudioTimeline, wordDurations } from './sim-audio.ts';
import type { SimAudio, SimAudioSegment } from './sim-audio.ts';
import { SimEmitter } from './sim-emitter.ts';
import { SimPlaybackQueue, type SimPlayback } from './sim-playback.ts';
import { assertRecordingId } from './sim-recording-files.ts';
import { SimRecorder, type SimRecording } from './sim-recording.ts';
import { assertDtmf, assertTransferTarget, assertVariableName } from './sim-validate.ts';

/** Where a leg is in its life. `transferred` legs left Hotline through a transfer. */
export type SimLegStatus = 'ringing' | 'up' | 'ended' | 'transferred';

/** Something the far end said, and whether a recognizer was running to hear it. */
export interface SimUtterance {
  text: string;
  at: number;
  heard: boolean;
}

/** How a leg tells its driver about its life (bridges, supervisions and clocks live there). */
export interface SimLegHooks {
  onEnded(leg: SimLeg): void;
  /** The far end keyed or spoke: the driver passes the audio on to whoever hears this leg. */
  onSaid?(leg: SimLeg, segment: SimAudioSegment): void;
  /** A recording of this leg ended: the driver renders and stores its audio. */
  onRecordingEnded?(leg: SimLeg, recording: SimRecording): void;
}

/** Construction parameters of {@link SimLeg}; the driver builds legs. */
export interface SimLegInit {
  id: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  callerName?: string;
  clock: ManualClock;
  sounds: SoundLibrary;
  logger: Logger;
  hooks: SimLegHooks;
  variables?: Record<string, string>;
}


/**
 * A channel on the simulated PBX. Hotline drives it through the {@link CallLeg} port; tests and
 * the simulator UI play the far end through `pressDigits`, `say`, `remoteHangup`,
 * `remoteAnswer`/`remoteReject` and move its clock with `advance`. Everything a real PBX would
 * do over time (playbacks, ring timeouts, max recording length) runs on the leg's own clock.
 * Events are delivered synchronously, inside the call that caused them (`prompt.started`
 * reaches listeners before `play()` resolves), in one order for all listeners.
 *
 * @example
 * const leg = driver.placeCall({ to: '100', from: '+15551234567' });
 * await leg.pressDigits('1');
 * await leg.advance(5000);
 */
export class SimLeg implements CallLeg {
  readonly id: string;
  readonly driver = 'sim' as const;
  readonly direction: 'inbound' | 'outbound';
  readonly from: string;
  readonly to: string;
  readonly callerName?: string;
  readonly clock: ManualClock;
  /** Channel variables (set by Hotline or handed over with the call). */
  readonly variables = new Map<string, string>();
  /** Every event the leg emitted, in order (for tests and the simulator UI). */
  readonly events: LegEvent[] = [];
  /** What the far end said (see {@link SimLeg.say}). */
  readonly utterances: SimUtterance[] = [];
  /** Digits Hotline sent to the far end with `sendDtmf`. */
  sentDigits = '';
  status: SimLegStatus = 'ringing';
  hangupCause?: HangupCause;
  hangupBy?: 'remote' | 'local';
  transferredTo?: TransferTarget;
  answeredAt?: number;
  endedAt?: number;
  /** Music on hold playing to this leg (its class), or undefined. */
  hold?: { mohClass?: string };
  /** Speech recognition while started. */
  speech?: { language: string; hints?: string[] };
  /** What the far end keyed and said, and heard from others (for recordings). */
  readonly audio = new SimAudioTimeline();

  readonly #emitter: SimEmitter<LegEvent>;
  readonly #playbacks: SimPlaybackQueue;
  readonly #recorder: SimRecorder;
  readonly #hooks: SimLegHooks;
  readonly #ringTimers: ReturnType<ManualClock['setTimeout']>[] = [];

  constructor(init: SimLegInit) {
    this.id = init.id;
    this.direction = init.direction;
    this.from = init.from;
    this.to = init.to;
    if (init.callerName !== undefined) this.callerName = init.callerName;
    this.clock = init.clock;
    this.#hooks = init.hooks;
    this.#emitter = new SimEmitter<LegEvent>(init.logger.child({ legId: init.id }));
    this.#emitter.subscribe((event) => this.events.push(event));
    const emit = (event: LegEvent) => this.#emitter.emit(event);
    this.#playbacks = new SimPlaybackQueue(init.clock, init.sounds, emit);
    this.#recorder = new SimRecorder(init.clock, emit, (recording) => this.#hooks.onRecordingEnded?.(this, recording));
    for (const [name, value] of Object.entries(init.variables ?? {})) this.variables.set(name, value);
  }

  // ---- observation -------------------------------------------------------------------------

  /** Every playback requested on this leg, in request order. */
  get played(): readonly SimPlayback[] {
    return this.#playbacks.all();
  }

  /** The playback running now, if any (`endsAt` says when it will finish). */
  currentPlayback(): SimPlayback | undefined {
    return this.#playbacks.current();
  }

  /** Every recording of this leg. */
  get recordings(): readonly SimRecording[] {
    return this.#recorder.all();
  }

  /**
   * Everything a recording of this leg hears, on its clock (both directions, like MixMonitor):
   * the prompts played to it, what its far end keyed and said, and what it heard from others.
   */
  audioSegments(): SimAudioSegment[] {
    return [...playbackSegments(this.played, this.clock.now()), ...this.audio.said, ...this.audio.heard];
  }

  /** Audio from another leg or a bridge reaches this one (`fromNow`: the producer's clock now). @internal */
  hearFrom(segment: SimAudioSegment, fromNow: number): void {
    this.audio.hear(shiftSegment(segment, fromNow, this.clock.now(), this.#recorder.silencedIds()));
  }

  /** True while the leg is ringing or up. */
  isLive(): boolean {
    return this.status === 'ringing' || this.status === 'up';
  }

  /** What the PBX still holds for this leg: playbacks, recordings, hold, recognizer, ring timers. */
  resources(): string[] {
    return [
      ...this.#playbacks.activeIds().map((id) => `playback:${id}`),
      ...this.#recorder.activeIds().map((id) => `recording:${id}`),
      ...(this.hold ? ['hold'] : []),
      ...(this.speech ? ['speech'] : []),
      ...(this.#ringTimers.length > 0 ? ['ring-timer'] : []),
    ];
  }

  // ---- the CallLeg port ----------------------------------------------------------------------

  subscribe(listener: (event: LegEvent) => void): () => void {
    return this.#emitter.subscribe(listener);
  }

  async answer(): Promise<void> {
    this.#assertLive('answer');
    if (this.status === 'up') return;
    if (this.direction === 'outbound') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', 'an outbound leg is answered by the far end', { legId: this.id });
    }
    this.status = 'up';
    this.answeredAt = this.clock.now();
  }

  async play(media: readonly Media[], options: PlayOptions): Promise<void> {
    this.#assertLive('play');
    this.#playbacks.play(media, options.playbackId, options.bargeIn);
  }

  async stopPlayback(playbackId: string): Promise<void> {
    if (!this.isLive()) return;
    this.#playbacks.stop(playbackId);
  }

  async hangup(cause: HangupCause = 'normal'): Promise<void> {
    if (!this.isLive()) return;
    this.#end('ended', cause, 'local');
  }

  async setVariable(name: string, value: string): Promise<void> {
    this.#assertLive('setVariable');
    assertVariableName(name);
    this.variables.set(name, String(value));
  }

  async getVariable(name: string): Promise<string | undefined> {
    this.#assertLive('getVariable');
    return this.variables.get(name);
  }

  async sendDtmf(digits: string): Promise<void> {
    this.#assertLive('sendDtmf');
    assertDtmf(digits);
    this.sentDigits += digits;
  }

  async startHold(options: { mohClass?: string } = {}): Promise<void> {
    this.#assertLive('startHold');
    this.hold = options.mohClass === undefined ? {} : { mohClass: options.mohClass };
  }

  async stopHold(): Promise<void> {
    this.#assertLive('stopHold');
    delete this.hold;
  }

  async startRecording(options: RecordOptions): Promise<void> {
    this.#assertLive('startRecording');
    assertRecordingId(options.recordingId);
    this.#recorder.start(options);
  }

  async stopRecording(recordingId: string): Promise<void> {
    this.#assertLive('stopRecording');
    this.#recorder.stop(recordingId);
  }

  async pauseRecording(recordingId: string): Promise<void> {
    this.#assertLive('pauseRecording');
    this.#recorder.pause(recordingId);
  }

  async resumeRecording(recordingId: string): Promise<void> {
    this.#assertLive('resumeRecording');
    this.#recorder.resume(recordingId);
  }

  async muteRecording(recordingId: string): Promise<void> {
    this.#assertLive('muteRecording');
    this.#recorder.mute(recordingId);
  }

  async unmuteRecording(recordingId: string): Promise<void> {
    this.#assertLive('unmuteRecording');
    this.#recorder.unmute(recordingId);
  }

  async startSpeech(options: { language: string; hints?: string[] }): Promise<void> {
    this.#assertLive('startSpeech');
    this.speech = { language: options.language, ...(options.hints ? { hints: [...options.hints] } : {}) };
  }

  async stopSpeech(): Promise<void> {
    this.#assertLive('stopSpeech');
    delete this.speech;
  }

  async transfer(target: TransferTarget): Promise<void> {
    this.#assertLive('transfer');
    assertTransferTarget(target);
    this.transferredTo = { ...target };
    this.#end('transferred', 'normal', 'local');
  }

  // ---- the far end ---------------------------------------------------------------------------

  /**
   * The far end presses keys: one `call.dtmf` per digit (100 ms each). A digit that barges in
   * is delivered *before* the `prompt.done {reason:'stopped'}` of the playback it interrupts,
   * and a recording's `terminateOn` digit before its `recording.done`, as real PBXes do: ARI
   * sends `ChannelDtmfReceived` and only then `PlaybackFinished` (see the captured
   * `dtmf-menu` traffic). Pending promise work settles between digits, like a person.
   */
  async pressDigits(digits: string): Promise<void> {
    assertDtmf(digits);
    for (const digit of digits) {
      this.#assertLive('pressDigits');
      // Only the prompt playing when the key was pressed is interrupted, not one the digit started.
      const interrupted = this.#playbacks.bargeable();
      this.#produce({ kind: 'dtmf', digit }, SIM_FAR_END_TIMING.dtmfMs, SIM_FAR_END_TIMING.dtmfGapMs);
      this.#emitter.emit({ type: 'call.dtmf', digit, durationMs: SIM_FAR_END_TIMING.dtmfMs });
      if (this.isLive()) {
        this.#playbacks.bargeIn(interrupted);
        this.#recorder.digit(digit);
      }
      await settle();
    }
  }

  /**
   * The far end speaks. Heard (`call.speech`) only while Hotline runs recognition on the leg;
   * otherwise the words are lost, as on a PBX with no recognizer attached. Always recorded in
   * {@link SimLeg.utterances}.
   */
  async say(text: string, options: { confidence?: number } = {}): Promise<void> {
    this.#assertLive('say');
    const heard = this.speech !== undefined;
    this.utterances.push({ text, at: this.clock.now(), heard });
    for (const { word, ms } of wordDurations(text)) this.#produce({ kind: 'speech', text: word }, ms, SIM_FAR_END_TIMING.wordGapMs);
    if (heard) this.#emitter.emit({ type: 'call.speech', text, confidence: options.confidence ?? 0.9 });
    await settle();
  }

  /** The far end hangs up (`call.hangup {by:'remote'}`); a no-op on a leg already gone. */
  async remoteHangup(cause: HangupCause = 'normal'): Promise<void> {
    if (this.isLive()) this.#end('ended', cause, 'remote');
    await settle();
  }

  /** The far end of a ringing outbound leg answers (`call.answered`). */
  async remoteAnswer(): Promise<void> {
    this.#assertRingingOutbound('remoteAnswer');
    this.#clearRingTimers();
    this.status = 'up';
    this.answeredAt = this.clock.now();
    this.#emitter.emit({ type: 'call.answered' });
    await settle();
  }

  /** The far end of a ringing outbound leg refuses (`call.hangup {cause:'busy', by:'remote'}` by default). */
  async remoteReject(cause: HangupCause = 'busy'): Promise<void> {
    this.#assertRingingOutbound('remoteReject');
    this.#end('ended', cause, 'remote');
    await settle();
  }

  /** Moves this leg's clock forward (same as `clock.advance`). */
  advance(ms: number): Promise<void> {
    return this.clock.advance(ms);
  }

  /** Runs the clock to the end of the current playback (and only that one). No-op when idle. */
  async finishPlayback(): Promise<void> {
    const current = this.currentPlayback();
    if (current?.endsAt !== undefined) await this.clock.advanceTo(current.endsAt);
  }

  // ---- driver side ---------------------------------------------------------------------------

  /**
   * Rings an outbound leg: the far end gives up after `timeoutMs` (`no-answer`) or, for a
   * simulated agent set to auto-answer, answers after `autoAnswerAfterMs`.
   * @internal used by the driver
   */
  ring(timeoutMs: number, autoAnswerAfterMs?: number): void {
    this.#ringTimers.push(
      this.clock.setTimeout(() => {
        if (this.status === 'ringing') this.#end('ended', 'no-answer', 'remote');
      }, timeoutMs),
    );
    if (autoAnswerAfterMs !== undefined && autoAnswerAfterMs < timeoutMs) {
      this.#ringTimers.push(
        this.clock.setTimeout(() => {
          if (this.status === 'ringing') void this.remoteAnswer();
        }, autoAnswerAfterMs),
      );
    }
  }

  #end(status: 'ended' | 'transferred', cause: HangupCause, by: 'remote' | 'local'): void {
    this.status = status;
    this.hangupCause = cause;
    this.hangupBy = by;
    this.endedAt = this.clock.now();
    this.#clearRingTimers();
    this.#playbacks.terminate();
    delete this.hold;
    delete this.speech;
    // A voicemail step keeps what was recorded: the recording ends (reason `hangup`) first.
    this.#recorder.terminate('hangup');
    this.#emitter.emit({ type: 'call.hangup', cause, by });
    this.#hooks.onEnded(this);
  }

  #produce(audio: SimAudio, ms: number, gapMs: number): void {
    const segment = this.audio.say(audio, ms, gapMs, this.clock.now(), this.id, this.#recorder.silencedIds());
    this.#hooks.onSaid?.(this, segment);
  }

  #clearRingTimers(): void {
    for (const timer of this.#ringTimers.splice(0)) this.clock.clearTimeout(timer);
  }

  #assertLive(op: string): void {
    if (!this.isLive()) {
      throw hotlineError('HOTLINE_ERR_CALL_ENDED', `leg ${this.id} has ended`, { legId: this.id, op });
    }
  }

  #assertRingingOutbound(op: string): void {
    this.#assertLive(op);
    if (this.direction !== 'outbound' || this.status !== 'ringing') {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `${op} needs a ringing outbound leg`, {
        legId: this.id,
        status: this.status,
      });
    }
  }
}
