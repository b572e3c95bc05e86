import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CanonicalDatasetIdentity, UnifiedError } from '@unified/schemas';
import { datasetManifest } from './dataset-manifest.js';
import { type RunRecord, METADATA_FILE_NAME, datasetMetadata, readUnifiedMetadata, stageUnifiedMetadata, updateUnifiedMetadata } from './unified-metadata.js';

const root = mkdtempSync(join(tmpdir(), 'unified-metadata-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RUN: RunRecord = {
  at: '2024-01-04T00:00:00.000Z',
  engine: 'wasm',
  compression: 'snappy',
  existing_data: 'replace-partitions',
  rows_read: 2881,
  rows_written: 2880,
  duplicates_dropped: 1,
  conflicts_resolved: 0,
  rows_skipped: 0,
  partitions_written: 2,
  duration_ms: 12,
};
const converter = { name: 'unified', version: '1.2.3' };
const sha = 'a'.repeat(64);

function klines(symbol: string, days: number): ReturnType<typeof datasetMetadata> {
  const identity: CanonicalDatasetIdentity = { kind: 'klines', exchange: 'binance', symbol, timeframe: '1m' };
  const files = Array.from({ length: days }, (_, d) => ({
    path: `exchange=binance/symbol=${symbol}/timeframe=1m/year=2024/month=1/day=${d + 1}/part-0.parquet`,
    rows: 1440,
    bytes: 1000 + d,
    min_timestamp: 1704067200000 + d * 86_400_000,
    max_timestamp: 1704067200000 + d * 86_400_000 + 86_340_000,
    sha256: sha,
  }));
  const source = { path: `klines_binance_${symbol}_1m_consolidated.parquet`, size: 5, mtime: '2024-01-03T00:00:00.000Z', mtime_ms: 1704240000000, sha256: sha, format: 'parquet', role: 'consolidated', rows_read: 1440 * days, rows_skipped: 0 };
  return datasetMetadata({ identity, manifest: datasetManifest(identity, files), sources: [source], run: RUN });
}

describe('metadata.json', () => {
  it('describes a dataset from its manifest: totals, range, columns and partitioning', () => {
    const entry = klines('BTCUSDT', 2);
    expect(entry).toMatchObject({ kind: 'klines', timeframe: '1m', path: 'klines/binance_BTCUSDT_1m', rows: 2880, partitions: 2, files: 2, bytes: 2001 });
    expect([entry.min_timestamp, entry.max_timestamp]).toEqual([1704067200000, 1704067200000 + 86_400_000 + 86_340_000]);
    expect(entry.partitioning.keys.map((k) => `${k.name}:${k.type}`)).toEqual(['exchange:string', 'symbol:string', 'timeframe:string', 'year:int16', 'month:int8', 'day:int8']);
    expect(entry.columns.slice(0, 6).map((c) => c.name)).toEqual(['timestamp', 'open', 'high', 'low', 'close', 'volume']);
  });

  it('keeps the entries of other datasets and recomputes integer row totals per type', async () => {
    const first = updateUnifiedMetadata(undefined, [klines('BTCUSDT', 2)], { converter, now: new Date('2024-01-04T00:00:00Z') });
    const second = updateUnifiedMetadata(first, [klines('ETHUSDT', 1)], { converter, now: new Date('2024-01-05T00:00:00Z') });
    const third = updateUnifiedMetadata(second, [klines('BTCUSDT', 3)], { converter, now: new Date('2024-01-06T00:00:00Z') });
    expect(Object.keys(third.data_types.klines.datasets)).toEqual(['binance_BTCUSDT_1m', 'binance_ETHUSDT_1m']);
    expect(third.data_types.klines.rows).toBe(4 * 1440);
    expect([third.data_types.aggtrades.rows, third.data_types.futures.rows]).toEqual([0, 0]);
    expect([third.created, third.updated]).toEqual(['2024-01-04T00:00:00.000Z', '2024-01-06T00:00:00.000Z']);

    const staged = await stageUnifiedMetadata(root, third);
    expect(existsSync(join(root, METADATA_FILE_NAME))).toBe(false);
    await staged.commit();
    const read = await readUnifiedMetadata(root);
    expect(read).toEqual(third);
    const onDisk = JSON.parse(readFileSync(join(root, METADATA_FILE_NAME), 'utf8')) as { data_types: { klines: { rows: unknown } } };
    expect(Number.isInteger(onDisk.data_types.klines.rows)).toBe(true);
  });

  it('refuses a file it did not write, or one whose totals disagree, naming the file and the problem', async () => {
    const dir = mkdtempSync(join(root, 'bad-'));
    const path = join(dir, METADATA_FILE_NAME);
    const check = async (content: unknown): Promise<string> => {
      writeFileSync(path, JSON.stringify(content));
      try {
        await readUnifiedMetadata(dir);
      } catch (error) {
        if (UnifiedError.isInstance(error) && error.code === 'METADATA_INVALID') return error.message;
        throw error;
      }
      throw new Error('expected METADATA_INVALID');
    };
    expect(await check({ klines: { rows: 5 } })).toBe(`${path}: format_version is undefined, expected 1; if another tool wrote this file, move it away`);
    const good = updateUnifiedMetadata(undefined, [klines('BTCUSDT', 1)], { converter, now: new Date(0) });
    expect(await check({ ...good, data_types: { ...good.data_types, klines: { ...good.data_types.klines, rows: 1 } } })).toMatch(/data_types\.klines\.rows is 1, not the sum of its datasets' rows \(1440\)/u);
    const renamed = { ...good, data_types: { ...good.data_types, klines: { rows: 1440, datasets: { binance_ETHUSDT_1m: good.data_types.klines.datasets['binance_BTCUSDT_1m'] } } } };
    expect(await check(renamed)).toMatch(/datasets\.binance_ETHUSDT_1m describes binance_BTCUSDT_1m/u);
    await expect(readUnifiedMetadata(join(root, 'missing'))).resolves.toBeUndefined();
  });
});
