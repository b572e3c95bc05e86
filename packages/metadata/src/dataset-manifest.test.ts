import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MANIFEST_FILE_NAME, type ManifestFile, datasetManifest, readDatasetManifest, updateDatasetManifest, writeDatasetManifest } from './dataset-manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const identity = { kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' } as const;
const file = (day: number, rows = 1440): ManifestFile => ({
  path: `exchange=binance/symbol=BTCUSDT/timeframe=1m/year=2024/month=1/day=${day}/part-0.parquet`,
  rows,
  bytes: 60_000 + day,
  min_timestamp: Date.UTC(2024, 0, day),
  max_timestamp: Date.UTC(2024, 0, day, 23, 59),
  sha256: 'a'.repeat(63) + String(day % 10),
});

describe('dataset manifest', () => {
  it('writes files sorted by path with their total, and reads them back checked', async () => {
    const manifest = datasetManifest(identity, [file(2), file(10), file(1)]);
    expect(manifest.files.map((f) => f.path.split('/').at(-2))).toEqual(['day=1', 'day=10', 'day=2']);
    expect(manifest.rows).toBe(3 * 1440);
    await writeDatasetManifest(dir, manifest);
    expect(await readDatasetManifest(dir)).toEqual(manifest);
    // No wall-clock time inside: the same content writes the same bytes.
    const bytes = readFileSync(join(dir, MANIFEST_FILE_NAME));
    await writeDatasetManifest(dir, datasetManifest(identity, [file(1), file(10), file(2)]));
    expect(readFileSync(join(dir, MANIFEST_FILE_NAME))).toEqual(bytes);
  });

  it('keeps untouched partitions and replaces rewritten ones', () => {
    const previous = datasetManifest(identity, [file(1), file(2)]);
    const next = updateDatasetManifest(previous, identity, ['exchange=binance/symbol=BTCUSDT/timeframe=1m/year=2024/month=1/day=2'], [file(2, 1000), file(3)]);
    expect(next.files.map((f) => [f.path.split('/').at(-2), f.rows])).toEqual([['day=1', 1440], ['day=2', 1000], ['day=3', 1440]]);
    expect(next.rows).toBe(1440 + 1000 + 1440);
  });

  it.each([
    [{ format_version: 2 }, /format_version 2 is not 1/u],
    [{ rows: 1 }, /rows 1 is not the sum of its files' rows \(1440\)/u],
    [{ files: [{ ...file(1), path: '../x.parquet' }] }, /files\[0\]\.path must be a relative path inside the dataset/u],
    [{ files: [{ ...file(1), sha256: 'nope' }] }, /files\[0\]\.sha256 must be 64 hex digits/u],
    [{ kind: 'trades' }, /kind "trades" is not klines, aggtrades or futures/u],
  ])('refuses a manifest with %j', async (change, message) => {
    const broken = join(dir, `broken-${Object.keys(change)[0]!}`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, MANIFEST_FILE_NAME), JSON.stringify({ ...datasetManifest(identity, [file(1)]), ...change }));
    await expect(readDatasetManifest(broken)).rejects.toMatchObject({ code: 'METADATA_INVALID', message: expect.stringMatching(message) as unknown });
  });

  it('reads no manifest as undefined', async () => {
    expect(await readDatasetManifest(join(dir, 'none'))).toBeUndefined();
  });
});
