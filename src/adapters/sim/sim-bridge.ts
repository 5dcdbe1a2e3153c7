import type { ManualClock } from '../clock/manual-clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import type { Bridge, LegEvent, Media, RecordOptions } from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';
import { SimEmitter } from './sim-emitter.ts';
import { mediaDurationMs } from './sim-media.ts';
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
    this.played.push({ playbackId: options.playbackId, media: [...media], at: this.#clock.now(), durationMs });
  }

  async startRecording(options: RecordOptions): Promise<void> {
    this.#assertAlive('startRecording');
    this.#recorder ??= new SimRecorder(this.#clock, (event) => this.#emitter.emit(event));
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
