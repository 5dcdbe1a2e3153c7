import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { LegEvent, Media } from '../../ports/telephony.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import { mediaDurationMs } from './sim-media.ts';

/** One playback as the simulated PBX saw it. Times are on the leg's clock. */
export interface SimPlayback {
  readonly playbackId: string;
  readonly media: readonly Media[];
  readonly bargeIn: boolean;
  readonly queuedAt: number;
  startedAt?: number;
  /** When it will finish if nobody stops it (while playing). */
  endsAt?: number;
  endedAt?: number;
  reason?: 'finished' | 'stopped' | 'failed';
}

type PromptEvent = Extract<LegEvent, { type: 'prompt.started' | 'prompt.done' }>;

/**
 * The playback queue of one leg. Like Asterisk, a play issued while another plays waits for it;
 * each playback runs for the real length of its media on the leg's clock.
 */
export class SimPlaybackQueue {
  readonly #clock: Clock;
  readonly #sounds: SoundLibrary;
  readonly #emit: (event: PromptEvent) => void;
  readonly #all = new Map<string, SimPlayback>();
  readonly #waiting: SimPlayback[] = [];
  #current: { playback: SimPlayback; timer: TimerHandle } | undefined;

  constructor(clock: Clock, sounds: SoundLibrary, emit: (event: PromptEvent) => void) {
    this.#clock = clock;
    this.#sounds = sounds;
    this.#emit = emit;
  }

  /** Every playback ever requested, in request order. */
  all(): SimPlayback[] {
    return [...this.#all.values()];
  }

  current(): SimPlayback | undefined {
    return this.#current?.playback;
  }

  /** Ids of playbacks playing or waiting. */
  activeIds(): string[] {
    return [...(this.#current ? [this.#current.playback.playbackId] : []), ...this.#waiting.map((p) => p.playbackId)];
  }

  /** Queues a playback; returns false when the id is already known (idempotent replay of a command). */
  play(media: readonly Media[], playbackId: string, bargeIn: boolean): boolean {
    if (this.#all.has(playbackId)) return false;
    const playback: SimPlayback = { playbackId, media: [...media], bargeIn, queuedAt: this.#clock.now() };
    this.#all.set(playbackId, playback);
    this.#waiting.push(playback);
    if (!this.#current) this.#startNext();
    return true;
  }

  /** Stops a playing or waiting playback; finished or unknown ids are a no-op. */
  stop(playbackId: string): void {
    if (this.#current?.playback.playbackId === playbackId) {
      this.#clock.clearTimeout(this.#current.timer);
      const { playback } = this.#current;
      this.#current = undefined;
      this.#finish(playback, 'stopped');
      this.#startNext();
      return;
    }
    const index = this.#waiting.findIndex((p) => p.playbackId === playbackId);
    if (index < 0) return;
    const [playback] = this.#waiting.splice(index, 1);
    if (playback) this.#finish(playback, 'stopped');
  }

  /** The playback a digit arriving now would interrupt (the current one, if it allows barge-in). */
  bargeable(): string | undefined {
    const playing = this.#current?.playback;
    return playing?.bargeIn ? playing.playbackId : undefined;
  }

  /**
   * A caller's digit: stops the playback it interrupted (`playbackId`, from {@link bargeable}
   * when the digit arrived) if that one is still playing. Returns true if it did.
   */
  bargeIn(playbackId: string | undefined): boolean {
    if (!playbackId || this.#current?.playback.playbackId !== playbackId) return false;
    this.stop(playbackId);
    return true;
  }

  /**
   * The leg is gone: playbacks end as `stopped` in the record but no `prompt.done` is emitted —
   * after `call.hangup` a leg says nothing more.
   */
  terminate(): void {
    const now = this.#clock.now();
    if (this.#current) {
      this.#clock.clearTimeout(this.#current.timer);
      Object.assign(this.#current.playback, { endedAt: now, reason: 'stopped', endsAt: undefined });
      this.#current = undefined;
    }
    for (const p of this.#waiting.splice(0)) Object.assign(p, { endedAt: now, reason: 'stopped' });
  }

  #startNext(): void {
    // Re-checks `#current` each turn: a listener of `prompt.done` may already have started one.
    while (!this.#current) {
      const playback = this.#waiting.shift();
      if (!playback) return;
      const duration = mediaDurationMs(playback.media, this.#sounds);
      playback.startedAt = this.#clock.now();
      if (duration === undefined) {
        this.#finish(playback, 'failed');
        continue;
      }
      playback.endsAt = playback.startedAt + duration;
      const timer = this.#clock.setTimeout(() => {
        if (this.#current?.playback !== playback) return;
        this.#current = undefined;
        this.#finish(playback, 'finished');
        this.#startNext();
      }, duration);
      this.#current = { playback, timer };
      this.#emit({ type: 'prompt.started', playbackId: playback.playbackId });
      return;
    }
  }

  #finish(playback: SimPlayback, reason: NonNullable<SimPlayback['reason']>): void {
    playback.endedAt = this.#clock.now();
    playback.endsAt = undefined;
    playback.reason = reason;
    this.#emit({ type: 'prompt.done', playbackId: playback.playbackId, reason });
  }
}
