import { hotlineError } from '../errors.ts';
import type { Duration } from './types.ts';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Converts a flow duration to milliseconds: a number is seconds, a string carries its unit
 * (`500ms`, `5s`, `2m`, `1h`). Throws `HOTLINE_ERR_FLOW_INVALID` for anything else.
 * @example
 * parseDuration(5);       // 5000
 * parseDuration('500ms'); // 500
 * parseDuration('2m');    // 120000
 */
export function parseDuration(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw invalid(d);
    return Math.round(d * 1000);
  }
  if (typeof d === 'string') {
    const m = DURATION.exec(d.trim());
    if (m) return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
  }
  throw invalid(d);
}

function invalid(d: unknown) {
  return hotlineError(
    'HOTLINE_ERR_FLOW_INVALID',
    `invalid duration ${JSON.stringify(d)}: use seconds as a number, or a string such as "500ms", "5s", "2m"`,
    { value: d },
  );
}
