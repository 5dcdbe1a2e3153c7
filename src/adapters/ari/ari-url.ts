/**
 * The ARI base URL (`http://host:8088/ari`) from what an operator configures: with or without
 * the `/ari` suffix, http(s) or ws(s).
 */
export function ariBaseUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  let path = parsed.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/ari')) path = `${path}/ari`;
  parsed.pathname = path;
  return parsed.toString().replace(/\/+$/, '');
}

/** The event WebSocket URL: `/ari/events?app=<app>&api_key=<user>:<pass>&subscribeAll=false`. */
export function ariEventsUrl(url: string, app: string, username: string, password: string): string {
  const base = new URL(ariBaseUrl(url));
  base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
  const apiKey = `${encodeURIComponent(username)}:${encodeURIComponent(password)}`;
  return `${base.toString().replace(/\/+$/, '')}/events?app=${encodeURIComponent(app)}&api_key=${apiKey}&subscribeAll=false`;
}

/** A URL fit for a log line: `api_key` and user info removed. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]api_key=)[^&#]*/gi, '$1[redacted]').replace(/\/\/[^/@]*@/, '//');
}

/** Query value types ARI takes; arrays are joined with commas (Asterisk splits `allowMultiple` values on `,`). */
export type AriQueryValue = string | number | boolean | readonly string[] | undefined;

/**
 * Encodes query parameters the way Asterisk reads them: percent-encoding (never `+` for space),
 * one parameter per name. Asterisk parses a repeated `allowMultiple` parameter by keeping only
 * the last occurrence, so several values go comma-separated in one parameter.
 */
export function encodeQuery(query: Record<string, AriQueryValue> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(text)}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}
