// `unified info` end to end in-process, on data directories built by `unified convert`: the table, the JSON
// document, the errors, and that no data file is ever opened.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDatasetManifest } from '@unified/core';
import { formatBytes, renderTable } from '../format.js';
import { runCli } from '../run-cli.js';
import { recordingIo } from '../test-io.js';

const tmp = mkdtempSync(join(tmpdir(), 'unified-cli-info-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY1 = Date.UTC(2024, 0, 1);
const DAY2 = Date.UTC(2024, 0, 2);
const DAY4 = Date.UTC(2024, 0, 4);

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(cwd);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

const klinesCsv = (starts: readonly number[], minutes: number): string =>
  `${['open_time,open,high,low,close,volume', ...starts.flatMap((start) => Array.from({ length: minutes }, (_, i) => `${start + i * MINUTE},1,2,0.5,1.5,10`))].join('\n')}\n`;

/**
 * A working directory whose data_cache holds BTCUSDT klines on 2024-01-01 and 2024-01-04 only (two days missing)
 * with three funding events on 2024-01-01, and ETHUSDT klines on 2024-01-02, all converted.
 */
async function converted(): Promise<string> {
  const cwd = join(tmp, `ws-${counter++}`);
  const data = join(cwd, 'data_cache');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'klines_binance_BTCUSDT_1m_consolidated.csv'), klinesCsv([DAY1, DAY4], 60));
  writeFileSync(join(data, 'futures_binance_BTCUSDT_consolidated.csv'), `calc_time,funding_interval_hours,last_funding_rate\n${DAY1},8,0.0001\n${DAY1 + 8 * HOUR},8,0.0002\n${DAY1 + 16 * HOUR},8,0.0003\n`);
  writeFileSync(join(data, 'klines_binance_ETHUSDT_1m_consolidated.csv'), klinesCsv([DAY2], 30));
  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    const { code, err } = await run(['convert', '--exchange', 'binance', '--symbol', symbol, '--no-log-file', '--quiet'], cwd);
    expect([code, err]).toEqual([0, '']);
  }
  return cwd;
}

/** Every .parquet file under `dir`. */
function parquetFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.parquet'))
    .map((name) => join(dir, name));
}

const bytesOf = (dir: string): number => parquetFiles(dir).reduce((n, file) => n + statSync(file).size, 0);

/** Overwrites every data file with garbage of the same size and, unless running as root, makes it unreadable. */
function spoilDataFiles(dir: string): number {
  const files = parquetFiles(dir);
  for (const file of files) {
    writeFileSync(file, Buffer.alloc(statSync(file).size, 'x'));
    chmodSync(file, 0o000);
  }
  return files.length;
}

describe('unified info', () => {
  it('shows the purpose, every option with its default and examples on --help', async () => {
    const { code, out } = await run(['info', '--help'], tmp);
    expect(code).toBe(0);
    const flat = out.replace(/\s+/gu, ' ');
    expect(flat).toContain('List every dataset under <data-dir>/unified/');
    expect(flat).toContain('--data-dir <dir> data directory holding unified/ (default: "data_cache")');
    expect(flat).toContain('--json print one JSON document on stdout');
    expect(flat).toContain('-q, --quiet one line per dataset');
    expect(flat).toContain('$ unified info --data-dir demo-data --quiet');
    const top = await run(['--help'], tmp);
    expect(top.out).toContain('$ unified info --data-dir demo-data');
    expect(top.out).toMatch(/^ {2}info \[options\] +list the datasets/mu);
  });

  it('lists every dataset from metadata and manifests, never opening a data file', async () => {
    const cwd = await converted();
    const unified = join(cwd, 'data_cache/unified');
    const btc = join(unified, 'klines/binance_BTCUSDT_1m');
    const eth = join(unified, 'klines/binance_ETHUSDT_1m');
    const funding = join(unified, 'futures/binance_BTCUSDT');
    const bytes = { btc: bytesOf(btc), eth: bytesOf(eth), funding: bytesOf(funding) };
    expect(spoilDataFiles(unified)).toBe(4);
    // Root reads any file whatever its mode; the garbage content still shows that nothing parses a data file.
    if (process.getuid?.() !== 0) expect(() => readFileSync(parquetFiles(btc)[0]!)).toThrow(/EACCES/u);

    const json = await run(['info', '--json'], cwd);
    expect([json.code, json.err]).toEqual([0, '']);
    expect(json.out.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(json.out)).toEqual({
      datasets: [
        { type: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m', rows: 120, minTimestamp: DAY1, maxTimestamp: DAY4 + 59 * MINUTE, partitions: 2, missingDays: 2, bytes: bytes.btc, path: btc },
        { type: 'klines', exchange: 'binance', symbol: 'ETHUSDT', timeframe: '1m', rows: 30, minTimestamp: DAY2, maxTimestamp: DAY2 + 29 * MINUTE, partitions: 1, missingDays: 0, bytes: bytes.eth, path: eth },
        { type: 'futures', exchange: 'binance', symbol: 'BTCUSDT', timeframe: null, rows: 3, minTimestamp: DAY1, maxTimestamp: DAY1 + 16 * HOUR, partitions: 1, missingDays: 0, bytes: bytes.funding, path: funding },
      ],
    });

    const table = await run(['info'], cwd);
    expect([table.code, table.err]).toEqual([0, '']);
    const expected = renderTable(
      ['type', 'exchange', 'symbol', 'timeframe', 'rows', 'first (UTC)', 'last (UTC)', 'days', 'missing', 'size', 'missing days'],
      [
        ['klines', 'binance', 'BTCUSDT', '1m', '120', '2024-01-01 00:00:00', '2024-01-04 00:59:00', '2', '2', formatBytes(bytes.btc), '2024-01-02..2024-01-03'],
        ['klines', 'binance', 'ETHUSDT', '1m', '30', '2024-01-02 00:00:00', '2024-01-02 00:29:00', '1', '0', formatBytes(bytes.eth), ''],
        ['futures', 'binance', 'BTCUSDT', '', '3', '2024-01-01 00:00:00', '2024-01-01 16:00:00', '1', '0', formatBytes(bytes.funding), ''],
      ],
      ['left', 'left', 'left', 'left', 'right', 'left', 'left', 'right', 'right', 'right', 'left'],
    );
    expect(table.out).toBe(
      [
        `3 datasets in data_cache/unified: 153 rows, ${formatBytes(bytes.btc + bytes.eth + bytes.funding)}`,
        '',
        expected,
        '',
        "Missing days are UTC days inside a dataset's range without a partition. To fill them, add their sources and run: unified convert --data-dir data_cache --exchange binance --symbol BTCUSDT",
        `Read one: unified query data_cache/unified/klines/binance_BTCUSDT_1m --limit 5 (or any Hive-aware reader, e.g. DuckDB's read_parquet('data_cache/unified/klines/binance_BTCUSDT_1m/**/*.parquet', hive_partitioning = true))`,
        '',
      ].join('\n'),
    );

    const quiet = await run(['info', '--data-dir', join(cwd, 'data_cache'), '-q'], cwd);
    expect([quiet.code, quiet.err]).toEqual([0, '']);
    expect(quiet.out.split('\n')).toEqual([
      `data_cache/unified/klines/binance_BTCUSDT_1m: 120 rows, 2024-01-01 00:00:00 .. 2024-01-04 00:59:00 UTC, 2 days, 2 missing, ${formatBytes(bytes.btc)}`,
      `data_cache/unified/klines/binance_ETHUSDT_1m: 30 rows, 2024-01-02 00:00:00 .. 2024-01-02 00:29:00 UTC, 1 day, 0 missing, ${formatBytes(bytes.eth)}`,
      `data_cache/unified/futures/binance_BTCUSDT: 3 rows, 2024-01-01 00:00:00 .. 2024-01-01 16:00:00 UTC, 1 day, 0 missing, ${formatBytes(bytes.funding)}`,
      '',
    ]);
  });

  it('includes datasets that have a manifest but no metadata entry, and shows the first three missing ranges', async () => {
    const cwd = await converted();
    const unified = join(cwd, 'data_cache/unified');
    // Aggregated trades written by the library alone: a manifest, no metadata.json entry; days 1, 3, 5, 7 and 9.
    const trades = join(unified, 'aggtrades/binance_BTCUSDT');
    const files = [1, 3, 5, 7, 9].map((day) => ({
      path: `exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=${day}/part-0.parquet`,
      rows: 10,
      bytes: 1000 + day,
      min_timestamp: Date.UTC(2024, 0, day, 1),
      max_timestamp: Date.UTC(2024, 0, day, 2),
      sha256: '0'.repeat(64),
    }));
    await writeDatasetManifest(trades, { format_version: 1, kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT', rows: 50, files });
    // Not datasets: a hidden folder and a folder without a manifest.
    mkdirSync(join(unified, 'aggtrades/.staging'), { recursive: true });
    mkdirSync(join(unified, 'aggtrades/notes'), { recursive: true });

    const json = await run(['info', '--json'], cwd);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out) as { datasets: { type: string; symbol: string; timeframe: string | null }[] };
    expect(doc.datasets.map((d) => [d.type, d.symbol])).toEqual([
      ['klines', 'BTCUSDT'],
      ['klines', 'ETHUSDT'],
      ['aggtrades', 'BTCUSDT'],
      ['futures', 'BTCUSDT'],
    ]);
    expect(doc.datasets[2]).toEqual({
      type: 'aggtrades',
      exchange: 'binance',
      symbol: 'BTCUSDT',
      timeframe: null,
      rows: 50,
      minTimestamp: Date.UTC(2024, 0, 1, 1),
      maxTimestamp: Date.UTC(2024, 0, 9, 2),
      partitions: 5,
      missingDays: 4,
      bytes: 5025,
      path: trades,
    });

    const table = await run(['info'], cwd);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^aggtrades +binance +BTCUSDT +50 +2024-01-01 01:00:00 +2024-01-09 02:00:00 +5 +4 +5\.0 kB +2024-01-02, 2024-01-04, 2024-01-06, …$/mu);
    expect(table.out).toMatch(/^klines +binance +BTCUSDT +1m .* 2024-01-02\.\.2024-01-03$/mu);
  });

  it('warns and shows the metadata figures for a dataset whose manifest is gone', async () => {
    const cwd = await converted();
    rmSync(join(cwd, 'data_cache/unified/klines/binance_ETHUSDT_1m/_manifest.json'));
    const { code, out, err } = await run(['info', '--json'], cwd);
    expect(code).toBe(0);
    expect(err).toBe('warning: klines/binance_ETHUSDT_1m: no _manifest.json; rows, range and size are from metadata.json, missing days unknown\n');
    const doc = JSON.parse(out) as { datasets: { symbol: string; rows: number; partitions: number; missingDays: number | null }[] };
    expect(doc.datasets[1]).toMatchObject({ symbol: 'ETHUSDT', rows: 30, partitions: 1, missingDays: null });
    const table = await run(['info'], cwd);
    expect(table.out).toMatch(/^klines +binance +ETHUSDT +1m +30 .* 1 +\? +/mu);
  });

  it('exits 1 with nothing on stdout for a missing data directory, one without datasets, and corrupt metadata', async () => {
    const cwd = join(tmp, `ws-${counter++}`);
    mkdirSync(join(cwd, 'empty/unified/klines'), { recursive: true });
    mkdirSync(join(cwd, 'data_cache'), { recursive: true });

    const missing = await run(['info', '--data-dir', 'nowhere', '--json'], cwd);
    expect(missing).toEqual({ code: 1, out: '', err: 'error: nowhere: no such directory (--data-dir)\n' });
    writeFileSync(join(cwd, 'a-file'), '');
    const file = await run(['info', '--data-dir', 'a-file'], cwd);
    expect(file).toEqual({ code: 1, out: '', err: 'error: a-file: not a directory (--data-dir)\n' });

    const noUnified = await run(['info'], cwd);
    expect(noUnified).toEqual({ code: 1, out: '', err: 'error: data_cache/unified: no datasets (run unified convert first)\n' });
    const empty = await run(['info', '--data-dir', 'empty', '--json'], cwd);
    expect(empty).toEqual({ code: 1, out: '', err: 'error: empty/unified: no datasets (run unified convert first)\n' });

    writeFileSync(join(cwd, 'empty/unified/metadata.json'), '{"format_version": 1,');
    const corrupt = await run(['info', '--data-dir', 'empty'], cwd);
    expect([corrupt.code, corrupt.out]).toEqual([1, '']);
    expect(corrupt.err).toMatch(/^error: .*empty\/unified\/metadata\.json: not valid JSON \(.*\)\n$/u);

    const usage = await run(['info', '--data-dir', ''], cwd);
    expect([usage.code, usage.out]).toEqual([2, '']);
  });
});
