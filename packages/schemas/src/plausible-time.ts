/**
 * The plausible time window of D5, shared by loaders and validator: market data from 2009-01-01 up to two
 * days after now. A converted timestamp outside it means the unit was guessed wrong (ms read as ns lands in
 * 1970, µs read as ms lands in year 57000), so it is refused rather than written.
 */
import { TimestampRangeError, type TimestampLocation } from './errors/timestamp-range-error.js';
import { MS_PER_DAY } from './utc-date.js';

/** First instant of the plausible window: 2009-01-01T00:00:00Z (before any crypto market data). */
export const PLAUSIBLE_START_MS = Date.UTC(2009, 0, 1);

/** How far past "now" a timestamp may lie (clock skew, exchange-published future funding times). */
export const PLAUSIBLE_FUTURE_MARGIN_MS = 2 * MS_PER_DAY;

/** An inclusive millisecond range. */
export interface TimeWindow {
  readonly minMs: number;
  readonly maxMs: number;
}

/** The plausible window at time `nowMs`: `[2009-01-01, now + 2 days]`. @param nowMs @default Date.now() */
export function plausibleTimeWindow(nowMs: number = Date.now()): TimeWindow {
  return { minMs: PLAUSIBLE_START_MS, maxMs: nowMs + PLAUSIBLE_FUTURE_MARGIN_MS };
}

/** Whether `timestampMs` lies inside `window` (default: the plausible window now). */
export function isPlausibleTimestamp(timestampMs: number, window: TimeWindow = plausibleTimeWindow()): boolean {
  return timestampMs >= window.minMs && timestampMs <= window.maxMs;
}

/** Options of {@link assertPlausibleTimestamp}: where the value came from, for the error message. */
export interface AssertPlausibleOptions extends TimestampLocation {
  /** The window to check against. @default plausibleTimeWindow() */
  readonly window?: TimeWindow;
}

/**
 * Throws a {@link TimestampRangeError} naming file, row, column and value when `timestampMs` is outside the
 * plausible window.
 *
 * @example
 * assertPlausibleTimestamp(ms, { path: 'klines.csv', row: 12, column: 'open_time' });
 */
export function assertPlausibleTimestamp(timestampMs: number, options: AssertPlausibleOptions = {}): void {
  const { window = plausibleTimeWindow(), ...location } = options;
  if (!isPlausibleTimestamp(timestampMs, window)) {
    throw new TimestampRangeError({ timestampMs, minMs: window.minMs, maxMs: window.maxMs, ...location });
  }
}
