import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { discoverSources, type SourcePlan } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'unified-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, content = 'x'): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

async function perDayParquet(path: string, day: number): Promise<void> {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  const start = Date.UTC(2024, 0, day);
  await queryDuckDb(
    `COPY (SELECT ${day * 10} + range AS agg_trade_id, 42000.5 AS price, 0.25 AS quantity, ${start} + range * 1000 AS transact_time, range % 2 = 0 AS is_buyer_maker FROM range(3)) TO ${sqlString(join(root, path))} (FORMAT parquet)`,
  );
}

function listed(plan: SourcePlan, kind: 'klines' | 'aggtrades' | 'futures'): string[] {
  return plan.sources[kind].map((s) => relative(root, s.path));
}

function skippedReason(plan: SourcePlan, path: string): string | undefined {
  return plan.skipped.find((s) => relative(root, s.path) === path)?.reason;
}

beforeAll(async () => {
  // Consolidated files in any case; Parquet preferred over CSV.
  put('KLINES_Binance_btcusdt_1m_consolidated.parquet');
  put('klines_binance_BTCUSDT_1m_consolidated.csv');
  put('klines_binance_BTCUSDT_5m_consolidated.parquet');
  put('futures_binance_BTCUSDT_consolidated.csv', 'calc_time,funding_interval_hours,last_funding_rate\n1577836800000,8,0.0001\n1577865600000,8,-0.00002\n');
  put('aggtrades_binance_BTCUSDT_consolidated.parquet');
  // Per-day files: folder names sort against their dates.
  await perDayParquet('parquet/aggtrades_binance_BTCUSDT/b/aggtrades_binance_BTCUSDT_2024-01-01.parquet', 1);
  await perDayParquet('parquet/aggtrades_binance_BTCUSDT/a/aggtrades_binance_BTCUSDT_2024-01-10.parquet', 10);
  await perDayParquet('parquet/aggtrades_binance_BTCUSDT/aggtrades_binance_BTCUSDT_2024-01-02.parquet', 2);
  put('parquet/aggtrades_binance_BTCUSDT/notes.txt');
  // Archives: a mirror of the Binance tree and a flat folder.
  put('data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-01.zip');
  put('data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-02.zip');
  put('data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-02-01.zip');
  put('data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01.zip');
  put('data/spot/daily/klines/BTCUSDT/5m/BTCUSDT-5m-2020-01-01.zip');
  put('data/spot/daily/klines/ETHUSDT/1m/ETHUSDT-1m-2020-01-01.zip');
  put('data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01-02.zip');
  put('data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2020-01.zip');
  put('archives/BTCUSDT-1m-2025-01-02.zip');
  put('archives/BTCUSDT-1m-2025-01-02.csv');
  // Never searched.
  put('unified/klines/binance_BTCUSDT_1m/BTCUSDT-1m-2019-01-01.zip');
  put('archives/unified/BTCUSDT-1m-2019-01-02.zip');
  put('data/backup_pre_unified/BTCUSDT-1m-2019-01-03.zip');
  put('archives/.partial/BTCUSDT-1m-2019-01-04.zip');
});

describe('discoverSources', () => {
  it('plans each data type with reasons, preferring Parquet and per-day files as the seed does', async () => {
    const plan = await discoverSources({ dataDir: root, exchange: 'Binance', symbol: 'btcusdt', env: {} });
    expect([plan.exchange, plan.symbol, plan.timeframe, plan.maxFiles]).toEqual(['binance', 'BTCUSDT', '1m', undefined]);
    expect(listed(plan, 'klines')).toEqual([
      'KLINES_Binance_btcusdt_1m_consolidated.parquet',
      'data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01.zip',
      'data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-02-01.zip',
      'archives/BTCUSDT-1m-2025-01-02.zip',
    ]);
    expect(plan.sources.klines.map((s) => s.role)).toEqual(['consolidated', 'archive', 'archive', 'archive']);
    expect(skippedReason(plan, 'klines_binance_BTCUSDT_1m_consolidated.csv')).toBe('the Parquet file is read instead');
    expect(skippedReason(plan, 'data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-01.zip')).toBe('covered by the monthly archive of the same month');
    expect(skippedReason(plan, 'data/futures/um/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01-02.zip')).toBe('archive of binanceusdm data, not binance');
    expect(skippedReason(plan, 'archives/BTCUSDT-1m-2025-01-02.csv')).toBe('the zip of the same archive is read instead');

    expect(listed(plan, 'aggtrades')).toEqual([
      'parquet/aggtrades_binance_BTCUSDT/b/aggtrades_binance_BTCUSDT_2024-01-01.parquet',
      'parquet/aggtrades_binance_BTCUSDT/aggtrades_binance_BTCUSDT_2024-01-02.parquet',
      'parquet/aggtrades_binance_BTCUSDT/a/aggtrades_binance_BTCUSDT_2024-01-10.parquet',
    ]);
    expect(skippedReason(plan, 'aggtrades_binance_BTCUSDT_consolidated.parquet')).toMatch(/per-day aggtrades files are read instead/u);
    expect(skippedReason(plan, 'parquet/aggtrades_binance_BTCUSDT/notes.txt')).toBe('not a Parquet or CSV file');

    // D3: funding of the USD-M perpetual may sit beside spot data under `binance`.
    expect(listed(plan, 'futures')).toEqual(['futures_binance_BTCUSDT_consolidated.csv', 'data/futures/um/monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2020-01.zip']);
  });

  it('never enters unified/, backup_pre_unified/ or hidden folders, and ignores other symbols and intervals', async () => {
    const plan = await discoverSources({ dataDir: root, exchange: 'binance', symbol: 'BTCUSDT', env: {} });
    const everything = [...Object.values(plan.sources).flat().map((s) => s.path), ...plan.skipped.map((s) => s.path)].map((p) => relative(root, p));
    expect(everything.filter((p) => /2019|ETHUSDT|5m/u.test(p))).toEqual([]);
  });

  it('finds the 5m klines for timeframe 5m', async () => {
    const plan = await discoverSources({ dataDir: root, exchange: 'binance', symbol: 'BTCUSDT', timeframe: '5m', kinds: ['klines'], env: {} });
    expect(listed(plan, 'klines')).toEqual(['klines_binance_BTCUSDT_5m_consolidated.parquet', 'data/spot/daily/klines/BTCUSDT/5m/BTCUSDT-5m-2020-01-01.zip']);
    expect(plan.sources.aggtrades).toEqual([]);
  });

  it('limits per-day and archive files with maxFiles, and by default under BLANK_TRAINING_MODE=1', async () => {
    const limited = await discoverSources({ dataDir: root, exchange: 'binance', symbol: 'BTCUSDT', maxFiles: 2, env: {} });
    expect(listed(limited, 'aggtrades')).toHaveLength(2);
    expect(skippedReason(limited, 'parquet/aggtrades_binance_BTCUSDT/a/aggtrades_binance_BTCUSDT_2024-01-10.parquet')).toBe('beyond the limit of 2 files');
    expect(listed(limited, 'klines')[0]).toBe('KLINES_Binance_btcusdt_1m_consolidated.parquet');
    const blank = await discoverSources({ dataDir: root, exchange: 'binance', symbol: 'BTCUSDT', env: { BLANK_TRAINING_MODE: '1' } });
    expect(blank.maxFiles).toBe(3);
    await expect(discoverSources({ dataDir: root, exchange: 'binance', symbol: 'BTCUSDT', maxFiles: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuses unsafe identifiers before touching the disk', async () => {
    await expect(discoverSources({ dataDir: root, exchange: '../x', symbol: 'BTCUSDT' })).rejects.toMatchObject({ code: 'INVALID_IDENTIFIER' });
    await expect(discoverSources({ dataDir: root, exchange: 'binance', symbol: 'a/b' })).rejects.toMatchObject({ code: 'INVALID_IDENTIFIER' });
  });

  it('streams the planned files of a data type in order', async () => {
    const plan = await discoverSources({ dataDir: root, exchange: 'binance', symbol: 'BTCUSDT', kinds: ['aggtrades'], env: {} });
    const ids: bigint[] = [];
    for await (const batch of plan.batches('aggtrades')) for (const id of batch.getChild('trade_id')!) ids.push(id as bigint);
    expect(ids).toEqual([10n, 11n, 12n, 20n, 21n, 22n, 100n, 101n, 102n]);
  });

  it('returns an empty plan for a data directory that does not exist', async () => {
    const plan = await discoverSources({ dataDir: join(root, 'missing'), exchange: 'binance', symbol: 'BTCUSDT' });
    expect(Object.values(plan.sources).flat()).toEqual([]);
  });
});

describe('discoverSources: dates in paths, case, reports', () => {
  const other = mkdtempSync(join(tmpdir(), 'unified-discover-dates-'));
  afterAll(() => rmSync(other, { recursive: true, force: true }));

  function write(path: string, content = 'x'): void {
    mkdirSync(dirname(join(other, path)), { recursive: true });
    writeFileSync(join(other, path), content);
  }

  it('orders Hive-style and dated folders numerically, and never trips on digits that are not a date', async () => {
    const dayDir = 'parquet/aggtrades_binance_ETHUSDT';
    write(`${dayDir}/year=2024/month=1/day=10/part-0.csv`);
    write(`${dayDir}/year=2024/month=1/day=2/part-0.csv`);
    write(`${dayDir}/2024/01/03/trades.csv`);
    write(`${dayDir}/notes-20241399.csv`);
    const plan = await discoverSources({ dataDir: other, exchange: 'binance', symbol: 'ETHUSDT', kinds: ['aggtrades'], env: {} });
    expect(plan.sources.aggtrades.map((s) => relative(join(other, dayDir), s.path))).toEqual([
      'year=2024/month=1/day=2/part-0.csv',
      '2024/01/03/trades.csv',
      'year=2024/month=1/day=10/part-0.csv',
      'notes-20241399.csv',
    ]);
    expect(plan.sources.aggtrades.at(-1)!.reason).toBe('per-day aggtrades file (no date in its path: read last)');
  });

  it('matches archive names and skipped folders in any case', async () => {
    write('data/spot/daily/aggTrades/SOLUSDT/solusdt-aggtrades-2026-01-01.ZIP');
    write('data/spot/daily/aggTrades/SOLUSDT/SOLUSDT-AGGTRADES-2026-01-02.zip');
    write('archives/Unified/SOLUSDT-aggTrades-2026-01-03.zip');
    const plan = await discoverSources({ dataDir: other, exchange: 'binance', symbol: 'SOLUSDT', kinds: ['aggtrades'], env: {} });
    expect(plan.sources.aggtrades.map((s) => relative(other, s.path))).toEqual([
      'data/spot/daily/aggTrades/SOLUSDT/solusdt-aggtrades-2026-01-01.ZIP',
      'data/spot/daily/aggTrades/SOLUSDT/SOLUSDT-AGGTRADES-2026-01-02.zip',
    ]);
  });

  it('reports rows read and skipped per file read through the plan', async () => {
    write('futures_binance_XRPUSDT_consolidated.csv', 'calc_time,funding_interval_hours,last_funding_rate\n1577836800000,8,0.0001\n1577865600000,8,oops\n');
    const plan = await discoverSources({ dataDir: other, exchange: 'binance', symbol: 'XRPUSDT', kinds: ['futures'], env: {} });
    let rows = 0;
    for await (const batch of plan.batches('futures', { onBadRow: 'skip' })) rows += batch.numRows;
    expect(rows).toBe(1);
    expect(plan.reports).toEqual([
      {
        source: expect.objectContaining({ role: 'consolidated' }) as unknown,
        summary: expect.objectContaining({ rowsRead: 2, rowsLoaded: 1, rowsSkipped: 1, badRows: [expect.stringMatching(/:3: column "last_funding_rate": "oops" is not a number/u)] }) as unknown,
      },
    ]);
  });
});
