import { randomUUID } from 'node:crypto';
import { connect as netConnect, createServer, type Server } from 'node:net';
import { FakeConn } from './fake-conn.ts';
import { channelDataFields, channelFields, newChannel, type FakeApp, type FakeChannel } from './fake-channel.ts';
import {
  apiResponse, buildEvent, commandReply, connectReply, disconnectNotice, jsonFrame, KNOWN_EVENTS, lingerNotice, MYEVENTS,
  plainFrame, type FakeEvent,
} from './fake-frames.ts';
import { runApi } from './fake-api.ts';
import { audioPaths } from './fake-audio.ts';

/** Options of {@link FakeFreeSwitch}. */
export interface FakeFreeSwitchOptions {
  password?: string;
  /** Delay before CHANNEL_EXECUTE after sendmsg's `+OK` (real: ~20 ms). Ordering is kept at 0. */
  executeDelayMs?: number;
  /** Milliseconds per linger second (real: 1000; tests: 0). */
  lingerScaleMs?: number;
  /** Playback paths for which FreeSWITCH answers FILE NOT FOUND. */
  missingFile?: (path: string) => boolean;
}

/** One command the fake received. */
export interface LoggedCommand {
  conn: 'inbound' | 'outbound';
  channel?: string;
  command: string;
  headers: Record<string, string>;
}

/**
 * A FreeSWITCH 1.10 that speaks ESL as the captures in ../shared/fixtures/esl show: inbound
 * listener with auth, api/bgapi, event subscriptions in plain/json, an outbound side that dials
 * Hotline's socket server for simulated inbound calls, async-socket execute nesting without
 * `event-lock` and queueing with it, `sendmsg` acknowledged before anything runs, the hangup
 * order of behaviour 6 and linger notices. The far end is driven with `placeInbound`,
 * `sendDtmf`, `hangup`, `finishPlayback`, `answerOriginated`, `rejectOriginated`.
 */
export class FakeFreeSwitch {
  readonly password: string;
  readonly coreUuid = 'f27007f4-f531-4c80-a7cd-9fd3741f130c';
  readonly channels = new Map<string, FakeChannel>();
  readonly commands: LoggedCommand[] = [];
  readonly errors: string[] = [];
  readonly #opts: Required<Omit<FakeFreeSwitchOptions, 'password'>>;
  #server: Server | undefined;
  #conns = new Set<FakeConn>();
  #seq = 5000;
  #hotline: { host: string; port: number } | undefined;
  #inboundCount = 0;

  constructor(options: FakeFreeSwitchOptions = {}) {
    this.password = options.password ?? 'fssecret';
    this.#opts = {
      executeDelayMs: options.executeDelayMs ?? 0,
      lingerScaleMs: options.lingerScaleMs ?? 0,
      missingFile: options.missingFile ?? (() => false),
    };
  }

  /** Starts the inbound listener on 127.0.0.1 (port 0: a free one). */
  async listen(port = 0): Promise<number> {
    const server = createServer((socket) => {
      const conn = new FakeConn(socket, 'inbound');
      this.#attach(conn);
      conn.write('Content-Type: auth/request\n\n');
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /** Where the dialplan's `socket` app connects (Hotline's outbound-socket server). */
  setHotline(address: { host: string; port: number }): void {
    this.#hotline = address;
  }

  async close(): Promise<void> {
    for (const conn of this.#conns) conn.socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every inbound connection (FreeSWITCH restarting its event socket). */
  dropInboundConnections(): void {
    for (const conn of this.#conns) if (conn.kind === 'inbound') conn.socket.destroy();
  }

  get inboundConnections(): number {
    return [...this.#conns].filter((c) => c.kind === 'inbound' && !c.closed).length;
  }

  // ---- far end -------------------------------------------------------------------------

  /** A caller dials `to`: the dialplan sets `hotline_dnis` and runs `socket <hotline> async full`. */
  placeInbound(options: { to: string; from: string; callerName?: string; uuid?: string }): string {
    const uuid = options.uuid ?? randomUUID();
    const name = `loopback/${options.to}-b`;
    const ch = newChannel({
      uuid, name, direction: 'inbound', callerNumber: options.from, callerName: options.callerName ?? options.from,
      destination: options.to, vars: { hotline_dnis: options.to },
    });
    this.channels.set(uuid, ch);
    this.#connectSocket(ch);
    return uuid;
  }

  /** The far end presses digits: one DTMF event per digit. */
  sendDtmf(uuid: string, digits: string): void {
    const ch = this.#live(uuid);
    for (const digit of digits) {
      this.emitChannel(ch, 'DTMF', { 'DTMF-Digit': digit, 'DTMF-Duration': '2000', 'DTMF-Source': 'UNKNOWN' });
    }
  }

  /** The far end hangs up. */
  hangup(uuid: string, cause = 'NORMAL_CLEARING'): void {
    const ch = this.channels.get(uuid);
    if (ch && !ch.hungUp) this.hangupChannel(ch, cause);
  }

  /** The innermost running playback reaches its end. */
  finishPlayback(uuid: string): boolean {
    const ch = this.channels.get(uuid);
    const app = ch ? [...ch.running].reverse().find((a) => a.kind === 'media') : undefined;
    if (!ch || !app) return false;
    this.completeMedia(ch, app, 'done', 'FILE PLAYED');
    return true;
  }

  /** The far end of an originated leg answers. */
  answerOriginated(uuid: string): void {
    const ch = this.#live(uuid);
    const pending = ch.originate;
    if (!pending) throw new Error(`${uuid} is not ringing`);
    ch.originate = undefined;
    this.answerChannel(ch);
    pending.resolve(`+OK ${uuid}\n`);
    const app = appFromOriginate(pending.app);
    // originate-failures.jsonl: an unknown application still answers `+OK <uuid>`, then the
    // channel hangs up with DESTINATION_OUT_OF_ORDER.
    if (!ORIGINATE_APPS.has(app.name)) return this.later(() => this.hangupChannel(ch, 'DESTINATION_OUT_OF_ORDER'));
    this.startApp(ch, app);
  }

  /** The far end of an originated leg refuses. */
  rejectOriginated(uuid: string, cause = 'USER_BUSY'): void {
    const ch = this.#live(uuid);
    this.hangupChannel(ch, cause);
  }

  /** The TCP connection to Hotline breaks (Hotline died); the dialplan would continue. */
  killHotlineSocket(uuid: string): void {
    const ch = this.#live(uuid);
    const conn = ch.socket;
    conn?.socket.destroy();
    if (conn?.connected) this.#socketReturned(ch, conn);
    else ch.socket = undefined;
  }

  /**
   * What the shipped dialplan does after the socket app returned: run `socket` again (after its
   * `sleep`, with `set` actions such as `hotline_attempt=2` given in `vars`).
   */
  reenterSocket(uuid: string, vars: Record<string, string> = {}): void {
    const ch = this.#live(uuid);
    for (const [name, value] of Object.entries(vars)) ch.vars.set(name, value);
    this.#connectSocket(ch);
  }

  /** `speaker->listener` pairs of who hears whom now (bridges and eavesdrops; see `audioPaths`). */
  audioPaths(): Set<string> {
    return audioPaths(this);
  }

  /** Live channels and what they hold, for leftover checks. */
  liveState(): Array<{ uuid: string; answered: boolean; running: string[]; queued: string[]; recordings: string[]; bridgedWith?: string; socket: boolean }> {
    return [...this.channels.values()].filter((c) => !c.hungUp).map((c) => ({
      uuid: c.uuid,
      answered: c.answered,
      running: c.running.map((a) => `${a.name} ${a.arg}`.trim()),
      queued: c.queue.map((a) => `${a.name} ${a.arg}`.trim()),
      recordings: [...c.recordings.keys()],
      ...(c.bridgedWith ? { bridgedWith: c.bridgedWith } : {}),
      socket: Boolean(c.socket && !c.socket.closed),
    }));
  }

  // ---- channel behaviour (used by fake-api.ts too) ----------------------------------------

  emitChannel(ch: FakeChannel, name: string, fields: Record<string, string> = {}): void {
    this.emit(buildEvent(name, { ...this.#common(), ...channelFields(ch), ...fields }, ch.vars), { uuid: ch.uuid });
  }

  emitJob(jobUuid: string, command: string, arg: string, owner: string | undefined, body: string): void {
    const fields: Record<string, string> = { ...this.#common(), 'Job-UUID': jobUuid };
    if (owner) fields['Job-Owner-UUID'] = owner;
    fields['Job-Command'] = command;
    if (arg) fields['Job-Command-Arg'] = arg;
    this.emit(buildEvent('BACKGROUND_JOB', fields, undefined, body), { jobOwner: owner });
  }

  /** Writes an event to every connection subscribed to it (outbound sockets: own channel only). */
  emit(event: FakeEvent, meta: { uuid?: string; jobOwner?: string | undefined }): void {
    for (const conn of this.#conns) {
      if (conn.closed || !conn.authed) continue;
      const subscribed = conn.events.has('ALL') || conn.events.has(event.name) || (conn.myevents && MYEVENTS.has(event.name));
      if (!subscribed) continue;
      if (conn.kind === 'outbound' && conn.myevents) {
        const mine = event.name === 'BACKGROUND_JOB' ? meta.jobOwner === conn.channel : meta.uuid === conn.channel;
        if (!mine) continue;
      }
      conn.write(conn.format === 'json' ? jsonFrame(event) : plainFrame(event));
    }
  }

  answerChannel(ch: FakeChannel): void {
    if (ch.answered) return;
    ch.answered = true;
    this.emitChannel(ch, 'CHANNEL_ANSWER');
  }

  /** Runs (or queues, with event-lock) an execute. */
  execute(ch: FakeChannel, app: FakeApp): void {
    const busy = ch.running.some((a) => a.kind === 'media' || a.kind === 'eavesdrop');
    if (app.locked && (busy || ch.queue.length > 0)) {
      ch.queue.push(app);
      return;
    }
    this.startApp(ch, app);
  }

  startApp(ch: FakeChannel, app: FakeApp): void {
    if (ch.hungUp) return;
    const fields = { Application: app.name, 'Application-Data': app.arg, 'Application-UUID': app.appUuid };
    this.emitChannel(ch, 'CHANNEL_EXECUTE', fields);
    switch (app.name) {
      case 'answer':
        this.answerChannel(ch);
        this.#completeApp(ch, app);
        return;
      case 'set': {
        const eq = app.arg.indexOf('=');
        if (eq > 0) ch.vars.set(app.arg.slice(0, eq), app.arg.slice(eq + 1));
        this.#completeApp(ch, app);
        return;
      }
      case 'hangup':
        this.hangupChannel(ch, app.arg || 'NORMAL_CLEARING');
        return;
      case 'playback':
        if (this.#opts.missingFile(app.arg)) {
          ch.lastResponse = 'FILE NOT FOUND';
          this.#completeApp(ch, app);
          return;
        }
        ch.running.push({ ...app, kind: 'media' });
        this.emitChannel(ch, 'PLAYBACK_START', { 'Playback-File-Path': app.arg });
        return;
      case 'park':
        ch.running.push({ ...app, kind: 'park' });
        this.emitChannel(ch, 'CHANNEL_PARK');
        return;
      case 'eavesdrop':
        ch.running.push({ ...app, kind: 'eavesdrop' });
        ch.eavesdrop = {
          target: app.arg,
          whisperA: ch.vars.get('eavesdrop_whisper_aleg') === 'true',
          whisperB: ch.vars.get('eavesdrop_whisper_bleg') === 'true',
        };
        return;
      default:
        this.errors.push(`unknown application ${app.name}`);
        this.#completeApp(ch, app);
    }
  }

  /** Ends a playback: PLAYBACK_STOP, then CHANNEL_EXECUTE_COMPLETE with its response. */
  completeMedia(ch: FakeChannel, app: FakeApp, status: 'done' | 'break', response: string): void {
    ch.running = ch.running.filter((a) => a !== app);
    const fields: Record<string, string> = { 'Playback-File-Path': app.arg, 'Playback-Status': status };
    if (ch.hungUp) fields['Hangup-Cause'] = ch.vars.get('hangup_cause') ?? 'NORMAL_CLEARING';
    this.emitChannel(ch, 'PLAYBACK_STOP', fields);
    ch.lastResponse = response;
    this.#completeApp(ch, app, true);
  }

  /** Leaves whatever runs (uuid_transfer / uuid_bridge): non-media apps complete `_none_`. */
  interrupt(ch: FakeChannel): void {
    ch.queue = [];
    for (const app of [...ch.running].reverse()) {
      if (app.kind === 'media') this.completeMedia(ch, app, 'break', 'FILE PLAYED');
      else {
        ch.running = ch.running.filter((a) => a !== app);
        if (app.kind === 'park') this.emitChannel(ch, 'CHANNEL_UNPARK');
        ch.lastResponse = '_none_';
        this.#completeApp(ch, app, true);
      }
    }
    ch.eavesdrop = undefined;
  }

  /** Behaviour 6: HANGUP, media stops, UNPARK, socket app completes, STATE x2, HANGUP_COMPLETE, notices. */
  hangupChannel(ch: FakeChannel, cause: string): void {
    if (ch.hungUp) return;
    ch.hungUp = true;
    ch.vars.set('hangup_cause', cause);
    ch.queue = [];
    this.emitChannel(ch, 'CHANNEL_HANGUP', { 'Hangup-Cause': cause });
    for (const app of [...ch.running].reverse()) {
      if (app.kind === 'media') this.completeMedia(ch, app, 'done', 'PLAYBACK ERROR');
      else {
        ch.running = ch.running.filter((a) => a !== app);
        this.#completeApp(ch, app, true);
      }
    }
    for (const path of ch.recordings.keys()) {
      this.emitChannel(ch, 'RECORD_STOP', { 'Record-File-Path': path, 'Record-Completion-Cause': 'success-silence' });
    }
    ch.recordings.clear();
    if (ch.socket) {
      this.emitChannel(ch, 'CHANNEL_UNPARK', { 'Hangup-Cause': cause });
      this.emitChannel(ch, 'CHANNEL_EXECUTE_COMPLETE', {
        'Hangup-Cause': cause, Application: 'socket', 'Application-Data': `127.0.0.1:${this.#hotline?.port ?? 8084} async full`,
        'Application-Response': ch.lastResponse, 'Application-UUID': randomUUID(),
      });
    }
    this.emitChannel(ch, 'CHANNEL_STATE', { 'Hangup-Cause': cause });
    this.emitChannel(ch, 'CHANNEL_STATE', { 'Hangup-Cause': cause });
    this.emitChannel(ch, 'CHANNEL_HANGUP_COMPLETE', { 'Hangup-Cause': cause });
    // eavesdrop returns when its target goes; the inline dialplan Hotline gave goes on to `park`.
    for (const spy of this.channels.values()) {
      if (spy.hungUp || spy.eavesdrop?.target !== ch.uuid) continue;
      const app = spy.running.find((a) => a.kind === 'eavesdrop');
      spy.eavesdrop = undefined;
      if (!app) continue;
      spy.running = spy.running.filter((a) => a !== app);
      spy.lastResponse = '_none_';
      this.#completeApp(spy, app, true);
      if (spy.transferredTo?.includes('eavesdrop:')) this.startApp(spy, { name: 'park', arg: '', appUuid: randomUUID(), kind: 'park', locked: false });
    }
    const partner = ch.bridgedWith ? this.channels.get(ch.bridgedWith) : undefined;
    ch.bridgedWith = undefined;
    if (partner && !partner.hungUp) {
      partner.bridgedWith = undefined;
      this.emitChannel(partner, 'CHANNEL_UNBRIDGE');
      if (partner.vars.get('park_after_bridge') === 'true') this.startApp(partner, { name: 'park', arg: '', appUuid: randomUUID(), kind: 'park', locked: false });
      else this.hangupChannel(partner, cause);
    }
    if (ch.originate) {
      const pending = ch.originate;
      ch.originate = undefined;
      pending.resolve(`-ERR ${cause}\n`);
    }
    const sock = ch.socket;
    if (sock && !sock.closed) {
      if (sock.linger === undefined) {
        sock.write(disconnectNotice(ch.uuid));
        sock.end();
      } else {
        sock.write(lingerNotice(ch.uuid, ch.name, sock.linger));
        if (sock.linger >= 0) {
          setTimeout(() => {
            sock.write(disconnectNotice(ch.uuid));
            sock.end();
          }, sock.linger * this.#opts.lingerScaleMs).unref();
        }
      }
    }
  }

  /** The socket app returned on a live channel: CHANNEL_EXECUTE_COMPLETE `socket` (app-down.jsonl seq 98). */
  #socketReturned(ch: FakeChannel, conn: FakeConn): void {
    if (ch.socket !== conn) return;
    ch.socket = undefined;
    ch.socketReturns += 1;
    this.emitChannel(ch, 'CHANNEL_EXECUTE_COMPLETE', {
      Application: 'socket', 'Application-Data': `${this.#hotline?.host ?? '127.0.0.1'}:${this.#hotline?.port ?? 8084} async full`,
      'Application-Response': ch.lastResponse, 'Application-UUID': randomUUID(),
    });
  }

  #completeApp(ch: FakeChannel, app: FakeApp, keepResponse = false): void {
    if (!keepResponse) ch.lastResponse = '_none_';
    const fields: Record<string, string> = {};
    if (ch.hungUp) fields['Hangup-Cause'] = ch.vars.get('hangup_cause') ?? 'NORMAL_CLEARING';
    Object.assign(fields, {
      Application: app.name, 'Application-Data': app.arg, 'Application-Response': ch.lastResponse, 'Application-UUID': app.appUuid,
    });
    if (app.name !== 'socket') this.emitChannel(ch, 'CHANNEL_EXECUTE_COMPLETE', fields);
    ch.running = ch.running.filter((a) => a !== app);
    // The next event-lock execute starts once nothing else plays (behaviour 3, part B).
    if (!ch.hungUp && ch.queue.length > 0 && !ch.running.some((a) => a.kind === 'media' || a.kind === 'eavesdrop')) {
      const next = ch.queue.shift() as FakeApp;
      this.later(() => this.startApp(ch, next));
    }
  }

  later(fn: () => void): void {
    setTimeout(fn, this.#opts.executeDelayMs);
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  #common(): Record<string, string> {
    const now = Date.now();
    return {
      'Core-UUID': this.coreUuid,
      'Event-Date-Local': new Date(now).toISOString().slice(0, 19).replace('T', ' '),
      'Event-Date-GMT': new Date(now).toUTCString(),
      'Event-Date-Timestamp': String(now * 1000),
      'Event-Sequence': String(this.nextSeq()),
    };
  }

  #live(uuid: string): FakeChannel {
    const ch = this.channels.get(uuid);
    if (!ch || ch.hungUp) throw new Error(`no live channel ${uuid}`);
    return ch;
  }

  #connectSocket(ch: FakeChannel): void {
    if (!this.#hotline) throw new Error('setHotline() first');
    ch.vars.set('current_application', 'socket');
    ch.vars.set('current_application_data', `${this.#hotline.host}:${this.#hotline.port} async full`);
    // Half-open: a lingering socket the IVR half-closes still gets the final notice (behaviour 5).
    const socket = netConnect({ ...this.#hotline, allowHalfOpen: true });
    const conn = new FakeConn(socket, 'outbound');
    conn.channel = ch.uuid;
    ch.socket = conn;
    this.#attach(conn);
  }

  #attach(conn: FakeConn): void {
    this.#conns.add(conn);
    let buffer = '';
    conn.socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end < 0) break;
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.trim() === '') continue;
        const [line = '', ...rest] = block.split('\n');
        const headers: Record<string, string> = {};
        for (const h of rest) {
          const i = h.indexOf(':');
          if (i > 0) headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
        }
        conn.chain = conn.chain.then(() => this.#command(conn, line.trim(), headers)).catch((err: Error) => {
          this.errors.push(err.message);
        });
      }
    });
    conn.socket.on('end', () => {
      if (conn.kind === 'outbound' && !conn.closed) {
        conn.write(disconnectNotice(conn.channel));
        conn.end();
      }
    });
    conn.socket.on('close', () => {
      this.#conns.delete(conn);
      // Behaviour 5: a lingering socket the client closes still gets the final notice.
      const ch = conn.channel ? this.channels.get(conn.channel) : undefined;
      if (ch?.socket !== conn) return;
      // Behaviour 9 (app-down.jsonl parts 3 and 4): Hotline went away after `connect` with the
      // call still up: the socket app completes and the dialplan continues. Without `connect`
      // (part 2) the channel stays parked inside the socket app and nothing is emitted.
      if (conn.connected && !ch.hungUp && !ch.transferredTo) this.#socketReturned(ch, conn);
      else ch.socket = undefined;
    });
  }

  async #command(conn: FakeConn, line: string, headers: Record<string, string>): Promise<void> {
    const ch = conn.channel ? this.channels.get(conn.channel) : undefined;
    this.commands.push({ conn: conn.kind, ...(conn.channel ? { channel: conn.channel } : {}), command: line, headers });
    const [word = '', ...args] = line.split(' ');
    const rest = args.join(' ');
    if (conn.kind === 'inbound' && !conn.authed) {
      if (word !== 'auth') return conn.write(commandReply('-ERR command not found'));
      if (rest === this.password) {
        conn.authed = true;
        return conn.write(commandReply('+OK accepted'));
      }
      conn.write(commandReply('-ERR invalid'));
      conn.write(disconnectNotice());
      conn.end();
      return;
    }
    switch (word) {
      case 'connect':
        if (conn.kind !== 'outbound' || !ch) return conn.write(commandReply('-ERR command not found'));
        conn.connected = true;
        return conn.write(connectReply(buildEvent('CHANNEL_DATA', { ...this.#common(), ...channelDataFields(ch) }, ch.vars)));
      case 'myevents':
        if (conn.kind !== 'outbound') return conn.write(commandReply('-ERR command not found'));
        conn.myevents = true;
        return conn.write(commandReply('+OK Events Enabled'));
      case 'linger':
        if (conn.kind !== 'outbound') return conn.write(commandReply('-ERR not controlling a session'));
        conn.linger = rest ? Number(rest) : -1;
        return conn.write(commandReply(rest ? `+OK will linger ${Number(rest)} seconds` : '+OK will linger'));
      case 'resume':
        return conn.write(commandReply('+OK'));
      case 'event': {
        const [format = 'plain', ...names] = args;
        const known = names.filter((n) => KNOWN_EVENTS.has(n));
        if (known.length === 0) return conn.write(commandReply('-ERR no keywords supplied'));
        conn.format = format === 'json' ? 'json' : format === 'xml' ? 'xml' : 'plain';
        for (const n of known) conn.events.add(n);
        return conn.write(commandReply(`+OK event listener enabled ${conn.format}`));
      }
      case 'noevents':
        conn.events.clear();
        conn.myevents = false;
        return conn.write(commandReply('+OK no longer listening for events'));
      case 'log':
        if (!/^[0-7]$/.test(rest)) return conn.write(commandReply('-ERR invalid log level'));
        return conn.write(commandReply(`+OK log level ${rest} [${rest}]`));
      case 'nolog':
        return conn.write(commandReply('+OK no longer logging'));
      case 'exit':
        conn.write(commandReply('+OK bye'));
        conn.write(disconnectNotice(conn.kind === 'outbound' ? conn.channel : undefined));
        conn.end();
        return;
      case 'api':
        return conn.write(apiResponse(await runApi(this, rest, conn)));
      case 'bgapi': {
        const jobUuid = headers['Job-UUID'] ?? randomUUID();
        conn.write(commandReply(`+OK Job-UUID: ${jobUuid}`, { 'Job-UUID': jobUuid }));
        const [cmd = '', ...cmdArgs] = rest.split(' ');
        const owner = conn.kind === 'outbound' ? conn.channel : undefined;
        void runApi(this, rest, conn).then((body) => this.later(() => this.emitJob(jobUuid, cmd, cmdArgs.join(' '), owner, body)));
        return;
      }
      case 'sendmsg': {
        const target = rest ? this.channels.get(rest) : ch;
        if (!target || target.hungUp) return conn.write(commandReply('-ERR invalid session id [' + rest + ']'));
        conn.write(commandReply('+OK'));
        this.later(() => this.#sendmsg(target, headers));
        return;
      }
      default:
        return conn.write(commandReply('-ERR command not found'));
    }
  }

  #sendmsg(ch: FakeChannel, headers: Record<string, string>): void {
    if (ch.hungUp) return;
    const command = headers['call-command'];
    if (command === 'hangup') return this.hangupChannel(ch, headers['hangup-cause'] || 'NORMAL_CLEARING');
    if (command !== 'execute') {
      this.errors.push(`unsupported call-command ${command}`);
      return;
    }
    this.execute(ch, {
      name: headers['execute-app-name'] ?? '',
      arg: headers['execute-app-arg'] ?? '',
      appUuid: headers['Event-UUID'] ?? randomUUID(),
      kind: 'instant',
      locked: headers['event-lock'] === 'true',
    });
  }
}

const ORIGINATE_APPS = new Set(['park', 'eavesdrop', 'answer', 'playback', 'socket', 'hangup', 'set']);

function appFromOriginate(app: string): FakeApp {
  const m = /^&?([a-z_]+)\((.*)\)$/.exec(app.trim());
  return { name: m?.[1] ?? 'park', arg: m?.[2] ?? '', appUuid: randomUUID(), kind: 'instant', locked: false };
}
