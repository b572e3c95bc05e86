import * as arrow from 'apache-arrow';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatPandasUtc, writeCsvFile } from './write-csv-file.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* batches(...list: arrow.RecordBatch[]): AsyncGenerator<arrow.RecordBatch> {
  for (const batch of list) yield batch;
}

describe('writeCsvFile', () => {
  it('writes pandas-style values: floats in repr, True/False, empty nulls, quoted text', async () => {
    const table = new arrow.Table({
      id: arrow.makeVector(new BigInt64Array([1n, 9_007_199_254_740_993n])),
      price: arrow.makeVector(new Float64Array([42000, 8.4e-7])),
      maker: arrow.vectorFromArray([true, null], new arrow.Bool()),
      note: arrow.vectorFromArray(['a,b', 'say "hi"'], new arrow.Utf8()),
    });
    const path = join(dir, 'values.csv');
    const result = await writeCsvFile(path, batches(...table.batches));
    const text = readFileSync(path, 'utf8');
    expect(text).toBe('id,price,maker,note\n1,42000.0,True,"a,b"\n9007199254740993,8.4e-07,,"say ""hi"""\n');
    expect(result).toEqual({ rows: 2, bytes: Buffer.byteLength(text) });
  });

  it('prints tz-aware datetimes as pandas does, value by value', () => {
    const ns = (iso: string, extra = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + extra;
    expect(formatPandasUtc(ns('2024-01-01T00:00:00Z'))).toBe('2024-01-01 00:00:00+00:00');
    expect(formatPandasUtc(ns('2024-01-01T00:00:59.999Z'))).toBe('2024-01-01 00:00:59.999000+00:00');
    expect(formatPandasUtc(ns('2026-01-01T00:00:00.039Z', 409_000n))).toBe('2026-01-01 00:00:00.039409+00:00');
    expect(formatPandasUtc(ns('2024-01-01T00:00:00Z', 1n))).toBe('2024-01-01 00:00:00.000000001+00:00');
    expect(formatPandasUtc(ns('1969-12-31T23:59:59.999Z'))).toBe('1969-12-31 23:59:59.999000+00:00');
  });

  it('leaves nothing behind when the source fails midway', async () => {
    const path = join(dir, 'failed.csv');
    async function* failing(): AsyncGenerator<arrow.RecordBatch> {
      yield arrow.tableFromArrays({ x: new Float64Array([1]) }).batches[0]!;
      throw new Error('source broke');
    }
    await expect(writeCsvFile(path, failing())).rejects.toThrow('source broke');
    expect(readdirSync(dir).filter((name) => name.includes('failed'))).toEqual([]);
  });
});
