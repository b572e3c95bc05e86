// DuckDB reads a directory tree laid out with our partition paths as Hive partitions with exactly our values.
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataFileName, datasetRelativePath, encodePartitionSegment, parsePartitionSegment, partitionPath, partitionValuesOf } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'unified-hive-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('partition layout read by DuckDB with hive_partitioning', () => {
  it('gives back exchange, symbol, timeframe, year, month and day for every partition', async () => {
    const identity = { kind: 'klines', exchange: 'binance', symbol: 'BTCUSD_PERP', timeframe: '1m' } as const;
    const datasetDir = join(root, 'unified', datasetRelativePath(identity));
    const times = [Date.UTC(2024, 0, 9), Date.UTC(2024, 0, 10), Date.UTC(2024, 9, 1), Date.UTC(2025, 1, 28, 23, 59)];
    for (const t of times) {
      const dir = join(datasetDir, partitionPath('klines', partitionValuesOf(identity, t)));
      mkdirSync(dir, { recursive: true });
      await queryDuckDb(`COPY (SELECT ${t}::BIGINT AS timestamp) TO ${sqlString(join(dir, dataFileName(0)))} (FORMAT parquet)`);
    }
    const rows = await queryDuckDb(
      `SELECT timestamp, exchange, symbol, timeframe, year, month, day
       FROM read_parquet(${sqlString(join(datasetDir, '**', '*.parquet'))}, hive_partitioning = true)
       ORDER BY year, month, day`,
    );
    expect(rows).toEqual(
      times.map((t) => {
        const d = new Date(t);
        return { timestamp: BigInt(t), exchange: 'binance', symbol: 'BTCUSD_PERP', timeframe: '1m', year: BigInt(d.getUTCFullYear()), month: BigInt(d.getUTCMonth() + 1), day: BigInt(d.getUTCDate()) };
      }),
    );
  });

  it('agrees with DuckDB on encoded values and on symbols in other scripts', async () => {
    // Values our identifiers never contain, percent-encoded by us, must decode in DuckDB to the same string.
    const odd = 'A B/C=D%E\'F(G)';
    const segments = [encodePartitionSegment('symbol', odd), encodePartitionSegment('symbol', '币安人生USDT')];
    for (const segment of segments) {
      const dir = join(root, 'odd', segment);
      mkdirSync(dir, { recursive: true });
      await queryDuckDb(`COPY (SELECT 1 AS v) TO ${sqlString(join(dir, dataFileName(0)))} (FORMAT parquet)`);
    }
    expect(segments[0]).toBe('symbol=A%20B%2FC%3DD%25E%27F%28G%29');
    const rows = await queryDuckDb(`SELECT symbol FROM read_parquet(${sqlString(join(root, 'odd', '**', '*.parquet'))}, hive_partitioning = true) ORDER BY symbol`);
    expect(rows).toEqual([{ symbol: odd }, { symbol: '币安人生USDT' }]);
    expect(segments.map((segment) => parsePartitionSegment(segment).value)).toEqual([odd, '币安人生USDT']);
  });
});
