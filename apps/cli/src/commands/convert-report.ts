/**
 * What `unified convert` tells people: one line per notable event on stderr while it runs, and a short
 * summary on stdout at the end that says what to do next.
 */
import { relative } from 'node:path';
import type { ConvertEvent, ConvertResult } from '@unified/core';
import { formatBytes, formatCount, formatUtc, renderTable } from '../format.js';

interface Style {
  /** Status marks and colour (an interactive terminal without NO_COLOR). */
  readonly marks: boolean;
}

/** `1 row`, `1,440 rows`. */
const plural = (n: number, noun: string): string => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

const paint = (style: Style, code: number, text: string): string => (style.marks ? `\x1b[${code}m${text}\x1b[0m` : text);
/** `✓ ` on a styled stream, nothing otherwise (a log file or pipe gets plain words). */
const ok = (style: Style): string => (style.marks ? `${paint(style, 32, '✓')} ` : '');
const warning = (style: Style): string => (style.marks ? paint(style, 33, '⚠') : 'warning:');

/** The stderr line for an event, or `undefined` for events shown only in the summary or with --verbose. */
export function formatConvertEvent(event: ConvertEvent, options: Style & { readonly verbose: boolean }): string | undefined {
  switch (event.type) {
    case 'plan':
      if (!options.verbose) return undefined;
      return [
        `${event.kind}: ${plural(event.sources.length, 'source file')}`,
        ...event.sources.map((s) => `  read  ${s.path} (${formatBytes(s.bytes)}): ${s.reason}`),
        ...event.skipped.map((s) => `  skip  ${s.path}: ${s.reason}`),
      ].join('\n');
    case 'unchanged':
      return `${ok(options)}${event.kind} ${event.dataset}: unchanged since the last run`;
    case 'staged':
      return options.verbose ? `${event.kind} ${event.dataset}: read ${plural(event.rowsRead, 'row')}, staged ${plural(event.rowsWritten, 'row')} in ${plural(event.partitions, 'day partition')}` : undefined;
    case 'backup':
      return event.dir === undefined
        ? `${ok(options)}${plural(event.unchanged.length, 'source file')} already in the newest backup, unchanged: not backed up again`
        : `${ok(options)}backed up ${plural(event.files.length, 'source file')} to ${event.dir}${event.unchanged.length > 0 ? ` (${event.unchanged.length} unchanged since the last backup)` : ''}`;
    case 'committed':
      return options.verbose ? `committed ${event.datasets.join(', ')}` : undefined;
    case 'waiting':
      return `waiting for ${event.dir}: locked by ${event.holder} (up to ${Math.round(event.timeoutMs / 1000)} s; --lock-timeout to change)`;
    case 'warning':
      return `${warning(options)} ${event.message}`;
    case 'progress':
      return undefined;
  }
}

const range = (min: number | null, max: number | null): [string, string] => (min === null || max === null ? ['', ''] : [formatUtc(min).slice(0, 19), formatUtc(max).slice(0, 19)]);

/** The summary on stdout. */
export function formatConvertSummary(result: ConvertResult, options: Style & { readonly quiet: boolean; readonly cwd: string }): string {
  const what = `${result.exchange} ${result.symbol} ${result.timeframe}`;
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
  if (options.quiet) {
    if (result.noop) return `nothing to do: the sources of ${what} are unchanged (${seconds})\n`;
    const parts = result.datasets.map(
      (d) => `${d.kind} ${d.status === 'written' ? `${formatCount(d.rowsWritten)} rows written${d.rowsSkipped > 0 ? ` (${formatCount(d.rowsSkipped)} bad ${d.rowsSkipped === 1 ? 'row' : 'rows'} skipped)` : ''}` : 'unchanged'}`,
    );
    return `converted ${what}: ${parts.join(', ')} (${seconds})\n`;
  }
  const shown = (path: string): string => {
    const rel = relative(options.cwd, path);
    return rel === '' || rel.startsWith('..') ? path : rel;
  };
  const head = result.noop
    ? `${ok(options)}Nothing to do: the sources of ${what} are unchanged since the last run (use --force-rerun to convert again).`
    : `${ok(options)}Converted ${what} into ${shown(result.unifiedDir)} in ${seconds}.`;
  const table = renderTable(
    ['type', 'dataset', 'status', 'rows read', 'written', 'duplicates', 'total rows', 'days', 'size', 'first (UTC)', 'last (UTC)'],
    [
      ...result.datasets.map((d) => [
        d.kind,
        d.name,
        d.status,
        d.status === 'written' ? formatCount(d.rowsRead) : '',
        d.status === 'written' ? formatCount(d.rowsWritten) : '',
        d.status === 'written' ? formatCount(d.duplicatesDropped) : '',
        formatCount(d.totalRows),
        formatCount(d.partitions),
        formatBytes(d.bytes),
        ...range(d.minTimestamp, d.maxTimestamp),
      ]),
      ...result.skipped.map((s) => [s.kind, '', 'skipped: no sources']),
    ],
    ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
  );
  const lines = [head, '', table, ''];
  if (result.backup !== undefined) lines.push(`Backup of the replaced sources: ${shown(result.backup.dir)}`);
  const example = result.datasets.find((d) => d.kind === 'klines') ?? result.datasets[0];
  if (example !== undefined) {
    lines.push(`Read it with any Hive-aware reader, e.g. duckdb -c "SELECT * FROM read_parquet('${shown(example.path)}/**/*.parquet', hive_partitioning = true) LIMIT 5"`);
    const timeframe = result.timeframe === '1m' ? '' : ` --timeframe ${result.timeframe}`;
    lines.push(`Check it against its sources: unified validate --data-dir ${shown(result.dataDir)} --exchange ${result.exchange} --symbol ${result.symbol}${timeframe} --sources`);
  }
  return `${lines.join('\n')}\n`;
}
