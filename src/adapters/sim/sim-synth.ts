import type { ToneName } from '../../ports/telephony.ts';
import { SAMPLES_PER_MS, SIM_SAMPLE_RATE } from './sim-wav.ts';

/** Row and column frequencies (Hz) of each DTMF key (ITU-T Q.23). */
export const DTMF_FREQUENCIES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

/** Amplitude of each of a DTMF key's two tones: about -9 dBFS each, like a phone's keypad. */
const DTMF_AMPLITUDE = 10000;
const TONE_AMPLITUDE = 8000;
const VOICE_AMPLITUDE = 9000;

/**
 * One DTMF key press: both tones of the key for `ms` milliseconds.
 * @example dtmfSamples('1', 100) // 800 samples of 697 Hz + 1209 Hz
 */
export function dtmfSamples(digit: string, ms: number): Int16Array {
  const freqs = DTMF_FREQUENCIES[digit.toUpperCase()];
  const out = new Int16Array(Math.round(ms * SAMPLES_PER_MS));
  if (!freqs) return out;
  addSine(out, 0, out.length, freqs[0], DTMF_AMPLITUDE);
  addSine(out, 0, out.length, freqs[1], DTMF_AMPLITUDE);
  return out;
}

/**
 * Call-progress tones as North American PBXes play them (frequencies and cadence of
 * Asterisk's `indications.conf` for `us`): `ring` 440+480 Hz 2 s on/4 s off, `busy` 480+620 Hz
 * 0.5/0.5 s, `congestion` 480+620 Hz 0.25/0.25 s, `dial` 350+440 Hz steady, `beep` 1 kHz.
 */
export function toneSamples(name: ToneName, ms: number): Int16Array {
  const out = new Int16Array(Math.round(ms * SAMPLES_PER_MS));
  const spec = TONES[name];
  if (spec.offMs === 0) {
    for (const f of spec.freqs) addSine(out, 0, out.length, f, TONE_AMPLITUDE);
    return out;
  }
  const period = (spec.onMs + spec.offMs) * SAMPLES_PER_MS;
  for (let start = 0; start < out.length; start += period) {
    const end = Math.min(out.length, start + spec.onMs * SAMPLES_PER_MS);
    for (const f of spec.freqs) addSine(out, start, end, f, TONE_AMPLITUDE);
  }
  return out;
}

const TONES: Record<ToneName, { freqs: number[]; onMs: number; offMs: number }> = {
  ring: { freqs: [440, 480], onMs: 2000, offMs: 4000 },
  busy: { freqs: [480, 620], onMs: 500, offMs: 500 },
  congestion: { freqs: [480, 620], onMs: 250, offMs: 250 },
  dial: { freqs: [350, 440], onMs: 0, offMs: 0 },
  beep: { freqs: [1000], onMs: 0, offMs: 0 },
};

/**
 * Something spoken, as a stand-in for a voice: one voiced burst (a fundamental with a few
 * harmonics under a smooth envelope) per word, spread over `ms`, with short gaps between words.
 * Not speech, but it has a voice's spectrum and rhythm, so a recording shows who spoke when.
 *
 * @example speechSamples('hello world', 1000, 140) // two bursts
 */
export function speechSamples(text: string, ms: number, f0: number): Int16Array {
  const out = new Int16Array(Math.round(ms * SAMPLES_PER_MS));
  const words = text.split(/\s+/).filter(Boolean);
  if (words.length === 0 || out.length === 0) return out;
  const letters = words.reduce((sum, w) => sum + w.length, 0);
  let at = 0;
  for (const word of words) {
    const slot = Math.floor((out.length * word.length) / letters);
    const burst = Math.floor(slot * 0.8); // the rest of the slot is the pause after the word
    voicedBurst(out, at, burst, f0);
    at += slot;
  }
  return out;
}

/** Each spoken item (a digit read out, a word of a number) as one voiced burst of `itemMs`. */
export function spokenItemsSamples(items: number, itemMs: number, f0: number): Int16Array {
  const out = new Int16Array(Math.round(items * itemMs * SAMPLES_PER_MS));
  const slot = Math.round(itemMs * SAMPLES_PER_MS);
  for (let i = 0; i < items; i++) voicedBurst(out, i * slot, Math.floor(slot * 0.7), f0);
  return out;
}

function voicedBurst(out: Int16Array, start: number, length: number, f0: number): void {
  const harmonics = [1, 0.6, 0.4, 0.25, 0.15];
  const weight = harmonics.reduce((a, b) => a + b, 0);
  for (let i = 0; i < length && start + i < out.length; i++) {
    const envelope = Math.sin((Math.PI * i) / length); // no clicks at either end
    let v = 0;
    for (const [h, amp] of harmonics.entries()) v += amp * Math.sin((2 * Math.PI * f0 * (h + 1) * i) / SIM_SAMPLE_RATE);
    out[start + i] = Math.round((VOICE_AMPLITUDE * envelope * v) / weight);
  }
}

function addSine(out: Int16Array, start: number, end: number, freq: number, amplitude: number): void {
  const w = (2 * Math.PI * freq) / SIM_SAMPLE_RATE;
  for (let i = start; i < end; i++) out[i] = (out[i] ?? 0) + Math.round(amplitude * Math.sin(w * (i - start)));
}
