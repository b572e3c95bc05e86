import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TimestampRangeError, plausibleTimeWindow, utcDateOf } from '@unified/schemas';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { describe, expect, it } from 'vitest';
import { detectTimestampUnit, plausibleEpochMs, toEpochMs, toEpochUs } from './timestamp-unit.js';

const window = plausibleTimeWindow(Date.UTC(2026, 10, 24));

describe('detectTimestampUnit', () => {
  it.each([
    [1_735_776_000, 's'],
    [1_735_776_000_000, 'ms'],
    [1_735_776_000_000_000, 'us'],
    [1_735_776_000_000_000_000n, 'ns'],
    [1_230_768_000_000, 'ms'], // 2009-01-01, the first plausible instant
  ] as const)('reads %s as %s', (value, unit) => {
    expect(detectTimestampUnit(value, window)).toBe(unit);
  });

  it('refuses values that are implausible in every unit', () => {
    expect(detectTimestampUnit(1_704_067, window)).toBeNull(); // 1970 whatever the unit
    expect(detectTimestampUnit(1_230_767_999_999, window)).toBeNull(); // 1 ms before 2009
    expect(detectTimestampUnit(-1_735_776_000_000, window)).toBeNull();
    expect(detectTimestampUnit(4_102_444_800_000, window)).toBeNull(); // 2100: past now + 2 days
  });

  it('refuses non-integers and unsafe numbers (nanoseconds must come as bigint)', () => {
    expect(detectTimestampUnit(1_735_776_000_000.5, window)).toBeNull();
    expect(detectTimestampUnit(1_735_776_000_000_000_000, window)).toBeNull();
  });
});

describe('conversions', () => {
  it('floors to milliseconds and microseconds, also before 1970', () => {
    expect(toEpochMs(1_767_225_600_039_409, 'us')).toBe(1_767_225_600_039);
    expect(toEpochUs(1_767_225_600_039_409_123n, 'ns')).toBe(1_767_225_600_039_409n);
    expect(toEpochUs(1_767_225_600_039, 'ms')).toBe(1_767_225_600_039_000n);
    expect(toEpochMs(-1_500n, 'us')).toBe(-2);
    expect(toEpochMs(1_735_776_000, 's')).toBe(1_735_776_000_000);
  });

  it('names file, row and column when no unit fits', () => {
    let caught: unknown;
    try {
      plausibleEpochMs(1_704_067, { path: 'aggtrades.csv', row: 7, column: 'transact_time' }, window);
    } catch (error) {
      caught = error;
    }
    expect(TimestampRangeError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^aggtrades\.csv:7: column "transact_time" 1704067 \(1970-01-01T00:28:24\.067Z\)/u);
  });

  it('shows a value that fits no unit in the unit its digits suggest', () => {
    expect(() => plausibleEpochMs(4_133_980_800_276_733, {}, window)).toThrow(/4133980800276 \(2101-01-01T00:00:00\.276Z\)/u);
    expect(() => plausibleEpochMs(4_133_980_800_276_733_000n, {}, window)).toThrow(/4133980800276 \(2101-01-01T00:00:00\.276Z\)/u);
    expect(() => plausibleEpochMs(4_133_980_800, {}, window)).toThrow(/4133980800000 \(2101-01-01T00:00:00\.000Z\)/u);
  });
});

describeWithRealFixtures('units of real Binance files', (fixtures) => {
  // First column of archive CSVs without quoting: reading it by position is safe for these files.
  const firstColumn = (file: string, column = 0): string[] =>
    readFileSync(join(fixtures, file), 'utf8')
      .trim()
      .split('\n')
      .filter((line) => /^\d/u.test(line))
      .map((line) => line.split(',')[column]!);

  it('reads the spot µs file and the futures ms file of 2025-01-02 onto the same minutes', () => {
    const spot = firstColumn('klines/spot/BTCUSDT-1m-2025-01-02.csv');
    const futures = firstColumn('klines/futures_um/BTCUSDT-1m-2025-01-02.csv');
    expect(spot.map((v) => detectTimestampUnit(BigInt(v), window))).toEqual(spot.map(() => 'us'));
    expect(futures.map((v) => detectTimestampUnit(BigInt(v), window))).toEqual(futures.map(() => 'ms'));
    const spotMs = spot.map((v) => plausibleEpochMs(BigInt(v), {}, window));
    expect(spotMs).toEqual(futures.map((v) => plausibleEpochMs(BigInt(v), {}, window)));
    expect(new Set(spotMs.map((ms) => JSON.stringify(utcDateOf(ms))))).toEqual(new Set([JSON.stringify({ year: 2025, month: 1, day: 2 })]));
  });

  it('reads the last ms-era spot day and sub-millisecond spot trades', () => {
    expect(firstColumn('klines/spot/BTCUSDT-1m-2024-12-31.head32.csv').every((v) => detectTimestampUnit(BigInt(v), window) === 'ms')).toBe(true);
    const trades = firstColumn('aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv', 5);
    expect(trades.every((v) => detectTimestampUnit(BigInt(v), window) === 'us')).toBe(true);
    expect(toEpochUs(BigInt(trades[0]!), 'us')).toBe(1_767_225_600_039_409n);
  });
});
