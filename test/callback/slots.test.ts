import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextOpening, nextSlots, zonedTime, type BusinessHours } from '../../src/core/callback/slots.ts';

const NY: BusinessHours = {
  timezone: 'America/New_York',
  weekly: { 'mon-fri': '08:00-18:00', sat: '09:00-13:00' },
  holidays: ['2026-11-26', { date: '2026-12-25', name: 'Christmas' }],
};
const BERLIN: BusinessHours = { timezone: 'Europe/Berlin', weekly: { 'mon-fri': '08:00-17:00' } };
const Z = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');

describe('nextSlots', () => {
  const cases: Array<{ name: string; hours?: BusinessHours; now: string; count: number; full?: string[]; want: Array<[string, string, string, string]> }> = [
    {
      name: 'Monday 09:00 EST: within the hour, the rest of the morning, this afternoon',
      now: '2026-11-23T14:00:00Z',
      count: 4,
      want: [
        ['q:2026-11-23:hour-0900', 'within the hour', '2026-11-23T14:00:00Z', '2026-11-23T15:00:00Z'],
        ['q:2026-11-23:am', 'this morning', '2026-11-23T15:00:00Z', '2026-11-23T17:00:00Z'],
        ['q:2026-11-23:pm', 'this afternoon', '2026-11-23T17:00:00Z', '2026-11-23T23:00:00Z'],
        ['q:2026-11-24:am', 'tomorrow morning', '2026-11-24T13:00:00Z', '2026-11-24T17:00:00Z'],
      ],
    },
    {
      name: 'Monday 07:10 EST (closed): no within the hour; this morning from opening',
      now: '2026-11-23T12:10:00Z',
      count: 2,
      want: [
        ['q:2026-11-23:am', 'this morning', '2026-11-23T13:00:00Z', '2026-11-23T17:00:00Z'],
        ['q:2026-11-23:pm', 'this afternoon', '2026-11-23T17:00:00Z', '2026-11-23T23:00:00Z'],
      ],
    },
    {
      name: 'Monday 17:30 EST: within the hour runs until closing, the afternoon is over',
      now: '2026-11-23T22:30:00Z',
      count: 3,
      want: [
        ['q:2026-11-23:hour-1700', 'within the hour', '2026-11-23T22:30:00Z', '2026-11-23T23:00:00Z'],
        ['q:2026-11-24:am', 'tomorrow morning', '2026-11-24T13:00:00Z', '2026-11-24T17:00:00Z'],
        ['q:2026-11-24:pm', 'tomorrow afternoon', '2026-11-24T17:00:00Z', '2026-11-24T23:00:00Z'],
      ],
    },
    {
      name: 'Monday 17:50 EST: ten minutes left is too little for within the hour',
      now: '2026-11-23T22:50:00Z',
      count: 1,
      want: [['q:2026-11-24:am', 'tomorrow morning', '2026-11-24T13:00:00Z', '2026-11-24T17:00:00Z']],
    },
    {
      name: 'Wednesday evening before Thanksgiving: the holiday is skipped, Saturday is short',
      now: '2026-11-26T00:00:00Z',
      count: 4,
      want: [
        ['q:2026-11-27:am', 'Friday morning', '2026-11-27T13:00:00Z', '2026-11-27T17:00:00Z'],
        ['q:2026-11-27:pm', 'Friday afternoon', '2026-11-27T17:00:00Z', '2026-11-27T23:00:00Z'],
        ['q:2026-11-28:am', 'Saturday morning', '2026-11-28T14:00:00Z', '2026-11-28T17:00:00Z'],
        ['q:2026-11-28:pm', 'Saturday afternoon', '2026-11-28T17:00:00Z', '2026-11-28T18:00:00Z'],
      ],
    },
    {
      name: 'Saturday 14:00 EST: Sunday closed, Monday morning',
      now: '2026-11-28T19:00:00Z',
      count: 1,
      want: [['q:2026-11-30:am', 'Monday morning', '2026-11-30T13:00:00Z', '2026-11-30T17:00:00Z']],
    },
    {
      name: 'full slots are skipped',
      now: '2026-11-23T22:30:00Z',
      count: 2,
      full: ['q:2026-11-23:hour-1700', 'q:2026-11-24:am'],
      want: [
        ['q:2026-11-24:pm', 'tomorrow afternoon', '2026-11-24T17:00:00Z', '2026-11-24T23:00:00Z'],
        ['q:2026-11-25:am', 'Wednesday morning', '2026-11-25T13:00:00Z', '2026-11-25T17:00:00Z'],
      ],
    },
    {
      name: 'spring forward (New York, 2026-03-08): Monday opens at 08:00 EDT = 12:00Z',
      now: '2026-03-07T00:00:00Z',
      count: 3,
      want: [
        ['q:2026-03-07:am', 'tomorrow morning', '2026-03-07T14:00:00Z', '2026-03-07T17:00:00Z'],
        ['q:2026-03-07:pm', 'tomorrow afternoon', '2026-03-07T17:00:00Z', '2026-03-07T18:00:00Z'],
        ['q:2026-03-09:am', 'Monday morning', '2026-03-09T12:00:00Z', '2026-03-09T16:00:00Z'],
      ],
    },
    {
      name: 'fall back (New York, 2026-11-01): Saturday 12:30 EDT, then Monday 08:00 EST = 13:00Z',
      now: '2026-10-31T16:30:00Z',
      count: 2,
      want: [
        ['q:2026-10-31:hour-1200', 'within the hour', '2026-10-31T16:30:00Z', '2026-10-31T17:00:00Z'],
        ['q:2026-11-02:am', 'Monday morning', '2026-11-02T13:00:00Z', '2026-11-02T17:00:00Z'],
      ],
    },
    {
      name: 'spring forward (Berlin, 2026-03-29): Monday 08:00 CEST = 06:00Z',
      hours: BERLIN,
      now: '2026-03-27T17:00:00Z',
      count: 1,
      want: [['q:2026-03-30:am', 'Monday morning', '2026-03-30T06:00:00Z', '2026-03-30T10:00:00Z']],
    },
    {
      name: 'more than a week ahead names the date',
      hours: { timezone: 'UTC', weekly: { 'mon-fri': '08:00-11:00' }, holidays: ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'] },
      now: '2026-11-27T12:00:00Z',
      count: 1,
      want: [['q:2026-12-07:am', 'Monday December 7 morning', '2026-12-07T08:00:00Z', '2026-12-07T11:00:00Z']],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = nextSlots(c.hours ?? NY, {
        queue: 'q',
        now: Z(c.now),
        count: c.count,
        capacityLeft: (key) => (c.full?.includes(key) ? 0 : 3),
      });
      assert.deepEqual(
        got.map((s) => [s.key, s.label, iso(s.start), iso(s.end)]),
        c.want,
      );
    });
  }

  it('returns nothing for hours that never open, and honours count 0', () => {
    assert.deepEqual(nextSlots({ timezone: 'UTC', weekly: {} }, { queue: 'q', now: Z('2026-11-23T10:00:00Z'), count: 3 }), []);
    assert.deepEqual(nextSlots(NY, { queue: 'q', now: Z('2026-11-23T14:00:00Z'), count: 0 }), []);
  });
});

describe('nextOpening', () => {
  const cases: Array<{ name: string; hours?: BusinessHours; at: string; want: string | undefined }> = [
    { name: 'open now: unchanged', at: '2026-11-23T14:00:07Z', want: '2026-11-23T14:00:07Z' },
    { name: 'before opening: 08:00 the same day', at: '2026-11-23T12:59:00Z', want: '2026-11-23T13:00:00Z' },
    { name: 'Saturday after closing: Monday (Sunday is closed)', at: '2026-11-28T18:00:00Z', want: '2026-11-30T13:00:00Z' },
    { name: 'Wednesday at closing: the holiday Thursday is skipped', at: '2026-11-25T23:00:00Z', want: '2026-11-27T13:00:00Z' },
    { name: 'across spring forward', at: '2026-03-07T18:00:00Z', want: '2026-03-09T12:00:00Z' },
    { name: 'across fall back', at: '2026-10-31T18:00:00Z', want: '2026-11-02T13:00:00Z' },
    { name: 'overnight range: open in the small hours', hours: { timezone: 'UTC', weekly: { 'mon-fri': '22:00-06:00' } }, at: '2026-11-24T05:00:00Z', want: '2026-11-24T05:00:00Z' },
    { name: 'overnight range: next evening', hours: { timezone: 'UTC', weekly: { 'mon-fri': '22:00-06:00' } }, at: '2026-11-24T07:00:00Z', want: '2026-11-24T22:00:00Z' },
    {
      name: 'an opening inside a DST gap moves to the first open minute',
      hours: { timezone: 'Europe/Berlin', weekly: { sun: '02:30-04:00' } },
      at: '2026-03-28T12:00:00Z',
      want: '2026-03-29T01:00:00Z',
    },
    { name: 'never opens', hours: { timezone: 'UTC', weekly: {} }, at: '2026-11-23T10:00:00Z', want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = nextOpening(c.hours ?? NY, Z(c.at));
      assert.equal(got === undefined ? undefined : iso(got), c.want);
    });
  }
});

describe('zonedTime', () => {
  it('converts local wall time to epoch across offsets and midnight', () => {
    assert.equal(iso(zonedTime('2026-11-23', 8 * 60, 'America/New_York')), '2026-11-23T13:00:00Z');
    assert.equal(iso(zonedTime('2026-07-01', 8 * 60, 'America/New_York')), '2026-07-01T12:00:00Z');
    assert.equal(iso(zonedTime('2026-11-23', 24 * 60, 'Asia/Kolkata')), '2026-11-23T18:30:00Z');
  });
});
