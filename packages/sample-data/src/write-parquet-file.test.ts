import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import * as arrow from 'apache-arrow';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeParquetFile } from './write-parquet-file.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function batch(from: number, count: number): arrow.RecordBatch {
  const ids = BigInt64Array.from({ length: count }, (_, i) => BigInt(from + i));
  const prices = Float64Array.from({ length: count }, (_, i) => (from + i) / 100);
  return arrow.tableFromArrays({ id: ids, price: prices }).batches[0]!;
}

async function* batches(count: number, size: number, failAfter = Infinity): AsyncGenerator<arrow.RecordBatch> {
  for (let i = 0; i < count; i++) {
    if (i === failAfter) throw new Error(`source failed at batch ${i}`);
    yield batch(i * size, size);
  }
}

describe('writeParquetFile', () => {
  it('streams every batch into one file that DuckDB reads back exactly', async () => {
    const path = join(dir, 'ok.parquet');
    const result = await writeParquetFile(path, batches(5, 1_000), { rowGroupSize: 2_000 });
    expect(result.rows).toBe(5_000);
    expect(result.bytes).toBe(readFileSync(path).byteLength);
    const [row] = await queryDuckDb(`SELECT count(*) AS n, sum(id) AS s, max(price) AS p, count(DISTINCT id) AS d FROM read_parquet(${sqlString(path)})`);
    expect(row).toEqual({ n: 5_000n, s: 12_497_500n, p: 49.99, d: 5_000n });
  });

  it('fails, and keeps the previous file untouched, when the source fails midway', async () => {
    const path = join(dir, 'keep.parquet');
    writeFileSync(path, 'previous content');
    await expect(writeParquetFile(path, batches(5, 1_000, 3))).rejects.toThrow('source failed at batch 3');
    expect(readFileSync(path, 'utf8')).toBe('previous content');
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses batches whose schema differs from the first, naming both, and commits nothing', async () => {
    async function* mixed(): AsyncGenerator<arrow.RecordBatch> {
      yield batch(0, 10);
      yield arrow.tableFromArrays({ id: new BigInt64Array([1n]), other: new Float64Array([1]) }).batches[0]!;
    }
    const path = join(dir, 'mixed.parquet');
    await expect(writeParquetFile(path, mixed())).rejects.toThrow(
      `${path}: batch 1 has schema [id: Int64, other: Float64], but the file has [id: Int64, price: Float64]`,
    );
    expect(readdirSync(dir).filter((name) => name.includes('mixed'))).toEqual([]);
  });

  it('refuses an empty input with a clear message', async () => {
    await expect(writeParquetFile(join(dir, 'empty.parquet'), batches(0, 1))).rejects.toThrow(/no record batches to write/u);
  });

  it('honours an abort signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const path = join(dir, 'aborted.parquet');
    await expect(writeParquetFile(path, batches(2, 10), { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(readdirSync(dir).filter((name) => name.includes('aborted'))).toEqual([]);
  });
});
