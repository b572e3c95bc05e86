/**
 * Builds Arrow column data straight from typed arrays (no per-value builders), which keeps generation of
 * tens of millions of rows fast.
 */
import * as arrow from 'apache-arrow';

/** An Int64 column from its values. */
export function int64Data(values: BigInt64Array): arrow.Data<arrow.Int64> {
  return arrow.makeData({ type: new arrow.Int64(), length: values.length, data: values });
}

/** A Float64 column from its values. */
export function float64Data(values: Float64Array): arrow.Data<arrow.Float64> {
  return arrow.makeData({ type: new arrow.Float64(), length: values.length, data: values });
}

/** A Bool column from one byte per value (0 or 1). */
export function boolData(values: Uint8Array): arrow.Data<arrow.Bool> {
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
  return arrow.makeData({ type: new arrow.Bool(), length: values.length, data: bits });
}

/** A UTC nanosecond timestamp column (what pandas writes for tz-aware datetimes). */
export function timestampNsData(nanoseconds: BigInt64Array): arrow.Data<arrow.TimestampNanosecond> {
  return arrow.makeData({ type: new arrow.TimestampNanosecond('UTC'), length: nanoseconds.length, data: nanoseconds });
}

/** A Utf8 column holding the same string in every row. */
export function constantStringData(value: string, length: number): arrow.Data<arrow.Utf8> {
  return arrow.vectorFromArray(Array.from({ length }, () => value), new arrow.Utf8()).data[0]!;
}

/** A record batch from named column data, all of the same length, fields non-nullable. */
export function recordBatch(columns: Readonly<Record<string, arrow.Data>>): arrow.RecordBatch {
  const fields = Object.entries(columns).map(([name, data]) => new arrow.Field(name, data.type, false));
  const length = Object.values(columns)[0]?.length ?? 0;
  const schema = new arrow.Schema(fields);
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length, nullCount: 0, children: Object.values(columns) }));
}
