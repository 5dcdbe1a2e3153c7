import type { Media } from '../../ports/telephony.ts';
import type { SimPlayback } from './sim-playback.ts';

/** What a stretch of audio is; the renderer turns it into samples. */
export type SimAudio =
  | { kind: 'media'; media: readonly Media[] }
  | { kind: 'dtmf'; digit: string }
  | { kind: 'speech'; text: string };

/** A stretch of audio on one clock (a leg's or a bridge's). */
export interface SimAudioSegment {
  /** Start, on the clock of the timeline holding the segment. */
  at: number;
  durationMs: number;
  audio: SimAudio;
  /** Leg that produced it (its far end speaking or keying), when it came from a leg. */
  fromLeg?: string;
  /** Recordings (of this timeline's owner) that were muted or paused when the audio was produced. */
  silencedIn?: ReadonlySet<string>;
}

/** How long the far end takes to key and speak. */
export const SIM_FAR_END_TIMING = {
  dtmfMs: 100,
  /** Silence between two keys pressed in one go (Q.24 asks for at least 40 ms). */
  dtmfGapMs: 60,
  wordMsPerChar: 80,
  wordMinMs: 250,
  wordGapMs: 120,
} as const;

/**
 * The audio around one leg, on the leg's clock: what its far end said (keys, words) and what
 * it heard from others (bridge peers, supervisors, media played into its bridge). Prompts
 * played *to* the leg live in its playback queue; {@link playbackSegments} adds them.
 * Keys and words given in one go are laid end to end, the way a person would key or speak them,
 * even though the simulated clock does not move meanwhile.
 */
export class SimAudioTimeline {
  readonly said: SimAudioSegment[] = [];
  readonly heard: SimAudioSegment[] = [];
  #saidFreeAt = Number.NEGATIVE_INFINITY;

  /** The far end produces `audio` now (or right after what it is still saying). */
  say(audio: SimAudio, durationMs: number, gapMs: number, now: number, fromLeg: string, silencedIn: ReadonlySet<string>): SimAudioSegment {
    const at = Math.max(now, this.#saidFreeAt);
    this.#saidFreeAt = at + durationMs + gapMs;
    const segment: SimAudioSegment = { at, durationMs, audio, fromLeg, silencedIn };
    this.said.push(segment);
    return segment;
  }

  /** Audio from elsewhere reaches this leg. */
  hear(segment: SimAudioSegment): void {
    this.heard.push(segment);
  }
}

/** Words of an utterance, each as its own segment duration. */
export function wordDurations(text: string): Array<{ word: string; ms: number }> {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => ({ word, ms: Math.max(SIM_FAR_END_TIMING.wordMinMs, word.length * SIM_FAR_END_TIMING.wordMsPerChar) }));
}

/**
 * Prompts a leg heard: each playback from its start to where it ended (stopped early by a
 * barge-in, or cut by a hang-up), or to `now` when still playing. Failed playbacks made no sound.
 */
export function playbackSegments(played: readonly SimPlayback[], now: number): SimAudioSegment[] {
  const out: SimAudioSegment[] = [];
  for (const p of played) {
    if (p.startedAt === undefined || p.reason === 'failed') continue;
    const end = p.endedAt ?? Math.min(p.endsAt ?? now, now);
    if (end > p.startedAt) out.push({ at: p.startedAt, durationMs: end - p.startedAt, audio: { kind: 'media', media: p.media } });
  }
  return out;
}

/**
 * Moves a segment from one clock onto another: simulated legs each run their own clock, so
 * "now" on the producer's clock is mapped to "now" on the listener's, keeping the offset of a
 * segment queued for later (the second of two keys pressed in one go).
 */
export function shiftSegment(segment: SimAudioSegment, fromNow: number, toNow: number, silencedIn: ReadonlySet<string>): SimAudioSegment {
  return { ...segment, at: toNow + (segment.at - fromNow), silencedIn };
}

/** The segments a recording keeps: those produced while it was capturing. */
export function audibleIn(recordingId: string, segments: readonly SimAudioSegment[]): SimAudioSegment[] {
  return segments.filter((s) => !s.silencedIn?.has(recordingId));
}

/** Prompt names a set of segments plays (to load their files before rendering). */
export function soundNames(segments: readonly SimAudioSegment[]): string[] {
  const names = new Set<string>();
  for (const s of segments) {
    if (s.audio.kind !== 'media') continue;
    for (const m of s.audio.media) if (m.kind === 'sound' || m.kind === 'recording') names.add(m.name);
  }
  return [...names];
}
