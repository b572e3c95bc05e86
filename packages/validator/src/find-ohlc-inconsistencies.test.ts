import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { describe, expect, it } from 'vitest';
import { findOhlcInconsistencies } from './find-ohlc-inconsistencies.js';
import { VALIDATION_CHECKS, severityOf } from './validation-checks.js';

describe('findOhlcInconsistencies', () => {
  it('finds each planted defect and nothing else', () => {
    const columns = {
      open: [10, 10, 10, 10, 10],
      high: [12, 12, 9.5, 12, 10],
      low: [9, 10.5, 9, 13, 10],
      close: [11, 11, 9.8, 11, 10],
    };
    expect(findOhlcInconsistencies(columns)).toEqual([
      { row: 1, rule: 'low_above_open_or_close', open: 10, high: 12, low: 10.5, close: 11 },
      { row: 2, rule: 'high_below_open_or_close', open: 10, high: 9.5, low: 9, close: 9.8 },
      { row: 3, rule: 'low_above_high', open: 10, high: 12, low: 13, close: 11 },
    ]);
  });

  it('accepts flat candles and typed-array columns', () => {
    const flat = Float64Array.of(42_000.5);
    expect(findOhlcInconsistencies({ open: flat, high: flat, low: flat, close: flat })).toEqual([]);
  });
});

describe('validation checks', () => {
  it('fail on errors and warn on gaps, raising warnings under strict', () => {
    expect(severityOf('ohlc_inconsistent')).toBe('error');
    expect(severityOf('kline_gap')).toBe('warning');
    expect(severityOf('kline_gap', true)).toBe('error');
    expect(Object.keys(VALIDATION_CHECKS).filter((code) => VALIDATION_CHECKS[code as keyof typeof VALIDATION_CHECKS].severity === 'warning')).toEqual([
      'kline_gap',
      'kline_misaligned',
      'trade_id_gap',
      'funding_irregular',
      'stray_file',
    ]);
  });
});

describeWithRealFixtures('OHLC consistency of real Binance klines', (fixtures) => {
  it.each(['klines/futures_um/ALGOUSDT-1m-2023-02.csv', 'klines/futures_um/NEARUSDT-1m-2025-02.csv', 'klines/spot/BTCUSDT-1m-2025-01-02.csv'])(
    '%s is consistent',
    (file) => {
      // Archive CSVs of plain decimals without quoting: columns by position (open, high, low, close = 1..4).
      const rows = readFileSync(join(fixtures, file), 'utf8').trim().split('\n').filter((line) => /^\d/u.test(line)).map((line) => line.split(',').map(Number));
      const column = (i: number): number[] => rows.map((r) => r[i]!);
      expect(rows.length).toBeGreaterThan(1000);
      expect(findOhlcInconsistencies({ open: column(1), high: column(2), low: column(3), close: column(4) })).toEqual([]);
    },
  );
});
