/**
 * A day's rows as flat column arrays (one typed array per column, whatever batches they came in), and back to
 * record batches in any row order. The canonical file schemas hold int64, int32, float64, bool and utf8 columns.
 */
import * as arrow from 'apache-arrow';

/** Text values as Arrow lays them out: UTF-8 bytes, and where each row's bytes start (`length + 1` offsets). */
export interface Utf8Values {
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
}

/** One column's values for all rows; `valid` is `null` when no value is null. */
export interface FlatColumn {
  readonly values: BigInt64Array | Float64Array | Int32Array | Uint8Array | Utf8Values;
  readonly valid: Uint8Array | null;
}

function isUtf8(values: FlatColumn['values']): values is Utf8Values {
  return !ArrayBuffer.isView(values);
}

/**
 * Text columns of all the batches' data, concatenated without decoding a single string: the bytes are copied
 * and the offsets rebased (arrow JS slices offsets with the data, not the value bytes).
 */
function concatUtf8(parts: readonly arrow.Data[], length: number): Utf8Values {
  let total = 0;
  for (const data of parts) {
    const offsets = data.valueOffsets as Int32Array;
    total += offsets[data.length]! - offsets[0]!;
  }
  const out = { offsets: new Int32Array(length + 1), bytes: new Uint8Array(total) };
  let at = 0;
  let base = 0;
  for (const data of parts) {
    const offsets = data.valueOffsets as Int32Array;
    const first = offsets[0]!;
    out.bytes.set((data.values as Uint8Array).subarray(first, offsets[data.length]), base);
    for (let i = 1; i <= data.length; i++) out.offsets[at + i] = base + offsets[i]! - first;
    at += data.length;
    base = out.offsets[at]!;
  }
  return out;
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
    else values = concatUtf8(batches.flatMap((batch) => batch.getChildAt(c)!.data as arrow.Data[]), length);
    let valid: Uint8Array | null = null;
    let at = 0;
    for (const batch of batches) {
      const vector = batch.getChildAt(c)!;
      for (const data of vector.data as arrow.Data[]) {
        if (isUtf8(values)) {
          // Copied above.
        } else if (!arrow.DataType.isBool(type)) {
          // Arrow JS slices fixed-width value buffers with the data; only bitmaps keep the offset.
          (values as BigInt64Array).set((data.values as BigInt64Array).subarray(0, data.length), at);
        } else if (arrow.DataType.isBool(type)) {
          const bits = data.values as Uint8Array;
          for (let i = 0; i < data.length; i++) {
            const bit = data.offset + i;
            (values as Uint8Array)[at + i] = (bits[bit >> 3]! >> (bit & 7)) & 1;
          }
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

// Rows `order` of `values`. 64-bit values are moved as two 32-bit halves, which is bit-exact and reads no BigInt.
function pick<T extends BigInt64Array | Float64Array | Int32Array | Uint8Array>(values: T, order: Uint32Array): T {
  const out = new (values.constructor as new (length: number) => T)(order.length);
  if (values.BYTES_PER_ELEMENT === 8) {
    const from = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const to = new Int32Array(out.buffer);
    for (let i = 0; i < order.length; i++) {
      const row = order[i]! * 2;
      to[2 * i] = from[row]!;
      to[2 * i + 1] = from[row + 1]!;
    }
    return out;
  }
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}

function bitmap(bytes: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(bytes.length / 8));
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 1) bits[i >> 3]! |= 1 << (i & 7);
  return bits;
}

const decoder = new TextDecoder();

/** The text of row `i` (for messages). */
function textAt(values: Utf8Values, i: number): string {
  return decoder.decode(values.bytes.subarray(values.offsets[i], values.offsets[i + 1]));
}

/** Whether rows `a` and `b` hold the same bytes. */
function sameText(values: Utf8Values, a: number, b: number): boolean {
  const { offsets, bytes } = values;
  const length = offsets[a + 1]! - offsets[a]!;
  if (length !== offsets[b + 1]! - offsets[b]!) return false;
  for (let k = 0; k < length; k++) if (bytes[offsets[a]! + k] !== bytes[offsets[b]! + k]) return false;
  return true;
}

// Utf8 data for rows `order`, copying bytes (no string is decoded or encoded); a run of consecutive rows is
// one slice.
function utf8Data(values: Utf8Values, order: Uint32Array, nullCount: number, nulls: { nullBitmap?: Uint8Array }): arrow.Data<arrow.Utf8> {
  const length = order.length;
  const { offsets, bytes } = values;
  const valueOffsets = new Int32Array(length + 1);
  let consecutive = true;
  for (let i = 0; i < length; i++) {
    const row = order[i]!;
    if (consecutive && i > 0 && row !== order[i - 1]! + 1) consecutive = false;
    valueOffsets[i + 1] = valueOffsets[i]! + offsets[row + 1]! - offsets[row]!;
  }
  let data: Uint8Array;
  if (length === 0) data = new Uint8Array(0);
  else if (consecutive) data = bytes.slice(offsets[order[0]!], offsets[order[length - 1]! + 1]);
  else {
    data = new Uint8Array(valueOffsets[length]!);
    let at = 0;
    for (let i = 0; i < length; i++) {
      const row = order[i]!;
      for (let k = offsets[row]!; k < offsets[row + 1]!; k++) data[at++] = bytes[k]!;
    }
  }
  return arrow.makeData({ type: new arrow.Utf8(), length, nullCount, valueOffsets, data, ...nulls });
}

/** A record batch of `schema` holding rows `order` of `columns` (in that order). */
export function buildBatch(schema: arrow.Schema, columns: readonly FlatColumn[], order: Uint32Array): arrow.RecordBatch {
  const length = order.length;
  const children = schema.fields.map((field, c) => {
    const column = columns[c]!;
    const type = field.type as arrow.DataType;
    const valid = column.valid === null ? null : pick(column.valid, order);
    let nullCount = 0;
    if (valid !== null) for (let i = 0; i < length; i++) if (valid[i] === 0) nullCount++;
    const nulls = nullCount === 0 ? {} : { nullBitmap: bitmap(valid!) };
    if (isUtf8(column.values)) return utf8Data(column.values, order, nullCount, nulls);
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
    row[field.name] = column.valid !== null && column.valid[i] === 0 ? null : isUtf8(column.values) ? textAt(column.values, i) : column.values[i];
  });
  return row;
}

/** Whether rows `a` and `b` hold the same value in every column. */
export function rowsEqual(columns: readonly FlatColumn[], a: number, b: number): boolean {
  for (const column of columns) {
    const nullA = column.valid !== null && column.valid[a] === 0;
    const nullB = column.valid !== null && column.valid[b] === 0;
    if (nullA !== nullB) return false;
    if (nullA) continue;
    if (isUtf8(column.values) ? !sameText(column.values, a, b) : column.values[a] !== column.values[b]) return false;
  }
  return true;
}

// Copies `count` bits from `from` (starting at bit `fromBit`) to `to` (starting at bit `toBit`); whole bytes at
// once when both start on a byte.
function copyBits(from: Uint8Array, fromBit: number, to: Uint8Array, toBit: number, count: number): void {
  let i = 0;
  if ((fromBit & 7) === 0 && (toBit & 7) === 0) {
    const bytes = count >> 3;
    to.set(from.subarray(fromBit >> 3, (fromBit >> 3) + bytes), toBit >> 3);
    i = bytes << 3;
  }
  for (; i < count; i++) {
    const source = fromBit + i;
    if ((from[source >> 3]! >> (source & 7)) & 1) {
      const target = toBit + i;
      to[target >> 3]! |= 1 << (target & 7);
    }
  }
}

function setBits(to: Uint8Array, toBit: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const target = toBit + i;
    to[target >> 3]! |= 1 << (target & 7);
  }
}

/**
 * One record batch holding the rows of `batches` (all of `schema`) in order, copied column by column as Arrow
 * buffers: values with one copy per piece, bits as bits, text as bytes. No value is decoded.
 */
export function concatBatches(schema: arrow.Schema, batches: readonly arrow.RecordBatch[]): arrow.RecordBatch {
  const length = batches.reduce((sum, b) => sum + b.numRows, 0);
  const children = schema.fields.map((field, c) => {
    const type = field.type as arrow.DataType;
    const parts = batches.flatMap((batch) => batch.getChildAt(c)!.data as arrow.Data[]);
    const nullCount = parts.reduce((n, data) => n + data.nullCount, 0);
    let nullBitmap: Uint8Array | undefined;
    if (nullCount > 0) {
      nullBitmap = new Uint8Array(Math.ceil(length / 8));
      let at = 0;
      for (const data of parts) {
        if (data.nullCount === 0) setBits(nullBitmap, at, data.length);
        else if (data.nullCount < data.length) copyBits(data.nullBitmap, data.offset, nullBitmap, at, data.length);
        at += data.length;
      }
    }
    const nulls = { length, nullCount, ...(nullBitmap === undefined ? {} : { nullBitmap }) };
    if (arrow.DataType.isUtf8(type)) {
      const { offsets, bytes } = concatUtf8(parts, length);
      return arrow.makeData({ type: new arrow.Utf8(), valueOffsets: offsets, data: bytes, ...nulls });
    }
    if (arrow.DataType.isBool(type)) {
      const bits = new Uint8Array(Math.ceil(length / 8));
      let at = 0;
      for (const data of parts) {
        copyBits(data.values as Uint8Array, data.offset, bits, at, data.length);
        at += data.length;
      }
      return arrow.makeData({ type: new arrow.Bool(), data: bits, ...nulls });
    }
    // int64, int32 and float64: Arrow JS slices fixed-width value buffers with the data.
    const first = parts[0]!.values as BigInt64Array;
    const values = new (first.constructor as new (length: number) => BigInt64Array)(length);
    let at = 0;
    for (const data of parts) {
      values.set((data.values as BigInt64Array).subarray(0, data.length), at);
      at += data.length;
    }
    return arrow.makeData({ type: type as unknown as arrow.Int64, data: values, ...nulls });
  });
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children }));
}
