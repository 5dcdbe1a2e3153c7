/**
 * Incremental ESL framing. A frame is a header block, a blank line (`\n\n`), then exactly
 * `Content-Length` bytes of body when that header is present. FreeSWITCH writes the header block
 * and the body in separate `send()` calls, so frames split across TCP reads are normal, and
 * several frames can arrive in one read (pipelined replies).
 */

/** One frame as it came off the wire. Outer header values are not decoded except for `connect`. */
export interface EslFrame {
  /** `Content-Type` (`command/reply`, `api/response`, `text/event-plain`, ...). */
  readonly contentType: string;
  /** Outer headers. Duplicates keep the first value. */
  readonly headers: Readonly<Record<string, string>>;
  /** Body (`Content-Length` bytes, UTF-8), absent when there is no `Content-Length`. */
  readonly body?: string;
}

/** A parsed event: decoded header values and the inner body (`BACKGROUND_JOB` results). */
export interface EslEvent {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

const HEADER_END = Buffer.from('\n\n');

/**
 * Decodes FreeSWITCH's `switch_url_encode` output: `%XX` bytes only (`+` stays a plus), decoded as
 * UTF-8. Malformed escapes are kept literally rather than throwing on caller-controlled text.
 */
export function eslDecode(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch === 0x25 && i + 2 < value.length && /^[0-9A-Fa-f]{2}$/.test(value.slice(i + 1, i + 3))) {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(value[i] ?? '', 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// The characters FreeSWITCH 1.10's switch_url_encode escapes (seen encoded in the fixtures).
const URL_UNSAFE = new Set('\r\n "#%&+:;<=>?@[\\]^`{|}');

/** Encodes a value the way FreeSWITCH does in `text/event-plain` bodies (used by the fake and tests). */
export function eslEncode(value: string): string {
  let out = '';
  for (const b of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x20 || b > 0x7e || URL_UNSAFE.has(c) ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }
  return out;
}

/** Parses `Name: value` lines; `decode` percent-decodes values. First occurrence wins. */
export function parseHeaderBlock(block: string, decode: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    let value = line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name in headers) continue;
    headers[name] = decode ? eslDecode(value) : value;
  }
  return headers;
}

/**
 * Splits a byte stream into frames.
 * @example
 * const parser = new EslParser();
 * socket.on('data', (chunk) => { for (const frame of parser.push(chunk)) handle(frame); });
 */
export class EslParser {
  #buffer: Buffer = Buffer.alloc(0);
  #pending: { headers: Record<string, string>; length: number } | undefined;

  /** Feeds bytes; returns every frame completed by them, in order. */
  push(chunk: Buffer | string): EslFrame[] {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    const frames: EslFrame[] = [];
    for (;;) {
      if (!this.#pending) {
        // Stray newlines between frames are not frames.
        let start = 0;
        while (start < this.#buffer.length && this.#buffer[start] === 0x0a) start++;
        if (start > 0) this.#buffer = this.#buffer.subarray(start);
        const end = this.#buffer.indexOf(HEADER_END);
        if (end < 0) break;
        const block = this.#buffer.subarray(0, end).toString('utf8');
        this.#buffer = this.#buffer.subarray(end + 2);
        // The `connect` reply is the channel data as one header block with percent-encoded
        // values and no Content-Length; other outer headers are sent verbatim.
        const isChannelData = /^Event-Name: /m.test(block);
        const headers = parseHeaderBlock(block, isChannelData);
        const length = headers['Content-Length'] === undefined ? 0 : Number(headers['Content-Length']);
        if (!(length > 0)) {
          frames.push(makeFrame(headers, undefined));
          continue;
        }
        this.#pending = { headers, length };
      }
      if (this.#buffer.length < this.#pending.length) break;
      const body = this.#buffer.subarray(0, this.#pending.length).toString('utf8');
      this.#buffer = this.#buffer.subarray(this.#pending.length);
      frames.push(makeFrame(this.#pending.headers, body));
      this.#pending = undefined;
    }
    return frames;
  }

  /** Bytes received that do not yet form a frame. */
  get buffered(): number {
    return this.#buffer.length;
  }
}

function makeFrame(headers: Record<string, string>, body: string | undefined): EslFrame {
  const frame: { contentType: string; headers: Record<string, string>; body?: string } = {
    contentType: headers['Content-Type'] ?? '',
    headers,
  };
  if (body !== undefined) frame.body = body;
  return frame;
}

/** The `Reply-Text` of a `command/reply` (decoded for the `connect` reply's `%2BOK%0A`). */
export function replyText(frame: EslFrame): string {
  return (frame.headers['Reply-Text'] ?? '').trimEnd();
}

/** True for event frames (`text/event-plain`, `text/event-json`, `text/event-xml`). */
export function isEventFrame(frame: EslFrame): boolean {
  return frame.contentType.startsWith('text/event-');
}

/**
 * Parses the body of an event frame. Plain bodies are percent-encoded header lines, an inner
 * `Content-Length` announcing a body after a blank line; JSON bodies are one object with string
 * values and the inner body in `_body`; XML is parsed only for its headers and body.
 */
export function parseEvent(frame: EslFrame): EslEvent | undefined {
  const raw = frame.body ?? '';
  let headers: Record<string, string>;
  let body: string | undefined;
  if (frame.contentType === 'text/event-plain') {
    const split = raw.indexOf('\n\n');
    const block = split < 0 ? raw : raw.slice(0, split);
    headers = parseHeaderBlock(block, true);
    if (headers['Content-Length'] !== undefined && split >= 0) {
      const bytes = Buffer.from(raw.slice(split + 2), 'utf8');
      body = bytes.subarray(0, Number(headers['Content-Length'])).toString('utf8');
    }
  } else if (frame.contentType === 'text/event-json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    if (!parsed || typeof parsed !== 'object') return undefined;
    headers = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
      if (k === '_body') body = String(v);
      else headers[k] = String(v);
    }
  } else if (frame.contentType === 'text/event-xml') {
    headers = {};
    for (const m of raw.matchAll(/<([A-Za-z0-9_-]+)>([^<]*)<\/\1>/g)) {
      const [, name, value] = m;
      if (name && name !== 'body' && !(name in headers)) headers[name] = eslDecode(value ?? '');
    }
    const b = /<body>([\s\S]*)<\/body>/.exec(raw);
    if (b) body = b[1];
  } else {
    return undefined;
  }
  const name = headers['Event-Name'];
  if (!name) return undefined;
  return body === undefined ? { name, headers } : { name, headers, body };
}
