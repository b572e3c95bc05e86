/**
 * Timestamp units by magnitude, decided per value. Binance spot data switched from 13-digit milliseconds to
 * 16-digit microseconds on 2025-01-01 while futures stayed in milliseconds, and pandas writes nanoseconds,
 * so one file (even one batch) can mix units. A value's unit is the one unit under which it lands inside the
 * plausible window of D5; the units are 1000x apart and the window is narrower than that, so at most one fits.
 *
 * Non-goal: units declared by a Parquet logical type, which the Parquet source reads from the file's schema.
 */
import { type TimeWindow, TimestampRangeError, type TimestampLocation, floorDiv, plausibleTimeWindow } from '@unified/schemas';

/** Units of integer timestamps since the Unix epoch. */
export const TIMESTAMP_UNITS = ['s', 'ms', 'us', 'ns'] as const;

/** One of {@link TIMESTAMP_UNITS}. */
export type TimestampUnit = (typeof TIMESTAMP_UNITS)[number];

const PER_MS: Readonly<Record<TimestampUnit, bigint>> = { s: 1n, ms: 1n, us: 1000n, ns: 1_000_000n };

/** Milliseconds since the epoch (floored) of an integer timestamp in `unit`. */
export function toEpochMs(value: number | bigint, unit: TimestampUnit): number {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  return Number(unit === 's' ? big * 1000n : floorDiv(big, PER_MS[unit]));
}

/** Microseconds since the epoch (floored) of an integer timestamp in `unit`: the full trade-time precision of D5. */
export function toEpochUs(value: number | bigint, unit: TimestampUnit): bigint {
  const big = typeof value === 'bigint' ? value : BigInt(value);
  if (unit === 's') return big * 1_000_000n;
  if (unit === 'ms') return big * 1000n;
  return unit === 'us' ? big : floorDiv(big, 1000n);
}

/**
 * The unit under which `value` is a plausible time (D5), or `null` when none is: a 10-digit value is seconds,
 * 13 digits milliseconds, 16 microseconds, 19 nanoseconds.
 *
 * @example
 * detectTimestampUnit(1735776000000)    // 'ms'
 * detectTimestampUnit(1735776000000000) // 'us'
 * detectTimestampUnit(1704067)          // null: 1970 in every unit
 */
export function detectTimestampUnit(value: number | bigint, window: TimeWindow = plausibleTimeWindow()): TimestampUnit | null {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) return null;
  for (const unit of TIMESTAMP_UNITS) {
    const ms = toEpochMs(value, unit);
    if (ms >= window.minMs && ms <= window.maxMs) return unit;
  }
  return null;
}

/**
 * The milliseconds a value that fits no unit most likely stands for, for messages: the unit its number of digits
 * suggests (10–11 seconds, 15–16 microseconds, 17 or more nanoseconds, else milliseconds), so that a 16-digit
 * microsecond time of 2101 reads as 2101, not as the year 132970 in milliseconds.
 *
 * @example
 * magnitudeReadingMs(4_133_980_800_276_733) // 4133980800276 (2101-01-01T00:00:00.276Z, as µs)
 * magnitudeReadingMs(1_704_067)             // 1704067 (1970 whatever the unit: read as ms)
 */
export function magnitudeReadingMs(value: number | bigint): number {
  if (typeof value === 'number' && !Number.isFinite(value)) return value;
  const big = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
  const digits = (big < 0n ? -big : big).toString().length;
  if (digits >= 17) return toEpochMs(big, 'ns');
  if (digits >= 15) return toEpochMs(big, 'us');
  if (digits === 10 || digits === 11) return toEpochMs(big, 's');
  return Number(big);
}

/**
 * Milliseconds of `value` after detecting its unit, or a {@link TimestampRangeError} naming file, row, column
 * and value when no unit makes it plausible.
 */
export function plausibleEpochMs(value: number | bigint, location: TimestampLocation = {}, window: TimeWindow = plausibleTimeWindow()): number {
  const unit = detectTimestampUnit(value, window);
  if (unit === null) {
    throw new TimestampRangeError({ timestampMs: magnitudeReadingMs(value), minMs: window.minMs, maxMs: window.maxMs, ...location });
  }
  return toEpochMs(value, unit);
}
