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
  if (arrow.DataType.isUtf8(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const outOffsets = new Int32Array(length + 1);
    let size = 0;
    for (let j = 0; j < length; j++) {
      const i = rows[j]!;
      size += offsets[i + 1]! - offsets[i]!;
      outOffsets[j + 1] = size;
    }
    const outBytes = new Uint8Array(size);
    for (let j = 0; j < length; j++) {
      const i = rows[j]!;
      outBytes.set(bytes.subarray(offsets[i], offsets[i + 1]), outOffsets[j]);
    }
    return arrow.makeData({ type: type, length, nullCount: nulls, nullBitmap: bitmap, valueOffsets: outOffsets, data: outBytes });
  }
  if (arrow.DataType.isBool(type)) {
    const values = data.values as Uint8Array;
    const out = new Uint8Array((length + 7) >> 3);
    for (let j = 0; j < length; j++) if (isSet(values, data.offset + rows[j]!)) out[j >> 3]! |= 1 << (j & 7);
    return arrow.makeData({ type: type, length, nullCount: nulls, nullBitmap: bitmap, data: out });
  }
  const values = data.values as unknown as { length: number; constructor: new (n: number) => { [i: number]: unknown } } | undefined;
  if (values === undefined || data.children.length > 0) {
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
