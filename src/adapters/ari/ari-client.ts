import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import { errorFromAriResponse, errorFromNetwork, type AriTarget } from './ari-errors.ts';
import type { AriBridge, AriChannel, AriLiveRecording, AriPlayback, AriVariable } from './ari-types.ts';
import { ariBaseUrl, encodeQuery, type AriQueryValue } from './ari-url.ts';

/** Options of {@link AriClient}. */
export interface AriClientOptions {
  /** Asterisk HTTP URL (`http://127.0.0.1:8088`, with or without `/ari`). */
  url: string;
  username: string;
  password: string;
  logger?: Logger;
  /** Per-request timeout; default 10 s. */
  requestTimeoutMs?: number;
  /** `fetch` to use (tests); default the global one. */
  fetch?: typeof fetch;
}

/** Audio directions of a snoop (`spy`, `whisper`), as the resource listing enumerates them. */
export type SnoopDirection = 'none' | 'both' | 'out' | 'in';

/** One REST call. */
export interface AriRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below `/ari`, ids already encoded (see {@link seg}). */
  path: string;
  query?: Record<string, AriQueryValue>;
  /** JSON body; only `variables` travel this way, everything else goes in the query string. */
  body?: unknown;
  target?: AriTarget;
  /** `bytes`: resolve with the raw body (stored recordings' files) instead of parsed JSON. */
  responseType?: 'json' | 'bytes';
}

/** Percent-encodes one path segment (ids are ours or Asterisk's, but never trusted blindly). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

/**
 * A thin typed ARI REST client over `fetch`, Basic auth, parameters in the query string as
 * Asterisk's own clients send them. Every failure rejects with a `HotlineError`
 * (see `ari-errors.ts`); credentials never appear in errors or logs.
 *
 * @example
 * const ari = new AriClient({ url: 'http://127.0.0.1:8088', username: 'hotline', password: 's3cret' });
 * await ari.answer('1795344140.1');
 */
export class AriClient {
  readonly #base: string;
  readonly #auth: string;
  readonly #logger: Logger;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: AriClientOptions) {
    this.#base = ariBaseUrl(options.url);
    this.#auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.#logger = options.logger ?? silentLogger;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Sends one request; resolves with the parsed JSON body (undefined for 204). */
  async request<T = unknown>(req: AriRequest): Promise<T> {
    const ctx = { method: req.method, path: req.path, target: req.target ?? 'other' };
    const headers: Record<string, string> = { authorization: this.#auth, accept: 'application/json' };
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${req.path}${encodeQuery(req.query)}`, {
        method: req.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      this.#logger.warn({ method: req.method, path: req.path, err: (err as Error).message }, 'ARI request failed');
      throw errorFromNetwork(err, ctx);
    }
    if (response.ok && req.responseType === 'bytes') {
      try {
        return new Uint8Array(await response.arrayBuffer()) as T;
      } catch (err) {
        throw errorFromNetwork(err, ctx);
      }
    }
    const text = await response.text().catch(() => '');
    const parsed = parseJson(text);
    if (!response.ok) {
      const message = messageOf(parsed) ?? text.slice(0, 200);
      this.#logger.debug({ method: req.method, path: req.path, status: response.status, ariMessage: message }, 'ARI error');
      throw errorFromAriResponse(response.status, message, ctx);
    }
    return parsed as T;
  }

  // ---- channels ------------------------------------------------------------------------------

  listChannels(): Promise<AriChannel[]> {
    return this.request({ method: 'GET', path: '/channels' });
  }

  getChannel(id: string): Promise<AriChannel> {
    return this.request({ method: 'GET', path: `/channels/${seg(id)}`, target: 'channel' });
  }

  /** `POST /channels` (originate). `variables` go in the JSON body, everything else in the query. */
  originate(query: Record<string, AriQueryValue>, variables?: Record<string, string>): Promise<AriChannel> {
    return this.request({
      method: 'POST',
      path: '/channels',
      query,
      ...(variables && Object.keys(variables).length > 0 ? { body: { variables } } : {}),
    });
  }

  answer(id: string): Promise<void> {
    return this.request({ method: 'POST', path: `/channels/${seg(id)}/answer`, target: 'channel' });
  }

  hangup(id: string, reason?: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/channels/${seg(id)}`, query: { reason }, target: 'channel' });
  }

  play(id: string, media: readonly string[], playbackId: string): Promise<AriPlayback> {
    return this.request({
      method: 'POST',
      path: `/channels/${seg(id)}/play`,
      query: { media, playbackId },
      target: 'channel',
    });
  }

  stopPlayback(playbackId: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/playbacks/${seg(playbackId)}`, target: 'playback' });
  }

  getVariable(id: string, variable: string): Promise<AriVariable> {
    return this.request({ method: 'GET', path: `/channels/${seg(id)}/variable`, query: { variable }, target: 'channel' });
  }

  setVariable(id: string, variable: string, value: string): Promise<void> {
    return this.request({
      method: 'POST',
      path: `/channels/${seg(id)}/variable`,
      query: { variable, value },
      target: 'channel',
    });
  }

  sendDtmf(id: string, dtmf: string): Promise<void> {
    return this.request({ method: 'POST', path: `/channels/${seg(id)}/dtmf`, query: { dtmf }, target: 'channel' });
  }

  startMoh(id: string, mohClass?: string): Promise<void> {
    return this.request({ method: 'POST', path: `/channels/${seg(id)}/moh`, query: { mohClass }, target: 'channel' });
  }

  stopMoh(id: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/channels/${seg(id)}/moh`, target: 'channel' });
  }

  record(id: string, query: Record<string, AriQueryValue>): Promise<AriLiveRecording> {
    return this.request({ method: 'POST', path: `/channels/${seg(id)}/record`, query, target: 'channel' });
  }

  continueInDialplan(id: string, context: string, extension: string, priority = 1): Promise<void> {
    return this.request({
      method: 'POST',
      path: `/channels/${seg(id)}/continue`,
      query: { context, extension, priority },
      target: 'channel',
    });
  }

  redirect(id: string, endpoint: string): Promise<void> {
    return this.request({ method: 'POST', path: `/channels/${seg(id)}/redirect`, query: { endpoint }, target: 'channel' });
  }

  /**
   * `POST /channels/{id}/snoop/{snoopId}` (the id in the path, as `bridge-snoop.jsonl` does it).
   * `spy`: what the snoop hears of the channel; `whisper`: where its own audio is injected
   * (`out` = towards the channel's far end only).
   */
  snoop(
    id: string,
    snoopId: string,
    query: { spy: SnoopDirection; whisper: SnoopDirection; app: string; appArgs?: string },
  ): Promise<AriChannel> {
    return this.request({ method: 'POST', path: `/channels/${seg(id)}/snoop/${seg(snoopId)}`, query, target: 'channel' });
  }

  /**
   * `POST /channels/externalMedia`: a channel that carries the audio of whatever it is bridged
   * with to `external_host` (chan_rtp for `encapsulation=rtp transport=udp`). It enters Stasis
   * in `app` after the reply (`external-media.jsonl`).
   */
  externalMedia(query: {
    app: string;
    external_host: string;
    format: string;
    encapsulation?: 'rtp' | 'audiosocket' | 'none';
    transport?: 'udp' | 'tcp' | 'websocket';
    direction?: 'both';
    channelId?: string;
  }): Promise<AriChannel> {
    return this.request({ method: 'POST', path: '/channels/externalMedia', query });
  }

  // ---- recordings ----------------------------------------------------------------------------

  stopRecording(name: string): Promise<void> {
    return this.request({ method: 'POST', path: `/recordings/live/${seg(name)}/stop`, target: 'recording' });
  }

  pauseRecording(name: string): Promise<void> {
    return this.request({ method: 'POST', path: `/recordings/live/${seg(name)}/pause`, target: 'recording' });
  }

  unpauseRecording(name: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/recordings/live/${seg(name)}/pause`, target: 'recording' });
  }

  muteRecording(name: string): Promise<void> {
    return this.request({ method: 'POST', path: `/recordings/live/${seg(name)}/mute`, target: 'recording' });
  }

  unmuteRecording(name: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/recordings/live/${seg(name)}/mute`, target: 'recording' });
  }

  /** `GET /recordings/stored/{name}/file`: the file's bytes (`audio/wav` for Hotline's recordings). */
  getStoredRecordingFile(name: string): Promise<Uint8Array> {
    return this.request({ method: 'GET', path: `/recordings/stored/${seg(name)}/file`, target: 'recording', responseType: 'bytes' });
  }

  /** `DELETE /recordings/stored/{name}`. */
  deleteStoredRecording(name: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/recordings/stored/${seg(name)}`, target: 'recording' });
  }

  // ---- bridges -------------------------------------------------------------------------------

  listBridges(): Promise<AriBridge[]> {
    return this.request({ method: 'GET', path: '/bridges' });
  }

  createBridge(bridgeId: string, name: string, type: 'mixing' | 'holding' = 'mixing'): Promise<AriBridge> {
    return this.request({ method: 'POST', path: '/bridges', query: { type, bridgeId, name }, target: 'bridge' });
  }

  getBridge(bridgeId: string): Promise<AriBridge> {
    return this.request({ method: 'GET', path: `/bridges/${seg(bridgeId)}`, target: 'bridge' });
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/bridges/${seg(bridgeId)}`, target: 'bridge' });
  }

  addChannel(bridgeId: string, channel: string): Promise<void> {
    return this.request({
      method: 'POST',
      path: `/bridges/${seg(bridgeId)}/addChannel`,
      query: { channel },
      target: 'bridge',
    });
  }

  removeChannel(bridgeId: string, channel: string): Promise<void> {
    return this.request({
      method: 'POST',
      path: `/bridges/${seg(bridgeId)}/removeChannel`,
      query: { channel },
      target: 'bridge',
    });
  }

  startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void> {
    return this.request({ method: 'POST', path: `/bridges/${seg(bridgeId)}/moh`, query: { mohClass }, target: 'bridge' });
  }

  stopBridgeMoh(bridgeId: string): Promise<void> {
    return this.request({ method: 'DELETE', path: `/bridges/${seg(bridgeId)}/moh`, target: 'bridge' });
  }

  playToBridge(bridgeId: string, media: readonly string[], playbackId: string): Promise<AriPlayback> {
    return this.request({
      method: 'POST',
      path: `/bridges/${seg(bridgeId)}/play`,
      query: { media, playbackId },
      target: 'bridge',
    });
  }

  recordBridge(bridgeId: string, query: Record<string, AriQueryValue>): Promise<AriLiveRecording> {
    return this.request({ method: 'POST', path: `/bridges/${seg(bridgeId)}/record`, query, target: 'bridge' });
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// Asterisk answers `{"message": …}`, except originate's allocation failure: `{"error": …}`.
function messageOf(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record['message'] === 'string') return record['message'];
    if (typeof record['error'] === 'string') return record['error'];
  }
  return undefined;
}
