// Every real exchange file loads with the same rows DuckDB reads from it: row counts, first/last and min/max
// timestamps, column sums, and every value of every loaded column, in file order. DuckDB parses the text
// itself (all CSV fields read as VARCHAR and cast by DuckDB), so the comparison is independent of our parsers.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { openSource } from '../src/index.js';

type Kind = 'klines' | 'aggtrades' | 'futures';

// DuckDB expressions over CSV columns c0..cN (VARCHAR), one per canonical column we compare.
const TS = (c: string): string => `(CASE WHEN CAST(${c} AS BIGINT) >= 100000000000000 THEN CAST(${c} AS BIGINT) // 1000 ELSE CAST(${c} AS BIGINT) END)`;
const US = (c: string): string => `(CASE WHEN CAST(${c} AS BIGINT) >= 100000000000000 THEN CAST(${c} AS BIGINT) ELSE CAST(${c} AS BIGINT) * 1000 END)`;
const D = (c: string): string => `CAST(${c} AS DOUBLE)`;
const I = (c: string): string => `CAST(${c} AS BIGINT)`;
const B = (c: string): string => `CAST(${c} AS BOOLEAN)`;

const CSV_COLUMNS: Record<Kind, Record<number, Record<string, string>>> = {
  klines: {
    12: {
      timestamp: TS('c0'), open: D('c1'), high: D('c2'), low: D('c3'), close: D('c4'), volume: D('c5'), close_time: TS('c6'),
      quote_volume: D('c7'), trade_count: I('c8'), taker_buy_base_volume: D('c9'), taker_buy_quote_volume: D('c10'),
    },
  },
  aggtrades: {
    7: { timestamp: TS('c5'), timestamp_us: US('c5'), trade_id: I('c0'), trade_price: D('c1'), trade_quantity: D('c2'), first_trade_id: I('c3'), last_trade_id: I('c4'), trade_is_buyer_maker: B('c6') },
    8: {
      timestamp: TS('c5'), timestamp_us: US('c5'), trade_id: I('c0'), trade_price: D('c1'), trade_quantity: D('c2'), first_trade_id: I('c3'), last_trade_id: I('c4'),
      trade_is_buyer_maker: B('c6'), is_best_match: B('c7'),
    },
  },
  futures: { 3: { timestamp: TS('c0'), funding_time: TS('c0'), funding_interval_hours: I('c1'), funding_rate: D('c2') } },
};

interface Case {
  readonly file: string;
  readonly kind: Kind;
  readonly rows: number;
  /** `FROM` clause for DuckDB, and the expressions of each compared canonical column. */
  readonly from: (path: string) => string;
  readonly columns: Record<string, string>;
}

function csvCase(file: string, kind: Kind, rows: number, width: number, header: boolean, member?: string): Case {
  const names = Object.fromEntries(Array.from({ length: width }, (_, i) => [`c${i}`, 'VARCHAR']));
  const spec = `{${Object.keys(names).map((n) => `'${n}': 'VARCHAR'`).join(', ')}}`;
  return {
    file: member ?? file,
    kind,
    rows,
    from: (path) => `read_csv(${sqlString(path)}, header=${header}, auto_detect=false, columns=${spec})`,
    columns: CSV_COLUMNS[kind][width]!,
  };
}

const KLINE_PQ = (o: string, extra: Record<string, string> = {}): Record<string, string> => ({
  timestamp: `epoch_ms(${o})`, open: 'open', high: 'high', low: 'low', close: 'close', volume: 'CAST(volume AS DOUBLE)', ...extra,
});

const CASES: readonly Case[] = [
  csvCase('klines/futures_um/ALGOUSDT-1m-2023-02.csv', 'klines', 40_320, 12, true),
  csvCase('klines/futures_um/AVAXUSDT-1m-2026-07.csv', 'klines', 44_640, 12, true),
  csvCase('klines/futures_um/BTCUSDT-1m-2025-01-02.csv', 'klines', 1440, 12, true),
  csvCase('klines/futures_um/BTCUSDT-1m-2025-01-02.head32.csv', 'klines', 31, 12, true),
  csvCase('klines/futures_um/NEARUSDT-1m-2025-02.csv', 'klines', 40_320, 12, true),
  csvCase('klines/spot/ADABTC-1m-2021-11-27.csv', 'klines', 10, 12, false),
  csvCase('klines/spot/ADABTC-1m-2021-11-28.csv', 'klines', 11, 12, false),
  csvCase('klines/spot/BTCUSDT-1m-2024-12-31.head32.csv', 'klines', 32, 12, false),
  csvCase('klines/spot/BTCUSDT-1m-2025-01-02.csv', 'klines', 1440, 12, false),
  csvCase('klines/spot/BTCUSDT-1m-2025-01-02.head32.csv', 'klines', 32, 12, false),
  csvCase('aggtrades/futures_cm/BTCUSD_260327-aggTrades-2025-09.csv', 'aggtrades', 32_959, 7, true),
  csvCase('aggtrades/futures_cm/BTCUSD_PERP-aggTrades-2026-05-08.csv', 'aggtrades', 105_280, 7, true),
  csvCase('aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv', 'aggtrades', 5000, 8, false),
  csvCase('funding/csv/BTCUSDT-fundingRate-2020-01.csv', 'futures', 93, 3, true),
  csvCase('funding/csv/BTCUSDT-fundingRate-2026-04.csv', 'futures', 90, 3, true),
  csvCase('funding/csv/BTCUSDT-fundingRate-2026-08.csv', 'futures', 93, 3, true),
  // Zips: DuckDB reads the member we extract with yauzl; the archive's sha256 is checked against its sidecar.
  csvCase('zip/futures_cm/BTCUSD_PERP-aggTrades-2026-05-08.zip', 'aggtrades', 105_280, 7, true, 'zip/futures_cm/BTCUSD_PERP-aggTrades-2026-05-08.zip'),
  csvCase('zip/futures_um/BTCUSDT-1m-2025-01-02.zip', 'klines', 1440, 12, true, 'zip/futures_um/BTCUSDT-1m-2025-01-02.zip'),
  csvCase('zip/futures_um/BTCUSDT-fundingRate-2020-01.zip', 'futures', 93, 3, true, 'zip/futures_um/BTCUSDT-fundingRate-2020-01.zip'),
  csvCase('zip/futures_um/BTCUSDT-fundingRate-2026-04.zip', 'futures', 90, 3, true, 'zip/futures_um/BTCUSDT-fundingRate-2026-04.zip'),
  csvCase('zip/spot/BTCUSDT-1h-2026-05-08.zip', 'klines', 24, 12, false, 'zip/spot/BTCUSDT-1h-2026-05-08.zip'),
  csvCase('zip/spot/BTCUSDT-1h-2026-05-09.zip', 'klines', 24, 12, false, 'zip/spot/BTCUSDT-1h-2026-05-09.zip'),
  csvCase('zip/spot/BTCUSDT-1m-2020-01-01.zip', 'klines', 1440, 12, false, 'zip/spot/BTCUSDT-1m-2020-01-01.zip'),
  csvCase('zip/spot/BTCUSDT-1m-2020-01-02.zip', 'klines', 1440, 12, false, 'zip/spot/BTCUSDT-1m-2020-01-02.zip'),
  csvCase('zip/spot/BTCUSDT-1m-2020-01-03.zip', 'klines', 1440, 12, false, 'zip/spot/BTCUSDT-1m-2020-01-03.zip'),
  csvCase('zip/spot/BTCUSDT-1m-2025-01-02.zip', 'klines', 1440, 12, false, 'zip/spot/BTCUSDT-1m-2025-01-02.zip'),
  {
    file: 'aggtrades/futures_um/aggtrades_clusdt.json',
    kind: 'aggtrades',
    rows: 1000,
    from: (path) => `read_json(${sqlString(path)}, columns={a: 'BIGINT', p: 'VARCHAR', q: 'VARCHAR', nq: 'VARCHAR', f: 'BIGINT', l: 'BIGINT', T: 'BIGINT', m: 'BOOLEAN'})`,
    columns: { timestamp: 'T', timestamp_us: 'T * 1000', trade_id: 'a', trade_price: D('p'), trade_quantity: D('q'), first_trade_id: 'f', last_trade_id: 'l', trade_is_buyer_maker: 'm', normal_quantity: D('nq') },
  },
  ...['BTCUSDT', 'ETHUSDT', 'SOLUSDT'].map(
    (symbol): Case => ({
      file: `funding/api_json/${symbol}_funding.json`,
      kind: 'futures',
      rows: 500,
      from: (path) => `read_json(${sqlString(path)}, columns={symbol: 'VARCHAR', fundingTime: 'BIGINT', fundingRate: 'VARCHAR', markPrice: 'VARCHAR'})`,
      columns: { timestamp: 'fundingTime', funding_time: 'fundingTime', funding_rate: D('fundingRate'), mark_price: D('markPrice') },
    }),
  ),
  ...['btcusdt_futures_usdt_1h_2024w01.parquet', 'btcusdt_spot_1h_2024w01.parquet'].map(
    (name): Case => ({
      file: `parquet/${name}`,
      kind: 'klines',
      rows: 168,
      from: (path) => `read_parquet(${sqlString(path)})`,
      columns: KLINE_PQ('open_time', {
        close_time: 'epoch_ms(close_time)', quote_volume: 'quote_asset_volume', trade_count: 'count', taker_buy_base_volume: 'taker_buy_volume', taker_buy_quote_volume: 'taker_buy_quote_volume',
      }),
    }),
  ),
  { file: 'parquet/coinbase_BTC_USD_1h.parquet', kind: 'klines', rows: 54_654, from: (p) => `read_parquet(${sqlString(p)})`, columns: KLINE_PQ('open_time', { close_time: 'epoch_ms(close_time)' }) },
  { file: 'parquet/yfinance_BTC-USD_1d.parquet', kind: 'klines', rows: 2275, from: (p) => `read_parquet(${sqlString(p)})`, columns: KLINE_PQ('open_time') },
  {
    file: 'parquet/freqtrade_XRP_ETH-trades.parquet',
    kind: 'aggtrades',
    rows: 12_477,
    from: (p) => `read_parquet(${sqlString(p)})`,
    columns: { timestamp: 'timestamp', timestamp_us: 'timestamp * 1000', trade_id: 'CAST(id AS BIGINT)', trade_price: 'price', trade_quantity: 'amount', trade_is_buyer_maker: "side = 'sell'" },
  },
  {
    file: 'parquet/nautilus_binance_btcusdt-trades.parquet',
    kind: 'aggtrades',
    rows: 2001,
    from: (p) => `read_parquet(${sqlString(p)})`,
    columns: { timestamp: 'epoch_ms(timestamp)', timestamp_us: 'epoch_us(timestamp)', trade_id: 'trade_id', trade_price: 'price', trade_quantity: 'quantity', trade_is_buyer_maker: "buyer_maker = 'True'" },
  },
];

function extractMember(zipPath: string, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (error, zip) => {
      if (error !== null) { reject(error); return; }
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError !== null) { reject(streamError); return; }
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            writeFileSync(target, Buffer.concat(chunks));
            zip.close();
            resolve();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function plain(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

async function loadColumns(path: string, names: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  for await (const batch of openSource(path) as AsyncIterable<arrow.RecordBatch>) {
    for (const name of names) {
      const column = batch.getChild(name)!;
      for (let i = 0; i < batch.numRows; i++) out[name]!.push(plain(column.get(i)));
    }
  }
  return out;
}

function sumOf(values: readonly unknown[]): number {
  // Neumaier summation: the result does not depend on the order DuckDB happens to add in.
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const x = Number(value);
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t;
    sum = t;
  }
  return sum + compensation;
}

function allFixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return allFixtureFiles(path);
    return /\.(csv|zip|parquet)$/u.test(name) || (name.endsWith('.json') && !name.endsWith('.provenance.json')) ? [path] : [];
  });
}

describeWithRealFixtures('every real fixture loads exactly as DuckDB reads it', (fixtures) => {
  const scratch = mkdtempSync(join(tmpdir(), 'unified-fixtures-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('covers every data file in the fixtures folder', () => {
    const listed = new Set(CASES.map((c) => c.file));
    expect(allFixtureFiles(fixtures).map((p) => relative(fixtures, p)).filter((p) => !listed.has(p))).toEqual([]);
  });

  describe.each(CASES.map((c) => [c.file, c] as const))('%s', (file, testCase) => {
    it(`loads as ${testCase.kind} with DuckDB's rows, times, sums and values`, async () => {
      const path = join(fixtures, file);
      let duckPath = path;
      if (file.endsWith('.zip')) {
        duckPath = join(scratch, `${file.replaceAll('/', '_')}.csv`);
        await extractMember(path, duckPath);
      }
      const names = Object.keys(testCase.columns);
      const select = names.map((n) => `${testCase.columns[n]} AS "${n}"`).join(', ');
      const duckRows = await queryDuckDb(`SELECT ${select} FROM ${testCase.from(duckPath)}`);
      const duck: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, duckRows.map((r) => plain(r[n]))]));

      const source = openSource(path);
      expect((await source.describe()).kind).toBe(testCase.kind);
      const ours = await loadColumns(path, names);

      const timestamps = ours['timestamp'] as number[];
      expect(timestamps).toHaveLength(testCase.rows);
      expect(duckRows).toHaveLength(testCase.rows);
      expect([timestamps[0], timestamps.at(-1), Math.min(...timestamps), Math.max(...timestamps)]).toEqual([
        duck['timestamp']![0], duck['timestamp']!.at(-1), Math.min(...(duck['timestamp'] as number[])), Math.max(...(duck['timestamp'] as number[])),
      ]);
      for (const name of names) {
        if (typeof duck[name]![0] === 'number') expect({ name, sum: sumOf(ours[name]!) }).toEqual({ name, sum: sumOf(duck[name]!) });
        expect({ name, values: ours[name] }).toEqual({ name, values: duck[name] });
      }
    });
  });

  it('puts the spot µs file and the futures ms file of the same day on the same instants', async () => {
    const spot = await loadColumns(join(fixtures, 'zip/spot/BTCUSDT-1m-2025-01-02.zip'), ['timestamp', 'close_time']);
    const futures = await loadColumns(join(fixtures, 'zip/futures_um/BTCUSDT-1m-2025-01-02.zip'), ['timestamp', 'close_time']);
    expect(spot).toEqual(futures);
    expect(new Date(spot['timestamp']![0] as number).toISOString()).toBe('2025-01-02T00:00:00.000Z');
    expect(spot['close_time']![0]).toBe(Date.UTC(2025, 0, 2, 0, 0, 59, 999));
  });

  it('keeps the sub-millisecond trade time of spot µs aggTrades in timestamp_us', async () => {
    const trades = await loadColumns(join(fixtures, 'aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv'), ['timestamp', 'timestamp_us']);
    expect(trades['timestamp_us']![0]).toBe(1767225600039409);
    expect(trades['timestamp']![0]).toBe(1767225600039);
  });
});
