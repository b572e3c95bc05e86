import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { buildBatch, concatBatches, flattenBatches } from './flat-columns.js';

const schema = new arrow.Schema([
  new arrow.Field('id', new arrow.Int64(), false),
  new arrow.Field('price', new arrow.Float64(), true),
  new arrow.Field('maker', new arrow.Bool(), true),
  new arrow.Field('hours', new arrow.Int32(), true),
  new arrow.Field('text', new arrow.Utf8(), true),
]);

function batch(rows: readonly Record<string, unknown>[]): arrow.RecordBatch {
  const children = schema.fields.map((field) => arrow.vectorFromArray(rows.map((r) => r[field.name] ?? null), field.type as arrow.DataType).data[0]!);
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

const rows = Array.from({ length: 300 }, (_, i) => ({
  id: BigInt(i) - 2n ** 62n,
  price: i % 7 === 0 ? null : i / 3,
  maker: i % 5 === 0 ? null : i % 3 === 0,
  hours: i % 11 === 0 ? null : i,
  text: i % 13 === 0 ? null : `r${i}é`.repeat(i % 4),
}));
const values = (b: arrow.RecordBatch): unknown[] => [...b].map((row) => row.toJSON());

describe('concatBatches', () => {
  it('joins slices at odd bit offsets, with and without nulls, into the same rows', () => {
    const whole = batch(rows);
    // Slices that start and end off byte boundaries, one without nulls, one all null in some columns.
    const pieces = [whole.slice(0, 3), whole.slice(3, 4), whole.slice(4, 77), whole.slice(77, 78), whole.slice(78, 211), whole.slice(211)];
    const joined = concatBatches(schema, pieces);
    expect(joined.numRows).toBe(300);
    expect(values(joined)).toEqual(values(whole));
    schema.fields.forEach((_, c) => expect(joined.getChildAt(c)!.nullCount).toBe(whole.getChildAt(c)!.nullCount));
  });

  it('keeps a column without nulls free of a validity bitmap', () => {
    const joined = concatBatches(schema, [batch(rows.slice(1, 5)), batch(rows.slice(6, 9))]);
    expect(joined.getChild('id')!.data[0]!.nullBitmap.length).toBe(0);
    expect(values(joined)).toEqual(values(batch([...rows.slice(1, 5), ...rows.slice(6, 9)])));
  });

  it('agrees with flattening and rebuilding in order', () => {
    const pieces = [batch(rows.slice(0, 130)).slice(17), batch(rows.slice(130))];
    const { columns, length } = flattenBatches(schema, pieces);
    expect(values(concatBatches(schema, pieces))).toEqual(values(buildBatch(schema, columns, Uint32Array.from({ length }, (_, i) => i))));
  });
});
