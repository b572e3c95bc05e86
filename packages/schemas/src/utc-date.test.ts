import { describe, expect, it } from 'vitest';
import {
  MS_PER_DAY,
  dateOfDayNumber,
  dayNumberOfDate,
  daysInMonth,
  formatUtcDate,
  isLeapYear,
  isValidUtcDate,
  utcDateOf,
  utcDayBounds,
  utcDayStart,
} from './utc-date.js';

const ms = (iso: string): number => Date.parse(iso);

describe('utcDateOf', () => {
  it.each([
    ['2024-01-01T00:00:00.000Z', { year: 2024, month: 1, day: 1 }],
    ['2023-12-31T23:59:59.999Z', { year: 2023, month: 12, day: 31 }],
    ['2024-02-29T23:59:59.999Z', { year: 2024, month: 2, day: 29 }],
    ['2024-03-01T00:00:00.000Z', { year: 2024, month: 3, day: 1 }],
    ['2023-02-28T23:59:59.999Z', { year: 2023, month: 2, day: 28 }],
    ['2023-03-01T00:00:00.000Z', { year: 2023, month: 3, day: 1 }],
    ['2000-02-29T12:00:00.000Z', { year: 2000, month: 2, day: 29 }],
    ['2100-03-01T00:00:00.000Z', { year: 2100, month: 3, day: 1 }],
    ['2025-01-31T23:59:59.999Z', { year: 2025, month: 1, day: 31 }],
    ['2025-02-01T00:00:00.000Z', { year: 2025, month: 2, day: 1 }],
    ['1970-01-01T00:00:00.000Z', { year: 1970, month: 1, day: 1 }],
    ['1969-12-31T23:59:59.999Z', { year: 1969, month: 12, day: 31 }],
  ])('puts %s on %j', (iso, date) => {
    expect(utcDateOf(ms(iso))).toEqual(date);
  });

  it('agrees with Date.getUTC* on 200 000 timestamps from 1900 to 2200 (no local time involved)', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const lo = ms('1900-01-01T00:00:00Z');
    const hi = ms('2200-01-01T00:00:00Z');
    for (let i = 0; i < 200_000; i++) {
      const t = Math.floor(lo + next() * (hi - lo));
      const d = new Date(t);
      const got = utcDateOf(t);
      if (got.year !== d.getUTCFullYear() || got.month !== d.getUTCMonth() + 1 || got.day !== d.getUTCDate()) {
        expect({ t, got }).toEqual({ t, got: { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() } });
      }
    }
  });

  it('rejects non-integer and unsafe timestamps', () => {
    expect(() => utcDateOf(1.5)).toThrow(/safe integer/);
    expect(() => utcDateOf(Number.NaN)).toThrow(/safe integer/);
    expect(() => utcDateOf(2 ** 60)).toThrow(/safe integer/);
  });
});

describe('day numbers and bounds', () => {
  it('round-trips every day from 1960 to 2140', () => {
    const first = dayNumberOfDate({ year: 1960, month: 1, day: 1 });
    const last = dayNumberOfDate({ year: 2140, month: 12, day: 31 });
    for (let n = first; n <= last; n++) expect(dayNumberOfDate(dateOfDayNumber(n))).toBe(n);
  });

  it('gives half-open day bounds that cover exactly one day', () => {
    const bounds = utcDayBounds({ year: 2024, month: 2, day: 29 });
    expect(bounds).toEqual({ startMs: ms('2024-02-29T00:00:00Z'), endMs: ms('2024-03-01T00:00:00Z') });
    expect(bounds.endMs - bounds.startMs).toBe(MS_PER_DAY);
    expect(utcDateOf(bounds.endMs - 1)).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('floors to the day start, also before 1970', () => {
    expect(utcDayStart(ms('2024-06-15T13:45:00.123Z'))).toBe(ms('2024-06-15T00:00:00Z'));
    expect(utcDayStart(ms('1969-12-31T23:00:00Z'))).toBe(ms('1969-12-31T00:00:00Z'));
  });

  it('refuses dates that do not exist', () => {
    expect(() => dayNumberOfDate({ year: 2023, month: 2, day: 29 })).toThrow(/not a calendar date: 2023-2-29/);
    expect(() => utcDayBounds({ year: 2024, month: 13, day: 1 })).toThrow(/not a calendar date/);
    expect(isValidUtcDate({ year: 2024, month: 4, day: 31 })).toBe(false);
  });
});

describe('calendar rules', () => {
  it('knows leap years: divisible by 4, except centuries, except every 400 years', () => {
    expect([1900, 2000, 2023, 2024, 2100, 2400].map(isLeapYear)).toEqual([false, true, false, true, false, true]);
  });

  it('knows month lengths', () => {
    expect(Array.from({ length: 12 }, (_, i) => daysInMonth(2024, i + 1))).toEqual([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(() => daysInMonth(2024, 0)).toThrow(/month/);
  });

  it('formats dates zero-padded for file names', () => {
    expect(formatUtcDate({ year: 2024, month: 1, day: 2 })).toBe('2024-01-02');
  });
});
