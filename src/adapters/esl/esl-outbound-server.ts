import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import { EslConnection } from './esl-connection.ts';
import { hotlineError } from '../../core/errors.ts';

/**
 * Events the outbound socket adds to `myevents`: myevents covers the channel's CHANNEL_*, DTMF
 * and DETECTED_SPEECH events but not PLAYBACK_*, RECORD_* or BACKGROUND_JOB (README behaviour 4).
 * They stay filtered to the controlled channel.
 */
export const OUTBOUND_EXTRA_EVENTS = ['PLAYBACK_START', 'PLAYBACK_STOP', 'RECORD_START', 'RECORD_STOP', 'BACKGROUND_JOB'];

/**
 * Seconds FreeSWITCH keeps the socket after hangup. Without a number linger never ends and a
 * Hotline that forgot a socket would pin the session forever (behaviour 5); the events we need
 * after CHANNEL_HANGUP (PLAYBACK_STOP, RECORD_STOP, CHANNEL_HANGUP_COMPLETE) arrive within
 * milliseconds, and we close the socket ourselves once HANGUP_COMPLETE is in, so a short bound
 * only matters when Hotline is wedged.
 */
export const LINGER_SECONDS = 10;

/** A channel handed to Hotline by the dialplan's `socket` app, set up and subscribed. */
export interface OutboundChannel {
  readonly connection: EslConnection;
  /** Decoded channel data from the `connect` reply (`Unique-ID`, `Caller-*`, `variable_*`). */
  readonly data: Readonly<Record<string, string>>;
}

/** Parses `host:port` (IPv4 or `[v6]:port`). */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(listen.trim());
  if (!m || !m[1]) throw hotlineError('HOTLINE_ERR_CONFIG', `invalid ESL listen address ${listen}`, { listen });
  return { host: m[1], port: Number(m[2]) };
}

/**
 * The server the dialplan's `socket <listen> async full` connects to. Per connection: `connect`
 * (channel data), `myevents`, `event plain <extras>`, `linger <n>`, then the channel goes to
 * `onChannel`. A connection that fails setup is closed: FreeSWITCH then continues the dialplan.
 */
export class EslOutboundServer {
  readonly #log: Logger;
  readonly #onChannel: (channel: OutboundChannel) => void;
  #server: Server | undefined;
  #sockets = new Set<Socket>();

  constructor(options: { logger?: Logger; onChannel: (channel: OutboundChannel) => void }) {
    this.#log = (options.logger ?? silentLogger).child({ component: 'esl-outbound' });
    this.#onChannel = options.onChannel;
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(listen: string): Promise<{ host: string; port: number }> {
    const { host, port } = parseListen(listen);
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err) => reject(hotlineError('HOTLINE_ERR_CONFIG', `cannot listen on ${listen}: ${err.message}`, { listen })));
      server.listen(port, host, () => {
        const address = server.address();
        resolve({ host, port: typeof address === 'object' && address ? address.port : port });
      });
    });
  }

  /**
   * Stops accepting and closes the sockets. Calls stay up: FreeSWITCH continues each channel's
   * dialplan, which re-enters `socket` (another node, or this one restarted, recognises it).
   */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    const conn = new EslConnection(socket, { logger: this.#log });
    void this.#setup(conn).catch((err: Error) => {
      this.#log.warn({ err: err.message }, 'outbound socket setup failed; closing (FreeSWITCH continues the dialplan)');
      conn.destroy();
    });
  }

  async #setup(conn: EslConnection): Promise<void> {
    const reply = await conn.command('connect');
    const data = reply.headers;
    if (!data['Unique-ID']) throw new Error('connect reply without Unique-ID');
    await conn.commandOk('myevents');
    await conn.commandOk(`event plain ${OUTBOUND_EXTRA_EVENTS.join(' ')}`);
    await conn.commandOk(`linger ${LINGER_SECONDS}`);
    this.#onChannel({ connection: conn, data });
  }
}
