import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../ports/logger.ts';
import type { SpeechRecognizer, SpeechResult, SpeechStream } from '../../ports/speech.ts';
import { hotlineError, type HotlineError } from '../../core/errors.ts';
import type { AriBridgeHandle } from './ari-bridge.ts';
import type { AriClient } from './ari-client.ts';
import { ariStatusOf, asHotlineError } from './ari-errors.ts';
import { decodeUlaw, parseRtp, PCMU_PAYLOAD_TYPE } from './ari-rtp.ts';

/** Prefix of the `externalMedia` channel ids Hotline creates (`hotline-em-<leg id>`). */
export const EXTERNAL_MEDIA_PREFIX = 'hotline-em-';
/** Bridge purpose of speech bridges: ids are `hotline-speech-<leg id>`. */
export const SPEECH_BRIDGE_PURPOSE = 'speech';

/** The external media channel of a leg (one per leg, so a restarted node finds and replaces it). */
export function externalMediaId(legId: string): string {
  return `${EXTERNAL_MEDIA_PREFIX}${legId}`;
}

/** The speech bridge id of a leg, without the `hotline-` prefix the driver adds. */
export function speechBridgeName(legId: string): string {
  return `${SPEECH_BRIDGE_PURPOSE}-${legId}`;
}

/** What a speech session needs from its driver. */
export interface AriSpeechContext {
  client: AriClient;
  app: string;
  logger: Logger;
  recognizer: SpeechRecognizer;
  /** `driver.createBridge` (adopts an existing bridge of that id). */
  createBridge(id: string, purpose: string): Promise<AriBridgeHandle>;
  /**
   * Routes the `StasisStart` of the external media channel to the session. Registered before
   * the request: the channel must not be mistaken for a new call.
   */
  registerExternal(channelId: string, onStasisStart: () => void): void;
  unregisterExternal(channelId: string): void;
  /** How long to wait for the external channel to enter Stasis; default 5 s. */
  stasisTimeoutMs?: number;
}

/** A recognition result worth reporting: final, non-empty text. */
export type SpeechHeard = { text: string; confidence?: number };

/**
 * Speech recognition on one leg over ARI `externalMedia`, as `external-media.jsonl` does it:
 * a mixing bridge `hotline-speech-<leg>` holds the caller and a `UnicastRTP` channel that
 * sends the bridge's audio as PCMU RTP to a UDP socket on 127.0.0.1; the payload is decoded to
 * 16-bit PCM and written to the recognizer stream, whose final results are reported.
 * `stop()` (and the leg's end) hangs up the external channel, destroys the bridge and closes
 * the socket.
 */
export class AriSpeechSession {
  readonly legId: string;
  readonly #ctx: AriSpeechContext;
  readonly #onHeard: (heard: SpeechHeard) => void;
  #socket: Socket | undefined;
  #stream: SpeechStream | undefined;
  #bridge: AriBridgeHandle | undefined;
  #externalId: string | undefined;
  #source: string | undefined;
  #stopped = false;
  #running: Promise<void> | undefined;
  #tearingDown: Promise<void> | undefined;
  #abortWait: ((err: HotlineError) => void) | undefined;
  /** RTP packets decoded so far (diagnostics, tests). */
  packets = 0;

  constructor(legId: string, ctx: AriSpeechContext, onHeard: (heard: SpeechHeard) => void) {
    this.legId = legId;
    this.#ctx = ctx;
    this.#onHeard = onHeard;
  }

  /** True once stopped (or failed to start): a new recognition needs a new session. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Sets the media path up; resolves once the caller's audio flows to the recognizer. */
  start(options: { language: string; hints?: string[] }): Promise<void> {
    this.#running ??= this.#start(options);
    return this.#running;
  }

  /** Tears everything down; idempotent, safe while `start()` is still under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abortWait?.(hotlineError('HOTLINE_ERR_CALL_ENDED', 'speech stopped before it started', { legId: this.legId }));
    await this.#running?.catch(() => undefined);
    await this.#teardown();
  }

  async #start(options: { language: string; hints?: string[] }): Promise<void> {
    const { client, logger } = this.#ctx;
    try {
      const port = await this.#openSocket();
      this.#assertRunning();
      const bridge = await this.#ctx.createBridge(speechBridgeName(this.legId), SPEECH_BRIDGE_PURPOSE);
      this.#bridge = bridge;
      this.#assertRunning();
      await bridge.addLeg(this.legId);
      this.#assertRunning();
      this.#stream = this.#ctx.recognizer.start({
        language: options.language,
        ...(options.hints ? { hints: [...options.hints] } : {}),
        onResult: (result) => this.#result(result),
        onError: (err) => {
          logger.warn({ legId: this.legId, err: err.message }, 'speech recognizer failed');
          this.#endStream();
        },
      });
      const externalId = externalMediaId(this.legId);
      this.#externalId = externalId;
      const inStasis = this.#waitForStasis(externalId);
      inStasis.catch(() => undefined);
      const query = {
        app: this.#ctx.app,
        external_host: `127.0.0.1:${port}`,
        format: 'ulaw',
        encapsulation: 'rtp' as const,
        transport: 'udp' as const,
        direction: 'both' as const,
        channelId: externalId,
      };
      try {
        await client.externalMedia(query);
      } catch (err) {
        // 409: a channel of that id is left from an earlier run of this node; replace it.
        if (ariStatusOf(err) !== 409) throw err;
        await client.hangup(externalId).catch((e: unknown) => {
          if (ariStatusOf(e) !== 404) throw e;
        });
        await client.externalMedia(query);
      }
      // Added once in Stasis: before its StasisStart the channel is still dialling (Dial, then ANSWER).
      await inStasis;
      this.#assertRunning();
      await bridge.addLeg(externalId);
      this.#assertRunning();
      logger.debug({ legId: this.legId, externalId, port }, 'speech media flowing');
    } catch (err) {
      this.#stopped = true;
      await this.#teardown();
      throw asHotlineError(err, 'could not start speech recognition');
    }
  }

  #openSocket(): Promise<number> {
    const socket = createSocket('udp4');
    this.#socket = socket;
    socket.on('message', (datagram, from) => this.#datagram(datagram, from));
    socket.on('error', (err) => this.#ctx.logger.warn({ legId: this.legId, err: err.message }, 'speech RTP socket error'));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      // Loopback only: the media path is between Asterisk and Hotline on one host.
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        // The call, not its media socket, decides when the process may exit.
        socket.unref();
        resolve((socket.address() as AddressInfo).port);
      });
    });
  }

  #waitForStasis(channelId: string): Promise<void> {
    const timeoutMs = this.#ctx.stasisTimeoutMs ?? 5000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#abortWait = undefined;
        reject(hotlineError('HOTLINE_ERR_PBX', 'the external media channel never entered Stasis', { channelId, timeoutMs }));
      }, timeoutMs);
      timer.unref();
      this.#abortWait = (err) => {
        clearTimeout(timer);
        this.#abortWait = undefined;
        reject(err);
      };
      this.#ctx.registerExternal(channelId, () => {
        clearTimeout(timer);
        this.#abortWait = undefined;
        resolve();
      });
    });
  }

  #datagram(datagram: Buffer, from: RemoteInfo): void {
    if (this.#stopped || !this.#stream) return;
    const packet = parseRtp(datagram);
    if (!packet || packet.payloadType !== PCMU_PAYLOAD_TYPE) return;
    // Latch onto the first sender (Asterisk's UNICASTRTP_LOCAL_PORT); others are not our call.
    const source = `${from.address}:${from.port}`;
    this.#source ??= source;
    if (source !== this.#source) return;
    this.packets += 1;
    try {
      this.#stream.write(decodeUlaw(packet.payload));
    } catch (err) {
      this.#ctx.logger.warn({ legId: this.legId, err: (err as Error).message }, 'speech stream write failed');
      this.#endStream();
    }
  }

  #result(result: SpeechResult): void {
    if (this.#stopped || !result.final || typeof result.text !== 'string' || result.text.trim() === '') return;
    this.#onHeard({ text: result.text, ...(typeof result.confidence === 'number' ? { confidence: result.confidence } : {}) });
  }

  #endStream(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    try {
      stream?.end();
    } catch (err) {
      this.#ctx.logger.debug({ legId: this.legId, err: (err as Error).message }, 'speech stream end failed');
    }
  }

  #teardown(): Promise<void> {
    this.#tearingDown ??= (async () => {
      const { client, logger } = this.#ctx;
      this.#endStream();
      const externalId = this.#externalId;
      if (externalId) {
        this.#ctx.unregisterExternal(externalId);
        await client.hangup(externalId).catch((err: unknown) => {
          if (ariStatusOf(err) !== 404) logger.warn({ legId: this.legId, code: asHotlineError(err).code }, 'external media hang-up failed');
        });
      }
      await this.#bridge?.destroy().catch((err: unknown) => {
        logger.warn({ legId: this.legId, code: asHotlineError(err).code }, 'speech bridge destroy failed');
      });
      const socket = this.#socket;
      this.#socket = undefined;
      if (socket) {
        await new Promise<void>((resolve) => {
          try {
            socket.close(() => resolve());
          } catch {
            resolve(); // never bound
          }
        });
      }
    })();
    return this.#tearingDown;
  }

  #assertRunning(): void {
    if (this.#stopped) throw hotlineError('HOTLINE_ERR_CALL_ENDED', 'speech stopped before it started', { legId: this.legId });
  }
}
