import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AcdEvent, ScreenPop } from '../../core/acd/acd-api.ts';
import { hotlineError } from '../../core/errors.ts';
import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';

/** Header carrying the Unix time (seconds) the request was signed at. */
export const TIMESTAMP_HEADER = 'X-Hotline-Timestamp';
/** Header carrying `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export const SIGNATURE_HEADER = 'X-Hotline-Signature';

/** Options of {@link ScreenPopWebhook}. */
export interface ScreenPopWebhookOptions {
  /** Where screen pops are POSTed (http or https). */
  url: string;
  /** Shared secret the receiver verifies signatures with; at least 16 characters. Never logged. */
  secret: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  logger?: Logger;
  /** Epoch ms, for the timestamp header. Default `Date.now`. */
  now?: () => number;
  /** Waits between attempts. Default: a timer that does not hold the process open. */
  sleep?: (ms: number) => Promise<void>;
  /** Bound on one attempt (connect, headers and body). Default 5000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt, on network errors, timeouts and 5xx. Default 3. */
  retries?: number;
  /** First retry delay; doubles each time (1 s, 2 s, 4 s by default). */
  retryBaseMs?: number;
}

/** Outcome of one screen pop delivery. */
export interface ScreenPopDelivery {
  delivered: boolean;
  attempts: number;
  /** Status of the last response, when one arrived. */
  status?: number;
}

/**
 * Posts every `agent.offered` screen pop as JSON to a configured URL, signed so the receiver can
 * tell it came from Hotline and was not altered or replayed:
 *
 * ```http
 * POST /screen-pop HTTP/1.1
 * Content-Type: application/json
 * X-Hotline-Timestamp: 1795442400
 * X-Hotline-Signature: sha256=<hex HMAC-SHA256(secret, "1795442400." + body)>
 * ```
 *
 * A failed attempt (network error, timeout, 5xx) is retried with exponential backoff, 3 times by
 * default; a 4xx is the receiver refusing the request and is not retried. Each attempt is signed
 * afresh, so a receiver that rejects old timestamps accepts a late retry. Delivery never throws
 * into the ACD: failures are logged (URL without credentials or query, never the secret or body).
 * Receivers check requests with {@link verifyScreenPopSignature}.
 *
 * @example
 * const webhook = new ScreenPopWebhook({ url: config.screenPop.url, secret: config.screenPop.secret, logger });
 * const detach = webhook.attach(acd);
 */
export class ScreenPopWebhook {
  readonly #url: URL;
  readonly #secret: string;
  readonly #fetch: typeof fetch;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #retryBaseMs: number;
  readonly #inflight = new Set<Promise<ScreenPopDelivery>>();

  /** @throws `HOTLINE_ERR_CONFIG` for a URL that is not http(s) or a secret shorter than 16 characters. */
  constructor(options: ScreenPopWebhookOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw hotlineError('HOTLINE_ERR_CONFIG', 'the screen pop URL is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw hotlineError('HOTLINE_ERR_CONFIG', `the screen pop URL must be http:// or https://, not ${url.protocol}`);
    }
    if (typeof options.secret !== 'string' || options.secret.length < 16) {
      throw hotlineError('HOTLINE_ERR_CONFIG', 'the screen pop secret must be at least 16 characters');
    }
    this.#url = url;
    this.#secret = options.secret;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#logger = (options.logger ?? silentLogger).child({ component: 'screen-pop-webhook' });
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? unrefSleep;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retries = options.retries ?? 3;
    this.#retryBaseMs = options.retryBaseMs ?? 1000;
  }

  /** Sends the screen pop of every `agent.offered` event of `source`; returns the unsubscribe function. */
  attach(source: { on(listener: (event: AcdEvent) => void): () => void }): () => void {
    return source.on((event) => {
      if (event.type === 'agent.offered') void this.send(event.screenPop);
    });
  }

  /** Delivers one screen pop, retrying as configured. Never rejects. */
  send(pop: ScreenPop): Promise<ScreenPopDelivery> {
    const delivery = this.#deliver(pop).catch((err: unknown): ScreenPopDelivery => {
      this.#logger.error({ url: this.#safeUrl(), reason: describe(err) }, 'screen pop webhook crashed');
      return { delivered: false, attempts: 0 };
    });
    this.#inflight.add(delivery);
    void delivery.finally(() => this.#inflight.delete(delivery));
    return delivery;
  }

  /** Resolves once every delivery under way has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
  }

  async #deliver(pop: ScreenPop): Promise<ScreenPopDelivery> {
    const body = JSON.stringify(pop);
    const ids = { offerId: pop.offerId, callId: pop.callId, agentId: pop.agentId };
    let status: number | undefined;
    for (let attempt = 1; ; attempt++) {
      let retryable: boolean;
      let reason: string;
      try {
        const timestamp = String(Math.floor(this.#now() / 1000));
        const response = await this.#fetch(this.#url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'hotline',
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signScreenPop(this.#secret, timestamp, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        status = response.status;
        // Free the connection: the receiver's answer body is not used.
        await response.body?.cancel().catch(() => {});
        if (status >= 200 && status < 300) {
          if (attempt > 1) this.#logger.info({ url: this.#safeUrl(), ...ids, attempt }, 'screen pop delivered after retry');
          return { delivered: true, attempts: attempt, status };
        }
        retryable = status >= 500;
        reason = `HTTP ${status}`;
      } catch (err) {
        retryable = true;
        reason = describe(err);
      }
      const last = !retryable || attempt > this.#retries;
      this.#logger.warn(
        { url: this.#safeUrl(), ...ids, attempt, reason, ...(last ? {} : { retryInMs: this.#delay(attempt) }) },
        last ? 'screen pop webhook failed; giving up' : 'screen pop webhook failed; retrying',
      );
      if (last) return { delivered: false, attempts: attempt, ...(status !== undefined ? { status } : {}) };
      await this.#sleep(this.#delay(attempt));
    }
  }

  #delay(attempt: number): number {
    return this.#retryBaseMs * 2 ** (attempt - 1);
  }

  /** The URL as logged: no user info, no query (either may hold a token). */
  #safeUrl(): string {
    return `${this.#url.origin}${this.#url.pathname}`;
  }
}

/**
 * The signature header value of a request: `sha256=` + hex HMAC-SHA256 of `"<timestamp>.<body>"`.
 * @example signScreenPop(secret, '1795442400', '{"offerId":"o1"}') // 'sha256=9f2c…'
 */
export function signScreenPop(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * Checks a screen pop request on the receiving side, in constant time. Pass the body exactly as
 * received (raw bytes or string, not re-serialised JSON), the `X-Hotline-Timestamp` header and
 * the `X-Hotline-Signature` header. Pass `toleranceSeconds` to also refuse requests signed too
 * long ago or in the future (replays); 300 is a sensible value.
 *
 * @example
 * app.post('/screen-pop', express.raw({ type: 'application/json' }), (req, res) => {
 *   const ok = verifyScreenPopSignature(SECRET, req.get('x-hotline-timestamp') ?? '', req.body,
 *     req.get('x-hotline-signature') ?? '', { toleranceSeconds: 300 });
 *   if (!ok) return res.sendStatus(401);
 *   showPopup(JSON.parse(req.body.toString('utf8')));
 *   res.sendStatus(204);
 * });
 */
export function verifyScreenPopSignature(
  secret: string,
  timestamp: string,
  body: string | Buffer,
  header: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  if (!timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected)) return false;
  if (options.toleranceSeconds !== undefined) {
    const nowSeconds = (options.now ?? Date.now()) / 1000;
    if (Math.abs(nowSeconds - Number(timestamp)) > options.toleranceSeconds) return false;
  }
  return true;
}

function unrefSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  const code = e?.cause?.code;
  return code ? `${e.message ?? 'fetch failed'} (${code})` : (e?.message ?? String(err));
}
