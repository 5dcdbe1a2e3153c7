import { hotlineError } from '../../core/errors.ts';

/**
 * Guards for everything that ends up on an ESL command line. ESL is line-based: one newline in a
 * value would end the header and start a second command, so values with line breaks are
 * refused outright, and each position gets the narrowest alphabet that works there.
 */

/** Transfer / originate destinations (numbers and PBX endpoints such as `user/1000@example.org`). */
export const TARGET_PATTERN = /^[A-Za-z0-9+*#/_.@-]{1,64}$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const DTMF = /^[0-9A-Da-d*#wW]{1,64}$/;
const SAFE_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const UUID = /^[A-Za-z0-9-]{1,64}$/;

function bad(message: string, details: Record<string, unknown>): never {
  throw hotlineError('HOTLINE_ERR_BAD_REQUEST', message, details);
}

/** Throws unless `value` is one line without NUL. */
export function assertOneLine(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) bad(`${what} must not contain line breaks`, { what });
  return value;
}

export function assertTarget(value: string): string {
  if (!TARGET_PATTERN.test(value)) bad('invalid transfer or dial target', { target: value });
  return value;
}

export function assertVarName(name: string): string {
  if (!VAR_NAME.test(name)) bad('invalid channel variable name', { name });
  return name;
}

export function assertDtmf(digits: string): string {
  if (!DTMF.test(digits)) bad('invalid DTMF digits', { digits });
  return digits;
}

/** Ids that become file names or tags (recording ids, MOH classes, sound names). */
export function assertSafeId(value: string, what: string): string {
  if (!SAFE_ID.test(value) || value.startsWith('.')) bad(`invalid ${what}`, { [what]: value });
  return value;
}

/** Sound names may have sub-folders (`menus/main`), never `..`. */
export function assertSoundName(name: string): string {
  if (!/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(name) || name.split('/').some((p) => p === '..' || p === '.')) {
    bad('invalid sound name', { name });
  }
  return name;
}

export function assertUuid(value: string): string {
  if (!UUID.test(value)) bad('invalid channel uuid', { uuid: value });
  return value;
}

/**
 * A value for `uuid_setvar`: one line. uuid_setvar stores it verbatim (no `${}` expansion), so
 * `${x}` round-trips as text.
 */
export function assertVarValue(value: string): string {
  return assertOneLine(value, 'variable value');
}

/**
 * A value inside originate's `{a=b,c=d}`: single-quoted so commas and spaces stay in the value,
 * quotes and backslashes escaped, braces refused (FreeSWITCH finds the closing `}` without
 * looking at quotes).
 */
export function quoteOriginateValue(value: string): string {
  assertVarValue(value);
  // originate expands `${...}` in its variables: caller text must never run `${system(...)}`.
  if (value.includes('${')) bad('originate variable values must not contain ${', {});
  if (/[{}]/.test(value)) bad('originate variable values must not contain braces', {});
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Caller-ID text from the far end: keep what is printable and harmless, drop the rest. */
export function sanitizeCallerText(value: string, max = 64): string {
  return value.replace(/[^\p{L}\p{N} +*#._@-]/gu, '').slice(0, max);
}
