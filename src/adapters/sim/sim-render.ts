import type { Media } from '../../ports/telephony.ts';
import type { SoundLibrary } from '../../ports/sounds.ts';
import type { SimAudio, SimAudioSegment } from './sim-audio.ts';
import { mediaItemDurationMs, SIM_MEDIA_TIMING } from './sim-media.ts';
import type { SimRecording } from './sim-recording.ts';
import { dtmfSamples, speechSamples, spokenItemsSamples, toneSamples } from './sim-synth.ts';
import { clamp16, SAMPLES_PER_MS } from './sim-wav.ts';

/** An interval on the recording's clock; `to` unset means "until the end". */
export interface RenderInterval {
  from: number;
  to?: number;
}

/** What was recorded, when: a finished {@link SimRecording}'s times. */
export interface RenderWindow {
  startedAt: number;
  endedAt: number;
  /** Cut out of the file. */
  paused: readonly RenderInterval[];
  /** Kept in the file as exact digital silence. */
  muted: readonly RenderInterval[];
}

/** The times of a finished recording, copied (the recording object lives on). */
export function renderWindow(recording: SimRecording): RenderWindow {
  return {
    startedAt: recording.startedAt,
    endedAt: recording.endedAt ?? recording.startedAt,
    paused: recording.paused.map((p) => ({ ...p })),
    muted: recording.muted.map((m) => ({ ...m })),
  };
}

/** Where samples come from. */
export interface RenderSource {
  sounds: SoundLibrary;
  /** 8 kHz mono samples of a prompt, when its file could be read. */
  soundSamples(name: string): Int16Array | undefined;
}

/** Pitch of the synthetic stand-in for prompts Hotline speaks (TTS, digits, numbers). */
const PROMPT_VOICE_HZ = 120;
/** Pitch of the stand-in for the far end's speech: different, so the two can be told apart. */
const CALLER_VOICE_HZ = 210;

/**
 * Mixes `segments` into the audio of a recording: samples at 8 kHz, paused intervals cut out
 * (the file is shorter by their length), muted intervals zeroed (the file keeps its timeline).
 * Overlapping segments are summed and saturated, as a conference mixer does.
 *
 * @example
 * renderRecording({ startedAt: 0, endedAt: 1000, paused: [], muted: [{ from: 200, to: 400 }] }, segments, source)
 */
export function renderRecording(window: RenderWindow, segments: readonly SimAudioSegment[], source: RenderSource): Int16Array {
  const toSample = (t: number) => Math.round((t - window.startedAt) * SAMPLES_PER_MS);
  const wallEnd = toSample(window.endedAt);
  const kept = keptSpans(window.paused.map((p) => [toSample(p.from), toSample(p.to ?? window.endedAt)] as const), wallEnd);
  const total = kept.reduce((sum, k) => sum + (k.end - k.start), 0);
  const mix = new Float32Array(total);

  for (const segment of segments) {
    const start = toSample(segment.at);
    const length = Math.round(segment.durationMs * SAMPLES_PER_MS);
    if (length <= 0 || start >= wallEnd || start + length <= 0) continue;
    if (!kept.some((k) => k.start < start + length && start < k.end)) continue;
    const samples = audioSamples(segment.audio, segment.durationMs, source);
    for (const k of kept) {
      const from = Math.max(k.start, start);
      const to = Math.min(k.end, start + length, start + samples.length);
      for (let i = from; i < to; i++) mix[k.offset + i - k.start]! += samples[i - start]!;
    }
  }

  for (const m of window.muted) {
    const [ms, me] = [toSample(m.from), toSample(m.to ?? window.endedAt)];
    for (const k of kept) {
      const from = Math.max(k.start, ms);
      const to = Math.min(k.end, me);
      if (to > from) mix.fill(0, k.offset + from - k.start, k.offset + to - k.start);
    }
  }

  const out = new Int16Array(total);
  for (let i = 0; i < total; i++) out[i] = clamp16(mix[i]!);
  return out;
}

/** Samples of one stretch of audio, `ms` long (shorter only when the source ran out). */
export function audioSamples(audio: SimAudio, ms: number, source: RenderSource): Int16Array {
  switch (audio.kind) {
    case 'dtmf':
      return dtmfSamples(audio.digit, ms);
    case 'speech':
      return speechSamples(audio.text, ms, CALLER_VOICE_HZ);
    case 'media':
      return mediaSamples(audio.media, ms, source);
  }
}

/** A playback's items back to back, each lasting what the PBX timed it at, cut at `ms`. */
function mediaSamples(media: readonly Media[], ms: number, source: RenderSource): Int16Array {
  const out = new Int16Array(Math.round(ms * SAMPLES_PER_MS));
  let at = 0;
  for (const item of media) {
    if (at >= out.length) break;
    const itemMs = mediaItemDurationMs(item, source.sounds) ?? 0;
    const samples = itemSamples(item, itemMs, source);
    const n = Math.min(samples.length, Math.round(itemMs * SAMPLES_PER_MS), out.length - at);
    out.set(samples.subarray(0, n), at);
    at += Math.round(itemMs * SAMPLES_PER_MS);
  }
  return out;
}

function itemSamples(item: Media, ms: number, source: RenderSource): Int16Array {
  switch (item.kind) {
    case 'sound':
    case 'recording':
      // A library without files (tests, `hotline simulate`) still leaves an audible trace.
      return source.soundSamples(item.name) ?? speechSamples(item.name.replace(/[/_-]+/g, ' '), ms, PROMPT_VOICE_HZ);
    case 'text':
      return speechSamples(item.text, ms, PROMPT_VOICE_HZ);
    case 'digits':
      return spokenItemsSamples([...item.value].length, SIM_MEDIA_TIMING.digitMs, PROMPT_VOICE_HZ);
    case 'number':
      return spokenItemsSamples(Math.round(ms / SIM_MEDIA_TIMING.numberWordMs), SIM_MEDIA_TIMING.numberWordMs, PROMPT_VOICE_HZ);
    case 'tone':
      return toneSamples(item.name, ms);
  }
}

/** The parts of [0, end) not paused, each with where it lands in the file. */
function keptSpans(paused: ReadonlyArray<readonly [number, number]>, end: number): Array<{ start: number; end: number; offset: number }> {
  const cuts = paused
    .map(([a, b]) => [Math.max(0, a), Math.min(end, b)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const spans: Array<{ start: number; end: number; offset: number }> = [];
  let cursor = 0;
  let offset = 0;
  for (const [a, b] of [...cuts, [end, end] as const]) {
    if (a > cursor) {
      spans.push({ start: cursor, end: a, offset });
      offset += a - cursor;
    }
    cursor = Math.max(cursor, b);
  }
  return spans;
}
