/**
 * The bits of RTP (RFC 3550) and G.711 µ-law (PCMU) the speech path needs: Asterisk's
 * `externalMedia` channel (chan_rtp, `format=ulaw`) sends the caller's audio as 172-byte RTP
 * packets — a 12-byte header and 160 µ-law bytes, 20 ms at 8 kHz (`external-media.jsonl`).
 */

/** RTP payload type of PCMU (RFC 3551). */
export const PCMU_PAYLOAD_TYPE = 0;

/** One parsed RTP packet; `payload` is a view into the datagram. */
export interface RtpPacket {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payload: Buffer;
}

/**
 * Parses an RTP datagram: version 2, CSRC list, header extension and padding honoured.
 * Returns undefined for anything that is not well-formed RTP (stray datagrams are dropped,
 * never thrown on).
 *
 * @example
 * const packet = parseRtp(datagram);
 * if (packet?.payloadType === PCMU_PAYLOAD_TYPE) stream.write(decodeUlaw(packet.payload));
 */
export function parseRtp(datagram: Buffer): RtpPacket | undefined {
  if (datagram.length < 12) return undefined;
  const b0 = datagram[0]!;
  const b1 = datagram[1]!;
  if (b0 >> 6 !== 2) return undefined;
  let offset = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (datagram.length < offset + 4) return undefined;
    offset += 4 + datagram.readUInt16BE(offset + 2) * 4;
  }
  let end = datagram.length;
  if (b0 & 0x20) end -= datagram[end - 1]!;
  if (offset > end) return undefined;
  return {
    payloadType: b1 & 0x7f,
    marker: (b1 & 0x80) !== 0,
    sequence: datagram.readUInt16BE(2),
    timestamp: datagram.readUInt32BE(4),
    ssrc: datagram.readUInt32BE(8),
    payload: datagram.subarray(offset, end),
  };
}

/** Builds an RTP packet (tests and the fake ARI server send what Asterisk would). */
export function buildRtp(packet: { payloadType: number; sequence: number; timestamp: number; ssrc: number; payload: Buffer; marker?: boolean }): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (packet.marker ? 0x80 : 0) | (packet.payloadType & 0x7f);
  header.writeUInt16BE(packet.sequence & 0xffff, 2);
  header.writeUInt32BE(packet.timestamp >>> 0, 4);
  header.writeUInt32BE(packet.ssrc >>> 0, 8);
  return Buffer.concat([header, packet.payload]);
}

// ITU-T G.711 µ-law expansion, precomputed for all 256 codes.
const ULAW_TABLE = (() => {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const u = ~code & 0xff;
    const exponent = (u >> 4) & 0x07;
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
    table[code] = u & 0x80 ? -magnitude : magnitude;
  }
  return table;
})();

/** One µ-law byte as a 16-bit linear sample. */
export function ulawToLinear(code: number): number {
  return ULAW_TABLE[code & 0xff]!;
}

/**
 * µ-law bytes → 16-bit little-endian signed PCM (what `SpeechStream.write` takes).
 *
 * @example
 * decodeUlaw(Buffer.from([0xff, 0x80])); // <Buffer 00 00 7c 7d>: 0 and 32124
 */
export function decodeUlaw(ulaw: Buffer): Buffer {
  const pcm = Buffer.alloc(ulaw.length * 2);
  for (let i = 0; i < ulaw.length; i++) pcm.writeInt16LE(ULAW_TABLE[ulaw[i]!]!, i * 2);
  return pcm;
}
