// Generated files checked by an independent reader (DuckDB): layout, realism rules, determinism, encodings.
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SampleDataResult, generateSampleData } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'unified-sample-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DAY = 86_400_000;
const START = Date.UTC(2024, 1, 28); // crosses the leap day
const q = (path: string): string => sqlString(path);
const one = async (sql: string): Promise<Record<string, unknown>> => (await queryDuckDb(sql))[0]!;
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('generateSampleData', () => {
  let result: SampleDataResult;
  const outDir = join(root, 'default');
  const file = (name: string): string => join(outDir, name);

  beforeAll(async () => {
    result = await generateSampleData({ outDir, start: '2024-02-28', days: 3, aggtradesRows: 30_001, perDayAggtrades: true, rowGroupSize: 5_000 });
  });

  it('writes the consolidated files of the Python pipeline, in Parquet and CSV, plus per-day trade files', () => {
    expect(result.files.map((f) => f.relativePath)).toEqual([
      'klines_binance_BTCUSDT_1m_consolidated.parquet',
      'klines_binance_BTCUSDT_1m_consolidated.csv',
      'aggtrades_binance_BTCUSDT_consolidated.parquet',
      'aggtrades_binance_BTCUSDT_consolidated.csv',
      'parquet/aggtrades_binance_BTCUSDT/aggtrades_binance_BTCUSDT_2024-02-28.parquet',
      'parquet/aggtrades_binance_BTCUSDT/aggtrades_binance_BTCUSDT_2024-02-29.parquet',
      'parquet/aggtrades_binance_BTCUSDT/aggtrades_binance_BTCUSDT_2024-03-01.parquet',
      'futures_binance_BTCUSDT_consolidated.parquet',
      'futures_binance_BTCUSDT_consolidated.csv',
    ]);
    expect(readdirSync(outDir).some((name) => name.startsWith('.'))).toBe(false);
  });

  it('reports rows and time ranges that DuckDB confirms', async () => {
    for (const f of result.files) {
      const reader = f.format === 'parquet' ? `read_parquet(${q(f.path)})` : `read_csv(${q(f.path)})`;
      const time = f.kind === 'futures' ? '"fundingTime"' : 'timestamp';
      const row = await one(`SELECT count(*) AS n, min(${time}) AS lo, max(${time}) AS hi FROM ${reader}`);
      expect({ file: f.relativePath, n: Number(row.n), lo: Number(row.lo), hi: Number(row.hi) }).toEqual({
        file: f.relativePath,
        n: f.rows,
        lo: f.firstTimestampMs,
        hi: f.lastTimestampMs,
      });
    }
  });

  it('writes the same values to CSV as to Parquet', async () => {
    for (const kind of ['klines_binance_BTCUSDT_1m', 'aggtrades_binance_BTCUSDT', 'futures_binance_BTCUSDT']) {
      const parquet = `read_parquet(${q(file(`${kind}_consolidated.parquet`))})`;
      const csv = `read_csv(${q(file(`${kind}_consolidated.csv`))})`;
      const diff = await one(`SELECT (SELECT count(*) FROM (SELECT * FROM ${parquet} EXCEPT ALL SELECT * FROM ${csv})) + (SELECT count(*) FROM (SELECT * FROM ${csv} EXCEPT ALL SELECT * FROM ${parquet})) AS d`);
      expect({ kind, d: Number(diff.d) }).toEqual({ kind, d: 0 });
    }
  });

  it('makes continuous, OHLC-consistent one-minute candles on a 0.01 tick', async () => {
    const row = await one(`
      WITH k AS (SELECT *, timestamp - lag(timestamp) OVER (ORDER BY timestamp) AS step FROM read_parquet(${q(file('klines_binance_BTCUSDT_1m_consolidated.parquet'))}))
      SELECT count(*) AS n, min(timestamp) AS first, count(DISTINCT step) AS steps, max(step) AS step,
        count(*) FILTER (WHERE low > least(open, close) OR high < greatest(open, close) OR low > high OR low <= 0) AS bad_ohlc,
        count(*) FILTER (WHERE close_time <> timestamp + 59999) AS bad_close,
        count(*) FILTER (WHERE abs(open * 100 - round(open * 100)) > 1e-6 OR abs(low * 100 - round(low * 100)) > 1e-6) AS off_tick,
        count(*) FILTER (WHERE volume <= 0 OR taker_buy_base_asset_volume > volume OR number_of_trades < 1) AS bad_volume
      FROM k`);
    expect(row).toEqual({ n: 3n * 1440n, first: BigInt(START), steps: 1n, step: 60_000n, bad_ohlc: 0n, bad_close: 0n, off_tick: 0n, bad_volume: 0n });
  });

  it('makes aggregate trades with consecutive ids, ordered times, same-millisecond bursts and lot-sized quantities', async () => {
    const row = await one(`
      WITH t AS (SELECT *, timestamp - lag(timestamp) OVER (ORDER BY agg_trade_id) AS dt,
                        first_trade_id - lag(last_trade_id) OVER (ORDER BY agg_trade_id) AS gap
                 FROM read_parquet(${q(file('aggtrades_binance_BTCUSDT_consolidated.parquet'))}))
      SELECT count(*) AS n, max(agg_trade_id) - min(agg_trade_id) + 1 AS span, min(agg_trade_id) AS first_id,
        count(*) FILTER (WHERE dt < 0) AS backwards, count(*) FILTER (WHERE dt = 0) AS same_ms,
        count(*) FILTER (WHERE gap <> 1) AS trade_id_gaps, count(*) FILTER (WHERE last_trade_id < first_trade_id) AS bad_range,
        count(*) FILTER (WHERE quantity < 0.00001 OR abs(quantity * 100000 - round(quantity * 100000)) > 1e-6) AS bad_quantity,
        count(*) FILTER (WHERE timestamp < ${START} OR timestamp >= ${START + 3 * DAY}) AS outside,
        count(DISTINCT is_buyer_maker) AS sides
      FROM t`);
    expect(row).toMatchObject({ n: 30_001n, span: 30_001n, first_id: 3_000_000_000n, backwards: 0n, trade_id_gaps: 0n, bad_range: 0n, bad_quantity: 0n, outside: 0n, sides: 2n });
    expect(Number(row.same_ms)).toBeGreaterThan(30_001 * 0.2);
  });

  it('spreads trades evenly over the days and the per-day files hold exactly the consolidated rows', async () => {
    const perDay = await queryDuckDb(
      `SELECT (timestamp // ${DAY}) * ${DAY} AS day, count(*) AS n FROM read_parquet(${q(file('aggtrades_binance_BTCUSDT_consolidated.parquet'))}) GROUP BY 1 ORDER BY 1`,
    );
    expect(perDay).toEqual([0, 1, 2].map((d) => ({ day: BigInt(START + d * DAY), n: d === 0 ? 10_001n : 10_000n })));
    const consolidated = `read_parquet(${q(file('aggtrades_binance_BTCUSDT_consolidated.parquet'))})`;
    const days = `read_parquet(${q(join(outDir, 'parquet', 'aggtrades_binance_BTCUSDT', '*.parquet'))})`;
    const diff = await one(`SELECT (SELECT count(*) FROM (SELECT * FROM ${consolidated} EXCEPT ALL SELECT * FROM ${days})) + (SELECT count(*) FROM (SELECT * FROM ${days} EXCEPT ALL SELECT * FROM ${consolidated})) AS d`);
    expect(diff.d).toBe(0n);
    for (const f of result.files.filter((x) => x.relativePath.startsWith('parquet/'))) {
      expect(Math.floor(f.firstTimestampMs / DAY)).toBe(Math.floor(f.lastTimestampMs / DAY));
    }
  });

  it('writes funding every 8 hours with 0-2 ms of jitter', async () => {
    const rows = await queryDuckDb(`SELECT "fundingTime" AS t, "fundingRate" AS r, "markPrice" AS m, symbol FROM read_parquet(${q(file('futures_binance_BTCUSDT_consolidated.parquet'))}) ORDER BY 1`);
    expect(rows).toHaveLength(9);
    rows.forEach((row, i) => {
      const jitter = Number(row.t) - (START + i * 8 * 3_600_000);
      expect(jitter).toBeGreaterThanOrEqual(0);
      expect(jitter).toBeLessThanOrEqual(2);
      expect(row.symbol).toBe('BTCUSDT');
      expect(Math.abs(row.r as number)).toBeLessThan(0.01);
      expect(row.m as number).toBeGreaterThan(0);
    });
  });

  it('keeps row groups at the requested size', async () => {
    const groups = await queryDuckDb(`SELECT DISTINCT row_group_id, row_group_num_rows AS n FROM parquet_metadata(${q(file('aggtrades_binance_BTCUSDT_consolidated.parquet'))})`);
    expect(groups.length).toBeGreaterThanOrEqual(7);
    for (const group of groups) expect(Number(group.n)).toBeLessThanOrEqual(5_000);
  });
});

describe('determinism', () => {
  it('writes byte-identical files for the same seed, and different ones for another seed', async () => {
    const options = { days: 1, aggtradesRows: 5_000, kinds: ['klines', 'aggtrades'] as const };
    const a = await generateSampleData({ ...options, outDir: join(root, 'a') });
    const b = await generateSampleData({ ...options, outDir: join(root, 'b') });
    const c = await generateSampleData({ ...options, outDir: join(root, 'c'), seed: 2 });
    expect(b.files.map((f) => sha256(f.path))).toEqual(a.files.map((f) => sha256(f.path)));
    expect(c.files.map((f) => sha256(f.path))).not.toEqual(a.files.map((f) => sha256(f.path)));
  });

  it('does not change the klines when only the number of trades changes', async () => {
    const small = await generateSampleData({ outDir: join(root, 'small'), days: 1, aggtradesRows: 10, kinds: ['klines', 'aggtrades'], formats: ['csv'] });
    const large = await generateSampleData({ outDir: join(root, 'large'), days: 1, aggtradesRows: 20_000, kinds: ['klines', 'aggtrades'], formats: ['csv'] });
    expect(sha256(large.files[0]!.path)).toBe(sha256(small.files[0]!.path));
  });
});

describe('timestamp encodings', () => {
  it('writes pandas-style UTC datetimes that hold the same instants, with microseconds for trades', async () => {
    const ms = await generateSampleData({ outDir: join(root, 'ms'), days: 1, aggtradesRows: 2_000 });
    const dt = await generateSampleData({ outDir: join(root, 'dt'), days: 1, aggtradesRows: 2_000, timestamps: 'datetime' });
    const types = await queryDuckDb(`SELECT name, logical_type FROM parquet_schema(${q(dt.files[2]!.path)}) WHERE name = 'timestamp'`);
    expect(String(types[0]?.logical_type)).toContain('isAdjustedToUTC=1');
    for (const [i, column] of [[0, 'timestamp'], [2, 'timestamp'], [4, '"fundingTime"']] as const) {
      const diff = await one(
        `SELECT count(*) AS d FROM read_parquet(${q(ms.files[i]!.path)}) a POSITIONAL JOIN (SELECT epoch_ms(${column}) AS t FROM read_parquet(${q(dt.files[i]!.path)})) b WHERE a.${column} <> b.t`,
      );
      expect(diff.d).toBe(0n);
    }
    // As pandas prints tz-aware values: no fraction when it is zero, else microseconds.
    const tradeTimes = readFileSync(dt.files[3]!.path, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',')[5]!);
    for (const time of tradeTimes) expect(time).toMatch(/^2024-01-01 \d\d:\d\d:\d\d(\.\d{6})?\+00:00$/u);
    expect(tradeTimes.some((time) => time.includes('.'))).toBe(true);
    const klineCsv = readFileSync(dt.files[1]!.path, 'utf8').split('\n');
    expect(klineCsv[1]).toMatch(/^2024-01-01 00:00:00\+00:00,.*,2024-01-01 00:00:59\.999000\+00:00,/u);
    const fromCsv = await one(`SELECT count(*) FILTER (WHERE typeof(timestamp) = 'TIMESTAMP WITH TIME ZONE') AS n, count(*) AS total FROM read_csv(${q(dt.files[3]!.path)})`);
    expect(fromCsv.n).toBe(fromCsv.total);
  });

  it('writes 16-digit microseconds when asked, as Binance spot archives do since 2025', async () => {
    const us = await generateSampleData({ outDir: join(root, 'us'), start: '2025-01-02', days: 1, aggtradesRows: 1_000, formats: ['csv'], timestamps: 'us' });
    // Funding is a futures series: Binance keeps it in milliseconds.
    expect(readFileSync(us.files[2]!.path, 'utf8').split('\n')[1]!.split(',')[1]).toMatch(/^1735776\d{6}$/u);
    expect(us.files[2]!.firstTimestampMs).toBeGreaterThanOrEqual(Date.UTC(2025, 0, 2));
    const trade = readFileSync(us.files[1]!.path, 'utf8').split('\n')[1]!;
    expect(trade.split(',')[5]).toMatch(/^1735776\d{9}$/u);
    expect(us.files[1]!.firstTimestampMs).toBeGreaterThanOrEqual(Date.UTC(2025, 0, 2));
    // A µs candle closes on the last microsecond before the next one, as in the real spot archives.
    const [open, , , , , , close] = readFileSync(us.files[0]!.path, 'utf8').split('\n')[1]!.split(',');
    expect([open, close]).toEqual(['1735776000000000', '1735776059999999']);
  });
});

describe('options and failures', () => {
  it('reads start dates as UTC whatever the machine time zone', async () => {
    const previous = process.env.TZ;
    process.env.TZ = 'Asia/Tokyo';
    try {
      const result = await generateSampleData({ outDir: join(root, 'tokyo'), start: '2024-01-01T09:00+09:00', days: 1, kinds: ['futures'], formats: ['csv'] });
      expect(result.files[0]!.firstTimestampMs - (result.files[0]!.firstTimestampMs % 86_400_000)).toBe(Date.UTC(2024, 0, 1));
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('uses the requested codec', async () => {
    const zstd = await generateSampleData({ outDir: join(root, 'zstd'), days: 1, kinds: ['futures'], formats: ['parquet'], compression: 'zstd' });
    const codecs = await queryDuckDb(`SELECT DISTINCT compression FROM parquet_metadata(${q(zstd.files[0]!.path)})`);
    expect(codecs).toEqual([{ compression: 'ZSTD' }]);
  });

  it.each([
    [{ timeframe: '1w' }, /option timeframe: "1w" is not valid; expected a timeframe of at most 1d/],
    [{ days: 0 }, /option days: 0 is not valid/],
    [{ start: '2999-01-01' }, /option start: "2999-01-01" is not valid; expected a date from 2009-01-01 to yesterday/],
    [{ start: '2024-02-30' }, /option start: "2024-02-30" is not valid; expected a UTC date/],
    [{ start: '2023-02-29' }, /option start: "2023-02-29" is not valid/],
    [{ start: '2024/01/01' }, /option start: "2024\/01\/01" is not valid/],
    [{ days: 36_000 }, /options start and days: 36000 days from 2024-01-01 would end .*, after today; choose an earlier start or fewer days/],
    [{ start: 'yesterday-ish' }, /option start: "yesterday-ish" is not valid; expected a UTC date/],
    [{ start: '2024-01-01T00:00' }, /option start: "2024-01-01T00:00" is not valid; expected a UTC date/],
    [{ kinds: [] }, /option kinds: \[\] is not valid/],
    [{ seed: -1 }, /option seed: -1 is not valid/],
    [{ symbol: '../x' }, /invalid symbol "..\/x"/],
    [{ compression: 'lzo' }, /option compression: "lzo" is not valid; expected one of snappy, zstd/],
  ])('refuses %j with a message naming the option', async (options, message) => {
    await expect(generateSampleData({ outDir: join(root, 'invalid'), ...(options as object) })).rejects.toThrow(message);
  });

  it('names the path when the output directory cannot be created', async () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const attempt = generateSampleData({ outDir: join(blocker, 'data'), days: 1 });
    await expect(attempt).rejects.toThrow(`cannot create the output directory ${join(blocker, 'data')}`);
    await attempt.catch((error: unknown) => expect((error as { code?: string }).code).toBe('WRITE_FAILED'));
  });

  it('removes temporary files a killed run left behind', async () => {
    const outDir = join(root, 'leftovers');
    const first = await generateSampleData({ outDir, days: 1, kinds: ['futures'], formats: ['csv'] });
    writeFileSync(join(outDir, `.${first.files[0]!.relativePath}.tmp-999-dead`), 'half a file');
    await generateSampleData({ outDir, days: 1, kinds: ['futures'], formats: ['csv'] });
    expect(readdirSync(outDir)).toEqual([first.files[0]!.relativePath]);
  });

  it('reports per-day progress against the rows of that day', async () => {
    const totals = new Map<string, number>();
    await generateSampleData({
      outDir: join(root, 'progress'),
      days: 2,
      aggtradesRows: 301,
      kinds: ['aggtrades'],
      formats: ['parquet'],
      perDayAggtrades: true,
      onProgress: ({ path, totalRows, rowsWritten }) => {
        totals.set(path.split('/').pop()!, totalRows);
        expect(rowsWritten).toBeLessThanOrEqual(totalRows);
      },
    });
    expect([...totals.values()]).toEqual([301, 151, 150]);
  });

  it('stops on abort and leaves no partial or temporary file behind', async () => {
    const controller = new AbortController();
    const outDir = join(root, 'aborted');
    const run = generateSampleData({
      outDir,
      days: 2,
      aggtradesRows: 400_000,
      rowGroupSize: 10_000,
      kinds: ['aggtrades'],
      formats: ['parquet'],
      signal: controller.signal,
      onProgress: ({ rowsWritten }) => {
        if (rowsWritten >= 50_000) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(readdirSync(outDir)).toEqual([]);
  });
});
