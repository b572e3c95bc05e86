import type * as arrow from 'apache-arrow';
import { floorDiv } from '@unified/schemas';
import { int64Data, timestampNsData } from './arrow-columns.js';

/**
 * How sample files store times, covering what real pipelines write:
 * - `ms`: integer milliseconds (the Python pipeline's consolidated files; the case it misread as nanoseconds),
 * - `us`: integer microseconds (Binance spot archives since 2025-01-01),
 * - `datetime`: tz-aware UTC datetimes at nanosecond resolution (pandas `to_parquet`), ISO text in CSV.
 */
export type SampleTimestampEncoding = 'ms' | 'us' | 'datetime';

/** Timestamp encodings, for argument checking. */
export const SAMPLE_TIMESTAMP_ENCODINGS: readonly SampleTimestampEncoding[] = ['ms', 'us', 'datetime'];

/** A time column from integer microseconds since the epoch, in the given encoding. */
export function timestampColumn(microseconds: Float64Array, encoding: SampleTimestampEncoding): arrow.Data {
  const out = new BigInt64Array(microseconds.length);
  if (encoding === 'ms') for (let i = 0; i < out.length; i++) out[i] = BigInt(Math.floor(microseconds[i]! / 1000));
  else if (encoding === 'us') for (let i = 0; i < out.length; i++) out[i] = BigInt(microseconds[i]!);
  else for (let i = 0; i < out.length; i++) out[i] = BigInt(microseconds[i]!) * 1000n;
  return encoding === 'datetime' ? timestampNsData(out) : int64Data(out);
}

/** Milliseconds since the epoch of a stored time value. */
export function storedTimeToMs(value: bigint, encoding: SampleTimestampEncoding): number {
  return Number(floorDiv(value, encoding === 'ms' ? 1n : encoding === 'us' ? 1000n : 1_000_000n));
}
