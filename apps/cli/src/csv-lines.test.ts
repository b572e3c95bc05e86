import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { csvLines as csvBytes } from './csv-lines.js';

// The lines as text (the functions return UTF-8 bytes).
const csvLines = (batch: arrow.RecordBatch, names: readonly string[]): string => csvBytes(batch, names).toString('utf8');

describe('csvLines', () => {
  it('formats every type column by column exactly as value by value, on slices, with nulls and text to quote', () => {
    const n = 300;
    const table = new arrow.Table({
      i8: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : (i % 256) - 128)), new arrow.Int8()),
      i32: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : i * 7919 - 1e6)), new arrow.Int32()),
      i64: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : i % 3 === 0 ? 2n ** 62n + BigInt(i) : BigInt(i) * -1234567891n)), new arrow.Int64()),
      f64: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 17 === 0 ? null : i % 5 === 0 ? Number.NaN : i % 4 === 0 ? -0 : i / 7)), new arrow.Float64()),
      flag: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 6 === 0 ? null : i % 4 < 2)), new arrow.Bool()),
      ascii: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : `t${i}`)), new arrow.Utf8()),
      quoted: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 8 === 0 ? null : i % 3 === 0 ? `a,"${i}"` : `line\n${i}`)), new arrow.Utf8()),
      unicode: arrow.vectorFromArray(Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : `€${i}`)), new arrow.Utf8()),
    });
    const names = table.schema.fields.map((f) => f.name);
    const expected = (batch: arrow.RecordBatch): string =>
      [...Array.from({ length: batch.numRows }, (_, row) => names.map((name) => {
        const value = batch.getChild(name)!.get(row) as string | number | bigint | boolean | null;
        const text = value === null ? '' : String(value);
        return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
      }).join(','))].map((line) => `${line}\n`).join('');
    const whole = table.batches[0]!;
    expect(csvLines(whole, names)).toBe(expected(whole));
    for (const [start, end] of [[3, 4], [5, 190], [77, 300]] as const) expect(csvLines(whole.slice(start, end), names)).toBe(expected(whole.slice(start, end)));
    expect(csvLines(whole.slice(0, 0), names)).toBe('');
  });

  it('writes integers of every size digit by digit, negative ones and int64 beyond 2^53 exactly', () => {
    const edges = [0n, 7n, -7n, 99_999_999n, 100_000_000n, -100_000_001n, 1_704_067_200_000n, 1_704_067_200_000_123n, 9_007_199_254_740_991n, -9_007_199_254_740_991n, 9_007_199_254_740_993n, -(2n ** 63n), 2n ** 63n - 1n];
    const table = arrow.tableFromArrays({ id: BigInt64Array.from(edges), small: Int32Array.from(edges.map((e) => Number(BigInt.asIntN(32, e)))) });
    expect(csvLines(table.batches[0]!, ['id', 'small'])).toBe(edges.map((e) => `${e},${BigInt.asIntN(32, e)}\n`).join(''));
  });

  it('writes the longest number texts in full, in a column of its own', () => {
    const values = [...Array.from({ length: 100 }, () => -0.0000012345678901234567), -1.2345678901234567e-308, -123456789012345680000, 5e-324, -1.7976931348623157e308];
    const batch = new arrow.Table({ x: arrow.vectorFromArray(values, new arrow.Float64()) }).batches[0]!;
    expect(csvLines(batch, ['x'])).toBe(values.map((v) => `${String(v)}\n`).join(''));
  });
});
