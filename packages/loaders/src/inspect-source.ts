/**
 * `inspectSource(path)`: reads a whole source and says what the loader sees — data type, format, column
 * mapping, timestamp unit, row count, time range, order — without writing anything. Backs `unified inspect`.
 */
import type * as arrow from 'apache-arrow';
import { TIMEFRAMES, TIMEFRAME_DURATION_MS, type Timeframe, isTimeframe } from '@unified/schemas';
import { openSource } from './open-source.js';
import { sourceNameHint } from './source-name-hints.js';
import type { SourceDescription, SourceOptions } from './source-types.js';
import type { TimeEncoding } from './column-conversion.js';
import { basename } from 'node:path';

/** How the source wrote its times, in one word: an integer unit, `mixed` (e.g. ms and µs), or `datetime` text. */
export type InspectedTimestampUnit = 's' | 'ms' | 'us' | 'ns' | 'mixed' | 'datetime' | 'none';

/** What {@link inspectSource} found. Timestamps are epoch milliseconds (UTC); `null` when the source has no rows. */
export interface SourceInspection extends SourceDescription {
  readonly rows: number;
  readonly rowsSkipped: number;
  readonly badRows: readonly string[];
  readonly timestampUnit: InspectedTimestampUnit;
  readonly timeEncodings: readonly TimeEncoding[];
  readonly minTimestamp: number | null;
  readonly maxTimestamp: number | null;
  readonly firstTimestamp: number | null;
  readonly lastTimestamp: number | null;
  /** Whether timestamps never decrease in file order. */
  readonly sorted: boolean;
  /** Klines interval: from close_time − open time + 1, else the smallest step of a sorted file, else the file name. */
  readonly timeframe?: Timeframe;
  /** Symbol of a source with a symbol column or a Binance archive name. */
  readonly symbol?: string;
}

function unitOf(encodings: readonly TimeEncoding[]): InspectedTimestampUnit {
  const units = new Set(encodings.map((e) => (e === 'datetime-text' || e === 'date' ? 'datetime' : e.replace(/^timestamp\[(\w+)\]$/u, '$1'))));
  if (units.size === 0) return 'none';
  if (units.size > 1) return 'mixed';
  return [...units][0] as InspectedTimestampUnit;
}

const BY_DURATION = new Map<number, Timeframe>(TIMEFRAMES.filter((t) => t !== '1M').map((t) => [TIMEFRAME_DURATION_MS[t], t]));

// The interval of klines: from close_time - open_time + 1 (what the exchange says), else from the smallest step
// between candles of a sorted file, else from the file name.
function klineTimeframe(candleMs: number | undefined, minStep: number | undefined, named: string | undefined): Timeframe | undefined {
  const fromClose = candleMs === undefined ? undefined : BY_DURATION.get(candleMs);
  if (fromClose !== undefined) return fromClose;
  const fromStep = minStep === undefined ? undefined : BY_DURATION.get(minStep);
  if (fromStep !== undefined) return fromStep;
  return isTimeframe(named) ? named : undefined;
}

/**
 * Reads `path` to the end and reports what the loader sees.
 *
 * @example
 * const report = await inspectSource('BTCUSDT-1m-2025-01-02.zip');
 * console.log(report.kind, report.rows, report.timestampUnit); // klines 1440 us
 */
export async function inspectSource(path: string, options: SourceOptions = {}): Promise<SourceInspection> {
  const source = openSource(path, options);
  const description = await source.describe();
  let min = Infinity;
  let max = -Infinity;
  let first: number | null = null;
  let previous = -Infinity;
  let sorted = true;
  let minStep = Infinity;
  let candleMs: number | undefined;
  for await (const batch of source as AsyncIterable<arrow.RecordBatch>) {
    const times = batch.getChild('timestamp')!.data[0]!.values as BigInt64Array;
    const close = description.kind === 'klines' ? batch.getChild('close_time') : null;
    if (candleMs === undefined && close !== null && batch.numRows > 0 && close.isValid(0)) candleMs = Number(close.get(0)) - Number(times[0]) + 1;
    for (const value of times) {
      const ms = Number(value);
      first ??= ms;
      if (ms < previous) sorted = false;
      else if (ms > previous && ms - previous < minStep) minStep = ms - previous;
      previous = ms;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    }
  }
  const summary = source.summary!;
  const hint = sourceNameHint(basename(description.member ?? path));
  const timeframe = description.kind === 'klines' ? klineTimeframe(candleMs, sorted ? minStep : undefined, hint?.timeframe) : undefined;
  const symbol = summary.symbol ?? hint?.symbol?.toUpperCase();
  const rows = summary.rowsLoaded;
  return {
    ...description,
    warnings: [...description.warnings, ...summary.warnings],
    rows,
    rowsSkipped: summary.rowsSkipped,
    badRows: summary.badRows,
    timestampUnit: unitOf(summary.timeEncodings),
    timeEncodings: summary.timeEncodings,
    minTimestamp: rows === 0 ? null : min,
    maxTimestamp: rows === 0 ? null : max,
    firstTimestamp: first,
    lastTimestamp: rows === 0 ? null : previous,
    sorted,
    ...(timeframe === undefined ? {} : { timeframe }),
    ...(symbol === undefined ? {} : { symbol }),
  };
}
