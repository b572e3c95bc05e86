/**
 * Splits a column of millisecond timestamps into runs of consecutive rows on the same UTC day. Time-ordered
 * input yields one run per day, so the writer can stream it straight into day partitions; unordered or
 * day-interleaved input yields more runs than days, which tells the writer to spill and sort instead (D7).
 */
import { MS_PER_DAY, floorDiv } from '@unified/schemas';

/** Rows `start` (inclusive) to `end` (exclusive) all fall on UTC day `dayNumber` (days since 1970-01-01). */
export interface DayRun {
  readonly dayNumber: number;
  readonly start: number;
  readonly end: number;
}

const DAY = BigInt(MS_PER_DAY);

const dayOf = (ms: bigint): bigint => floorDiv(ms, DAY);

/**
 * The maximal runs of same-day rows, in row order. A day boundary costs one division; rows inside a run cost
 * two comparisons.
 *
 * @example
 * dayRuns(BigInt64Array.of(1704153599999n, 1704153600000n)) // [{ dayNumber: 19723, start: 0, end: 1 }, { dayNumber: 19724, start: 1, end: 2 }]
 */
export function dayRuns(timestampsMs: BigInt64Array): DayRun[] {
  const runs: DayRun[] = [];
  if (timestampsMs.length === 0) return runs;
  let day = dayOf(timestampsMs[0]!);
  let lo = day * DAY;
  let hi = lo + DAY;
  let start = 0;
  for (let i = 1; i < timestampsMs.length; i++) {
    const t = timestampsMs[i]!;
    if (t >= lo && t < hi) continue;
    runs.push({ dayNumber: Number(day), start, end: i });
    day = dayOf(t);
    lo = day * DAY;
    hi = lo + DAY;
    start = i;
  }
  runs.push({ dayNumber: Number(day), start, end: timestampsMs.length });
  return runs;
}
