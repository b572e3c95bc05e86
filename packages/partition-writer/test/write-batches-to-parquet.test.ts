import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
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
});
