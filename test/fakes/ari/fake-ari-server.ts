import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AriChannel } from '../../../src/adapters/ari/ari-types.ts';
import { AriApiSpec } from './api-spec.ts';
import { sendRtp } from './fake-ari-media.ts';
import { audioPaths, recordingWav } from './fake-ari-audio.ts';
import { handleRoute, type RouteResult } from './fake-ari-routes.ts';
import {
  ariTimestamp,
  CAUSE_TEXT,
  dialstatusFor,
  newChannelJson,
  type FakeBridge,
  type FakeChannel,
  type FakePlayback,
  type FakeRecording,
} from './fake-ari-model.ts';

/** One REST exchange the fake answered. */
export interface FakeRequestLog {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
}

/** Options of {@link FakeAriServer}. */
export interface FakeAriOptions {
  username?: string;
  password?: string;
  /** Sound names (without `sound:`) the fake treats as missing; default: names containing `no-such`. */
  missingSound?: (name: string) => boolean;
  /** Clock of recording durations and mutes (tests pass a manual one); default `Date.now`. */
  now?: () => number;
}

const NO_APP_BODY =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>400 Bad Request</title>\r\n</head><body>\r\n<h1>Bad Request</h1>\r\n<p>HTTP request is missing param: [app]</p>\r\n<hr />\r\n<address>Asterisk Server</address>\r\n</body></html>\r\n';

/**
 * A fake Asterisk ARI (HTTP + WebSocket on 127.0.0.1) that answers like the Asterisk 22 captures
 * in `/work/shared/fixtures/ari`: every request is validated against the resource listings,
 * responses and events copy the captured shapes and order. The far end (callers, agents) is
 * driven through `placeInbound`, `sendDtmf`, `hangup`, `finishPlayback`, `answerOriginated`,
 * `rejectOriginated`; `liveState()` shows what is left on the "PBX".
 */
export class FakeAriServer {
  readonly spec = new AriApiSpec();
  readonly username: string;
  readonly password: string;
  readonly requests: FakeRequestLog[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, FakeBridge>();
  readonly playbacks = new Map<string, FakePlayback>();
  readonly recordings = new Map<string, FakeRecording>();
  readonly stored = new Map<string, { name: string; format: string }>();
  /** Files of stored recordings (WAV bytes), by name. */
  readonly files = new Map<string, Buffer>();
  /** Stored recordings whose file Asterisk cannot open (`GET …/file` → 403). */
  readonly unreadable = new Set<string>();
  readonly now: () => number;
  /** Causes of app hang-ups (`DELETE /channels/{id}`), by channel id. */
  readonly hangupCauses = new Map<string, number>();
  readonly missingSound: (name: string) => boolean;
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #sockets = new Map<WebSocket, string>();
  #seq = 0;
  #localSeq = 0;
  #sent = 0;
  #refuseUpgrades = 0;
  readonly #epoch = Math.floor(Date.now() / 1000);
  url = '';

  constructor(options: FakeAriOptions = {}) {
    this.username = options.username ?? 'hotline';
    this.password = options.password ?? 'secret';
    this.missingSound = options.missingSound ?? ((name) => name.includes('no-such'));
    this.now = options.now ?? Date.now;
    this.#http = createServer((req, res) => void this.#onRequest(req, res));
    this.#http.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  /** Starts listening on 127.0.0.1 on a free port; `url` is `http://127.0.0.1:<port>`. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const channel of this.channels.values()) channel.rtp?.socket.close();
    for (const ws of this.#sockets.keys()) ws.terminate();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  // ---- far end -------------------------------------------------------------------------------

  /** A call arrives in Stasis (`StasisStart`, state `Ring`); returns the channel id. */
  placeInbound(options: { to: string; from: string; callerName?: string; app?: string; args?: string[]; tech?: 'PJSIP' | 'Local' }): string {
    const app = options.app ?? this.#defaultApp();
    const args = options.args ?? [];
    const caller = { name: options.callerName ?? '', number: options.from };
    const dialplan = { context: 'ivr-inbound', exten: options.to, priority: 2, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    let channel: FakeChannel;
    if (options.tech === 'Local') {
      const n = this.#localSuffix();
      const outer = this.addChannel({
        kind: 'local-outer', tech: 'Local', app: '', appArgs: [], inStasis: false,
        json: newChannelJson({ id: this.nextId(), name: `Local/${options.to}@ivr-inbound-${n};1`, state: 'Up', caller, connected: caller,
          dialplan: { context: 'ivr-inbound', exten: options.to, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' } }),
      });
      channel = this.addChannel({
        kind: 'inbound', tech: 'Local', app, appArgs: args, inStasis: true, peerId: outer.json.id,
        json: newChannelJson({ id: this.nextId(), name: `Local/${options.to}@ivr-inbound-${n};2`, state: 'Ring', caller, connected: caller, dialplan }),
      });
      outer.peerId = channel.json.id;
    } else {
      const user = options.from.replace(/[^A-Za-z0-9]/g, '') || 'anonymous';
      channel = this.addChannel({
        kind: 'inbound', tech: 'PJSIP', app, appArgs: args, inStasis: true,
        json: newChannelJson({ id: this.nextId(), name: `PJSIP/${user}-${this.#localSuffix()}`, state: 'Ring', caller, dialplan,
          protocolId: `${this.nextId()}@127.0.0.1` }),
      });
    }
    this.emit('StasisStart', { args, channel: channel.json }, app);
    return channel.json.id;
  }

  /** The far end presses one key. */
  sendDtmf(channelId: string, digit: string, durationMs = 100): void {
    const channel = this.#mustChannel(channelId);
    this.emit('ChannelDtmfReceived', { digit, duration_ms: durationMs, channel: channel.json }, channel.app);
    for (const [name, rec] of this.recordings) {
      if (rec.target.kind === 'channel' && rec.target.id === channelId && (rec.terminateOn === 'any' || rec.terminateOn === digit)) {
        this.finishRecording(name, 'done');
      }
    }
  }

  /** The far end hangs up with a Q.850 cause (as in `caller-hangup.jsonl`). */
  hangup(channelId: string, cause = 16): void {
    this.endChannel(this.#mustChannel(channelId), { cause, soft: false });
  }

  /** The current playback on the channel plays to its end. */
  finishPlayback(channelId: string): void {
    const channel = this.#mustChannel(channelId);
    const head = channel.queue[0];
    if (head) this.completePlayback(head, 'natural');
  }

  /**
   * The far end says something: `pcmu` (µ-law, 8 kHz) reaches every `externalMedia` channel
   * bridged with the channel, sent as chan_rtp sends it (see `sendRtp`). Resolves with the
   * number of RTP packets sent (0 when no media channel listens).
   */
  async speak(channelId: string, pcmu: Buffer): Promise<number> {
    this.#mustChannel(channelId);
    return sendRtp(this, channelId, pcmu);
  }

  /** An originated leg's far end answers: it enters Stasis. */
  answerOriginated(channelId: string): void {
    const channel = this.#mustChannel(channelId);
    channel.json.state = 'Up';
    this.emit('ChannelStateChange', { channel: channel.json }, channel.app);
    this.emit('Dial', { dialstatus: 'ANSWER', forward: '', dialstring: channel.dialstring ?? '', peer: channel.json }, channel.app);
    channel.inStasis = true;
    channel.json.dialplan = { ...channel.json.dialplan, app_name: 'Stasis', app_data: [channel.app, ...channel.appArgs].join(',') };
    this.emit('ChannelVarset', { variable: 'STASISSTATUS', value: '', channel: channel.json }, channel.app, true);
    this.emit('StasisStart', { args: channel.appArgs, channel: channel.json }, channel.app);
  }

  /** An originated leg's far end refuses (17 busy, 19 no answer, 21 rejected…). */
  rejectOriginated(channelId: string, cause = 17): void {
    const channel = this.#mustChannel(channelId);
    this.emit('Dial', { dialstatus: dialstatusFor(cause), forward: '', dialstring: channel.dialstring ?? '', peer: channel.json }, channel.app);
    // A Local ;1 half dies with cause 0 "Unknown" (originate-failures.jsonl); a PJSIP leg with the cause.
    const own = channel.tech === 'Local' ? 0 : cause;
    this.emit('ChannelHangupRequest', { cause: own, channel: channel.json }, channel.app, true);
    this.emit('ChannelDestroyed', { cause: own, cause_txt: CAUSE_TEXT[own] ?? 'Unknown', channel: channel.json }, channel.app);
    this.channels.delete(channelId);
  }

  /** Drops every event socket (like an Asterisk restart or a network cut). */
  dropWebSocket(): void {
    for (const ws of this.#sockets.keys()) ws.terminate();
  }

  /** Refuses the next `count` WebSocket upgrades with 503. */
  refuseUpgrades(count: number): void {
    this.#refuseUpgrades = count;
  }

  /** Number of open event sockets. */
  socketCount(): number {
    return [...this.#sockets.keys()].filter((ws) => ws.readyState === ws.OPEN).length;
  }

  /** WebSocket messages sent so far. */
  sentCount(): number {
    return this.#sent;
  }

  /** `speaker->listener` pairs of who hears whom now (bridges and snoops; see `audioPaths`). */
  audioPaths(): Set<string> {
    return audioPaths(this);
  }

  /** What the PBX holds now, for leftover checks. */
  liveState(): {
    channels: { id: string; name: string; state: string; inStasis: boolean; bridgeId?: string }[];
    bridges: { id: string; channels: string[] }[];
    playbacks: { id: string; target_uri: string; state: string }[];
    snoops: { id: string; of: string }[];
    recordings: { name: string; target_uri: string; state: string }[];
  } {
    return {
      channels: [...this.channels.values()].map((c) => ({
        id: c.json.id, name: c.json.name, state: c.json.state, inStasis: c.inStasis, ...(c.bridgeId ? { bridgeId: c.bridgeId } : {}),
      })),
      bridges: [...this.bridges.values()].map((b) => ({ id: b.json.id, channels: [...b.json.channels] })),
      playbacks: [...this.playbacks.values()].map((p) => ({ id: p.json.id, target_uri: p.json.target_uri, state: p.json.state })),
      snoops: [...this.channels.values()].filter((c) => c.kind === 'snoop').map((c) => ({ id: c.json.id, of: c.snoopOf ?? '' })),
      recordings: [...this.recordings.values()].map((r) => ({ name: r.json.name, target_uri: r.json.target_uri, state: r.json.state })),
    };
  }

  // ---- shared with the routes ----------------------------------------------------------------

  /** @internal */
  nextId(): string {
    return `${this.#epoch}.${this.#seq++}`;
  }

  /** @internal */
  addChannel(init: Omit<FakeChannel, 'vars' | 'queue' | 'sentDtmf'>): FakeChannel {
    const channel: FakeChannel = { ...init, vars: new Map(), queue: [], sentDtmf: [] };
    this.channels.set(channel.json.id, channel);
    return channel;
  }

  /** @internal The app of the first connected socket (where simulated inbound calls land). */
  socketApp(): string {
    return this.#defaultApp();
  }

  /** @internal Local channel suffix `0000000a`. */
  localSuffix(): string {
    return this.#localSuffix();
  }

  /**
   * @internal Sends an event to the sockets of `app` in the captured key order:
   * `type, timestamp, …fields, asterisk_id, application` (`ChannelVarset` and
   * `ChannelHangupRequest` put their own fields first, then `type, timestamp, channel`).
   */
  emit(type: string, fields: Record<string, unknown>, app?: string, fieldsFirst = false): void {
    for (const [ws, socketApp] of this.#sockets) {
      if (app && app !== socketApp) continue;
      if (ws.readyState !== ws.OPEN) continue;
      const head = { type, timestamp: ariTimestamp() };
      const tail = { asterisk_id: '02:fc:00:00:00:01', application: socketApp };
      const { channel, ...own } = fields;
      const event = fieldsFirst
        ? { ...own, ...head, ...(channel === undefined ? {} : { channel }), ...tail }
        : { ...head, ...fields, ...tail };
      ws.send(JSON.stringify(event));
      this.#sent += 1;
    }
  }

  /** @internal Ends a channel: app hang-up (`soft`, cause 32 in the event) or far-end hang-up. */
  endChannel(channel: FakeChannel, how: { cause: number; soft: boolean }): void {
    const app = channel.app;
    if (!this.channels.has(channel.json.id)) return;
    this.emit('ChannelHangupRequest', how.soft ? { cause: 32, soft: true, channel: channel.json } : { cause: how.cause, channel: channel.json }, app, true);
    const head = channel.queue[0];
    if (head) this.completePlayback(head, 'failed');
    for (const id of channel.queue.splice(0)) this.playbacks.delete(id);
    for (const [name, rec] of this.recordings) {
      if (rec.target.kind === 'channel' && rec.target.id === channel.json.id) this.finishRecording(name, 'done');
    }
    if (channel.bridgeId) this.leaveBridge(channel);
    for (const snoop of [...this.channels.values()].filter((c) => c.snoopOf === channel.json.id)) {
      this.endChannel(snoop, { cause: 16, soft: true });
    }
    if (channel.inStasis) this.emit('StasisEnd', { channel: channel.json }, app);
    // No ChannelDestroyed for a Stasis channel the app hung up (README); originated ones get one.
    if (channel.kind === 'originated' || channel.kind === 'created' || channel.kind === 'external') {
      if (channel.inStasis) this.emit('ChannelVarset', { variable: 'STASISSTATUS', value: 'SUCCESS', channel: channel.json }, app, true);
      this.emit('ChannelDestroyed', { cause: how.cause, cause_txt: CAUSE_TEXT[how.cause] ?? 'Unknown', channel: channel.json }, app);
    }
    this.channels.delete(channel.json.id);
    if (channel.peerId) this.channels.delete(channel.peerId);
    channel.rtp?.socket.close();
  }

  /** @internal */
  leaveBridge(channel: FakeChannel): void {
    const bridge = channel.bridgeId ? this.bridges.get(channel.bridgeId) : undefined;
    delete channel.bridgeId;
    if (!bridge) return;
    bridge.json.channels = bridge.json.channels.filter((id) => id !== channel.json.id);
    this.emit('ChannelLeftBridge', { bridge: bridge.json, channel: channel.json }, channel.app);
  }

  /** @internal Starts the head playback of a queue (`PlaybackStarted`). */
  startPlayback(id: string): void {
    const pb = this.playbacks.get(id);
    if (!pb || pb.started) return;
    pb.started = true;
    pb.json.state = 'playing';
    this.emit('PlaybackStarted', { playback: { ...pb.json } }, this.#appOf(pb.target));
  }

  /** @internal Finishes a playback: `natural` (to its end), `stopped` (DELETE → state done) or `failed`. */
  completePlayback(id: string, how: 'natural' | 'stopped' | 'failed'): void {
    const pb = this.playbacks.get(id);
    if (!pb) return;
    const app = this.#appOf(pb.target);
    const scheme = (pb.json.media_uri.split(':')[0] ?? '');
    const supported = ['sound', 'recording', 'number', 'digits', 'characters', 'tone'].includes(scheme);
    if (how === 'natural') {
      while (pb.index < pb.media.length - 1) {
        pb.index += 1;
        pb.json.media_uri = pb.media[pb.index] ?? '';
        pb.json.state = 'continuing';
        this.emit('PlaybackContinuing', { playback: { ...pb.json } }, app);
      }
    }
    const missing = pb.media.some((m) => m.startsWith('sound:') && this.missingSound(m.slice(6)));
    this.playbacks.delete(id);
    const queue = pb.target.kind === 'channel' ? this.channels.get(pb.target.id)?.queue : this.bridges.get(pb.target.id)?.queue;
    if (queue) {
      const at = queue.indexOf(id);
      if (at >= 0) queue.splice(at, 1);
    }
    // An unsupported scheme never finishes (errors.jsonl): no PlaybackFinished at all.
    if (pb.started && (supported || how === 'failed')) {
      pb.json.state = how === 'failed' || missing ? 'failed' : 'done';
      this.emit('PlaybackFinished', { playback: { ...pb.json } }, app);
    }
    const next = queue?.[0];
    if (next && how !== 'failed') this.startPlayback(next);
  }

  /** @internal */
  finishRecording(name: string, state: 'done' | 'failed'): void {
    const rec = this.recordings.get(name);
    if (!rec) return;
    this.recordings.delete(name);
    const endedAt = this.now();
    const open = rec.mutes?.at(-1);
    if (open && open.to === undefined) open.to = endedAt;
    const json = { ...rec.json, state, duration: Math.floor((endedAt - rec.startedAt) / 1000) };
    this.stored.set(name, { name, format: rec.json.format });
    this.files.set(name, recordingWav(rec, endedAt));
    this.emit(state === 'failed' ? 'RecordingFailed' : 'RecordingFinished', { recording: json }, this.#appOf(rec.target));
  }

  // ---- plumbing ------------------------------------------------------------------------------

  #appOf(target: { kind: 'channel' | 'bridge'; id: string }): string | undefined {
    return target.kind === 'channel' ? this.channels.get(target.id)?.app : undefined;
  }

  #defaultApp(): string {
    return [...this.#sockets.values()][0] ?? 'hotline';
  }

  #localSuffix(): string {
    return (this.#localSeq++).toString(16).padStart(8, '0');
  }

  #mustChannel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new Error(`fake ARI: no channel ${id}`);
    return channel;
  }

  #authorized(req: IncomingMessage, query: URLSearchParams): boolean {
    const expected = `${this.username}:${this.password}`;
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) return Buffer.from(header.slice(6), 'base64').toString() === expected;
    const key = query.get('api_key');
    return key !== null && key === expected;
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reject = (status: number, text: string, type: string, body: string, extra = '') => {
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nServer: Asterisk/22.10.1\r\nCache-Control: no-cache, no-store\r\n${extra}` +
          `Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    if (url.pathname !== '/ari/events') return reject(404, 'Not Found', 'application/json', '{"message":"Resource not found"}');
    if (this.#refuseUpgrades > 0) {
      this.#refuseUpgrades -= 1;
      return reject(503, 'Service Unavailable', 'application/json', '{"message":"unavailable"}');
    }
    if (!this.#authorized(req, url.searchParams)) {
      return reject(401, 'Unauthorized', 'application/json', '{"message":"Authentication required"}',
        'WWW-Authenticate: Basic realm="Asterisk REST Interface"\r\n');
    }
    const app = url.searchParams.get('app');
    if (!app) return reject(400, 'Bad Request', 'text/html', NO_APP_BODY);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#sockets.set(ws, app.split(',')[0] ?? app);
      ws.on('close', () => this.#sockets.delete(ws));
    });
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const query: Record<string, string> = {};
    // Like Asterisk: a repeated parameter keeps its last value.
    for (const [k, v] of url.searchParams) query[k] = v;
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/^\/ari/, '');
    let body: unknown = null;
    const send = (result: RouteResult) => {
      this.requests.push({ method, path, query, body, status: result.status, response: result.body ?? null });
      const headers: Record<string, string> = { 'cache-control': 'no-cache, no-store', server: 'Asterisk/22.10.1', ...result.headers };
      if (result.raw) {
        res.writeHead(result.status, { ...headers, 'content-type': 'audio/wav', 'content-length': String(result.raw.length) });
        res.end(result.raw);
      } else if (result.body === undefined) {
        res.writeHead(result.status, { ...headers, 'content-length': '0' });
        res.end();
      } else {
        const text = JSON.stringify(result.body);
        res.writeHead(result.status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
      }
    };
    if (!url.pathname.startsWith('/ari/')) return send({ status: 404, body: { message: 'Resource not found' } });
    if (!this.#authorized(req, url.searchParams)) {
      return send({ status: 401, body: { message: 'Authentication required' }, headers: { 'www-authenticate': 'Basic realm="Asterisk REST Interface"' } });
    }
    delete query['api_key'];
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        return send({ status: 400, body: { message: 'Error parsing request body' } });
      }
    }
    const match = this.spec.match(method, path);
    if (!match.ok) return send({ status: match.status, body: { message: match.message } });
    send(await handleRoute(this, match.op, match.pathParams, query, body));
  }
}

export type { AriChannel };
