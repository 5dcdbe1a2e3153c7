import type { ManualClock } from '../clock/manual-clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import type { Bridge, LegEvent, Media, RecordOptions } from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';
import { shiftSegment, type SimAudioSegment } from './sim-audio.ts';
import { SimEmitter } from './sim-emitter.ts';
import { mediaDurationMs } from './sim-media.ts';
import { assertRecordingId } from './sim-recording-files.ts';
import { SimRecorder, type SimRecording } from './sim-recording.ts';
import type { SimLeg } from './sim-leg.ts';

/** Media played into a bridge (everyone in it hears it). */
export interface SimBridgePlayback {
  playbackId: string;
  media: readonly Media[];
  at: number;
  durationMs: number;
}

/** What a bridge needs from its driver. */
export interface SimBridgeHooks {
  findLeg(legId: string): SimLeg | undefined;
  /** A leg joins: the driver takes it out of any other bridge (a channel is in one bridge at a time). */
  onJoin(bridge: SimBridge, legId: string): void;
  /** A recording of the bridge ended: the driver renders and stores its audio. */
  onRecordingEnded?(bridge: SimBridge, recording: SimRecording): void;
}

type BridgeEvent = Extract<LegEvent, { type: 'recording.done' }>;

/**
 * A mixing bridge on the simulated PBX. Time (recordings) runs on the clock of the first leg that
 * joined — normally the caller — so a call's recording lines up with the caller's timeline.
 */
export class SimBridge implements Bridge {
  readonly id: string;
  readonly purpose?: string;
  destroyed = false;
  hold?: { mohClass?: string };
  readonly played: SimBridgePlayback[] = [];

  readonly #hooks: SimBridgeHooks;
  readonly #sounds: SoundLibrary;
  readonly #legIds = new Set<string>();
  /** What the legs in the bridge keyed and said, and media played into it, on the bridge's clock. */
  readonly #audio: SimAudioSegment[] = [];
  readonly #emitter: SimEmitter<BridgeEvent>;
  #clock: ManualClock;
  #clockFixed = false;
  #recorder: SimRecorder | undefined;

  constructor(init: {
    id: string;
    purpose?: string;
    clock: ManualClock;
    sounds: SoundLibrary;
    logger: Logger;
    hooks: SimBridgeHooks;
  }) {
    this.id = init.id;
    if (init.purpose !== undefined) this.purpose = init.purpose;
    this.#clock = init.clock;
    this.#sounds = init.sounds;
    this.#hooks = init.hooks;
    this.#emitter = new SimEmitter<BridgeEvent>(init.logger.child({ bridgeId: init.id }));
  }

  /** The clock recordings run on. */
  get clock(): ManualClock {
    return this.#clock;
  }

  /** Legs in the bridge, in join order. */
  legIds(): string[] {
    return [...this.#legIds];
  }

  has(legId: string): boolean {
    return this.#legIds.has(legId);
  }

  get recordings(): readonly SimRecording[] {
    return this.#recorder?.all() ?? [];
  }

  /** The bridge mix a recording of it hears. */
  audioSegments(): SimAudioSegment[] {
    return [...this.#audio];
  }

  /**
   * A leg in the bridge keyed or spoke (`fromNow`: that leg's clock now).
   * @internal used by the driver
   */
  hearFrom(segment: SimAudioSegment, fromNow: number): void {
    this.#audio.push(shiftSegment(segment, fromNow, this.#clock.now(), this.#recorder?.silencedIds() ?? new Set()));
  }

  /** `recording.done` of bridge recordings (the port has no bridge events; the sim offers them). */
  subscribe(listener: (event: BridgeEvent) => void): () => void {
    return this.#emitter.subscribe(listener);
  }

  /** Resources still held: the bridge itself while alive, and its recordings. */
  resources(): string[] {
    if (this.destroyed) return [];
    return [`bridge:${this.id}`, ...(this.#recorder?.activeIds() ?? []).map((id) => `recording:${id}`)];
  }

  async addLeg(legId: string): Promise<void> {
    this.#assertAlive('addLeg');
    const leg = this.#hooks.findLeg(legId);
    if (!leg) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no leg ${legId}`, { legId });
    if (!leg.isLive()) throw hotlineError('HOTLINE_ERR_CALL_ENDED', `leg ${legId} has ended`, { legId });
    if (this.#legIds.has(legId)) return;
    if (!this.#clockFixed && !this.#recorder) {
      this.#clock = leg.clock;
      this.#clockFixed = true;
    }
    this.#hooks.onJoin(this, legId);
    this.#legIds.add(legId);
  }

  /** Takes a leg out; removing a leg that is not in the bridge (or from a destroyed one) resolves. */
  async removeLeg(legId: string): Promise<void> {
    this.#legIds.delete(legId);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.#legIds.clear();
    delete this.hold;
    this.#recorder?.terminate('terminated');
  }

  async startHold(options: { mohClass?: string } = {}): Promise<void> {
    this.#assertAlive('startHold');
    this.hold = options.mohClass === undefined ? {} : { mohClass: options.mohClass };
  }

  async stopHold(): Promise<void> {
    this.#assertAlive('stopHold');
    delete this.hold;
  }

  /** Plays into the bridge; idempotent by `playbackId`. Bridges emit no prompt events. */
  async play(media: readonly Media[], options: { playbackId: string }): Promise<void> {
    this.#assertAlive('play');
    if (this.played.some((p) => p.playbackId === options.playbackId)) return;
    const durationMs = mediaDurationMs(media, this.#sounds);
    if (durationMs === undefined) {
      throw hotlineError('HOTLINE_ERR_MEDIA_NOT_FOUND', 'a sound to play into the bridge does not exist', {
        bridgeId: this.id,
        playbackId: options.playbackId,
      });
    }
    const now = this.#clock.now();
    this.played.push({ playbackId: options.playbackId, media: [...media], at: now, durationMs });
    const segment: SimAudioSegment = { at: now, durationMs, audio: { kind: 'media', media: [...media] } };
    this.hearFrom(segment, now);
    for (const legId of this.#legIds) this.#hooks.findLeg(legId)?.hearFrom(segment, now);
  }

  async startRecording(options: RecordOptions): Promise<void> {
    this.#assertAlive('startRecording');
    assertRecordingId(options.recordingId);
    this.#recorder ??= new SimRecorder(
      this.#clock,
      (event) => this.#emitter.emit(event),
      (recording) => this.#hooks.onRecordingEnded?.(this, recording),
    );
    this.#recorder.start(options);
  }

  async stopRecording(recordingId: string): Promise<void> {
    this.#recorderFor(recordingId).stop(recordingId);
  }

  async pauseRecording(recordingId: string): Promise<void> {
    this.#assertAlive('pauseRecording');
    this.#recorderFor(recordingId).pause(recordingId);
  }

  async resumeRecording(recordingId: string): Promise<void> {
    this.#assertAlive('resumeRecording');
    this.#recorderFor(recordingId).resume(recordingId);
  }

  /** Records silence until unmuted (the file keeps its timeline). */
  async muteRecording(recordingId: string): Promise<void> {
    this.#assertAlive('muteRecording');
    this.#recorderFor(recordingId).mute(recordingId);
  }

  async unmuteRecording(recordingId: string): Promise<void> {
    this.#assertAlive('unmuteRecording');
    this.#recorderFor(recordingId).unmute(recordingId);
  }

  #recorderFor(recordingId: string): SimRecorder {
    if (!this.#recorder) throw hotlineError('HOTLINE_ERR_NOT_FOUND', `no recording ${recordingId}`, { recordingId });
    return this.#recorder;
  }

  #assertAlive(op: string): void {
    if (this.destroyed) {
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `bridge ${this.id} was destroyed`, { bridgeId: this.id, op });
    }
  }
}
