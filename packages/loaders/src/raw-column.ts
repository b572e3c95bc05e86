/**
 * One source column of one batch, before conversion to its canonical type. Text sources (CSV, JSON) hand
 * over values; Parquet hands over the Arrow data it decoded, so numeric columns convert with typed-array loops
 * and never go through strings.
 */
import * as arrow from 'apache-arrow';

/** A source column's values for one batch. */
export type RawColumn =
  /** CSV fields; `null` for an empty field. */
  | { readonly type: 'text'; readonly name: string; readonly values: readonly (string | null)[] }
  /** JSON values (string, number, boolean or null) or values read one by one from Arrow (strings, decimals). */
  | { readonly type: 'values'; readonly name: string; readonly values: readonly unknown[] }
  /** A single chunk of Arrow data of a numeric, boolean or temporal type. */
  | { readonly type: 'arrow'; readonly name: string; readonly data: arrow.Data };

/** Whether row `index` of Arrow `data` is null. */
export function isNullAt(data: arrow.Data, index: number): boolean {
  if (data.nullCount === 0 || data.nullBitmap.length === 0) return false;
  const bit = data.offset + index;
  return ((data.nullBitmap[bit >> 3] ?? 0) & (1 << (bit & 7))) === 0;
}

/** Value of Decimal data (32 to 256 bits) at `index` as an exact decimal string (`"42283.58"`). */
function decimalText(data: arrow.Data<arrow.Decimal>, index: number): string {
  const words = data.values;
  const bits = data.type.bitWidth;
  const count = bits / 32;
  // The value buffer is already sliced to this data's rows (Arrow JS slices fixed-width buffers).
  const base = index * count;
  let big = 0n;
  for (let w = count - 1; w >= 0; w--) big = (big << 32n) | BigInt(words[base + w] ?? 0);
  if (big >= 1n << BigInt(bits - 1)) big -= 1n << BigInt(bits);
  const negative = big < 0n;
  const digits = (negative ? -big : big).toString().padStart(data.type.scale + 1, '0');
  const point = digits.length - data.type.scale;
  const text = data.type.scale > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : digits;
  return negative ? `-${text}` : text;
}

/** Types whose values the converters read straight from typed arrays. */
function isTypedArrowType(type: arrow.DataType): boolean {
  return arrow.DataType.isFloat(type) || arrow.DataType.isInt(type) || arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type) || arrow.DataType.isBool(type);
}

/** The raw column of Arrow data: typed for numbers, booleans and times; values for strings, dictionaries and decimals. */
export function rawColumnOfArrow(name: string, data: arrow.Data): RawColumn {
  if (isTypedArrowType(data.type)) return { type: 'arrow', name, data };
  const values: unknown[] = new Array<unknown>(data.length);
  if (arrow.DataType.isDecimal(data.type)) {
    const decimal = data as unknown as arrow.Data<arrow.Decimal>;
    for (let i = 0; i < data.length; i++) values[i] = isNullAt(data, i) ? null : decimalText(decimal, i);
    return { type: 'values', name, values };
  }
  const vector = arrow.makeVector(data);
  for (let i = 0; i < data.length; i++) values[i] = vector.get(i) ?? null;
  return { type: 'values', name, values };
}

/** Number of rows in a raw column. */
export function rawLength(column: RawColumn): number {
  return column.type === 'arrow' ? column.data.length : column.values.length;
}
