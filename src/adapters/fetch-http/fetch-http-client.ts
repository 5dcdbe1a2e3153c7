import type { HttpClient, HttpRequest, HttpResponse } from '../../ports/http-client.ts';
import { hotlineError, isHotlineError } from '../../core/errors.ts';

/** Options of {@link FetchHttpClient}. */
export interface FetchHttpClientOptions {
  /** The fetch to use (tests may wrap it). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Largest response body accepted. Default 1 MiB: a flow variable is no place for a download. */
  maxBodyBytes?: number;
  /** `User-Agent` sent unless the step sets one. */
  userAgent?: string;
}

/**
 * Outbound HTTP for `http` steps over Node's `fetch`. The whole exchange — connect, headers and
 * body — is bounded by the request's `timeoutMs`. Failures are translated at this edge:
 * `HOTLINE_ERR_TIMEOUT` when time runs out, `HOTLINE_ERR_HTTP_STEP` for everything else that
 * stops a response from arriving (refused connection, DNS, oversized or malformed JSON body).
 * A non-2xx status is a response, not an error: the flow decides.
 *
 * @example
 * const res = await new FetchHttpClient().request({ method: 'GET', url, timeoutMs: 3000 });
 */
export class FetchHttpClient implements HttpClient {
  readonly #fetch: typeof fetch;
  readonly #maxBodyBytes: number;
  readonly #userAgent: string;

  constructor(options: FetchHttpClientOptions = {}) {
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.#userAgent = options.userAgent ?? 'hotline';
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const target = parseUrl(request.url);
    const details = { method: request.method, url: redact(target) };
    const headers = new Headers(request.headers ?? {});
    if (!headers.has('user-agent')) headers.set('user-agent', this.#userAgent);
    let body: string | undefined;
    if (request.body !== undefined && request.method !== 'GET') {
      if (typeof request.body === 'string') {
        body = request.body;
      } else {
        body = JSON.stringify(request.body);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
    }
    if (!headers.has('accept')) headers.set('accept', 'application/json, text/plain;q=0.9, */*;q=0.5');

    const signal = AbortSignal.timeout(Math.max(1, request.timeoutMs));
    try {
      const response = await this.#fetch(target, { method: request.method, headers, body, signal, redirect: 'follow' });
      const text = await readText(response, this.#maxBodyBytes, details);
      return { status: response.status, body: decode(text, response, details) };
    } catch (err) {
      if (isHotlineError(err)) throw err;
      if (signal.aborted) {
        throw hotlineError('HOTLINE_ERR_TIMEOUT', `HTTP ${request.method} timed out after ${request.timeoutMs} ms`, details, err);
      }
      throw hotlineError('HOTLINE_ERR_HTTP_STEP', `HTTP ${request.method} failed: ${describe(err)}`, details, err);
    }
  }
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw hotlineError('HOTLINE_ERR_HTTP_STEP', 'the URL is not valid', { url: '<invalid url>' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw hotlineError('HOTLINE_ERR_HTTP_STEP', `only http and https URLs are allowed, not ${parsed.protocol}`, {
      url: redact(parsed),
    });
  }
  return parsed;
}

/** Reads the body as text, refusing more than `max` bytes without buffering them. */
async function readText(response: Response, max: number, details: Record<string, unknown>): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  const tooLarge = () =>
    hotlineError('HOTLINE_ERR_HTTP_STEP', `the response body is larger than ${max} bytes`, { ...details, status: response.status });
  if (declared > max) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON when the server says so (`application/json`, `*+json`), text otherwise. */
function decode(text: string, response: Response, details: Record<string, unknown>): unknown {
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const json = type === 'application/json' || type.endsWith('+json');
  if (!json || text === '') return json && text === '' ? null : text;
  try {
    return JSON.parse(text);
  } catch (err) {
    // An error page mislabelled as JSON still tells the flow the status; a 2xx must keep its promise.
    if (!response.ok) return text;
    throw hotlineError('HOTLINE_ERR_HTTP_STEP', 'the response says JSON but is not valid JSON', { ...details, status: response.status }, err);
  }
}

/** Query strings and credentials can hold secrets (API keys): logs get origin and path only. */
function redact(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
