/**
 * Typed-array views of Arrow columns for the row checks: numbers as a Float64Array (int64 converted exactly
 * below 2^53 without a BigInt per row), and validity as a function. No per-row objects.
 */
import type * as arrow from 'apache-arrow';
import { int64ToNumbers } from '@unified/schemas';

/** A numeric column of a batch: values and, when it has nulls, which rows are valid. */
export interface NumberColumn {
  readonly values: Float64Array | Int32Array;
  /** `undefined` when every row is valid. */
  readonly valid: ((row: number) => boolean) | undefined;
}

function validity(data: arrow.Data): ((row: number) => boolean) | undefined {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return undefined;
  const offset = data.offset;
  return (row) => ((bitmap[(offset + row) >> 3]! >> ((offset + row) & 7)) & 1) === 1;
}

/** The column `name` of `batch` as numbers, or `undefined` when the batch lacks it. */
export function numberColumn(batch: arrow.RecordBatch, name: string): NumberColumn | undefined {
  const data: arrow.Data | undefined = batch.getChild(name)?.data[0];
  if (data === undefined) return undefined;
  const values = data.values as unknown;
  // Arrow's builders pad value buffers (to 64 bytes): only the first `length` slots are rows.
  const length = data.length;
  if (values instanceof Float64Array || values instanceof Int32Array) return { values: values.subarray(0, length), valid: validity(data) };
  if (values instanceof BigInt64Array) return { values: int64ToNumbers(values, length), valid: validity(data) };
  if (ArrayBuffer.isView(values)) return { values: Float64Array.from((values as unknown as Float64Array).subarray(0, length)), valid: validity(data) };
  return undefined;
}

/** The column `name` of `batch` when it is int64, as its values (no conversion), or `undefined`. */
export function int64Column(batch: arrow.RecordBatch, name: string): { readonly values: BigInt64Array; readonly valid: ((row: number) => boolean) | undefined } | undefined {
  const data: arrow.Data | undefined = batch.getChild(name)?.data[0];
  const values = data?.values as unknown;
  if (data === undefined || !(values instanceof BigInt64Array)) return undefined;
  return { values: values.subarray(0, data.length), valid: validity(data) };
}

/** Rows of a column that are null (for required columns), counted, with the first one. */
export function nullRows(batch: arrow.RecordBatch, name: string): { count: number; first: number } | undefined {
  const data: arrow.Data | undefined = batch.getChild(name)?.data[0];
  if (data === undefined || data.nullCount === 0) return undefined;
  const valid = validity(data);
  if (valid === undefined) return undefined;
  for (let row = 0; row < data.length; row++) if (!valid(row)) return { count: data.nullCount, first: row };
  return undefined;
}
