// The seed's Step 1.5 scenarios on real bytes: every dataset is read back with DuckDB and compared with its
// input, and every promise about re-runs and failures is checked by hashing every file under unified/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { rejection, treeHashes } from '@unified/vitest-config/files';
import { generateSampleData } from '@unified/sample-data';
import type { UnifiedError } from '@unified/schemas';
import type { BackupManifest, DatasetManifest, UnifiedConfig, UnifiedMetadata } from '@unified/metadata';
import type { ConvertEvent, ConvertOptions } from './convert-types.js';
import { convert } from './convert.js';
import { readPartitionedDataset, scanPartitionedDataset } from '@unified/loaders';
import { runStep } from './run-step.js';
import { validate } from './validate.js';

const root = mkdtempSync(join(tmpdir(), 'unified-convert-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => {
  const dir = join(root, `data-${counter++}`);
  mkdirSync(dir);
  return dir;
};

const DAY = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

/** One day of 1-minute klines, as the Python pipeline's consolidated CSV (seed columns only). */
function klinesCsv(day = DAY, minutes = 1440, close = (i: number): string => String(42_000 + (i % 50))): string {
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < minutes; i++) lines.push(`${day + i * 60_000},42000,42100,41900,${close(i)},${(i % 7) + 0.5}`);
  return `${lines.join('\n')}\n`;
}

/** One trade per second for a day; trades 10 and 11 share time, price and quantity but are distinct trades. */
function aggtradesCsv(day = DAY, seconds = 86_400): string {
  const lines = ['agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'];
  for (let i = 0; i < seconds; i++) {
    const time = i === 11 ? day + 10_000 : day + i * 1000;
    const price = i === 11 ? '42010.5' : (42_000 + (i % 100) / 10).toString();
    const qty = i === 11 ? '0.011' : ((i % 13) / 1000 + 0.001).toFixed(3);
    lines.push(`${1000 + i},${price},${qty},${5000 + i},${5000 + i},${time},${i % 2 === 0 ? 'True' : 'False'}`);
  }
  // Trade 10 with the values trade 11 copies.
  lines[11] = `1010,42010.5,0.011,5010,5010,${day + 10_000},True`;
  return `${lines.join('\n')}\n`;
}

/** Three 8-hourly funding events with the 1–2 ms jitter Binance's monthly files carry. */
function fundingCsv(day = DAY): string {
  return `calc_time,funding_interval_hours,last_funding_rate\n${day + 1},8,0.0001\n${day + 8 * HOUR + 2},8,8.4E-7\n${day + 16 * HOUR},8,-0.00003\n`;
}

interface Inputs {
  klines?: string;
  aggtrades?: string;
  futures?: string;
  symbol?: string;
}

function writeInputs(dir: string, inputs: Inputs): void {
  const symbol = inputs.symbol ?? 'BTCUSDT';
  if (inputs.klines !== undefined) writeFileSync(join(dir, `klines_binance_${symbol}_1m_consolidated.csv`), inputs.klines);
  if (inputs.aggtrades !== undefined) writeFileSync(join(dir, `aggtrades_binance_${symbol}_consolidated.csv`), inputs.aggtrades);
  if (inputs.futures !== undefined) writeFileSync(join(dir, `futures_binance_${symbol}_consolidated.csv`), inputs.futures);
}

/** A JSON file the converter wrote, typed as the format it follows. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the format
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

const parquetOnly = (hashes: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(hashes).filter(([path]) => path.endsWith('.parquet')));

const failure = (promise: Promise<unknown>): Promise<UnifiedError> => rejection<UnifiedError>(promise);

const run = (dataDir: string, extra: Partial<ConvertOptions> = {}) => convert({ dataDir, exchange: 'binance', symbol: 'BTCUSDT', lockTimeoutMs: 5000, ...extra });

const duck = (glob: string, select: string): Promise<Record<string, unknown>[]> => queryDuckDb(`SELECT ${select} FROM read_parquet(${sqlString(glob)}, hive_partitioning = true)`);

describe('convert: the seed scenarios', () => {
  const dataDir = freshDir();
  writeInputs(dataDir, { klines: klinesCsv(), aggtrades: aggtradesCsv(), futures: fundingCsv() });
  const unified = join(dataDir, 'unified');
  const first = run(dataDir);

  it('keeps each data type at its own granularity', async () => {
    const result = await first;
    expect(result.noop).toBe(false);
    expect(result.datasets.map((d) => [d.kind, d.name, d.status, d.totalRows, d.partitions])).toEqual([
      ['klines', 'binance_BTCUSDT_1m', 'written', 1440, 1],
      ['aggtrades', 'binance_BTCUSDT', 'written', 86_400, 1],
      ['futures', 'binance_BTCUSDT', 'written', 3, 1],
    ]);
    // Klines: every minute of the day, no aggregation.
    const klines = await duck(`${unified}/klines/binance_BTCUSDT_1m/**/*.parquet`, 'count(*) AS n, count(DISTINCT timestamp) AS d, min(timestamp) AS lo, max(timestamp) AS hi, any_value(timeframe) AS tf, any_value(year) AS y');
    expect(klines).toEqual([{ n: 1440n, d: 1440n, lo: BigInt(DAY), hi: BigInt(DAY + 1439 * 60_000), tf: '1m', y: 2024n }]);
    // Aggtrades: every trade with its own second, including two distinct trades with equal time, price and quantity.
    const trades = await duck(`${unified}/aggtrades/binance_BTCUSDT/**/*.parquet`, `count(*) AS n, count(DISTINCT trade_id) AS ids, sum(timestamp - ${DAY}) AS offsets, count(*) FILTER (WHERE timestamp % 1000 <> 0) AS off_grid`);
    const expectedOffsets = BigInt(((86_400 * 86_399) / 2) * 1000 - 1000); // trade 11 sits at second 10
    expect(trades).toEqual([{ n: 86_400n, ids: 86_400n, offsets: expectedOffsets, off_grid: 0n }]);
    const twins = await queryDuckDb(`SELECT trade_id, trade_price, trade_quantity FROM read_parquet(${sqlString(`${unified}/aggtrades/binance_BTCUSDT/**/*.parquet`)}) WHERE timestamp = ${DAY + 10_000} ORDER BY trade_id`);
    expect(twins).toEqual([
      { trade_id: 1010n, trade_price: 42_010.5, trade_quantity: 0.011 },
      { trade_id: 1011n, trade_price: 42_010.5, trade_quantity: 0.011 },
    ]);
    // Funding: sparse, with the original jittered times, not joined or filled.
    const funding = await queryDuckDb(`SELECT timestamp, funding_time, funding_rate FROM read_parquet(${sqlString(`${unified}/futures/binance_BTCUSDT/**/*.parquet`)}) ORDER BY timestamp`);
    expect(funding).toEqual([
      { timestamp: BigInt(DAY + 1), funding_time: BigInt(DAY + 1), funding_rate: 0.0001 },
      { timestamp: BigInt(DAY + 8 * HOUR + 2), funding_time: BigInt(DAY + 8 * HOUR + 2), funding_rate: 8.4e-7 },
      { timestamp: BigInt(DAY + 16 * HOUR), funding_time: BigInt(DAY + 16 * HOUR), funding_rate: -0.00003 },
    ]);
  });

  it('records metadata.json with integer row counts per type, _config.json, and a manifest per dataset', async () => {
    await first;
    const metadata = readJson<UnifiedMetadata>(join(unified, 'metadata.json'));
    expect([metadata.data_types.klines.rows, metadata.data_types.aggtrades.rows, metadata.data_types.futures.rows]).toEqual([1440, 86_400, 3]);
    expect(Number.isInteger(metadata.data_types.klines.rows)).toBe(true);
    const entry = metadata.data_types.aggtrades.datasets['binance_BTCUSDT']!;
    expect(entry).toMatchObject({ exchange: 'binance', symbol: 'BTCUSDT', timeframe: null, path: 'aggtrades/binance_BTCUSDT', rows: 86_400, partitions: 1, files: 1, min_timestamp: DAY, max_timestamp: DAY + 86_399_000 });
    const source = readFileSync(join(dataDir, 'aggtrades_binance_BTCUSDT_consolidated.csv'));
    expect(entry.sources).toEqual([
      expect.objectContaining({ path: 'aggtrades_binance_BTCUSDT_consolidated.csv', size: source.length, sha256: createHash('sha256').update(source).digest('hex'), rows_read: 86_400, rows_skipped: 0, role: 'consolidated' }),
    ]);
    expect(entry.last_run).toMatchObject({ rows_read: 86_400, rows_written: 86_400, duplicates_dropped: 0 });
    const config = readJson<UnifiedConfig>(join(unified, '_config.json'));
    expect(config.data_types.klines.datasets['binance_BTCUSDT_1m']).toMatchObject({ engine: 'wasm', compression: 'snappy', timeframe: '1m', partitioning: ['exchange', 'symbol', 'timeframe', 'year', 'month', 'day'] });
    const manifest = readJson<DatasetManifest>(join(unified, 'klines/binance_BTCUSDT_1m/_manifest.json'));
    const file = join(unified, 'klines/binance_BTCUSDT_1m', manifest.files[0]!.path);
    expect(manifest.files[0]).toMatchObject({ rows: 1440, bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), min_timestamp: DAY, max_timestamp: DAY + 1439 * 60_000 });
    // Nothing but data, manifests, metadata and config is left behind (no locks, no staging).
    expect(Object.keys(treeHashes(unified)).filter((p) => !p.endsWith('.parquet')).sort()).toEqual([
      '_config.json',
      'aggtrades/binance_BTCUSDT/_manifest.json',
      'futures/binance_BTCUSDT/_manifest.json',
      'klines/binance_BTCUSDT_1m/_manifest.json',
      'metadata.json',
    ]);
  });

  it('does nothing on a second run with unchanged sources, and a forced run writes identical bytes and a backup', async () => {
    await first;
    const before = treeHashes(unified);
    const events: ConvertEvent[] = [];
    const again = await run(dataDir, { onEvent: (e) => events.push(e) });
    expect(again.noop).toBe(true);
    expect(again.datasets.map((d) => d.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(events.filter((e) => e.type === 'unchanged')).toHaveLength(3);
    expect(treeHashes(unified)).toEqual(before);
    expect(existsSync(join(dataDir, 'backup_pre_unified'))).toBe(false);

    // A touched but identical file is still unchanged (its sha256 decides).
    const klinesPath = join(dataDir, 'klines_binance_BTCUSDT_1m_consolidated.csv');
    utimesSync(klinesPath, new Date(), new Date(Date.now() + 5000));
    expect((await run(dataDir)).noop).toBe(true);

    const forced = await run(dataDir, { forceRerun: true });
    expect(forced.noop).toBe(false);
    expect(parquetOnly(treeHashes(unified))).toEqual(parquetOnly(before));
    expect([...(forced.backup?.files ?? [])].sort()).toEqual(['aggtrades_binance_BTCUSDT_consolidated.csv', 'futures_binance_BTCUSDT_consolidated.csv', 'klines_binance_BTCUSDT_1m_consolidated.csv']);
    const backups = readdirSync(join(dataDir, 'backup_pre_unified'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^backup_\d{8}_\d{6}$/u);
    expect(readFileSync(join(dataDir, 'backup_pre_unified', backups[0]!, 'klines_binance_BTCUSDT_1m_consolidated.csv'))).toEqual(readFileSync(klinesPath));

    // A second forced run: the sources equal the newest backup, so no new backup, and it says so.
    const backupEvents: ConvertEvent[] = [];
    const forcedAgain = await run(dataDir, { forceRerun: true, onEvent: (e) => e.type === 'backup' && backupEvents.push(e) });
    expect(forcedAgain.backup).toBeUndefined();
    expect(backupEvents).toEqual([{ type: 'backup', dir: undefined, files: [], unchanged: forced.backup?.files }]);
    expect(readdirSync(join(dataDir, 'backup_pre_unified'))).toHaveLength(1);
  });

  it('leaves every file under unified/ byte-identical when a run fails, and names the file and line', async () => {
    await first;
    const before = treeHashes(unified);
    const tradesPath = join(dataDir, 'aggtrades_binance_BTCUSDT_consolidated.csv');
    const good = readFileSync(tradesPath, 'utf8');
    const lines = good.split('\n');
    lines[500] = lines[500]!.replace(/^(\d+),[^,]+,/u, '$1,abc,');
    writeFileSync(tradesPath, lines.join('\n'));
    try {
      const error = await failure(run(dataDir, { forceRerun: true }));
      expect(error.code).toBe('BAD_ROW');
      expect(error.message).toContain(`${tradesPath}:501`);
      expect(error.message).toContain('"abc"');
      expect(treeHashes(unified)).toEqual(before);
    } finally {
      writeFileSync(tradesPath, good);
    }
  });
});

describe('convert: missing data types', () => {
  it('skips missing futures and aggtrades with a warning and converts the rest', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(), aggtrades: aggtradesCsv(DAY, 100) });
    const result = await run(dataDir);
    expect(result.datasets.map((d) => d.kind)).toEqual(['klines', 'aggtrades']);
    expect(result.skipped.map((s) => s.kind)).toEqual(['futures']);
    expect(result.warnings.join('\n')).toMatch(/futures skipped: no futures sources for binance BTCUSDT in .* \(looked for futures_binance_BTCUSDT_consolidated\.parquet or \.csv/u);
    expect(existsSync(join(dataDir, 'unified/futures'))).toBe(false);

    const noTrades = freshDir();
    writeInputs(noTrades, { klines: klinesCsv(), futures: fundingCsv() });
    const other = await run(noTrades);
    expect([other.datasets.map((d) => d.kind), other.skipped.map((s) => s.kind)]).toEqual([['klines', 'futures'], ['aggtrades']]);
    const metadata = readJson<UnifiedMetadata>(join(noTrades, 'unified/metadata.json'));
    expect([metadata.data_types.aggtrades.rows, metadata.data_types.aggtrades.datasets]).toEqual([0, {}]);
  });

  it('fails without klines and writes nothing', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { aggtrades: aggtradesCsv(DAY, 100), futures: fundingCsv() });
    const error = await failure(run(dataDir));
    expect(error.code).toBe('SOURCE_NOT_FOUND');
    expect(error.message).toMatch(/no klines sources for binance BTCUSDT 1m in .*klines are required, nothing was written/u);
    expect(readdirSync(dataDir).sort()).toEqual(['aggtrades_binance_BTCUSDT_consolidated.csv', 'futures_binance_BTCUSDT_consolidated.csv']);
  });

  it('refuses unsafe identifiers and a missing data directory before touching the disk', async () => {
    const dataDir = freshDir();
    expect((await failure(run(dataDir, { symbol: '../x' }))).code).toBe('INVALID_IDENTIFIER');
    expect((await failure(run(join(dataDir, 'nope')))).message).toBe(`${join(dataDir, 'nope')}: the data directory does not exist`);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('convert: several datasets in one unified/ folder', () => {
  it('keeps both symbols in metadata.json, and a change to one converts only that one', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(), futures: fundingCsv() });
    writeInputs(dataDir, { symbol: 'ETHUSDT', klines: klinesCsv(DAY, 60) });
    await run(dataDir);
    const eth = await run(dataDir, { symbol: 'ethusdt' });
    expect(eth.datasets.map((d) => d.name)).toEqual(['binance_ETHUSDT_1m']);
    const metadata = readJson<UnifiedMetadata>(join(dataDir, 'unified/metadata.json'));
    expect(Object.keys(metadata.data_types.klines.datasets)).toEqual(['binance_BTCUSDT_1m', 'binance_ETHUSDT_1m']);
    expect(metadata.data_types.klines.rows).toBe(1500);
    expect(metadata.data_types.futures.rows).toBe(3);

    // A new day of klines: only klines are converted again; the funding dataset stays unchanged.
    writeInputs(dataDir, { klines: klinesCsv() + klinesCsv(DAY + 86_400_000).split('\n').slice(1).join('\n') });
    const next = await run(dataDir);
    expect(next.datasets.map((d) => [d.kind, d.status, d.totalRows])).toEqual([
      ['klines', 'written', 2880],
      ['futures', 'unchanged', 3],
    ]);
  });
});

describe('convert: a commit that fails half-way', () => {
  it('is completed by the next run in the same process before newer data is written, and leaves nothing behind', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 60, () => '42001.5') });
    const dataset = join(dataDir, 'unified/klines/binance_BTCUSDT_1m');
    // A file where the first partition folder must go: every rename of the commit fails.
    mkdirSync(dataset, { recursive: true });
    writeFileSync(join(dataset, 'exchange=binance'), 'in the way');
    const failed = await failure(run(dataDir));
    expect([failed.code, failed.message]).toEqual(['WRITE_FAILED', expect.stringContaining('the commit of klines/binance_BTCUSDT_1m was interrupted') as unknown]);
    rmSync(join(dataset, 'exchange=binance'));

    // New data in the same process: the interrupted commit is finished first, then replaced by the new one.
    writeInputs(dataDir, { klines: klinesCsv(DAY, 60, () => '42001.7') });
    const next = await run(dataDir);
    expect(next.datasets[0]?.totalRows).toBe(60);
    expect(await duck(`${dataset}/**/*.parquet`, 'DISTINCT close')).toEqual([{ close: 42001.7 }]);
    const hidden = Object.keys(treeHashes(join(dataDir, 'unified'))).filter((path) => path.split('/').some((part) => part.startsWith('.')));
    expect(hidden).toEqual([]);
    expect((await run(dataDir)).noop).toBe(true);
  });

  it('converts again the datasets a dead run left in its commit marker, even when nothing else tells', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 60), futures: fundingCsv() });
    await run(dataDir);
    // A run that died between its data renames and its metadata renames (same file sizes: nothing else shows it).
    writeFileSync(join(dataDir, 'unified', '.commit-pending.json'), JSON.stringify({ datasets: ['klines/binance_BTCUSDT_1m'] }));
    const again = await run(dataDir);
    expect(again.noop).toBe(false);
    expect(again.datasets.map((d) => [d.kind, d.status])).toEqual([
      ['klines', 'written'],
      ['futures', 'unchanged'],
    ]);
    expect(existsSync(join(dataDir, 'unified', '.commit-pending.json'))).toBe(false);
    expect((await run(dataDir)).noop).toBe(true);
  });

  it('changes nothing when aborted while reading (Ctrl-C)', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 60) });
    await run(dataDir);
    const before = treeHashes(join(dataDir, 'unified'));
    writeInputs(dataDir, { klines: klinesCsv(DAY, 1440), aggtrades: aggtradesCsv(DAY, 200_000) });
    const controller = new AbortController();
    const onEvent = (event: ConvertEvent): void => {
      if (event.type === 'progress' && event.kind === 'aggtrades' && event.rowsRead > 0) controller.abort(new Error('interrupted by SIGINT'));
    };
    const error = await failure(run(dataDir, { signal: controller.signal, onEvent }));
    expect(error.code).toBe('ABORTED');
    expect(treeHashes(join(dataDir, 'unified'))).toEqual(before);
    expect(existsSync(join(dataDir, 'backup_pre_unified'))).toBe(false);
  });

  it('is converted again when it last skipped bad rows and the next run would not', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 60, (i) => (i === 5 ? 'x' : '42001.5')) });
    expect((await run(dataDir, { onBadRow: 'skip' })).datasets[0]?.rowsSkipped).toBe(1);
    expect((await run(dataDir, { onBadRow: 'skip' })).noop).toBe(true);
    expect((await failure(run(dataDir))).code).toBe('BAD_ROW');
  });
});

describe('convert: runs at the same time', () => {
  it('keep both symbols when they commit together, and a run on the same dataset waits and then has nothing to do', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(), aggtrades: aggtradesCsv(DAY, 20_000) });
    writeInputs(dataDir, { symbol: 'ETHUSDT', klines: klinesCsv(DAY, 720) });
    const waits: [ConvertEvent[], ConvertEvent[]] = [[], []];
    const [btc, eth, twin] = await Promise.all([
      run(dataDir, { onEvent: (e) => e.type === 'waiting' && waits[0].push(e) }),
      run(dataDir, { symbol: 'ETHUSDT' }),
      run(dataDir, { onEvent: (e) => e.type === 'waiting' && waits[1].push(e) }),
    ]);
    expect(eth.noop).toBe(false);
    // One of the two BTCUSDT runs converted; the other waited for its lock and found the work done.
    expect([btc.noop, twin.noop].sort()).toEqual([false, true]);
    const metadata = readJson<UnifiedMetadata>(join(dataDir, 'unified/metadata.json'));
    expect(Object.keys(metadata.data_types.klines.datasets)).toEqual(['binance_BTCUSDT_1m', 'binance_ETHUSDT_1m']);
    expect([metadata.data_types.klines.rows, metadata.data_types.aggtrades.rows]).toEqual([1440 + 720, 20_000]);
    expect(existsSync(join(dataDir, 'backup_pre_unified'))).toBe(false);
    expect(Object.keys(treeHashes(join(dataDir, 'unified'))).filter((p) => p.includes('.lock') || p.includes('.staging'))).toEqual([]);
    // The run with nothing to do said whom it waited for.
    const waited = btc.noop ? waits[0] : waits[1];
    expect(waited[0]).toMatchObject({ type: 'waiting', holder: expect.stringMatching(new RegExp(`^process ${process.pid} on `, 'u')) as unknown });
  });
});

describe('convert: what the original Python implementation got wrong', () => {
  it('reads integer-millisecond Parquet timestamps as milliseconds (2024, never 1970) and reads consolidated aggtrades and funding', async () => {
    const dataDir = freshDir();
    await generateSampleData({ outDir: dataDir, days: 2, aggtradesRows: 5000, formats: ['parquet'], timestamps: 'ms' });
    const result = await run(dataDir);
    expect(result.datasets.map((d) => [d.kind, d.partitions])).toEqual([
      ['klines', 2],
      ['aggtrades', 2],
      ['futures', 2],
    ]);
    expect(result.datasets.find((d) => d.kind === 'aggtrades')?.totalRows).toBe(5000);
    for (const dataset of ['klines/binance_BTCUSDT_1m', 'aggtrades/binance_BTCUSDT', 'futures/binance_BTCUSDT']) {
      const times = await queryDuckDb(`SELECT year, month, min(timestamp) >= 1704067200000 AS in_2024 FROM read_parquet(${sqlString(`${dataDir}/unified/${dataset}/**/*.parquet`)}, hive_partitioning = true) GROUP BY ALL`);
      expect(times).toEqual([{ year: 2024n, month: 1n, in_2024: true }]);
    }
  });

  it('refuses a missing price instead of filling it with 0, and skips it only when asked', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 100, (i) => (i === 42 ? '' : '42000')) });
    const error = await failure(run(dataDir));
    expect([error.code, error.message]).toEqual(['BAD_ROW', expect.stringMatching(/klines_binance_BTCUSDT_1m_consolidated\.csv:44: .*close/u)]);
    expect(existsSync(join(dataDir, 'unified'))).toBe(false);
    const skipped = await run(dataDir, { onBadRow: 'skip' });
    expect(skipped.datasets[0]).toMatchObject({ rowsRead: 100, rowsSkipped: 1, totalRows: 99 });
    expect(await duck(`${dataDir}/unified/klines/**/*.parquet`, 'count(*) FILTER (WHERE close = 0) AS zeros')).toEqual([{ zeros: 0n }]);
  });

  it('writes every partition with one schema, replaces files atomically and removes stale parts', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 2880) });
    const split = await run(dataDir, { maxRowsPerFile: 500 });
    expect(split.datasets[0]!.files).toBe(6);
    const dataset = join(dataDir, 'unified/klines/binance_BTCUSDT_1m');
    const schemas = await queryDuckDb(
      `SELECT count(*) AS files, count(DISTINCT signature) AS schemas FROM (SELECT file_name, string_agg(name || ':' || type || ':' || coalesce(repetition_type, ''), ',' ORDER BY name) AS signature FROM parquet_schema(${sqlString(`${dataset}/**/*.parquet`)}) GROUP BY file_name)`,
    );
    expect(schemas).toEqual([{ files: 6n, schemas: 1n }]);
    // A run with other settings is not unchanged: it rewrites, and the parts it no longer needs are gone.
    const whole = await run(dataDir, { maxRowsPerFile: 20_000_000 });
    expect([whole.datasets[0]!.files, whole.datasets[0]!.staleFilesRemoved]).toEqual([2, 4]);
    expect(Object.keys(parquetOnly(treeHashes(dataset))).sort()).toEqual([
      'exchange=binance/symbol=BTCUSDT/timeframe=1m/year=2024/month=1/day=1/part-0.parquet',
      'exchange=binance/symbol=BTCUSDT/timeframe=1m/year=2024/month=1/day=2/part-0.parquet',
    ]);
    expect(await duck(`${dataset}/**/*.parquet`, 'count(*) AS n')).toEqual([{ n: 2880n }]);
  });

  it('keeps a new backup when a source changes instead of keeping the first one forever', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 60) });
    await run(dataDir);
    await run(dataDir, { forceRerun: true });
    writeInputs(dataDir, { klines: klinesCsv(DAY, 120) });
    const changed = await run(dataDir);
    expect(changed.backup?.files).toEqual(['klines_binance_BTCUSDT_1m_consolidated.csv']);
    const backups = readdirSync(join(dataDir, 'backup_pre_unified')).sort();
    expect(backups).toHaveLength(2);
    const newest = readJson<BackupManifest>(join(dataDir, 'backup_pre_unified', backups.at(-1)!, '_backup.json'));
    expect(newest.files[0]!.sha256).toBe(createHash('sha256').update(klinesCsv(DAY, 120)).digest('hex'));
  });

  it('fails the whole run, naming the file, when one per-day file is corrupt', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv() });
    const perDay = join(dataDir, 'parquet/aggtrades_binance_BTCUSDT');
    mkdirSync(perDay, { recursive: true });
    writeFileSync(join(perDay, 'aggtrades_binance_BTCUSDT_2024-01-01.csv'), aggtradesCsv(DAY, 50));
    writeFileSync(join(perDay, 'aggtrades_binance_BTCUSDT_2024-01-02.parquet'), 'PAR1 not really parquet');
    const error = await failure(run(dataDir));
    expect(error.code).toBe('SOURCE_CORRUPT');
    expect(error.message).toContain('aggtrades_binance_BTCUSDT_2024-01-02.parquet');
    expect(existsSync(join(dataDir, 'unified'))).toBe(false);
  });
});

describe('convert: the validator on the stream and after the write', () => {
  it('refuses an inconsistent candle and a negative volume naming file, line and check, and skips them only when asked', async () => {
    const dataDir = freshDir();
    const lines = klinesCsv(DAY, 100).trimEnd().split('\n');
    // Line 31 (row 30): high below open; line 61 (row 60): negative volume.
    lines[30] = `${DAY + 29 * 60_000},42000,41950,41900,42010,1.5`;
    lines[60] = `${DAY + 59 * 60_000},42000,42100,41900,42010,-2`;
    writeInputs(dataDir, { klines: `${lines.join('\n')}\n` });
    const error = await failure(run(dataDir));
    expect(error.code).toBe('BAD_ROW');
    expect(error.message).toMatch(/klines_binance_BTCUSDT_1m_consolidated\.csv:31: ohlc_inconsistent: high below open or close \(open 42000, high 41950/u);
    expect(existsSync(join(dataDir, 'unified'))).toBe(false);
    const skipped = await run(dataDir, { onBadRow: 'skip' });
    expect(skipped.datasets[0]).toMatchObject({ rowsRead: 100, rowsSkipped: 2, totalRows: 98 });
    expect(skipped.warnings.join('\n')).toMatch(/2 bad rows skipped \(first: .*:31: ohlc_inconsistent/u);
    expect(await duck(`${dataDir}/unified/klines/**/*.parquet`, 'count(*) FILTER (WHERE volume < 0 OR high < open) AS bad, count(*) AS n')).toEqual([{ bad: 0n, n: 98n }]);
  });

  it('converts candles off the one-minute grid with a warning that counts them', async () => {
    const dataDir = freshDir();
    const lines = klinesCsv(DAY, 10).trimEnd().split('\n');
    lines[5] = lines[5]!.replace(/^\d+/u, String(DAY + 4 * 60_000 + 30_000));
    writeInputs(dataDir, { klines: `${lines.join('\n')}\n` });
    const result = await run(dataDir);
    expect(result.datasets[0]).toMatchObject({ rowsRead: 10, totalRows: 10 });
    expect(result.warnings).toContainEqual(expect.stringMatching(/^klines: 1 row with kline_misaligned \(first: kline_misaligned: timestamp 2024-01-01T00:04:30\.000Z should be 2024-01-01T00:04:00\.000Z\)/u));
  });

  it('writes datasets that the validator finds clean, with the sources reconciled', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(), aggtrades: aggtradesCsv(DAY, 5000), futures: fundingCsv() });
    await run(dataDir);
    const result = await validate({ dataDir, exchange: 'binance', symbol: 'BTCUSDT', sources: true, sampleSize: 200 });
    expect(result.ok).toBe(true);
    expect(result.missing).toEqual([]);
    for (const { report } of result.datasets) {
      expect(report.issues).toEqual([]);
      expect(report.stats).toMatchObject({ manifest: true, metadata: true, checksums: true });
      expect(report.stats.sources).toMatchObject({ filesRead: 1 });
      expect(report.stats.sources!.verified).toBe(report.stats.sources!.sampled);
    }
    expect(result.datasets.map((d) => [d.kind, d.report.stats.rows])).toEqual([['klines', 1440], ['aggtrades', 5000], ['futures', 3]]);
    // The unified/ folder itself given as the data directory: said so, instead of "convert first".
    const nested = await failure(validate({ dataDir: join(dataDir, 'unified'), exchange: 'binance', symbol: 'BTCUSDT' }));
    expect([nested.code, nested.message]).toEqual(['SOURCE_NOT_FOUND', expect.stringContaining(`--data-dir is the folder that holds unified/: use --data-dir ${dataDir}`)]);
  });
});

describe('reading a converted dataset back', () => {
  it('opens only the files of the day asked for, out of a year of klines, and agrees with DuckDB', async () => {
    const dataDir = freshDir();
    await generateSampleData({ outDir: dataDir, days: 1, klinesDays: 366, fundingDays: 1, aggtradesRows: 10, formats: ['parquet'] });
    const result = await run(dataDir);
    expect(result.datasets[0]).toMatchObject({ kind: 'klines', partitions: 366 });
    const dataset = join(dataDir, 'unified/klines/binance_BTCUSDT_1m');
    const scan = scanPartitionedDataset(dataset, { filters: [['year', '=', 2024], ['month', '=', 7], ['day', '=', 14]] });
    const batches = [];
    for await (const batch of scan) batches.push(batch);
    expect(scan.stats).toMatchObject({ filesFound: 1, filesOpened: 1, rowsMatched: 1440 });
    // The dataset folder, exchange=, symbol=, timeframe=, year=2024, month=7 and day=14 are listed; the other 11
    // months and 30 days of July never are.
    expect(scan.stats.foldersListed).toBe(7);
    expect(scan.stats.foldersPruned).toBe(11 + 30);
    const table = await readPartitionedDataset(dataset, { start: '2024-07-14', end: '2024-07-15', columns: ['timestamp', 'close', 'month', 'day'] });
    const theirs = await queryDuckDb(
      `SELECT timestamp, close, month, day FROM read_parquet(${sqlString(`${dataset}/**/*.parquet`)}, hive_partitioning = true) WHERE timestamp >= ${Date.UTC(2024, 6, 14)} AND timestamp < ${Date.UTC(2024, 6, 15)} ORDER BY timestamp`,
    );
    expect(table.toArray().map((row: { toJSON(): Record<string, unknown> }) => row.toJSON())).toEqual(theirs.map((row) => ({ ...row, month: Number(row['month']), day: Number(row['day']) })));
  });
});

describe('runStep', () => {
  it('resolves true on success and false on failure, logging JSON lines', async () => {
    const dataDir = freshDir();
    writeInputs(dataDir, { klines: klinesCsv(DAY, 60) });
    const logFile = join(dataDir, 'log/step1_5_converter.log');
    expect(await runStep({ symbol: 'BTCUSDT', exchange: 'binance', dataDir, logFile })).toBe(true);
    expect(await runStep({ symbol: 'ETHUSDT', exchange: 'binance', dataDir, logFile })).toBe(false);
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((line): Record<string, unknown> => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ level: 'error', code: 'SOURCE_NOT_FOUND' });
    expect(lines.at(-1)?.['msg']).toMatch(/no klines sources for binance ETHUSDT/u);
    expect(lines.some((l) => l['msg'] === 'staged' && l['kind'] === 'klines')).toBe(true);
  });
});
