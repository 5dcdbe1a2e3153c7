import { hotlineError } from '../core/errors.ts';

/** Request body checks that answer 400 with a reason naming the field. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'request body must be a JSON object (Content-Type: application/json)');
  }
  return body as Record<string, unknown>;
}

/** Refuses fields other than `allowed` (400 naming the first, echoed JSON-encoded and cut short). */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    // Names are whatever the client sent.
    const named = unknown.slice(0, 3).map((key) => JSON.stringify(key.slice(0, 40))).join(', ');
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `unknown field ${named}: expected ${allowed.map((k) => `\`${k}\``).join(', ')}`, { field: unknown[0]!.slice(0, 40) });
  }
}

/** A string field matching `pattern`, `min`–`max` characters long. */
export function stringField(
  body: Record<string, unknown>,
  name: string,
  rule: { required?: boolean; min?: number; max?: number; pattern?: RegExp; describe?: string },
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (rule.required) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` is required`, { field: name });
    return undefined;
  }
  if (typeof value !== 'string') throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` must be a string`, { field: name });
  const min = rule.min ?? 1;
  const max = rule.max ?? 1000;
  if (value.length < min || value.length > max) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` must be ${min} to ${max} characters long (got ${value.length})`, { field: name });
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` must be ${rule.describe ?? `match ${rule.pattern}`}`, { field: name });
  }
  return value;
}

/** A number field with `min < value <= max` (exclusive minimum) or `min <= value`. */
export function numberField(
  body: Record<string, unknown>,
  name: string,
  rule: { required?: boolean; exclusiveMin?: number; min?: number; max: number },
): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (rule.required) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` is required`, { field: name });
    return undefined;
  }
  const lower = rule.exclusiveMin ?? rule.min ?? 0;
  const range = rule.exclusiveMin !== undefined ? `greater than ${lower} and at most ${rule.max}` : `from ${lower} to ${rule.max}`;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` must be a number ${range}`, { field: name });
  }
  const tooLow = rule.exclusiveMin !== undefined ? value <= rule.exclusiveMin : value < lower;
  if (tooLow || value > rule.max) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` must be a number ${range} (got ${value})`, { field: name });
  }
  return value;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** Parses an ISO 8601 date-time (`2026-11-23T14:00:00-05:00`) to epoch ms, or throws 400. */
export function parseIsoTime(value: string, name: string): number {
  const ms = ISO_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `\`${name}\` must be an ISO 8601 time such as 2026-11-23T14:00:00-05:00 (got ${JSON.stringify(value)})`, { field: name });
  }
  return ms;
}
