import { backoffDelay } from '../shared/backoff.ts';
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import { hotlineError } from '../../core/errors.ts';
import type { AriBridge, AriChannel, AriLiveRecording, AriPlayback } from './ari-types.ts';
import { ariEventsUrl, redactUrl } from './ari-url.ts';

/** Fields every ARI event carries (`Message` + `Event` in `events.json`). */
interface AriEventBase {
  timestamp: string;
  application: string;
  asterisk_id?: string;
}

/** The events Hotline consumes, derived from `api-docs/events.json`. */
export type AriEvent =
  | (AriEventBase & { type: 'StasisStart'; args: string[]; channel: AriChannel; replace_channel?: AriChannel })
  | (AriEventBase & { type: 'StasisEnd'; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelStateChange'; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelDtmfReceived'; digit: string; duration_ms: number; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelHangupRequest'; cause?: number; tech_cause?: number; soft?: boolean; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelDestroyed'; cause: number; cause_txt: string; tech_cause?: number; channel: AriChannel })
  | (AriEventBase & { type: 'ChannelVarset'; variable: string; value: string; channel?: AriChannel })
  | (AriEventBase & { type: 'PlaybackStarted'; playback: AriPlayback })
  | (AriEventBase & { type: 'PlaybackContinuing'; playback: AriPlayback })
  | (AriEventBase & { type: 'PlaybackFinished'; playback: AriPlayback })
  | (AriEventBase & { type: 'RecordingStarted'; recording: AriLiveRecording })
  | (AriEventBase & { type: 'RecordingFinished'; recording: AriLiveRecording })
  | (AriEventBase & { type: 'RecordingFailed'; recording: AriLiveRecording })
  | (AriEventBase & { type: 'ChannelEnteredBridge'; bridge: AriBridge; channel?: AriChannel })
  | (AriEventBase & { type: 'ChannelLeftBridge'; bridge: AriBridge; channel: AriChannel })
  | (AriEventBase & { type: 'BridgeDestroyed'; bridge: AriBridge })
  | (AriEventBase & {
      type: 'Dial';
      caller?: AriChannel;
      peer: AriChannel;
      forward?: string;
      dialstring?: string;
      dialstatus: string;
    });

/** The `type` of an {@link AriEvent}. */
export type AriEventType = AriEvent['type'];

const KNOWN_TYPES = new Set<string>([
  'StasisStart', 'StasisEnd', 'ChannelStateChange', 'ChannelDtmfReceived', 'ChannelHangupRequest',
  'ChannelDestroyed', 'ChannelVarset', 'PlaybackStarted', 'PlaybackContinuing', 'PlaybackFinished',
  'RecordingStarted', 'RecordingFinished', 'RecordingFailed', 'ChannelEnteredBridge', 'ChannelLeftBridge',
  'BridgeDestroyed', 'Dial',
]);

/** Parses one WebSocket message; undefined for events Hotline does not use or malformed input. */
export function parseAriEvent(data: string): AriEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const type = (parsed as { type?: unknown }).type;
  return typeof type === 'string' && KNOWN_TYPES.has(type) ? (parsed as AriEvent) : undefined;
}

export { backoffDelay } from '../shared/backoff.ts';

/** Options of {@link AriEventSocket}. */
export interface AriEventSocketOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  logger?: Logger;
  /** Schedules reconnects (tests pass a manual clock). Default: real timers. */
  clock?: Clock;
  /** Backoff base, default 500 ms. */
  backoffBaseMs?: number;
  /** Backoff cap, default 30 s. */
  backoffCapMs?: number;
  /** Jitter source, default `Math.random`. */
  random?: () => number;
}

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer as unknown as TimerHandle;
  },
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

/**
 * The ARI event WebSocket of one Stasis application. Reconnects forever with exponential
 * backoff and full jitter; `onOpen` listeners learn about every (re)connection so the driver can
 * resynchronise. A 401 on the first connection rejects `connect()` (wrong credentials will not
 * fix themselves); later failures just keep retrying.
 */
export class AriEventSocket {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #random: () => number;
  readonly #eventListeners = new Set<(event: AriEvent) => void>();
  readonly #openListeners = new Set<(info: { reconnect: boolean }) => void>();
  readonly #closeListeners = new Set<() => void>();
  #ws: WebSocket | undefined;
  #connected = false;
  #everConnected = false;
  #closed = false;
  #attempt = 0;
  #received = 0;
  #retryTimer: TimerHandle | undefined;
  #firstConnect: { resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(options: AriEventSocketOptions) {
    this.#url = ariEventsUrl(options.url, options.app, options.username, options.password);
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.clock ?? realClock;
    this.#baseMs = options.backoffBaseMs ?? 500;
    this.#capMs = options.backoffCapMs ?? 30_000;
    this.#random = options.random ?? Math.random;
  }

  /** Opens the socket; resolves on the first successful upgrade. */
  connect(): Promise<void> {
    this.#closed = false;
    return new Promise<void>((resolve, reject) => {
      this.#firstConnect = { resolve, reject };
      this.#open();
    });
  }

  /** True while the socket is open. */
  isConnected(): boolean {
    return this.#connected;
  }

  /** Messages received and dispatched so far (all types; diagnostics and test barriers). */
  get receivedCount(): number {
    return this.#received;
  }

  /** Listens to parsed events; returns an unsubscribe function. */
  onEvent(listener: (event: AriEvent) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Called on every successful (re)connection. */
  onOpen(listener: (info: { reconnect: boolean }) => void): () => void {
    this.#openListeners.add(listener);
    return () => this.#openListeners.delete(listener);
  }

  /** Called when an open socket drops. */
  onClose(listener: () => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Closes for good (no reconnect). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer) this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const ws = this.#ws;
    this.#ws = undefined;
    this.#connected = false;
    if (this.#firstConnect) {
      this.#firstConnect.reject(hotlineError('HOTLINE_ERR_PBX_UNAVAILABLE', 'ARI event connection closed before it opened'));
      this.#firstConnect = undefined;
    }
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.terminate();
      });
    }
  }

  #open(): void {
    if (this.#closed) return;
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    let opened = false;
    ws.on('open', () => {
      opened = true;
      this.#connected = true;
      this.#attempt = 0;
      const reconnect = this.#everConnected;
      this.#everConnected = true;
      this.#logger.info({ url: redactUrl(this.#url), reconnect }, 'ARI events connected');
      this.#firstConnect?.resolve();
      this.#firstConnect = undefined;
      for (const listener of this.#openListeners) listener({ reconnect });
    });
    ws.on('message', (data) => {
      const event = parseAriEvent(data.toString());
      if (event) {
        for (const listener of this.#eventListeners) {
          try {
            listener(event);
          } catch (err) {
            this.#logger.error({ err: (err as Error).message, type: event.type }, 'ARI event handler failed');
          }
        }
      }
      this.#received += 1;
    });
    ws.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      this.#logger.warn({ url: redactUrl(this.#url), status }, 'ARI events upgrade rejected');
      if (status === 401 && this.#firstConnect) {
        this.#firstConnect.reject(hotlineError('HOTLINE_ERR_PBX_UNAVAILABLE', 'ARI authentication failed', { status }));
        this.#firstConnect = undefined;
        this.#closed = true;
      }
      ws.terminate();
    });
    ws.on('error', (err) => {
      // The `ws` message can quote the URL; log only what failed.
      this.#logger.debug({ code: (err as NodeJS.ErrnoException).code ?? 'ws-error' }, 'ARI events socket error');
    });
    ws.on('close', () => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      const wasConnected = this.#connected;
      this.#connected = false;
      if (opened && wasConnected) {
        this.#logger.warn({ url: redactUrl(this.#url) }, 'ARI events disconnected');
        for (const listener of this.#closeListeners) listener();
      }
      this.#scheduleRetry();
    });
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    const delay = backoffDelay(this.#attempt, this.#baseMs, this.#capMs, this.#random);
    this.#attempt += 1;
    this.#logger.debug({ delayMs: delay, attempt: this.#attempt }, 'ARI events reconnect scheduled');
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      this.#open();
    }, delay);
  }
}
