/**
 * The human report of `unified inspect`: what the loader sees in one source file, as aligned label/value
 * lines, the column mapping as a table, and the next step.
 */
import type { SourceInspection, TimeEncoding } from '@unified/core';
import { type Field, formatCount, renderFields, renderTable } from '../format.js';


const CHECKSUM_TEXT: Readonly<Record<SourceInspection['checksum'], string>> = {
  verified: 'verified (sha256 matches the .CHECKSUM file beside the zip)',
  absent: 'absent (no .CHECKSUM file beside the zip)',
  skipped: 'not checked (--no-verify-checksum)',
  'not-applicable': 'not applicable (not a zip)',
};

const ENCODING_TEXT: Readonly<Record<string, string>> = {
  s: 'integer seconds',
  ms: 'integer milliseconds',
  us: 'integer microseconds',
  ns: 'integer nanoseconds',
  date: 'dates',
  'datetime-text': 'date-time text',
};

function encodingText(encoding: TimeEncoding): string {
  const parquet = /^timestamp\[(\w+)\]$/u.exec(encoding);
  return parquet === null ? (ENCODING_TEXT[encoding] ?? encoding) : `Parquet ${encoding}`;
}

function formatText(inspection: SourceInspection): string {
  const layout = inspection.header === false ? 'no header row (Binance archive layout)' : 'header row';
  if (inspection.format === 'zip') return `zip, member ${inspection.member ?? '?'}${inspection.header === undefined ? '' : `, ${layout}`}`;
  if (inspection.format === 'csv' && inspection.header !== undefined) return `csv, ${layout}`;
  return inspection.format;
}

function timeText(ms: number | null): string {
  return ms === null ? 'none' : `${new Date(ms).toISOString()}  ${ms} ms`;
}

// Source columns in file order with the field each fills or why it is not loaded; then any mapped column the
// file listing did not name.
function columnRows(inspection: SourceInspection): string[][] {
  const fields = new Map<string, string[]>();
  for (const { source, field } of inspection.columns) fields.set(source, [...(fields.get(source) ?? []), field]);
  const unused = new Map(inspection.unusedColumns.map((c) => [c.name, c.reason]));
  const names = [...new Set([...inspection.sourceColumns, ...fields.keys(), ...unused.keys()])];
  return names.map((name) => {
    const loadedAs = fields.get(name);
    if (loadedAs !== undefined) return [name, loadedAs.join(', ')];
    const reason = unused.get(name);
    return [name, reason === undefined ? 'not loaded' : `not loaded: ${reason}`];
  });
}

/**
 * The report `unified inspect` prints for people. `file` is the path as the user typed it (used in the
 * next-step hint).
 */
export function formatInspectionReport(inspection: SourceInspection, file: string): string {
  const unit = inspection.timeEncodings.length === 0 ? 'none' : `${inspection.timestampUnit} (${inspection.timeEncodings.map(encodingText).join(', ')})`;
  const badRows = inspection.badRows.length < inspection.rowsSkipped ? [...inspection.badRows, `… and ${formatCount(inspection.rowsSkipped - inspection.badRows.length)} more`] : inspection.badRows;
  const fields: Field[] = [
    ['file', file],
    ['data type', inspection.kind],
    ['format', formatText(inspection)],
    ['checksum', CHECKSUM_TEXT[inspection.checksum]],
    ...(inspection.symbol === undefined ? [] : [['symbol', inspection.symbol] as const]),
    ...(inspection.timeframe === undefined ? [] : [['timeframe', inspection.timeframe] as const]),
    ['rows', inspection.rowsSkipped === 0 ? formatCount(inspection.rows) : `${formatCount(inspection.rows)} (${formatCount(inspection.rowsSkipped)} bad ${inspection.rowsSkipped === 1 ? 'row' : 'rows'} skipped)`],
    ['timestamp unit', unit],
    ['first', timeText(inspection.firstTimestamp)],
    ['last', timeText(inspection.lastTimestamp)],
    ['min', timeText(inspection.minTimestamp)],
    ['max', timeText(inspection.maxTimestamp)],
    ['sorted', inspection.sorted ? 'yes' : 'no (timestamps go back in file order)'],
    ['bad rows', badRows],
    ['warnings', inspection.warnings],
  ];
  const table = renderTable(['source column', 'loaded as'], columnRows(inspection), ['left', 'left']);
  const next =
    inspection.rows === 0
      ? 'Nothing to convert: no row could be loaded.'
      : `Next: load it in code with openSource(${JSON.stringify(file)}) from @unified/core, or add --json for this report as data.`;
  return `${renderFields(fields)}\n\n${table}\n\n${next}\n`;
}
