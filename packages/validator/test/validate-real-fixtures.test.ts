// validateDataset on real Binance data: each real USD-M klines month and each real aggTrades file, loaded with
// openSource and written with writePartitions (plus the manifest and metadata.json a conversion records), must
// validate with exactly the gaps DuckDB finds in the source CSV (none, in these files) and nothing else.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openSource } from '@unified/loaders';
import { runRecordOf } from './run-record.js';
import { datasetManifest, datasetMetadata, updateUnifiedMetadata, writeDatasetManifest, writeJsonFile } from '@unified/metadata';
import { writePartitions } from '@unified/partition-writer';
import type { DatasetIdentity } from '@unified/schemas';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { type IssueCounts, VALIDATION_CHECKS, type ValidationCode, type ValidationReport, validateDataset } from '../src/index.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function counts(found: Partial<IssueCounts> = {}): IssueCounts {
  return { ...(Object.fromEntries(Object.keys(VALIDATION_CHECKS).map((code) => [code, 0])) as IssueCounts), ...found };
}

/** What `unified convert` would have written for `source`: the dataset, its manifest and its metadata.json entry. */
async function convert(source: string, identity: DatasetIdentity): Promise<{ dataDir: string; dir: string; rowsRead: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'unified-validate-real-'));
  temps.push(dataDir);
  const loaded = openSource(source, { kind: identity.kind });
  const report = await writePartitions(loaded, { outputDir: join(dataDir, 'unified'), dataset: identity });
  const rowsRead = loaded.summary!.rowsRead;
  const files = report.partitions.flatMap((p) => p.files.map((f) => ({ path: `${p.path}/${f.name}`, rows: f.rows, bytes: f.bytes, min_timestamp: f.minTimestamp, max_timestamp: f.maxTimestamp, sha256: f.sha256 })));
  const manifest = datasetManifest(identity, files);
  await writeDatasetManifest(report.datasetDir, manifest);
  const stat = statSync(source);
  const run = runRecordOf(report, rowsRead, new Date(0).toISOString());
  const sources = [{ path: source, size: stat.size, mtime: stat.mtime.toISOString(), mtime_ms: stat.mtimeMs, sha256: createHash('sha256').update(readFileSync(source)).digest('hex'), format: 'csv', role: 'consolidated', rows_read: rowsRead, rows_skipped: 0 }];
  const entry = datasetMetadata({ identity: identity.kind === 'klines' ? { ...identity, timeframe: '1m' } : identity, manifest, sources, run });
  await writeJsonFile(join(dataDir, 'unified', 'metadata.json'), updateUnifiedMetadata(undefined, [entry], { converter: { name: 'unified', version: '0.0.0' }, now: new Date(0) }));
  return { dataDir, dir: report.datasetDir, rowsRead };
}

/** The report has exactly `found` (and the codes of `expected` issues), nothing else; warnings only, so `ok`. */
function expectOnly(report: ValidationReport, found: Partial<IssueCounts>): void {
  expect(report.stats.issueCounts).toEqual(counts(found));
  expect(report.stats.errors).toBe(0);
  expect(report.ok).toBe(true);
  for (const code of Object.keys(found) as ValidationCode[]) expect(VALIDATION_CHECKS[code].severity).toBe('warning');
}

describeWithRealFixtures('validateDataset on real USD-M futures klines', (fixtures) => {
  const dir = join(fixtures, 'klines', 'futures_um');
  const files = readdirSync(dir).filter((name) => name.endsWith('.csv') && !name.endsWith('.head32.csv')).sort();

  it('finds the monthly and daily files', () => {
    expect(files).toEqual(['ALGOUSDT-1m-2023-02.csv', 'AVAXUSDT-1m-2026-07.csv', 'BTCUSDT-1m-2025-01-02.csv', 'NEARUSDT-1m-2025-02.csv']);
  });

  it.each(files)('%s validates with exactly the gaps DuckDB finds in the CSV', async (name) => {
    const source = join(dir, name);
    const symbol = name.slice(0, name.indexOf('-'));
    const { dir: dataset, rowsRead } = await convert(source, { kind: 'klines', exchange: 'binanceusdm', symbol, timeframe: '1m' });
    const csv = `read_csv(${sqlString(source)}, header = true)`;
    const [facts] = await queryDuckDb(`SELECT count(*)::BIGINT AS n, min(open_time)::BIGINT AS lo, max(open_time)::BIGINT AS hi, count(DISTINCT year(to_timestamp(open_time / 1000)) * 10000 + month(to_timestamp(open_time / 1000)) * 100 + day(to_timestamp(open_time / 1000)))::BIGINT AS days FROM ${csv}`);
    const gaps = await queryDuckDb(
      `SELECT (prev + 60000)::BIGINT AS "from", (open_time - 60000)::BIGINT AS "to", ((open_time - prev) // 60000 - 1)::BIGINT AS missing
       FROM (SELECT open_time, lag(open_time) OVER (ORDER BY open_time) AS prev FROM ${csv}) WHERE open_time - prev > 60000 ORDER BY open_time`,
    );
    const report = await validateDataset(dataset);
    expectOnly(report, { kline_gap: gaps.length });
    expect(report.issues.map((i) => (i.code === 'kline_gap' ? { from: i.from, to: i.to, missing: i.missing } : i))).toEqual(gaps.map((g) => ({ from: Number(g['from']), to: Number(g['to']), missing: Number(g['missing']) })));
    expect(report.stats).toMatchObject({
      kind: 'klines',
      timeframe: '1m',
      rows: Number(facts!['n']),
      files: Number(facts!['days']),
      partitions: Number(facts!['days']),
      minTimestamp: Number(facts!['lo']),
      maxTimestamp: Number(facts!['hi']),
      manifest: true,
      metadata: true,
      missingCandles: gaps.reduce((n, g) => n + Number(g['missing']), 0),
    });
    expect(rowsRead).toBe(Number(facts!['n']));
    // These archives have no maintenance gap: strict passes too.
    expect(gaps).toEqual([]);
    expect((await validateDataset(dataset, { strict: true, checksums: false })).ok).toBe(true);
  });

  it('BTCUSDT-1m-2025-01-02.csv reconciles with its source: counts and a sample of 1000 rows', async () => {
    const source = join(dir, 'BTCUSDT-1m-2025-01-02.csv');
    const { dir: dataset } = await convert(source, { kind: 'klines', exchange: 'binanceusdm', symbol: 'BTCUSDT', timeframe: '1m' });
    const report = await validateDataset(dataset, { sources: true });
    expect(report.issues).toEqual([]);
    expect(report.stats.sources).toEqual({ files: 1, filesRead: 1, rowsRead: 1440, rowsSkipped: 0, sampled: 1000, verified: 1000, droppedByPolicy: 0 });
  });
});

describeWithRealFixtures('validateDataset on real aggTrades', (fixtures) => {
  const FILES = [
    ['aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv', 'binance', 'BTCUSDT', false],
    ['aggtrades/futures_cm/BTCUSD_260327-aggTrades-2025-09.csv', 'binancecoinm', 'BTCUSD_260327', true],
    ['aggtrades/futures_cm/BTCUSD_PERP-aggTrades-2026-05-08.csv', 'binancecoinm', 'BTCUSD_PERP', true],
  ] as const;

  it.each(FILES)('%s has consecutive trade ids: exactly the trade id gaps DuckDB finds', async (file, exchange, symbol, header) => {
    const source = join(fixtures, file);
    // Headerless spot archives: agg_trade_id, price, quantity, first, last, transact_time (µs since 2025), maker, best match.
    const csv = header ? `read_csv(${sqlString(source)}, header = true)` : `(SELECT column0 AS agg_trade_id, column5 AS transact_time FROM read_csv(${sqlString(source)}, header = false))`;
    const [facts] = await queryDuckDb(
      `SELECT count(*)::BIGINT AS n, count(*) FILTER (WHERE id - prev <> 1)::BIGINT AS gaps, coalesce(sum(id - prev - 1) FILTER (WHERE id - prev > 1), 0)::BIGINT AS missing
       FROM (SELECT agg_trade_id AS id, lag(agg_trade_id) OVER (ORDER BY transact_time, agg_trade_id) AS prev FROM ${csv})`,
    );
    const { dir: dataset } = await convert(source, { kind: 'aggtrades', exchange, symbol });
    const report = await validateDataset(dataset);
    const gaps = Number(facts!['gaps']);
    expectOnly(report, { trade_id_gap: gaps });
    expect(report.stats).toMatchObject({ kind: 'aggtrades', rows: Number(facts!['n']), tradeIdGaps: gaps, missingTradeIds: Number(facts!['missing']), manifest: true, metadata: true });
    expect(gaps).toBe(0);
    expect(basename(dataset)).toBe(`${exchange}_${symbol}`);
  });

  it('the spot file reconciles with its source: counts and a sample of 1000 rows', async () => {
    const { dir: dataset } = await convert(join(fixtures, 'aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv'), { kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' });
    const report = await validateDataset(dataset, { sources: true });
    expect(report.issues).toEqual([]);
    expect(report.stats.sources).toEqual({ files: 1, filesRead: 1, rowsRead: 5000, rowsSkipped: 0, sampled: 1000, verified: 1000, droppedByPolicy: 0 });
  });
});
