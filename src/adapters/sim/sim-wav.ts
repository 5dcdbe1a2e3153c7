import { hotlineError } from '../../core/errors.ts';

/** The simulated PBX records like a telephone line: 8 kHz, 16-bit, mono. */
export const SIM_SAMPLE_RATE = 8000;
/** Samples per millisecond at {@link SIM_SAMPLE_RATE}. */
export const SAMPLES_PER_MS = SIM_SAMPLE_RATE / 1000;

/**
 * A 16-bit mono PCM WAV file (44-byte canonical header) of `samples`.
 *
 * @example
 * await writeFile('out.wav', encodeWav(new Int16Array(8000))); // one second of silence
 */
export function encodeWav(samples: Int16Array, sampleRate: number = SIM_SAMPLE_RATE): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'latin1');
  out.write('fmt ', 12, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(dataBytes, 40);
  // Little-endian hosts (every Node target) can copy the samples' bytes as they are.
  Buffer.from(samples.buffer, samples.byteOffset, dataBytes).copy(out, 44);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** A decoded WAV file. */
export interface DecodedWav {
  sampleRate: number;
  /** Mono samples (channels averaged). */
  samples: Int16Array;
}

/**
 * Decodes a WAV file to mono 16-bit samples: PCM 8/16/24/32-bit, 32-bit float, µ-law and A-law,
 * any number of channels. Walks the RIFF chunks (editors put `LIST`/`bext` before `data`).
 * @throws `HOTLINE_ERR_MEDIA_NOT_FOUND` when the bytes are not a WAV file it can decode.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) => hotlineError('HOTLINE_ERR_MEDIA_NOT_FOUND', `not a WAV file the simulator can decode (${why})`);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw bad('no RIFF/WAVE header');
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  for (let offset = 12; offset + 8 <= buf.length; ) {
    const id = buf.toString('latin1', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 16 <= buf.length) {
      let format = buf.readUInt16LE(body);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
      if (format === 0xfffe && size >= 26 && body + 26 <= buf.length) format = buf.readUInt16LE(body + 24);
      fmt = { format, channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw bad('data chunk before fmt chunk');
      // Streamed files leave the size at 0 or 0xFFFFFFFF: the audio then runs to the end.
      const end = size === 0 || size === 0xffffffff || body + size > buf.length ? buf.length : body + size;
      return { sampleRate: fmt.sampleRate, samples: decodeSamples(buf.subarray(body, end), fmt, bad) };
    }
    offset = body + size + (size % 2);
  }
  throw bad(fmt ? 'no data chunk' : 'no fmt chunk');
}

/** Decodes a WAV file and converts it to {@link SIM_SAMPLE_RATE}. */
export function decodeWavForSim(bytes: Uint8Array): Int16Array {
  const { sampleRate, samples } = decodeWav(bytes);
  return resample(samples, sampleRate, SIM_SAMPLE_RATE);
}

/** Linear-interpolation resampling: crude, but prompts stay intelligible and it is fast. */
export function resample(samples: Int16Array, from: number, to: number): Int16Array {
  if (from === to || samples.length === 0) return samples;
  const out = new Int16Array(Math.floor((samples.length * to) / from));
  const step = from / to;
  for (let i = 0; i < out.length; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    const a = samples[j] ?? 0;
    const b = samples[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (pos - j));
  }
  return out;
}

function decodeSamples(
  data: Buffer,
  fmt: { format: number; channels: number; bits: number },
  bad: (why: string) => Error,
): Int16Array {
  const channels = Math.max(1, fmt.channels);
  const read = sampleReader(fmt.format, fmt.bits);
  if (!read) throw bad(`format ${fmt.format}, ${fmt.bits} bits`);
  const width = fmt.bits / 8;
  const frames = Math.floor(data.length / (width * channels));
  const out = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(data, (f * channels + c) * width);
    out[f] = clamp16(sum / channels);
  }
  return out;
}

function sampleReader(format: number, bits: number): ((b: Buffer, at: number) => number) | undefined {
  if (format === 1 && bits === 8) return (b, at) => (b[at]! - 128) << 8;
  if (format === 1 && bits === 16) return (b, at) => b.readInt16LE(at);
  if (format === 1 && bits === 24) return (b, at) => b.readIntLE(at, 3) >> 8;
  if (format === 1 && bits === 32) return (b, at) => b.readInt32LE(at) >> 16;
  if (format === 3 && bits === 32) return (b, at) => b.readFloatLE(at) * 32767;
  if (format === 7 && bits === 8) return (b, at) => ulawToLinear(b[at]!);
  if (format === 6 && bits === 8) return (b, at) => alawToLinear(b[at]!);
  return undefined;
}

/** G.711 µ-law byte → 16-bit linear. */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

/** G.711 A-law byte → 16-bit linear. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t = exponent === 0 ? t + 8 : (t + 0x108) << (exponent - 1);
  return a & 0x80 ? t : -t;
}

/** Rounds and saturates to the 16-bit range. */
export function clamp16(value: number): number {
  return value > 32767 ? 32767 : value < -32768 ? -32768 : Math.round(value);
}
