import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetManifest, writeDatasetManifest } from './dataset-manifest.js';
import { listDatasets, missingDayRanges } from './dataset-inventory.js';

const root = mkdtempSync(join(tmpdir(), 'unified-inventory-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('missingDayRanges', () => {
  it('lists the gaps between day numbers as inclusive runs', () => {
    expect(missingDayRanges([10, 11, 14, 15, 17])).toEqual([
      { first: 12, last: 13 },
      { first: 16, last: 16 },
    ]);
    expect(missingDayRanges([])).toEqual([]);
  });
});

describe('listDatasets', () => {
  it('reads a dataset written without metadata.json from its manifest, with its missing days', async () => {
    const dataset = join(root, 'futures', 'binance_BTCUSDT');
    mkdirSync(dataset, { recursive: true });
    const day = (d: number) => ({
      path: `exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=${d}/part-0.parquet`,
      rows: 3,
      bytes: 100,
      min_timestamp: Date.UTC(2024, 0, d),
      max_timestamp: Date.UTC(2024, 0, d, 16),
      sha256: 'b'.repeat(64),
    });
    await writeDatasetManifest(dataset, datasetManifest({ kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' }, [day(1), day(2), day(5)]));
    const [only, ...rest] = await listDatasets(root);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ type: 'futures', timeframe: null, rows: 9, partitions: 3, missingDays: 2, bytes: 300, minTimestamp: Date.UTC(2024, 0, 1) });
  });
});
