import { hotlineError } from '../../core/errors.ts';

/**
 * Input checks made before anything reaches a URL, a dial string or a channel variable.
 * Caller-supplied text (caller ID, digits) is untrusted; so are flow-supplied names, because a
 * channel "variable" like `SHELL(...)` is a dialplan function Asterisk would run.
 */

/** Transfer targets and originate destinations. */
export const TRANSFER_TARGET = /^[A-Za-z0-9+*#/_.@-]{1,64}$/;
const PLAIN_VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
// Read-only dialplan functions safe to evaluate on `getVariable`.
const READABLE_FUNCTION = /^(CALLERID|CONNECTEDLINE|CHANNEL|PJSIP_HEADER|CDR)\([A-Za-z0-9_,.-]{0,64}\)$/;
// The only functions Hotline sets (presented caller ID on originate).
const WRITABLE_FUNCTION = /^CALLERID\((name|num|number|all)\)$/;
const DTMF = /^[0-9A-Da-d*#]{1,64}$/;
const SIMPLE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;
const ENDPOINT = /^[A-Za-z][A-Za-z0-9]{0,15}\/[A-Za-z0-9+*#_.@-]{1,64}$/;
const NUMBER = /^\+?[0-9*#]{1,32}$/;

/** A variable name Hotline may set. */
export function assertWritableVariable(name: string): void {
  if (!PLAIN_VARIABLE.test(name) && !WRITABLE_FUNCTION.test(name)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'invalid channel variable name', { name: name.slice(0, 64) });
  }
}

/** A variable name (or read-only function) Hotline may read. */
export function assertReadableVariable(name: string): void {
  if (!PLAIN_VARIABLE.test(name) && !READABLE_FUNCTION.test(name)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'invalid channel variable name', { name: name.slice(0, 64) });
  }
}

/** Variable values: any text but control characters (they would end up in logs and CDRs). */
export function assertVariableValue(value: string): void {
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'channel variable value has control characters');
  }
}

export function assertDtmf(digits: string): void {
  if (!DTMF.test(digits)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'DTMF must be 0-9, A-D, * or #');
}

/** Recording ids, MOH classes, bridge ids. */
export function assertSimpleName(value: string, what: string): void {
  if (!SIMPLE_NAME.test(value)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `invalid ${what}`, { [what]: value.slice(0, 64) });
}

export function assertTransferTarget(value: string): void {
  if (!TRANSFER_TARGET.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'invalid transfer target', { length: value.length });
  }
}

/** True for `TECH/resource` endpoints (`PJSIP/200`), false for numbers. */
export function isEndpoint(value: string): boolean {
  return ENDPOINT.test(value);
}

export function assertNumber(value: string): void {
  if (!NUMBER.test(value)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'invalid number to dial', { length: value.length });
}

/**
 * A caller ID for `callerId=`: `"Name" <number>` with the name stripped of quotes, angle brackets,
 * backslashes and control characters, and the number reduced to dialable characters.
 */
export function formatCallerId(number: string | undefined, name: string | undefined): string | undefined {
  const num = (number ?? '').replace(/[^0-9+*#]/g, '').slice(0, 32);
  const nm = (name ?? '').replace(/["<>\\\u0000-\u001f\u007f]/g, '').trim().slice(0, 64);
  if (!num && !nm) return undefined;
  if (!nm) return `<${num}>`;
  return `"${nm}" <${num}>`;
}
