import { hotlineError } from '../errors.ts';

/**
 * Default callback allowlist, on E.164: NANP numbers except the 900 premium area code and 976
 * premium exchanges (the transfer allowlist's rule, for `+1…`). International numbers are
 * refused unless a deployment adds a pattern for them.
 */
export const DEFAULT_CALLBACK_ALLOW: readonly string[] = ['^\\+1(?!900)[2-9]\\d{2}(?!976)[2-9]\\d{6}$'];

/** Decides which numbers callbacks may dial. */
export interface NumberPolicy {
  /**
   * Normalises a keyed or caller-ID number to E.164 and checks it against the allowlist.
   * Rejects with `HOTLINE_ERR_NUMBER_DENIED` (`details.reason`: `invalid` or `not-allowed`,
   * `details.last4`); nothing in the error shows more than the last 4 digits.
   */
  check(raw: string): string;
}

/** Separators people and PBXes put in numbers (`+1 (212) 555-0123`). */
const SEPARATORS = /[\s().-]/g;

/**
 * Normalises to E.164: ten NANP digits → `+1…`, `1` + ten digits → `+1…`, `+` and 8–15 digits
 * kept. Anything else (letters, SIP URIs, `*`/`#`, short codes) is `HOTLINE_ERR_NUMBER_DENIED`.
 *
 * @example
 * normaliseNumber('(212) 555-0123') // '+12125550123'
 */
export function normaliseNumber(raw: string): string {
  const compact = typeof raw === 'string' ? raw.replace(SEPARATORS, '') : '';
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  if (/^[2-9]\d{2}[2-9]\d{6}$/.test(compact)) return `+1${compact}`;
  if (/^1[2-9]\d{2}[2-9]\d{6}$/.test(compact)) return `+${compact}`;
  throw denied('invalid', raw, 'is not a phone number callbacks can dial (10 digits, 1 + 10 digits, or + and the international number)');
}

/**
 * A policy over an allowlist of regular expressions matched against the E.164 form.
 * Throws `HOTLINE_ERR_CONFIG` for a pattern that does not compile.
 *
 * @example
 * createNumberPolicy().check('2125550123') // '+12125550123'
 * createNumberPolicy([...DEFAULT_CALLBACK_ALLOW, '^\\+44\\d{10}$']).check('+442071234567')
 */
export function createNumberPolicy(allow: readonly string[] = DEFAULT_CALLBACK_ALLOW): NumberPolicy {
  const patterns = allow.map((source) => {
    try {
      return new RegExp(source);
    } catch (err) {
      throw hotlineError('HOTLINE_ERR_CONFIG', `callback allowlist pattern ${JSON.stringify(source)} is not a valid regular expression`, { pattern: source }, err);
    }
  });
  return {
    check(raw: string): string {
      const number = normaliseNumber(raw);
      if (!patterns.some((p) => p.test(number))) throw denied('not-allowed', number, 'is not permitted for callbacks');
      return number;
    },
  };
}

/** The last four digits of whatever was given, for messages and logs. */
export function lastFour(value: unknown): string {
  return String(value ?? '').replace(/\D/g, '').slice(-4);
}

function denied(reason: 'invalid' | 'not-allowed', raw: unknown, why: string) {
  const last4 = lastFour(raw);
  // Never echo the input: it is caller-supplied and may be a full number.
  return hotlineError('HOTLINE_ERR_NUMBER_DENIED', `number ${last4 ? `ending ${last4}` : '(no digits)'} ${why}`, { reason, last4 });
}
