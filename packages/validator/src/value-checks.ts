/**
 * The checks that need one row at a time, on a canonical record batch: `negative_value`, `ohlc_inconsistent`
 * and `kline_misaligned`. Cheap enough to run on the converter's stream, and run again on every file by the
 * dataset validation.
 */
import type * as arrow from 'apache-arrow';
import { type DataKind, MS_PER_DAY, type Timeframe, candleCloseTime, nextNegativeInt64, timeframeDurationMs, utcDateOf } from '@unified/schemas';
import { int64Column, numberColumn } from './column-values.js';
import { findOhlcInconsistencies } from './find-ohlc-inconsistencies.js';
import { KIND_RULES } from './kind-rules.js';

/** A row-level finding, `row` relative to the batch. */
export type ValueFinding =
  | { readonly code: 'negative_value'; readonly row: number; readonly column: string; readonly value: number }
  | {
      readonly code: 'ohlc_inconsistent';
      readonly row: number;
      readonly rule: 'low_above_high' | 'low_above_open_or_close' | 'high_below_open_or_close';
      readonly open: number;
      readonly high: number;
      readonly low: number;
      readonly close: number;
    }
  | { readonly code: 'kline_misaligned'; readonly row: number; readonly column: 'timestamp' | 'close_time'; readonly timestamp: number; readonly expected: number; readonly actual: number };

// Binance weeks open on Monday 00:00 UTC; 1970-01-01 was a Thursday.
const WEEK_OFFSET_MS = 4 * MS_PER_DAY;

/**
 * The open time of the candle of `timeframe` holding `ms` (its grid point at or before `ms`): weeks open on
 * Monday 00:00 UTC, months on the 1st; for `3d`, whose phase Binance does not document, the start of the UTC day.
 */
export function candleOpenTime(timeframe: Timeframe, ms: number): number {
  const duration = timeframeDurationMs(timeframe);
  if (duration === null) {
    const { year, month } = utcDateOf(ms);
    return Date.UTC(year, month - 1, 1);
  }
  // Weeks open on Monday. The phase of Binance's 3-day candles is not documented: only the day is checked.
  const step = timeframe === '3d' ? MS_PER_DAY : duration;
  const offset = timeframe === '1w' ? WEEK_OFFSET_MS : 0;
  return Math.floor((ms - offset) / step) * step + offset;
}

/**
 * Calls `found` for each row of `batch` that breaks a value rule of `kind`: a negative or non-finite number, an
 * inconsistent candle, a candle off the `timeframe` grid (klines, when the timeframe is known).
 */
export function checkValues(batch: arrow.RecordBatch, kind: DataKind, timeframe: Timeframe | undefined, found: (finding: ValueFinding) => void): void {
  const rules = KIND_RULES[kind];
  const finite = new Set(rules.finite);
  for (const name of new Set([...rules.nonNegative, ...rules.finite])) {
    const mayBeNegative = !rules.nonNegative.includes(name);
    const mustBeFinite = finite.has(name);
    const integers = int64Column(batch, name);
    if (integers !== undefined) {
      // Integers (ids, times) are finite; a negative one is found by its sign word, no value is converted.
      if (mayBeNegative) continue;
      const { values, valid } = integers;
      for (let row = nextNegativeInt64(values); row >= 0; row = nextNegativeInt64(values, row + 1)) {
        if (valid === undefined || valid(row)) found({ code: 'negative_value', row, column: name, value: Number(values[row]!) });
      }
      continue;
    }
    const column = numberColumn(batch, name);
    if (column === undefined) continue;
    const { values, valid } = column;
    for (let row = 0; row < values.length; row++) {
      const value = values[row]!;
      // `value >= 0` is false for NaN: one comparison covers the common case.
      if (value >= 0 && value !== Infinity) continue;
      const bad = (mustBeFinite && !Number.isFinite(value)) || (value < 0 && !mayBeNegative);
      if (!bad || (valid !== undefined && !valid(row))) continue;
      found({ code: 'negative_value', row, column: name, value });
    }
  }
  if (kind !== 'klines') return;
  const prices = (['open', 'high', 'low', 'close'] as const).map((name) => numberColumn(batch, name));
  const [open, high, low, close] = prices.map((p) => p?.values);
  if (open !== undefined && high !== undefined && low !== undefined && close !== undefined) {
    // A null price is a schema issue; its slot holds no price.
    const valid = (row: number): boolean => prices.every((p) => p?.valid === undefined || p.valid(row));
    for (const bad of findOhlcInconsistencies({ open, high, low, close })) if (valid(bad.row)) found({ code: 'ohlc_inconsistent', ...bad });
  }
  if (timeframe === undefined) return;
  const timestampColumn = numberColumn(batch, 'timestamp');
  if (timestampColumn === undefined) return;
  const timestamps = timestampColumn.values;
  const closeTimes = numberColumn(batch, 'close_time');
  for (let row = 0; row < timestamps.length; row++) {
    if (timestampColumn.valid !== undefined && !timestampColumn.valid(row)) continue;
    const ts = timestamps[row]!;
    const expectedOpen = candleOpenTime(timeframe, ts);
    if (expectedOpen !== ts) {
      found({ code: 'kline_misaligned', row, column: 'timestamp', timestamp: ts, expected: expectedOpen, actual: ts });
      continue;
    }
    if (closeTimes === undefined || (closeTimes.valid !== undefined && !closeTimes.valid(row))) continue;
    const expectedClose = candleCloseTime(timeframe, ts);
    const actual = closeTimes.values[row]!;
    if (actual !== expectedClose) found({ code: 'kline_misaligned', row, column: 'close_time', timestamp: ts, expected: expectedClose, actual });
  }
}
