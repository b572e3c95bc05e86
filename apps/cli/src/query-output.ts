/**
 * How `unified query` writes rows: CSV (RFC 4180) and JSON lines stream batch by batch; the table is a preview.
 * int64 values keep every digit: in JSON they are written as number literals from their decimal text, never
 * rounded through a double.
 */
import type * as arrow from 'apache-arrow';

type Value = unknown;

/** A cell as text for the table and CSV: nulls empty, bigints exact. */
export function cellText(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function csvField(value: Value): string {
  const text = cellText(value);
  return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV header line. */
export function csvHeader(names: readonly string[]): string {
  return `${names.map(csvField).join(',')}\n`;
}

/** Rows of a batch as CSV lines. */
export function csvLines(batch: arrow.RecordBatch, names: readonly string[]): string {
  const columns = names.map((name) => batch.getChild(name)!);
  let out = '';
  for (let row = 0; row < batch.numRows; row++) out += `${columns.map((column) => csvField(column.get(row) as Value)).join(',')}\n`;
  return out;
}

/** Rows of a batch as JSON lines, one object per row, int64 values exact. */
export function jsonLines(batch: arrow.RecordBatch, names: readonly string[]): string {
  const columns = names.map((name) => batch.getChild(name)!);
  let out = '';
  for (let row = 0; row < batch.numRows; row++) {
    const fields = names.map((name, i) => {
      const value = columns[i]!.get(row) as Value;
      const json = typeof value === 'bigint' ? value.toString() : JSON.stringify(value ?? null);
      return `${JSON.stringify(name)}:${json}`;
    });
    out += `{${fields.join(',')}}\n`;
  }
  return out;
}
