import { dayNumberOfDate } from '@unified/schemas';
import { describe, expect, it } from 'vitest';
import { dayRuns } from './day-runs.js';

const at = (iso: string): bigint => BigInt(Date.parse(iso));
const day = (year: number, month: number, d: number): number => dayNumberOfDate({ year, month, day: d });

describe('dayRuns', () => {
  it('gives one run per day for time-ordered rows across month, leap-day and year boundaries', () => {
    const ts = BigInt64Array.of(
      at('2024-02-28T23:59:59.999Z'),
      at('2024-02-29T00:00:00.000Z'),
      at('2024-02-29T23:59:59.999Z'),
      at('2024-03-01T00:00:00.000Z'),
      at('2024-12-31T23:59:59.999Z'),
      at('2025-01-01T00:00:00.000Z'),
      at('2025-01-01T00:00:00.000Z'),
    );
    expect(dayRuns(ts)).toEqual([
      { dayNumber: day(2024, 2, 28), start: 0, end: 1 },
      { dayNumber: day(2024, 2, 29), start: 1, end: 3 },
      { dayNumber: day(2024, 3, 1), start: 3, end: 4 },
      { dayNumber: day(2024, 12, 31), start: 4, end: 5 },
      { dayNumber: day(2025, 1, 1), start: 5, end: 7 },
    ]);
  });

  it('gives more runs than days for day-interleaved rows, so the writer knows to sort', () => {
    const ts = BigInt64Array.of(at('2024-01-02T10:00:00Z'), at('2024-01-01T10:00:00Z'), at('2024-01-02T11:00:00Z'));
    expect(dayRuns(ts).map((r) => r.dayNumber)).toEqual([day(2024, 1, 2), day(2024, 1, 1), day(2024, 1, 2)]);
  });

  it('keeps unsorted rows of one day in one run', () => {
    const ts = BigInt64Array.of(at('2024-01-01T12:00:00Z'), at('2024-01-01T01:00:00Z'), at('2024-01-01T23:00:00Z'));
    expect(dayRuns(ts)).toEqual([{ dayNumber: day(2024, 1, 1), start: 0, end: 3 }]);
  });

  it('handles empty input and times before 1970', () => {
    expect(dayRuns(new BigInt64Array(0))).toEqual([]);
    expect(dayRuns(BigInt64Array.of(-1n, 0n))).toEqual([
      { dayNumber: -1, start: 0, end: 1 },
      { dayNumber: 0, start: 1, end: 2 },
    ]);
  });
});
