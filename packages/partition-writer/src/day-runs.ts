/**
 * Splits a column of millisecond timestamps into runs of consecutive rows on the same UTC day. Time-ordered
 * input yields one run per day, so the writer can stream it straight into day partitions; unordered or
 * day-interleaved input yields more runs than days, which tells the writer to spill and sort instead (D7).
 */
import { MS_PER_DAY, int64ToNumbers } from '@unified/schemas';

/** Rows `start` (inclusive) to `end` (exclusive) all fall on UTC day `dayNumber` (days since 1970-01-01). */
export interface DayRun {
  readonly dayNumber: number;
  readonly start: number;
  readonly end: number;
}

/**
 * The maximal runs of same-day rows, in row order. A day boundary costs one division; rows inside a run cost
 * two comparisons. Timestamps may be given as numbers (exact below 2^53) or int64 values.
 *
 * @example
 * dayRuns(BigInt64Array.of(1704153599999n, 1704153600000n)) // [{ dayNumber: 19723, start: 0, end: 1 }, { dayNumber: 19724, start: 1, end: 2 }]
 */
export function dayRuns(timestampsMs: BigInt64Array | Float64Array): DayRun[] {
  const times = timestampsMs instanceof BigInt64Array ? int64ToNumbers(timestampsMs) : timestampsMs;
  const runs: DayRun[] = [];
  if (times.length === 0) return runs;
  let day = Math.floor(times[0]! / MS_PER_DAY);
  let lo = day * MS_PER_DAY;
  let hi = lo + MS_PER_DAY;
  let start = 0;
  for (let i = 1; i < times.length; i++) {
    const t = times[i]!;
    if (t >= lo && t < hi) continue;
    runs.push({ dayNumber: day, start, end: i });
    day = Math.floor(t / MS_PER_DAY);
    lo = day * MS_PER_DAY;
    hi = lo + MS_PER_DAY;
    start = i;
  }
  runs.push({ dayNumber: day, start, end: times.length });
  return runs;
}
