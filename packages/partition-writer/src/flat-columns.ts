/**
 * A day's rows as flat column arrays (one typed array per column, whatever batches they came in), and back to
 * record batches in any row order. The canonical file schemas hold int64, int32, float64, bool and utf8 columns.
 */
import * as arrow from 'apache-arrow';

/** One column's values for all rows; `valid` is `null` when no value is null. */
export interface FlatColumn {
  readonly values: BigInt64Array | Float64Array | Int32Array | Uint8Array | (string | null)[];
  readonly valid: Uint8Array | null;
}

function isValidAt(data: arrow.Data, i: number): boolean {
  if (data.nullCount === 0 || data.nullBitmap.length === 0) return true;
  const bit = data.offset + i;
  return ((data.nullBitmap[bit >> 3] ?? 0) & (1 << (bit & 7))) !== 0;
}

/** The columns of `batches` (all of `schema`) concatenated in order. */
export function flattenBatches(schema: arrow.Schema, batches: readonly arrow.RecordBatch[]): { columns: FlatColumn[]; length: number } {
  const length = batches.reduce((sum, b) => sum + b.numRows, 0);
  const columns = schema.fields.map((field, c): FlatColumn => {
    const type = field.type as arrow.DataType;
    let values: FlatColumn['values'];
    if (arrow.DataType.isInt(type)) values = type.bitWidth === 64 ? new BigInt64Array(length) : new Int32Array(length);
    else if (arrow.DataType.isFloat(type)) values = new Float64Array(length);
    else if (arrow.DataType.isBool(type)) values = new Uint8Array(length);
    else values = new Array<string | null>(length);
    let valid: Uint8Array | null = null;
    let at = 0;
    for (const batch of batches) {
      const vector = batch.getChildAt(c)!;
      for (const data of vector.data as arrow.Data[]) {
        const typed = !Array.isArray(values);
        if (typed && !arrow.DataType.isBool(type)) {
          // Arrow JS slices fixed-width value buffers with the data; only bitmaps keep the offset.
          (values as BigInt64Array).set((data.values as BigInt64Array).subarray(0, data.length), at);
        } else if (arrow.DataType.isBool(type)) {
          const bits = data.values as Uint8Array;
          for (let i = 0; i < data.length; i++) {
            const bit = data.offset + i;
            (values as Uint8Array)[at + i] = (bits[bit >> 3]! >> (bit & 7)) & 1;
          }
        } else {
          const vectorOfData = arrow.makeVector(data);
          for (let i = 0; i < data.length; i++) (values as (string | null)[])[at + i] = (vectorOfData.get(i) as string | null) ?? null;
        }
        if (data.nullCount > 0) {
          valid ??= new Uint8Array(length).fill(1);
          for (let i = 0; i < data.length; i++) if (!isValidAt(data, i)) valid[at + i] = 0;
        }
        at += data.length;
      }
    }
    return { values, valid };
  });
  return { columns, length };
}

function pick<T extends BigInt64Array | Float64Array | Int32Array | Uint8Array>(values: T, order: Uint32Array): T {
  const out = new (values.constructor as new (length: number) => T)(order.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}

function bitmap(bytes: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(bytes.length / 8));
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 1) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

const encoder = new TextEncoder();

// Utf8 data for rows `order` of `strings`, encoding each distinct string once (string columns here hold a few
// distinct values, like the constant `timeframe`).
function utf8Data(strings: readonly (string | null)[], order: Uint32Array): arrow.Data<arrow.Utf8> {
  const length = order.length;
  const encoded = new Map<string, Uint8Array>();
  const offsets = new Int32Array(length + 1);
  const valid = new Uint8Array(length);
  let bytes = 0;
  for (let i = 0; i < length; i++) {
    const value = strings[order[i]!] ?? null;
    if (value !== null) {
      let utf8 = encoded.get(value);
      if (utf8 === undefined) encoded.set(value, (utf8 = encoder.encode(value)));
      bytes += utf8.length;
      valid[i] = 1;
    }
    offsets[i + 1] = bytes;
  }
  const data = new Uint8Array(bytes);
  for (let i = 0; i < length; i++) {
    const value = strings[order[i]!] ?? null;
    if (value !== null) data.set(encoded.get(value)!, offsets[i]);
  }
  const nullCount = length - valid.reduce((n, v) => n + v, 0);
  return arrow.makeData({ type: new arrow.Utf8(), length, nullCount, valueOffsets: offsets, data, ...(nullCount === 0 ? {} : { nullBitmap: bitmap(valid) }) });
}

/** A record batch of `schema` holding rows `order` of `columns` (in that order). */
export function buildBatch(schema: arrow.Schema, columns: readonly FlatColumn[], order: Uint32Array): arrow.RecordBatch {
  const length = order.length;
  const children = schema.fields.map((field, c) => {
    const column = columns[c]!;
    const type = field.type as arrow.DataType;
    const valid = column.valid === null ? null : pick(column.valid, order);
    const nullCount = valid === null ? 0 : valid.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
    const nulls = nullCount === 0 ? {} : { nullBitmap: bitmap(valid!) };
    if (Array.isArray(column.values)) return utf8Data(column.values, order);
    if (arrow.DataType.isBool(type)) {
      return arrow.makeData({ type: new arrow.Bool(), length, nullCount, data: bitmap(pick(column.values as Uint8Array, order)), ...nulls });
    }
    // int64, int32 and float64 share this path: the typed array matches the field's type.
    const numeric = { type: type as unknown as arrow.Int64, length, nullCount, data: pick(column.values as BigInt64Array, order), ...nulls };
    return arrow.makeData(numeric);
  });
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children }));
}

/** The values of row `i` as a plain object (for messages). */
export function rowObject(schema: arrow.Schema, columns: readonly FlatColumn[], i: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  schema.fields.forEach((field, c) => {
    const column = columns[c]!;
    row[field.name] = column.valid !== null && column.valid[i] === 0 ? null : column.values[i];
  });
  return row;
}

/** Whether rows `a` and `b` hold the same value in every column. */
export function rowsEqual(columns: readonly FlatColumn[], a: number, b: number): boolean {
  for (const column of columns) {
    const nullA = column.valid !== null && column.valid[a] === 0;
    const nullB = column.valid !== null && column.valid[b] === 0;
    if (nullA !== nullB) return false;
    if (!nullA && column.values[a] !== column.values[b]) return false;
  }
  return true;
}
