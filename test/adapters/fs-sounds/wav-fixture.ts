import { Buffer } from 'node:buffer';

/**
 * Builds a WAV file: PCM `fmt `, optional extra chunks before `fmt ` and before `data`
 * (editors put `LIST`/`bext` there), and `durationMs` of silence.
 */
export function wavFile(options: {
  durationMs: number;
  sampleRate?: number;
  channels?: number;
  bitsPerSample?: number;
  chunksBeforeFmt?: Array<{ id: string; body: Buffer }>;
  chunksBeforeData?: Array<{ id: string; body: Buffer }>;
  /** Override the size written in the data chunk header (streamed files write 0 or 0xFFFFFFFF). */
  dataSizeField?: number;
}): Buffer {
  const sampleRate = options.sampleRate ?? 8000;
  const channels = options.channels ?? 1;
  const bits = options.bitsPerSample ?? 16;
  const blockAlign = (channels * bits) / 8;
  const byteRate = sampleRate * blockAlign;
  const dataBytes = Math.round((options.durationMs * byteRate) / 1000 / blockAlign) * blockAlign;

  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(byteRate, 8);
  fmt.writeUInt16LE(blockAlign, 12);
  fmt.writeUInt16LE(bits, 14);

  const chunk = (id: string, body: Buffer, sizeField = body.length) => {
    const header = Buffer.alloc(8);
    header.write(id, 0, 'latin1');
    header.writeUInt32LE(sizeField, 4);
    return Buffer.concat([header, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    ...(options.chunksBeforeFmt ?? []).map((c) => chunk(c.id, c.body)),
    chunk('fmt ', fmt),
    ...(options.chunksBeforeData ?? []).map((c) => chunk(c.id, c.body)),
    chunk('data', Buffer.alloc(dataBytes), options.dataSizeField ?? dataBytes),
  ]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return Buffer.concat([riff, body]);
}
