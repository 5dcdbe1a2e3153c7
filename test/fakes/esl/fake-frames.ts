import { readFileSync } from 'node:fs';
import { eslEncode } from '../../../src/adapters/esl/esl-parser.ts';

/**
 * Frame builders for the fake FreeSWITCH, byte-compatible with the captures: event frames start
 * with `Content-Length` then `Content-Type`; plain bodies are percent-encoded header lines ending
 * in a blank line; JSON bodies are one compact object of strings with `_body`; replies start with
 * `Content-Type`. Event headers come from real events (`event-templates.json`, extracted from
 * ../shared/fixtures/esl by `extract-templates.py`), not invented.
 */

type Template = { source: string; headers: [string, string][] };
const TEMPLATES: Record<string, Template> = JSON.parse(
  readFileSync(new URL('./event-templates.json', import.meta.url), 'utf8'),
) as Record<string, Template>;

export const DISCONNECT_BODY = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

/** An event before formatting: ordered headers and an optional body. */
export interface FakeEvent {
  name: string;
  headers: [string, string][];
  body?: string;
}

/**
 * Builds an event from its template. `fields` overrides template values (or is appended when
 * the template lacks them, as event-specific headers come last in real events); `vars` replaces
 * the template's `variable_*` block.
 */
export function buildEvent(name: string, fields: Record<string, string>, vars?: Iterable<[string, string]>, body?: string): FakeEvent {
  const template = TEMPLATES[name] ?? TEMPLATES['CHANNEL_STATE'];
  if (!template) throw new Error(`no template for ${name}`);
  const headers: [string, string][] = [];
  const used = new Set<string>();
  for (const [key, value] of template.headers) {
    if (key === 'variable_*') {
      if (vars) for (const [k, v] of vars) headers.push([`variable_${k}`, v]);
      continue;
    }
    if (key === 'Event-Name') {
      headers.push([key, name]);
      continue;
    }
    // Event-specific headers of the template's own instance are dropped unless given again.
    if (SPECIFIC.has(key) && !(key in fields)) continue;
    headers.push([key, key in fields ? (fields[key] as string) : value]);
    used.add(key);
  }
  for (const [key, value] of Object.entries(fields)) if (!used.has(key)) headers.push([key, value]);
  return body === undefined ? { name, headers } : { name, headers, body };
}

const SPECIFIC = new Set([
  'Application', 'Application-Data', 'Application-Response', 'Application-UUID', 'Application-UUID-Name',
  'Hangup-Cause', 'Playback-File-Path', 'Playback-Status', 'DTMF-Digit', 'DTMF-Duration', 'DTMF-Source',
  'Job-UUID', 'Job-Owner-UUID', 'Job-Command', 'Job-Command-Arg', 'Record-File-Path', 'Record-Completion-Cause',
  'Other-Leg-Unique-ID', 'Bridge-A-Unique-ID', 'Bridge-B-Unique-ID',
]);

/** `text/event-plain` frame. */
export function plainFrame(event: FakeEvent): string {
  let inner = event.headers.map(([k, v]) => `${k}: ${eslEncode(v)}\n`).join('');
  if (event.body !== undefined) inner += `Content-Length: ${Buffer.byteLength(event.body)}\n\n${event.body}`;
  else inner += '\n';
  return `Content-Length: ${Buffer.byteLength(inner)}\nContent-Type: text/event-plain\n\n${inner}`;
}

/** `text/event-json` frame (all values strings, no trailing newline). */
export function jsonFrame(event: FakeEvent): string {
  const obj: Record<string, string> = {};
  for (const [k, v] of event.headers) if (!(k in obj)) obj[k] = v;
  if (event.body !== undefined) {
    obj['Content-Length'] = String(Buffer.byteLength(event.body));
    obj['_body'] = event.body;
  }
  const inner = JSON.stringify(obj);
  return `Content-Length: ${Buffer.byteLength(inner)}\nContent-Type: text/event-json\n\n${inner}`;
}

export function commandReply(text: string, extra: Record<string, string> = {}): string {
  let out = `Content-Type: command/reply\nReply-Text: ${text}\n`;
  for (const [k, v] of Object.entries(extra)) out += `${k}: ${v}\n`;
  return `${out}\n`;
}

export function apiResponse(body: string): string {
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

/** Final notice; outbound sockets name the controlled session. */
export function disconnectNotice(sessionUuid?: string): string {
  if (!sessionUuid) return `Content-Type: text/disconnect-notice\nContent-Length: ${DISCONNECT_BODY.length}\n\n${DISCONNECT_BODY}`;
  return `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${sessionUuid}\nContent-Disposition: disconnect\nContent-Length: ${DISCONNECT_BODY.length}\n\n${DISCONNECT_BODY}`;
}

export function lingerNotice(sessionUuid: string, channelName: string, lingerTime: number): string {
  return `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${sessionUuid}\nContent-Disposition: linger\nChannel-Name: ${channelName}\nLinger-Time: ${lingerTime}\nContent-Length: 0\n\n`;
}

/** The reply to `connect`: channel data as one percent-encoded header block, no Content-Length. */
export function connectReply(event: FakeEvent): string {
  const lines = event.headers.map(([k, v]) => `${k}: ${eslEncode(v)}\n`).join('');
  return `${lines}Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n`;
}

/** Events `myevents` subscribes to (mod_event_socket). */
export const MYEVENTS = new Set([
  'CHANNEL_ANSWER', 'CHANNEL_APPLICATION', 'CHANNEL_BRIDGE', 'CHANNEL_CREATE', 'CHANNEL_DATA', 'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_ORIGINATE',
  'CHANNEL_UUID', 'CHANNEL_OUTGOING', 'CHANNEL_PARK', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_STATE',
  'CHANNEL_UNBRIDGE', 'CHANNEL_UNPARK', 'DETECTED_SPEECH', 'DTMF', 'NOTALK', 'TALK',
]);

/** Event names `event` accepts (a subset of FreeSWITCH's list; others give `-ERR no keywords supplied`). */
export const KNOWN_EVENTS = new Set([
  ...MYEVENTS, 'ALL', 'CUSTOM', 'BACKGROUND_JOB', 'PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START', 'RECORD_STOP',
  'API', 'HEARTBEAT', 'RE_SCHEDULE', 'CALL_UPDATE', 'CHANNEL_HOLD', 'CHANNEL_UNHOLD', 'LOG',
]);
