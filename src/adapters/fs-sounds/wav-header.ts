import type { FileHandle } from 'node:fs/promises';
import { hotlineError } from '../../core/errors.ts';

/** What Hotline needs from a WAV file's header. */
export interface WavInfo {
  /** 1 = PCM, 6 = A-law, 7 = µ-law, 0xFFFE = extensible. */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  /** Bytes per second of audio. */
  byteRate: number;
  bitsPerSample: number;
  /** Where the audio starts in the file. */
  dataOffset: number;
  /** Bytes of audio. */
  dataBytes: number;
  durationMs: number;
}

/**
 * Reads a WAV header by walking the RIFF chunks: `fmt ` and `data` may sit anywhere after other
 * chunks (`LIST`, `fact`, `bext` written by editors), so a fixed 44-byte layout would be wrong.
 * Reads only chunk headers, never the audio.
 *
 * @throws `HOTLINE_ERR_CONFIG` when the file is not a WAV file Hotline can time.
 */
export async function readWavInfo(file: FileHandle, fileName: string): Promise<WavInfo> {
  const { size } = await file.stat();
  const read = async (position: number, length: number): Promise<Buffer> => {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  };
  const bad = (why: string) => hotlineError('HOTLINE_ERR_CONFIG', `${fileName}: not a usable WAV file (${why})`, { file: fileName });

  const riff = await read(0, 12);
  if (riff.length < 12 || riff.toString('latin1', 0, 4) !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WAVE') {
    throw bad('no RIFF/WAVE header');
  }

  let fmt: Pick<WavInfo, 'audioFormat' | 'channels' | 'sampleRate' | 'byteRate' | 'bitsPerSample'> | undefined;
  let offset = 12;
  while (offset + 8 <= size) {
    const header = await read(offset, 8);
    if (header.length < 8) break;
    const id = header.toString('latin1', 0, 4);
    const chunkSize = header.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (chunkSize < 16) throw bad('fmt chunk too short');
      const f = await read(body, 16);
      if (f.length < 16) throw bad('truncated fmt chunk');
      fmt = {
        audioFormat: f.readUInt16LE(0),
        channels: f.readUInt16LE(2),
        sampleRate: f.readUInt32LE(4),
        byteRate: f.readUInt32LE(8),
        bitsPerSample: f.readUInt16LE(14),
      };
    } else if (id === 'data') {
      if (!fmt) throw bad('data chunk before fmt chunk');
      if (fmt.byteRate === 0) throw bad('byte rate is 0');
      // Streamed recordings leave the size at 0 or 0xFFFFFFFF; the audio then runs to the end of the file.
      const available = size - body;
      const dataBytes = chunkSize === 0 || chunkSize === 0xffffffff || chunkSize > available ? available : chunkSize;
      return { ...fmt, dataOffset: body, dataBytes, durationMs: Math.round((dataBytes * 1000) / fmt.byteRate) };
    }
    offset = body + chunkSize + (chunkSize % 2); // chunks are padded to an even length
  }
  throw bad(fmt ? 'no data chunk' : 'no fmt chunk');
}
