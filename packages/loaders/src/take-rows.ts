/**
 * Keeps the rows of a record batch that a filter matched, column by column on the typed arrays (no per-row
 * objects): fixed-width types of any width (integers, floats, timestamps, decimals), booleans and UTF-8 text,
 * with their nulls.
 */
import * as arrow from 'apache-arrow';
import { UnifiedError } from '@unified/schemas';

const isSet = (bitmap: Uint8Array, i: number): boolean => (bitmap[i >> 3]! & (1 << (i & 7))) !== 0;

function takeValidity(data: arrow.Data, rows: Uint32Array): { bitmap: Uint8Array | undefined; nulls: number } {
  const validity = data.nullBitmap as Uint8Array | undefined;
  if (data.nullCount === 0 || validity === undefined || validity.length === 0) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array((rows.length + 7) >> 3);
  let nulls = 0;
  for (let j = 0; j < rows.length; j++) {
    if (isSet(validity, data.offset + rows[j]!)) bitmap[j >> 3]! |= 1 << (j & 7);
    else nulls++;
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

function takeData(data: arrow.Data, rows: Uint32Array, column: string): arrow.Data {
  const type = data.type;
  const { bitmap, nulls } = takeValidity(data, rows);
  const length = rows.length;
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type) || arrow.DataType.isLargeUtf8(type) || arrow.DataType.isLargeBinary(type)) {
    // Variable width: offsets (32-bit, or 64-bit for the large types) into a byte buffer.
    const large = arrow.DataType.isLargeUtf8(type) || arrow.DataType.isLargeBinary(type);
    const offsets = data.valueOffsets as Int32Array | BigInt64Array;
    const at = (i: number): number => Number(offsets[i]!);
    const bytes = data.values as Uint8Array;
    const outOffsets = large ? new BigInt64Array(length + 1) : new Int32Array(length + 1);
    let size = 0;
    for (let j = 0; j < length; j++) {
      const i = rows[j]!;
      size += at(i + 1) - at(i);
      outOffsets[j + 1] = (large ? BigInt(size) : size);
    }
    const outBytes = new Uint8Array(size);
    let write = 0;
    for (let j = 0; j < length; j++) {
      const i = rows[j]!;
      outBytes.set(bytes.subarray(at(i), at(i + 1)), write);
      write += at(i + 1) - at(i);
    }
    return arrow.makeData({ type: type as arrow.Utf8, length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: outOffsets as Int32Array, data: outBytes });
  }
  if (arrow.DataType.isDictionary(type)) {
    // The indices are taken; the dictionary itself is shared.
    const indices = takeData(arrow.makeData({ type: type.indices, length: data.length, offset: data.offset, nullCount: data.nullCount, nullBitmap: data.nullBitmap, data: data.values as Int32Array }), rows, column);
    return arrow.makeData({ type, length, nullCount: indices.nullCount, nullBitmap: indices.nullBitmap, data: indices.values as Int32Array, dictionary: data.dictionary });
  }
  if (arrow.DataType.isBool(type)) {
    const values = data.values as Uint8Array;
    const out = new Uint8Array((length + 7) >> 3);
    for (let j = 0; j < length; j++) if (isSet(values, data.offset + rows[j]!)) out[j >> 3]! |= 1 << (j & 7);
    return arrow.makeData({ type: type, length, nullCount: nulls, nullBitmap: bitmap, data: out });
  }
  const values = data.values as unknown as { length: number; constructor: new (n: number) => { [i: number]: unknown } } | undefined;
  const fixedWidth =
    arrow.DataType.isInt(type) ||
    arrow.DataType.isFloat(type) ||
    arrow.DataType.isDate(type) ||
    arrow.DataType.isTime(type) ||
    arrow.DataType.isTimestamp(type) ||
    arrow.DataType.isDecimal(type) ||
    arrow.DataType.isInterval(type) ||
    arrow.DataType.isDuration(type) ||
    arrow.DataType.isFixedSizeBinary(type);
  if (!fixedWidth || values === undefined || data.children.length > 0) {
    throw new UnifiedError({ code: 'SOURCE_UNMAPPABLE', message: `column "${column}" has type ${arrow.Type[type.typeId]}, which a filter cannot select rows of` });
  }
  // Fixed width: `stride` array elements per value (1 for int64 in a BigInt64Array, 2 or 4 for decimals).
  const stride = data.length === 0 ? 1 : Math.max(1, Math.round(values.length / data.length));
  const source = values as unknown as { [i: number]: unknown };
  const out = new values.constructor(length * stride);
  for (let j = 0; j < length; j++) {
    const at = rows[j]! * stride;
    for (let k = 0; k < stride; k++) out[j * stride + k] = source[at + k];
  }
  // Any fixed-width type: built like an Int32 column, its own type and values put back in.
  return arrow.makeData({ type: type as unknown as arrow.Int32, length, nullCount: nulls, nullBitmap: bitmap, data: out as unknown as Int32Array });
}

/** A batch of the rows at `rows` (ascending indexes into `batch`). */
export function takeRows(batch: arrow.RecordBatch, rows: Uint32Array): arrow.RecordBatch {
  const children = batch.schema.fields.map((field, i) => takeData(batch.getChildAt(i)!.data[0] as arrow.Data, rows, field.name));
  const struct = arrow.makeData({ type: new arrow.Struct(batch.schema.fields), length: rows.length, nullCount: 0, children });
  return new arrow.RecordBatch(batch.schema, struct);
}
