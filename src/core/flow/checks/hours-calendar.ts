import type { Diagnostic } from '../diagnostics.ts';
import { didYouMean } from '../suggest.ts';
import { pointerSeg } from './context.ts';
import type { Check } from './context.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const RANGE = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/;

/**
 * An `hours` step has a time zone the runtime knows (checked with `Intl`, the same engine that
 * evaluates it), weekday keys (`mon` … `sun`, or a span `mon-fri`), `HH:MM-HH:MM` ranges that
 * start before they end, and holidays that are real calendar dates.
 */
export const checkHoursCalendar: Check = (ctx) => {
  const out: Diagnostic[] = [];
  for (const info of ctx.steps) {
    const step = info.step;
    if (step.type !== 'hours') continue;
    if (!isTimeZone(step.timezone)) {
      out.push(
        ctx.report(`${info.pointer}/timezone`, {
          code: 'invalid-timezone',
          message: `unknown time zone \`${step.timezone}\` in step \`${info.id}\``,
          hint: didYouMean(step.timezone, timeZones()) ?? 'use an IANA name such as `America/New_York` or `UTC`',
        }),
      );
    }
    for (const [key, value] of Object.entries(step.weekly ?? {})) {
      const keyPtr = `${info.pointer}/weekly/${pointerSeg(key)}`;
      if (!isDayKey(key)) {
        out.push(
          ctx.report(keyPtr, {
            code: 'invalid-weekly',
            message: `\`${key}\` in \`weekly\` of step \`${info.id}\` is not a weekday or span of weekdays`,
            hint: didYouMean(key, [...DAYS, 'mon-fri', 'sat-sun']) ?? 'use `mon` … `sun`, or a span such as `mon-fri`',
            atKey: true,
          }),
        );
      }
      const ranges = Array.isArray(value) ? value.map((r, i) => ({ r, ptr: `${keyPtr}/${i}` })) : [{ r: value, ptr: keyPtr }];
      for (const { r, ptr } of ranges) {
        const problem = rangeProblem(r);
        if (problem) {
          out.push(ctx.report(ptr, { code: 'invalid-hours-range', message: `\`${r}\` in step \`${info.id}\`: ${problem}`, hint: 'write ranges as `HH:MM-HH:MM`, e.g. `08:00-17:30`' }));
        }
      }
    }
    (step.holidays ?? []).forEach((h, i) => {
      const date = typeof h === 'string' ? h : h?.date;
      if (typeof date !== 'string' || isCalendarDate(date)) return;
      out.push(
        ctx.report(`${info.pointer}/holidays/${i}${typeof h === 'string' ? '' : '/date'}`, {
          code: 'invalid-holiday',
          message: `holiday \`${date}\` in step \`${info.id}\` is not a calendar date`,
          hint: 'use `YYYY-MM-DD`',
        }),
      );
    });
  }
  return out;
};

/** True when `Intl` knows the time zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

function isDayKey(key: string): boolean {
  const parts = key.split('-');
  return parts.length <= 2 && parts.every((p) => DAYS.includes(p));
}

function rangeProblem(range: string): string | undefined {
  const m = RANGE.exec(range);
  if (!m) return 'not a range `HH:MM-HH:MM`';
  const [h1, m1, h2, m2] = m.slice(1).map(Number) as [number, number, number, number];
  const from = h1 * 60 + m1;
  const to = h2 * 60 + m2;
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || to > 24 * 60) return 'not a time of day (00:00 to 24:00)';
  if (from >= to) return 'the range must start before it ends (split overnight hours over two days)';
  return undefined;
}

function isCalendarDate(date: string): boolean {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
