/**
 * Cell values as text for `unified query`: the table preview, the CSV header and the fallback of the column
 * writers (`column-writers.ts`) for types they do not write from buffers. int64 values keep every digit.
 */
import * as arrow from 'apache-arrow';

type Value = unknown;

/** A decimal's exact text (`0.01`) from its unscaled integer and scale. */
function decimalText(value: Value, scale: number): string {
  const digits = arrow.util.bigNumToString(value as Parameters<typeof arrow.util.bigNumToString>[0]);
  if (scale <= 0) return digits;
  const negative = digits.startsWith('-');
  const abs = (negative ? digits.slice(1) : digits).padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${abs.slice(0, -scale)}.${abs.slice(-scale)}`;
}

/** Cell values of a column as plain values: decimals become their exact text. */
export function columnValues(vector: arrow.Vector): (row: number) => Value {
  const type = vector.type as arrow.DataType;
  if (arrow.DataType.isDecimal(type)) return (row) => (vector.isValid(row) ? decimalText(vector.get(row), type.scale) : null);
  return (row) => vector.get(row) as Value;
}

/** A cell as text for the table and CSV: nulls empty, bigints exact. */
export function cellText(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A cell as a CSV field, quoted when it holds a quote, comma or line break. */
export function csvField(value: Value): string {
  const text = cellText(value);
  return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The CSV header line. */
export function csvHeader(names: readonly string[]): string {
  return `${names.map(csvField).join(',')}\n`;
}
