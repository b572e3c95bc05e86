import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { describe, expect, it } from 'vitest';
import { TIMEFRAMES, candleCloseTime, isTimeframe, nextCandleOpenTime, timeframeDurationMs } from './timeframes.js';

describe('timeframes', () => {
  it('lists the supported timeframes shortest first with their durations', () => {
    expect(TIMEFRAMES.join(' ')).toBe('1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w 1M');
    const durations = TIMEFRAMES.map(timeframeDurationMs);
    expect(durations.slice(0, 3)).toEqual([1000, 60_000, 180_000]);
    expect(timeframeDurationMs('12h')).toBe(43_200_000);
    expect(timeframeDurationMs('1w')).toBe(604_800_000);
    expect(timeframeDurationMs('1M')).toBeNull();
    const fixed = durations.filter((d): d is number => d !== null);
    expect(fixed).toEqual([...fixed].sort((a, b) => a - b));
  });

  it('is case-sensitive', () => {
    expect(isTimeframe('1M')).toBe(true);
    expect(isTimeframe('1H')).toBe(false);
  });

  it('closes a candle 1 ms before the next one opens', () => {
    expect(candleCloseTime('1m', Date.UTC(2024, 0, 1))).toBe(Date.UTC(2024, 0, 1, 0, 0, 59, 999));
    expect(candleCloseTime('1d', Date.UTC(2024, 1, 28))).toBe(Date.UTC(2024, 1, 28, 23, 59, 59, 999));
  });

  it('steps calendar months for 1M, including leap February and December', () => {
    expect(candleCloseTime('1M', Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(candleCloseTime('1M', Date.UTC(2023, 1, 1))).toBe(Date.UTC(2023, 1, 28, 23, 59, 59, 999));
    expect(nextCandleOpenTime('1M', Date.UTC(2024, 11, 1))).toBe(Date.UTC(2025, 0, 1));
    expect(() => nextCandleOpenTime('1M', Date.UTC(2024, 11, 2))).toThrow(/1st of a month/);
  });
});

describeWithRealFixtures('timeframes on real Binance klines', (fixtures) => {
  // These archive CSVs hold plain integers and decimals, no quoting: reading two columns by position is safe here.
  const files = [
    ['klines/futures_um/BTCUSDT-1m-2025-01-02.csv', '1m', 1],
    ['klines/futures_um/ALGOUSDT-1m-2023-02.csv', '1m', 1],
    ['klines/spot/ADABTC-1m-2021-11-27.csv', '1m', 1],
    ['klines/spot/BTCUSDT-1m-2025-01-02.csv', '1m', 1000],
  ] as const;

  it.each(files)('%s: every close_time is candleCloseTime(open_time)', (file, timeframe, unitsPerMs) => {
    const lines = readFileSync(join(fixtures, file), 'utf8').trim().split('\n');
    const dataLines = lines.filter((line) => /^\d/u.test(line));
    expect(dataLines.length).toBeGreaterThan(0);
    for (const line of dataLines) {
      const [open, , , , , , close] = line.split(',');
      // µs files close at ...999999: the last microsecond, which floors to the last millisecond.
      const openMs = Number(open) / unitsPerMs;
      const closeMs = Math.floor(Number(close) / unitsPerMs);
      expect(closeMs).toBe(candleCloseTime(timeframe, openMs));
    }
  });
});
