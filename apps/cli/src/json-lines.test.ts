import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { jsonLines as jsonBytes } from './json-lines.js';

// The lines as text (the functions return UTF-8 bytes).
const jsonLines = (batch: arrow.RecordBatch, names: readonly string[]): string => jsonBytes(batch, names).toString('utf8');

// What a JSON line is, value by value: JSON.stringify, but int64 as its exact digits.
const jsonOf = (value: unknown): string => (typeof value === 'bigint' ? String(value) : JSON.stringify(value ?? null));

describe('jsonLines', () => {
  it('writes every type column by column exactly as JSON.stringify does value by value, on slices, with nulls and text to escape', () => {
    const n = 300;
    const odd = ['a"b', 'back\\slash', 'tab\there', 'line\nbreak', 'cr\r', '\u0000\u0001\u001f\u007f', '\b\f', '€ 😀 ü', 'plain'];
    const table = new arrow.Table({
      i8: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : (i % 256) - 128)), new arrow.Int8()),
      i32: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : i * 7919 - 1e6)), new arrow.Int32()),
      i64: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : i % 3 === 0 ? 2n ** 62n + BigInt(i) : BigInt(i) * -1234567891n)), new arrow.Int64()),
      f64: arrow.vectorFromArray(
        Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : i % 5 === 0 ? Number.NaN : i % 19 === 0 ? -Infinity : i % 4 === 0 ? -0 : i / 7)),
        new arrow.Float64(),
      ),
      flag: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : i % 4 < 2)), new arrow.Bool()),
      ascii: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : `t${i}`)), new arrow.Utf8()),
      escaped: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 8 === 0 ? null : `${odd[i % odd.length]!}${i}`)), new arrow.Utf8()),
      'key "quoted"': arrow.vectorFromArray(Array.from({ length: n }, (_, i) => i), new arrow.Int16()),
    });
    const names = table.schema.fields.map((f) => f.name);
    const expected = (batch: arrow.RecordBatch): string =>
      Array.from({ length: batch.numRows }, (_, row) => `{${names.map((name) => `${JSON.stringify(name)}:${jsonOf(batch.getChild(name)!.get(row))}`).join(',')}}\n`).join('');
    const whole = table.batches[0]!;
    expect(jsonLines(whole, names)).toBe(expected(whole));
    for (const [start, end] of [[3, 4], [5, 190], [77, 300]] as const) expect(jsonLines(whole.slice(start, end), names)).toBe(expected(whole.slice(start, end)));
    expect(jsonLines(whole.slice(0, 0), names)).toBe('');
    // Every line is valid JSON, and text survives the round trip.
    const parsed = jsonLines(whole, ['escaped']).trimEnd().split('\n').map((line) => JSON.parse(line) as { escaped: string | null });
    expect(parsed.map((row) => row.escaped)).toEqual(Array.from({ length: n }, (_, i) => whole.getChild('escaped')!.get(i)));
  });

  it('writes int64 beyond 2^53 with every digit, and columns in the order asked for', () => {
    const table = arrow.tableFromArrays({ id: BigInt64Array.from([9_007_199_254_740_993n, -(2n ** 63n)]), price: Float64Array.from([0.1, 1e21]) });
    expect(jsonLines(table.batches[0]!, ['price', 'id'])).toBe('{"price":0.1,"id":9007199254740993}\n{"price":1e+21,"id":-9223372036854775808}\n');
  });
});
