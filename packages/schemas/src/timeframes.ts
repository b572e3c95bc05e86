/**
 * Kline timeframes as Binance and ccxt name them, with their durations. All but `1M` have a fixed length;
 * `1M` is a calendar month (28-31 days), so its candle boundaries come from UTC date arithmetic.
 */
import { UnifiedError } from './errors/unified-error.js';
import { MS_PER_DAY, dayNumberOfDate, utcDateOf } from './utc-date.js';

/** Supported timeframes, shortest first. Case matters: `1m` is a minute, `1M` a month. */
export const TIMEFRAMES = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;

/** One of {@link TIMEFRAMES}. */
export type Timeframe = (typeof TIMEFRAMES)[number];

/** The seed's base timeframe; aggtrades and futures rows carry it in their `timeframe` column (D1). */
export const BASE_TIMEFRAME = '1m' satisfies Timeframe;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Duration in milliseconds of every fixed-length timeframe. */
export const TIMEFRAME_DURATION_MS: Readonly<Record<Exclude<Timeframe, '1M'>, number>> = Object.freeze({
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': MS_PER_DAY,
  '3d': 3 * MS_PER_DAY,
  '1w': 7 * MS_PER_DAY,
});

/** Whether `value` is a supported {@link Timeframe} (case-sensitive). */
export function isTimeframe(value: unknown): value is Timeframe {
  return typeof value === 'string' && (TIMEFRAMES as readonly string[]).includes(value);
}

/** Duration of `timeframe` in ms, or `null` for `1M`, whose length depends on the month. */
export function timeframeDurationMs(timeframe: Timeframe): number | null {
  return timeframe === '1M' ? null : TIMEFRAME_DURATION_MS[timeframe];
}

/**
 * Open time of the candle after the one opening at `openTimeMs`. For `1M` that is the first day of the next
 * UTC month, which requires `openTimeMs` to be the first instant of a month.
 */
export function nextCandleOpenTime(timeframe: Timeframe, openTimeMs: number): number {
  if (timeframe !== '1M') return openTimeMs + TIMEFRAME_DURATION_MS[timeframe];
  const { year, month, day } = utcDateOf(openTimeMs);
  if (day !== 1 || openTimeMs % MS_PER_DAY !== 0) {
    throw new UnifiedError({
      code: 'INVALID_ARGUMENT',
      message: `a 1M candle must open at 00:00 UTC on the 1st of a month, got ${new Date(openTimeMs).toISOString()}`,
    });
  }
  const next = month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 };
  return dayNumberOfDate(next) * MS_PER_DAY;
}

/** Close time of the candle opening at `openTimeMs`, as Binance reports it: next open time - 1 ms. */
export function candleCloseTime(timeframe: Timeframe, openTimeMs: number): number {
  return nextCandleOpenTime(timeframe, openTimeMs) - 1;
}
