import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { FileSink } from '../src/file-sink.js';
import { writeBatchesToParquet } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-parquet-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeBatchesToParquet', () => {
  it('writes batches of any schema, with nulls, that DuckDB reads back exactly', async () => {
    const table = arrow.tableFromArrays({
      timestamp: BigInt64Array.from([1704067200000n, 1704067260000n, 1704067320000n]),
      close: Float64Array.from([42000.5, -0.25, 1e-9]),
      symbol: ['BTCUSDT', 'BTCUSDT', 'ÉTHÜSDT'],
      month: Int8Array.from([1, 1, 12]),
      year: Int16Array.from([2024, 2024, 2025]),
      maker: [true, false, true],
      note: ['a', null, 'c'],
    });
    const path = join(dir, 'out.parquet');
    const written = await writeBatchesToParquet(table.batches, path, { compression: 'zstd' });
    expect(written.rows).toBe(3);
    const rows = await queryDuckDb(`SELECT * FROM read_parquet(${sqlString(path)})`);
    expect(rows).toEqual([
      { timestamp: 1704067200000n, close: 42000.5, symbol: 'BTCUSDT', month: 1, year: 2024, maker: true, note: 'a' },
      { timestamp: 1704067260000n, close: -0.25, symbol: 'BTCUSDT', month: 1, year: 2024, maker: false, note: null },
      { timestamp: 1704067320000n, close: 1e-9, symbol: 'ÉTHÜSDT', month: 12, year: 2025, maker: true, note: 'c' },
    ]);
  });

  it('writes a file with the columns and no rows from batches without rows', async () => {
    const path = join(dir, 'no-rows.parquet');
    const schema = new arrow.Schema([new arrow.Field('timestamp', new arrow.Int64()), new arrow.Field('symbol', new arrow.Utf8(), true)]);
    const empty = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, nullCount: 0, children: schema.fields.map((f) => arrow.vectorFromArray([], f.type as arrow.DataType).data[0]!) }));
    expect((await writeBatchesToParquet([empty], path)).rows).toBe(0);
    expect(await queryDuckDb(`SELECT name, type FROM parquet_schema(${sqlString(path)}) WHERE name <> 'arrow_schema' AND name <> 'duckdb_schema' ORDER BY name`)).toEqual([
      { name: 'symbol', type: 'BYTE_ARRAY' },
      { name: 'timestamp', type: 'INT64' },
    ]);
  });

  it('writes nothing when there is nothing to write, and leaves no temporary file', async () => {
    const path = join(dir, 'empty.parquet');
    await expect(writeBatchesToParquet([], path)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('names the file asked for, not its temporary name, when the disk fills up, and keeps the old file', async () => {
    const path = join(dir, 'full.parquet');
    writeFileSync(path, 'the previous export');
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = FileSink.prototype.write;
    let calls = 0;
    const spy = vi.spyOn(FileSink.prototype, 'write').mockImplementation(function (this: FileSink, chunk: Uint8Array) {
      if (++calls >= 2) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return original.call(this, chunk);
    });
    try {
      const table = arrow.tableFromArrays({ id: Float64Array.from({ length: 300_000 }, (_, i) => i * 1.5) });
      const error = (await writeBatchesToParquet(table.batches, path, { rowGroupSize: 10_000 }).catch((e: unknown) => e)) as Error & { code: string };
      expect(error.code).toBe('WRITE_FAILED');
      expect(error.message).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}: .*ENOSPC`, 'u'));
      expect(error.message).not.toMatch(/\.tmp-/u);
    } finally {
      spy.mockRestore();
    }
    expect(readFileSync(path, 'utf8')).toBe('the previous export');
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
