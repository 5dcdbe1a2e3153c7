import type { CallbackSlot } from '../../ports/callback-store.ts';
import { evaluateHours, expandWeekly, localTime } from '../eval/hours.ts';

/** A queue's business hours (the `hours` step's format). */
export interface BusinessHours {
  timezone: string;
  weekly: Readonly<Record<string, string | string[]>>;
  holidays?: ReadonlyArray<string | { date: string; name?: string }>;
}

/** Options of {@link nextSlots}. */
export interface SlotOptions {
  queue: string;
  now: number;
  /** How many slots to return at most. */
  count: number;
  /** Places left in a slot; slots with none are skipped. Default: unlimited. */
  capacityLeft?: (key: string) => number;
  /** "Within the hour" is offered only when at least this long is left before closing. Default 15 min. */
  minWithinHourMs?: number;
  /** How many days ahead to look. Default 14. */
  horizonDays?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const QUARTER = 15 * MINUTE;
const NOON = 12 * 60;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Hours that are always open (a queue without `hours`). */
export const ALWAYS_OPEN: BusinessHours = { timezone: 'UTC', weekly: { 'sun-sat': '00:00-24:00' } };

/**
 * The next bookable callback slots from `now`, in order: "within the hour" when the queue is
 * open now with at least `minWithinHourMs` before it closes (it runs until closing when that is
 * sooner than an hour), then half days — morning = opening to 12:00, afternoon = 12:00 to
 * closing, in the queue's time zone — skipping closed days, holidays and slots with no
 * capacity left. A half day under way is offered from an hour after `now` (rounded up to the
 * quarter hour) when at least an hour of it is left then.
 *
 * Keys are `<queue>:<YYYY-MM-DD>:am`, `…:pm` and `…:hour-HH00` (the local hour "within the
 * hour" was offered in), so bookings of one period share one capacity counter.
 *
 * @example
 * nextSlots({ timezone: 'America/New_York', weekly: { 'mon-fri': '08:00-18:00' } },
 *   { queue: 'support', now: Date.parse('2026-11-23T14:00:00Z'), count: 3 })
 * // within the hour, this afternoon, tomorrow morning
 */
export function nextSlots(hours: BusinessHours, options: SlotOptions): CallbackSlot[] {
  const { queue, now, count } = options;
  const capacityLeft = options.capacityLeft ?? (() => Number.POSITIVE_INFINITY);
  const out: CallbackSlot[] = [];
  if (count <= 0) return out;
  const local = localTime(now, hours.timezone);

  const closing = currentClosing(hours, now);
  if (closing !== undefined) {
    const end = Math.min(now + HOUR, closing);
    const hh = String(Math.floor(local.minute / 60)).padStart(2, '0');
    const key = `${queue}:${local.date}:hour-${hh}00`;
    if (end - now >= (options.minWithinHourMs ?? 15 * MINUTE) && capacityLeft(key) > 0) {
      out.push({ key, start: now, end, label: 'within the hour' });
    }
  }

  const weekly = expandWeekly(hours.weekly as Record<string, string | string[]>);
  for (let d = 0; d <= (options.horizonDays ?? 14) && out.length < count; d++) {
    const date = addDays(local.date, d);
    const intervals = openIntervals(hours, weekly, date);
    for (const half of ['am', 'pm'] as const) {
      const [lo, hi] = half === 'am' ? [0, NOON] : [NOON, 24 * 60];
      const clipped = intervals.map(([a, b]) => [Math.max(a, lo), Math.min(b, hi)] as const).filter(([a, b]) => a < b);
      if (clipped.length === 0) continue;
      let start = zonedTime(date, Math.min(...clipped.map(([a]) => a)), hours.timezone);
      const end = zonedTime(date, Math.max(...clipped.map(([, b]) => b)), hours.timezone);
      if (start <= now) {
        // Under way: "within the hour" covers the next hour; the rest of it, if an hour or more, is still a slot.
        start = Math.ceil((now + HOUR) / QUARTER) * QUARTER;
        if (end - start < HOUR) continue;
      }
      const key = `${queue}:${date}:${half}`;
      if (capacityLeft(key) <= 0) continue;
      out.push({ key, start, end, label: label(d, date, half) });
      if (out.length === count) break;
    }
  }
  return out.slice(0, count);
}

/**
 * `at` when the hours are open then, else the first open minute after it (within `horizonDays`,
 * default 35); undefined when the hours never open in that window.
 *
 * @example
 * nextOpening({ timezone: 'UTC', weekly: { 'mon-fri': '08:00-18:00' } }, Date.parse('2026-11-21T10:00:00Z')) // Monday 08:00Z
 */
export function nextOpening(hours: BusinessHours, at: number, horizonDays = 35): number | undefined {
  if (isOpen(hours, at)) return at;
  const weekly = expandWeekly(hours.weekly as Record<string, string | string[]>);
  const startDate = localTime(at, hours.timezone).date;
  for (let d = -1; d <= horizonDays; d++) {
    const date = addDays(startDate, d);
    const starts = openIntervals(hours, weekly, date)
      .map(([from]) => zonedTime(date, from, hours.timezone))
      .sort((a, b) => a - b);
    for (const t of starts) {
      // A start inside a DST gap (02:30 on a spring-forward night) does not exist: the first
      // open quarter hour around it does; step back too, as the zone may have resolved it late.
      for (let probe = t; probe < t + 3 * HOUR; probe += QUARTER) {
        if (!(probe > at && isOpen(hours, probe))) continue;
        while (probe - QUARTER > at && probe - QUARTER > t - 3 * HOUR && isOpen(hours, probe - QUARTER)) probe -= QUARTER;
        return probe;
      }
    }
  }
  return undefined;
}

/** True when the hours are open at `at` (holidays closed). */
export function isOpen(hours: BusinessHours, at: number): boolean {
  return evaluateHours(hours as Parameters<typeof evaluateHours>[0], at) === 'open';
}

/** When the open period containing `now` ends, or undefined when closed now. */
function currentClosing(hours: BusinessHours, now: number): number | undefined {
  if (!isOpen(hours, now)) return undefined;
  const weekly = expandWeekly(hours.weekly as Record<string, string | string[]>);
  const local = localTime(now, hours.timezone);
  // Walk forward over the open intervals touching now, joining those that meet at midnight.
  let date = local.date;
  let minute = local.minute;
  for (let guard = 0; guard < 8; guard++) {
    const interval = openIntervals(hours, weekly, date).find(([a, b]) => a <= minute && minute < b);
    if (!interval) return zonedTime(date, minute, hours.timezone);
    if (interval[1] < 24 * 60) return zonedTime(date, interval[1], hours.timezone);
    date = addDays(date, 1);
    minute = 0;
  }
  return undefined;
}

/**
 * Open minute ranges `[from, to)` of a local date: that day's ranges (an overnight range is cut
 * at midnight) plus the after-midnight part of the previous day's overnight ranges. A holiday
 * has none, as the `hours` step decides.
 */
function openIntervals(hours: BusinessHours, weekly: Map<string, Array<[number, number]>>, date: string): Array<[number, number]> {
  const holidays = (hours.holidays ?? []).map((h) => (typeof h === 'string' ? h : h.date));
  if (holidays.includes(date)) return [];
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  const out: Array<[number, number]> = [];
  for (const [from, to] of weekly.get(SHORT_DAYS[dow]!) ?? []) {
    if (from < to) out.push([from, to]);
    else if (from > to) out.push([from, 24 * 60]);
  }
  for (const [from, to] of weekly.get(SHORT_DAYS[(dow + 6) % 7]!) ?? []) if (from > to && to > 0) out.push([0, to]);
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * Epoch ms of a local wall time (`minute` of `date`, may be 1440 = next midnight) in `timeZone`.
 * Two passes of "guess, measure the zone's offset, correct" settle across DST changes.
 */
export function zonedTime(date: string, minute: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  let t = wall - offsetAt(wall, timeZone);
  t = wall - offsetAt(t, timeZone);
  return t;
}

/** The zone's offset from UTC at `t`, in ms (local wall clock minus UTC). */
function offsetAt(t: number, timeZone: string): number {
  const local = localTime(t, timeZone);
  const [y, m, d] = local.date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, 0, local.minute) - (t - (((t % MINUTE) + MINUTE) % MINUTE));
}

/** `YYYY-MM-DD` plus `days`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function label(daysAhead: number, date: string, half: 'am' | 'pm'): string {
  const part = half === 'am' ? 'morning' : 'afternoon';
  if (daysAhead === 0) return `this ${part}`;
  if (daysAhead === 1) return `tomorrow ${part}`;
  const when = new Date(`${date}T00:00:00Z`);
  const weekday = WEEKDAYS[when.getUTCDay()]!;
  if (daysAhead < 7) return `${weekday} ${part}`;
  return `${weekday} ${MONTHS[when.getUTCMonth()]} ${when.getUTCDate()} ${part}`;
}
