import type { HoursStep } from '../flow/types.ts';

/** Outcome of a business-hours check. */
export type HoursOutcome = 'open' | 'closed' | 'holiday';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Local calendar date, weekday and minute of day of `at` in `timeZone`. */
export function localTime(at: number, timeZone: string): { date: string; day: (typeof DAYS)[number]; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number];
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    day,
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

/** Expands weekly keys (`mon-fri`, `sat`, `mon,wed`) into per-day minute ranges. */
export function expandWeekly(weekly: HoursStep['weekly']): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  for (const [key, value] of Object.entries(weekly)) {
    const ranges = (Array.isArray(value) ? value : [value]).map(parseRange);
    for (const day of expandDays(key)) out.set(day, [...(out.get(day) ?? []), ...ranges]);
  }
  return out;
}

/**
 * Decides open/closed/holiday for a moment. A holiday wins over opening hours; a range may end
 * at `24:00`; a range whose end is before its start runs past midnight.
 * @example
 * evaluateHours({ timezone: 'America/New_York', weekly: { 'mon-fri': '08:00-20:00' } }, Date.parse('2026-11-23T14:00:00Z')) // 'open'
 */
export function evaluateHours(spec: Pick<HoursStep, 'timezone' | 'weekly' | 'holidays'>, at: number): HoursOutcome {
  const local = localTime(at, spec.timezone);
  const holidays = (spec.holidays ?? []).map((h) => (typeof h === 'string' ? h : h.date));
  if (holidays.includes(local.date)) return 'holiday';
  const weekly = expandWeekly(spec.weekly);
  const today = weekly.get(local.day) ?? [];
  if (today.some(([from, to]) => (from <= to ? local.minute >= from && local.minute < to : local.minute >= from))) return 'open';
  // An overnight range from yesterday still covers the early hours of today.
  const yesterday = weekly.get(DAYS[(DAYS.indexOf(local.day) + 6) % 7]!) ?? [];
  if (yesterday.some(([from, to]) => from > to && local.minute < to)) return 'open';
  return 'closed';
}

/** Parses `HH:MM-HH:MM` into minutes; throws on a malformed range. */
export function parseRange(range: string): [number, number] {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(range.trim());
  if (!m) throw new Error(`"${range}" is not a range like 08:00-20:00`);
  const from = Number(m[1]) * 60 + Number(m[2]);
  const to = Number(m[3]) * 60 + Number(m[4]);
  if (from > 24 * 60 || to > 24 * 60 || Number(m[2]) > 59 || Number(m[4]) > 59) throw new Error(`"${range}" is not a valid time range`);
  return [from, to];
}

/** Expands a weekday key into day names; throws on an unknown day. */
export function expandDays(key: string): string[] {
  const days: string[] = [];
  for (const part of key.toLowerCase().split(',').map((p) => p.trim())) {
    const [a, b] = part.split('-');
    const from = DAYS.indexOf(a as (typeof DAYS)[number]);
    if (from < 0) throw new Error(`unknown day "${a}"`);
    if (b === undefined) {
      days.push(DAYS[from]!);
      continue;
    }
    const to = DAYS.indexOf(b as (typeof DAYS)[number]);
    if (to < 0) throw new Error(`unknown day "${b}"`);
    for (let i = from; ; i = (i + 1) % 7) {
      days.push(DAYS[i]!);
      if (i === to) break;
    }
  }
  return days;
}
