/**
 * What `unified info` prints for people: a table of the datasets with their range, day partitions, missing days
 * and size, ending with the next step; or, with --quiet, one line per dataset.
 */
import { relative } from 'node:path';
import { type DatasetInfo, type DayRange, dateOfDayNumber, formatUtcDate } from '@unified/core';
import { formatBytes, formatCount, formatUtc, renderTable } from '../format.js';

/** Missing-day ranges the table shows per dataset. */
const SHOWN_RANGES = 3;

const day = (dayNumber: number): string => formatUtcDate(dateOfDayNumber(dayNumber));

/** `2024-01-05` for one day, `2024-01-05..2024-01-07` for several. */
export function formatDayRange({ first, last }: DayRange): string {
  return first === last ? day(first) : `${day(first)}..${day(last)}`;
}

/** The first {@link SHOWN_RANGES} ranges, then `…` when there are more. */
function rangesText(ranges: readonly DayRange[]): string {
  const shown = ranges.slice(0, SHOWN_RANGES).map(formatDayRange);
  return [...shown, ...(ranges.length > SHOWN_RANGES ? ['…'] : [])].join(', ');
}

const time = (ms: number | null): string => (ms === null ? '' : formatUtc(ms).slice(0, 19));

const plural = (n: number, noun: string): string => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

/** A path relative to `cwd` when inside it, else absolute. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** `-q`: one line per dataset. */
export function formatInfoLines(datasets: readonly DatasetInfo[], cwd: string): string {
  return datasets
    .map((d) => {
      const range = d.minTimestamp === null || d.maxTimestamp === null ? 'no data' : `${time(d.minTimestamp)} .. ${time(d.maxTimestamp)} UTC`;
      const missing = d.missingDays === null ? 'missing days unknown' : `${formatCount(d.missingDays)} missing`;
      return `${shown(d.path, cwd)}: ${plural(d.rows, 'row')}, ${range}, ${plural(d.partitions, 'day')}, ${missing}, ${formatBytes(d.bytes)}\n`;
    })
    .join('');
}

/** A heading with the totals, the table (with the first missing-day ranges when there are any), and what to do next. */
export function formatInfoReport(datasets: readonly DatasetInfo[], options: { readonly cwd: string; readonly unifiedDir: string; readonly dataDir: string }): string {
  const withGaps = datasets.filter((d) => d.missingRanges.length > 0);
  const header = ['type', 'exchange', 'symbol', 'timeframe', 'rows', 'first (UTC)', 'last (UTC)', 'days', 'missing', 'size'];
  const align = ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'right', 'right'] as const;
  const rows = datasets.map((d) => [
    d.type,
    d.exchange,
    d.symbol,
    d.timeframe ?? '',
    formatCount(d.rows),
    time(d.minTimestamp),
    time(d.maxTimestamp),
    formatCount(d.partitions),
    d.missingDays === null ? '?' : formatCount(d.missingDays),
    formatBytes(d.bytes),
    ...(withGaps.length > 0 ? [rangesText(d.missingRanges)] : []),
  ]);
  const table = withGaps.length > 0 ? renderTable([...header, 'missing days'], rows, [...align, 'left']) : renderTable(header, rows, align);
  const rowsTotal = datasets.reduce((n, d) => n + d.rows, 0);
  const bytesTotal = datasets.reduce((n, d) => n + d.bytes, 0);
  const lines = [`${plural(datasets.length, 'dataset')} in ${options.unifiedDir}: ${plural(rowsTotal, 'row')}, ${formatBytes(bytesTotal)}`, '', table, ''];
  const gap = withGaps[0];
  if (gap !== undefined) {
    const timeframe = gap.timeframe === null || gap.timeframe === '1m' ? '' : ` --timeframe ${gap.timeframe}`;
    lines.push(
      `Missing days are UTC days inside a dataset's range without a partition. To fill them, add their sources and run: unified convert --data-dir ${options.dataDir} --exchange ${gap.exchange} --symbol ${gap.symbol}${timeframe}`,
    );
  }
  // Datasets come in order, klines first.
  const example = datasets[0];
  if (example !== undefined) {
    lines.push(`Read one: unified query ${shown(example.path, options.cwd)} --limit 5 (or any Hive-aware reader, e.g. DuckDB's read_parquet('${shown(example.path, options.cwd)}/**/*.parquet', hive_partitioning = true))`);
  }
  return `${lines.join('\n')}\n`;
}
