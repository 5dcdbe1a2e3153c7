import { decodeWav } from '../../../src/adapters/sim/sim-wav.ts';

/** A recording read back: 8 kHz mono samples. */
export function readWav(bytes: Uint8Array | undefined): { sampleRate: number; samples: Int16Array; header: Buffer } {
  if (!bytes) throw new Error('no recording file');
  const { sampleRate, samples } = decodeWav(bytes);
  return { sampleRate, samples, header: Buffer.from(bytes.subarray(0, 44)) };
}

/** Samples between two offsets in ms of an 8 kHz signal. */
export function slice(samples: Int16Array, fromMs: number, toMs: number): Int16Array {
  return samples.subarray(fromMs * 8, toMs * 8);
}

/**
 * Goertzel power of `freq` in `samples`, normalised to amplitude: a pure sine of amplitude A
 * gives about A; a frequency absent from the signal gives close to 0.
 */
export function toneLevel(samples: Int16Array, freq: number, sampleRate = 8000): number {
  const w = (2 * Math.PI * freq) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / samples.length;
}

/** Root-mean-square level. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return samples.length ? Math.sqrt(sum / samples.length) : 0;
}

/** True when every sample is exactly zero. */
export function allZero(samples: Int16Array): boolean {
  return samples.every((x) => x === 0);
}

/** A sine wave: a test prompt whose samples are known. */
export function sine(freq: number, ms: number, amplitude = 8000, sampleRate = 8000): Int16Array {
  const out = new Int16Array(Math.round((ms * sampleRate) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / sampleRate));
  return out;
}
