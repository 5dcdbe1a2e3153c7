import { backoffDelay } from '../shared/backoff.ts';
import { connect as netConnect } from 'node:net';
import { systemClock } from '../clock/system-clock.ts';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import { EslConnection } from './esl-connection.ts';
import { unavailable } from './esl-errors.ts';
import { replyText, type EslEvent } from './esl-parser.ts';

/** Options of {@link EslInboundClient}. */
export interface EslInboundOptions {
  host: string;
  port: number;
  /** Never logged. */
  password: string;
  /** Events to subscribe to (`event plain <names>`). */
  events: readonly string[];
  logger?: Logger;
  /** Reconnect backoff: full jitter over `min(maxMs, baseMs * 2^attempt)`. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Clock for the backoff timers (tests advance a ManualClock). */
  clock?: Clock;
  /** Random source in [0, 1) for the jitter. */
  random?: () => number;
}

/**
 * The inbound ESL connection (Hotline → FreeSWITCH `:8021`): api/bgapi commands, originate, and
 * the events of legs Hotline originated. Reconnects forever with exponential backoff and full
 * jitter; `isReady()` is false while it is down.
 */
export class EslInboundClient {
  readonly #options: EslInboundOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  #conn: EslConnection | undefined;
  #ready = false;
  #stopped = true;
  #attempt = 0;
  #timer: TimerHandle | undefined;
  #listeners = new Set<(event: EslEvent) => void>();
  #readyListeners = new Set<() => void>();

  constructor(options: EslInboundOptions) {
    this.#options = options;
    this.#log = (options.logger ?? silentLogger).child({ component: 'esl-inbound' });
    this.#clock = options.clock ?? systemClock;
  }

  /** Connects; resolves on the first successful authentication (retrying until then). */
  start(): Promise<void> {
    this.#stopped = false;
    const ready = new Promise<void>((resolve) => {
      const off = this.onReady(() => {
        off();
        resolve();
      });
    });
    this.#connect();
    return ready;
  }

  /** Disconnects and stops reconnecting. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const conn = this.#conn;
    this.#conn = undefined;
    this.#ready = false;
    if (conn?.open) {
      await new Promise<void>((resolve) => {
        conn.onClose(resolve);
        conn.close();
      });
    }
  }

  isReady(): boolean {
    return this.#ready;
  }

  /** Called after every (re)authentication. */
  onReady(listener: () => void): () => void {
    this.#readyListeners.add(listener);
    return () => this.#readyListeners.delete(listener);
  }

  onEvent(listener: (event: EslEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The live connection, or `HOTLINE_ERR_PBX_UNAVAILABLE`. */
  connection(): EslConnection {
    if (!this.#ready || !this.#conn) throw unavailable('inbound');
    return this.#conn;
  }

  #connect(): void {
    if (this.#stopped) return;
    const { host, port } = this.#options;
    const socket = netConnect({ host, port });
    const conn = new EslConnection(socket, { logger: this.#log });
    this.#conn = conn;
    let authenticated = false;
    conn.onFrame((frame) => {
      if (frame.contentType === 'auth/request') void this.#authenticate(conn).then((ok) => (authenticated = ok));
      else if (frame.contentType === 'text/disconnect-notice') this.#log.debug('inbound disconnect notice');
    });
    conn.onEvent((event) => {
      for (const listener of [...this.#listeners]) listener(event);
    });
    conn.onClose(() => {
      if (this.#conn === conn) this.#conn = undefined;
      const wasReady = this.#ready && authenticated;
      this.#ready = false;
      if (this.#stopped) return;
      if (wasReady) this.#log.warn({ host, port }, 'FreeSWITCH inbound connection lost; reconnecting');
      this.#scheduleReconnect();
    });
  }

  async #authenticate(conn: EslConnection): Promise<boolean> {
    try {
      const reply = replyText(await conn.command(`auth ${this.#options.password}`));
      if (!reply.startsWith('+OK')) {
        // FreeSWITCH closes the socket after `-ERR invalid`; the close handler retries.
        this.#log.error({ host: this.#options.host, port: this.#options.port, reply }, 'FreeSWITCH rejected the ESL password');
        return false;
      }
      await conn.commandOk(`event plain ${this.#options.events.join(' ')}`);
      this.#attempt = 0;
      this.#ready = true;
      this.#log.info({ host: this.#options.host, port: this.#options.port }, 'FreeSWITCH inbound connection ready');
      for (const listener of [...this.#readyListeners]) listener();
      return true;
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'FreeSWITCH inbound setup failed');
      conn.destroy();
      return false;
    }
  }

  #scheduleReconnect(): void {
    const base = this.#options.backoff?.baseMs ?? 250;
    const max = this.#options.backoff?.maxMs ?? 30_000;
    const delay = backoffDelay(this.#attempt, base, max, this.#options.random ?? Math.random);
    this.#attempt++;
    this.#log.debug({ delay, attempt: this.#attempt }, 'reconnecting to FreeSWITCH');
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#connect();
    }, delay);
  }

  /** Next backoff ceiling (for tests and metrics). */
  get attempt(): number {
    return this.#attempt;
  }
}
