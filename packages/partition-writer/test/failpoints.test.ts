// Crash safety: a child process writing over an existing dataset is killed (SIGKILL) at each failpoint. What is
// left must be complete Parquet files only, and the next run must clean up and produce exactly the clean result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { FAILPOINTS, writePartitions } from '../src/index.js';
import { batchOf, batches, duckRows, sortedRows, treeHashes } from './rows.js';

const root = mkdtempSync(join(tmpdir(), 'unified-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const child = fileURLToPath(new URL('./crash-child.mjs', import.meta.url));
const dataset = { kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' } as const;

// The old dataset: 3 days, the first split into parts. The new run: other prices, one file per day.
const oldRows = sortedRows('aggtrades', 3000, 3, 1);
const newRows = sortedRows('aggtrades', 3000, 3, 2);
const input = join(root, 'new.arrows');
writeFileSync(input, arrow.tableToIPC(new arrow.Table(batchOf('aggtrades', newRows)), 'stream'));

function parquetFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.parquet'))
    .map((entry) => join(entry.parentPath, entry.name));
}

// The writer's own failpoints (before-metadata-rename is the converter's, tested with the CLI).
const WRITER_FAILPOINTS = FAILPOINTS.filter((name) => name !== 'before-metadata-rename');

describe('a crash at each failpoint', () => {
  it('lists the failpoints', () => {
    expect(FAILPOINTS).toEqual(['mid-read', 'after-temp-write', 'before-rename', 'after-rename', 'before-stale-removal', 'between-partitions', 'before-metadata-rename']);
  });

  it.each(WRITER_FAILPOINTS.map((name) => [name]))('%s leaves complete files only, and the next run completes exactly', async (name) => {
    const out = join(root, name);
    const first = await writePartitions(batches('aggtrades', oldRows), { outputDir: out, dataset, maxRowsPerFile: 400 });
    const run = spawnSync(process.execPath, [child, input, out, 'aggtrades', '20000000'], { env: { ...process.env, UNIFIED_FAILPOINT: name }, encoding: 'utf8' });
    expect([run.signal, run.stderr]).toEqual(['SIGKILL', '']);

    // Every data file a reader can see is a complete Parquet file.
    for (const file of parquetFiles(first.datasetDir)) {
      const [row] = await queryDuckDb(`SELECT count(*) AS n FROM read_parquet(${sqlString(file)})`);
      expect(Number(row!['n'])).toBeGreaterThan(0);
    }

    // The next run removes the crashed run's leftovers and yields exactly a clean run's bytes.
    const again = await writePartitions(batches('aggtrades', newRows), { outputDir: out, dataset });
    const clean = await writePartitions(batches('aggtrades', newRows), { outputDir: join(root, `${name}-clean`), dataset });
    expect(treeHashes(again.datasetDir)).toEqual(treeHashes(clean.datasetDir));
    expect(readdirSync(again.datasetDir).filter((entry) => entry.startsWith('.'))).toEqual([]);
  });

  it.each(['after-rename', 'before-stale-removal', 'between-partitions'])('a crash at %s is rolled forward even by a run that writes other days', async (name) => {
    const out = join(root, `${name}-forward`);
    const first = await writePartitions(batches('aggtrades', oldRows), { outputDir: out, dataset, maxRowsPerFile: 400 });
    const run = spawnSync(process.execPath, [child, input, out, 'aggtrades', '20000000'], { env: { ...process.env, UNIFIED_FAILPOINT: name }, encoding: 'utf8' });
    expect(run.signal).toBe('SIGKILL');
    // A later run over another day finishes the dead run's commit: no partition keeps old parts beside new ones.
    const otherDay = sortedRows('aggtrades', 10, 1, 3).map((row, i) => ({
      ...row,
      trade_id: BigInt(9_000_000 + i),
      timestamp: BigInt(Number(row['timestamp']) + 10 * 86_400_000),
      timestamp_us: (row['timestamp_us'] as bigint) + 10n * 86_400_000_000n,
    }));
    await writePartitions(batches('aggtrades', otherDay), { outputDir: out, dataset });
    const [counts] = await queryDuckDb(`SELECT count(*) AS n, count(DISTINCT trade_id) AS ids FROM read_parquet(${sqlString(`${first.datasetDir}/**/*.parquet`)})`);
    expect(Number(counts!['n'])).toBe(3000 + 10);
    expect(Number(counts!['ids'])).toBe(3000 + 10);
    const clean = await writePartitions(batches('aggtrades', newRows), { outputDir: join(root, `${name}-forward-clean`), dataset });
    const newDays = Object.fromEntries(Object.entries(treeHashes(first.datasetDir)).filter(([path]) => !path.includes('/day=9/') && !path.includes('/day=10/') && !path.includes('/day=11/')));
    expect(newDays).toEqual(treeHashes(clean.datasetDir));
  });

  it.each(['mid-read', 'after-temp-write', 'before-rename'])('a crash at %s, before any rename, leaves the dataset exactly as it was', async (name) => {
    const out = join(root, `${name}-untouched`);
    const first = await writePartitions(batches('aggtrades', oldRows), { outputDir: out, dataset, maxRowsPerFile: 400 });
    const before = treeHashes(first.datasetDir);
    const rowsBefore = await duckRows(first.datasetDir);
    const run = spawnSync(process.execPath, [child, input, out, 'aggtrades', '20000000'], { env: { ...process.env, UNIFIED_FAILPOINT: name }, encoding: 'utf8' });
    expect(run.signal).toBe('SIGKILL');
    // Only the dead run's hidden staging folder was added; the next run removes it.
    const after = Object.fromEntries(Object.entries(treeHashes(first.datasetDir)).filter(([path]) => !path.startsWith('.staging-')));
    expect(after).toEqual(before);
    expect(await duckRows(first.datasetDir)).toEqual(rowsBefore);
  });
});
