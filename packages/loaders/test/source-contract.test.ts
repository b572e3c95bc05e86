// The source contract: the same market data in every form a user may hold it — Binance CSV with and without a
// header, pandas-style CSV with ISO datetimes, Parquet in every codec and with DELTA / BYTE_STREAM_SPLIT /
// dictionary encodings and timestamp logical types, a zip archive, REST JSON arrays and JSON Lines — loads to
// exactly the same canonical rows. Every form is written by DuckDB from a real fixture, not by our own code.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { readRows, writeZip } from './source-contract.js';

type Make = (dir: string, table: string) => Promise<string>;

const copy =
  (file: string, select: string, options: string): Make =>
  async (dir, table) => {
    const path = join(dir, file);
    await queryDuckDb(`${table}; COPY (${select}) TO ${sqlString(path)} (${options})`);
    return path;
  };

// A file holding one JSON value that DuckDB computes (to_json), for layouts COPY cannot write.
const jsonValue =
  (file: string, select: string, rename: Readonly<Record<string, string>> = {}): Make =>
  async (dir, table) => {
    const path = join(dir, file);
    const [row] = await queryDuckDb(`${table}; SELECT CAST(${select} AS VARCHAR) AS json FROM t`);
    let text = String(row!['json']);
    // DuckDB names are case-insensitive, so keys such as Binance's "m" and "M" are renamed here.
    for (const [from, to] of Object.entries(rename)) text = text.replaceAll(`"${from}":`, `"${to}":`);
    writeFileSync(path, text);
    return path;
  };

// A CSV whose header line is replaced (pandas writes an empty name for an unnamed index, which DuckDB refuses).
const csvWithHeader =
  (file: string, select: string, header: string): Make =>
  async (dir, table) => {
    const path = await copy(file, select, 'HEADER')(dir, table);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, `${header}${text.slice(text.indexOf('\n'))}`);
    return path;
  };

interface Dataset {
  readonly kind: 'klines' | 'aggtrades' | 'futures';
  readonly fixture: string;
  /** DuckDB statement creating table `t` from the fixture at `path`. */
  readonly load: (path: string) => string;
  /** Each form: a name and how to write it from table `t` into a folder, returning the file to load. */
  readonly forms: readonly (readonly [string, Make])[];
}

const PARQUET_CODECS = ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'uncompressed'];

const AGGTRADES: Dataset = {
  kind: 'aggtrades',
  fixture: 'aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv',
  load: (path) =>
    `CREATE TABLE t AS SELECT * FROM read_csv(${sqlString(path)}, header=false, columns={'agg_trade_id': 'BIGINT', 'price': 'DOUBLE', 'quantity': 'DOUBLE', 'first_trade_id': 'BIGINT', 'last_trade_id': 'BIGINT', 'transact_time': 'BIGINT', 'is_buyer_maker': 'BOOLEAN', 'is_best_match': 'BOOLEAN'})`,
  forms: [
    ['csv with header', copy('a.csv', 'SELECT * FROM t', 'HEADER')],
    ['csv without header, True/False', copy('b.csv', "SELECT agg_trade_id, price, quantity, first_trade_id, last_trade_id, transact_time, CASE WHEN is_buyer_maker THEN 'True' ELSE 'False' END, CASE WHEN is_best_match THEN 'True' ELSE 'False' END FROM t", 'HEADER false')],
    ['pandas csv with an index and ISO datetimes', csvWithHeader('c.csv', "SELECT row_number() OVER () - 1 AS idx, strftime(make_timestamp(transact_time), '%Y-%m-%d %H:%M:%S.%f+00:00') AS timestamp, price, quantity, agg_trade_id, first_trade_id, last_trade_id, is_buyer_maker, is_best_match FROM t", ',timestamp,price,qty,trade_id,first_trade_id,last_trade_id,is_buyer_maker,is_best_match')],
    ...PARQUET_CODECS.map((codec): Dataset['forms'][number] => [`parquet ${codec}`, copy(`p-${codec}.parquet`, 'SELECT * FROM t', `FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 1000`)]),
    ['parquet v2 encodings (DELTA_BINARY_PACKED, BYTE_STREAM_SPLIT, dictionary), zstd', copy('v2.parquet', 'SELECT * FROM t', 'FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 1000')],
    ['parquet with a TIMESTAMP (µs) column and REST names', copy('ts.parquet', 'SELECT make_timestamp(transact_time) AS T, agg_trade_id AS a, price AS p, quantity AS q, first_trade_id AS f, last_trade_id AS l, is_buyer_maker AS m, is_best_match AS isBestMatch FROM t', 'FORMAT parquet')],
    ['parquet with a TIMESTAMP_NS tz-aware column (pandas)', copy('ns.parquet', 'SELECT CAST(make_timestamp(transact_time) AS TIMESTAMP_NS) AS transact_time, agg_trade_id, price, quantity, first_trade_id, last_trade_id, is_buyer_maker, is_best_match FROM t', 'FORMAT parquet')],
    ['REST JSON array with string prices', jsonValue('rest.json', "to_json(list({'a': agg_trade_id, 'p': CAST(price AS VARCHAR), 'q': CAST(quantity AS VARCHAR), 'f': first_trade_id, 'l': last_trade_id, 'T': transact_time, 'm': is_buyer_maker, 'best': is_best_match} ORDER BY agg_trade_id))", { best: 'M' })],
    ['JSON Lines', copy('rows.jsonl', 'SELECT * FROM t', 'FORMAT json')],
  ],
};

const KLINES: Dataset = {
  kind: 'klines',
  fixture: 'klines/futures_um/BTCUSDT-1m-2025-01-02.csv',
  load: (path) => `CREATE TABLE t AS SELECT * EXCLUDE (ignore) FROM read_csv(${sqlString(path)}, header=true)`,
  forms: [
    ['csv with header', copy('a.csv', 'SELECT *, 0 AS ignore FROM t', 'HEADER')],
    ['csv without header, µs times', copy('b.csv', 'SELECT open_time * 1000, open, high, low, close, volume, close_time * 1000 + 999, quote_volume, count, taker_buy_volume, taker_buy_quote_volume, 0 FROM t', 'HEADER false')],
    ...PARQUET_CODECS.map((codec): Dataset['forms'][number] => [`parquet ${codec}`, copy(`p-${codec}.parquet`, 'SELECT * FROM t', `FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 500`)]),
    ['parquet v2 encodings', copy('v2.parquet', 'SELECT * FROM t', 'FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2')],
    ['parquet with TIMESTAMP_MS columns and pyarrow names', copy('ts.parquet', 'SELECT CAST(epoch_ms(open_time) AS TIMESTAMP_MS) AS open_time, open, high, low, close, volume, CAST(epoch_ms(close_time) AS TIMESTAMP_MS) AS close_time, quote_volume AS quote_asset_volume, count, taker_buy_volume, taker_buy_quote_volume FROM t', 'FORMAT parquet')],
    ['REST klines JSON (arrays of 12 values)', jsonValue('klines.json', "to_json(list([open_time::VARCHAR, open::VARCHAR, high::VARCHAR, low::VARCHAR, close::VARCHAR, volume::VARCHAR, close_time::VARCHAR, quote_volume::VARCHAR, count::VARCHAR, taker_buy_volume::VARCHAR, taker_buy_quote_volume::VARCHAR, '0'] ORDER BY open_time))")],
  ],
};

const FUNDING: Dataset = {
  kind: 'futures',
  fixture: 'funding/csv/BTCUSDT-fundingRate-2020-01.csv',
  load: (path) => `CREATE TABLE t AS SELECT * FROM read_csv(${sqlString(path)}, header=true, columns={'calc_time': 'BIGINT', 'funding_interval_hours': 'INTEGER', 'last_funding_rate': 'DOUBLE'})`,
  forms: [
    ['csv with header', copy('a.csv', 'SELECT * FROM t', 'HEADER')],
    ['csv without header', copy('b.csv', 'SELECT * FROM t', 'HEADER false')],
    ...PARQUET_CODECS.map((codec): Dataset['forms'][number] => [`parquet ${codec}`, copy(`p-${codec}.parquet`, 'SELECT * FROM t', `FORMAT parquet, COMPRESSION ${codec}`)]),
    ['consolidated parquet with pipeline names', copy('c.parquet', 'SELECT calc_time AS fundingTime, last_funding_rate AS fundingRate, funding_interval_hours FROM t', 'FORMAT parquet')],
    ['JSON Lines with camelCase keys', copy('f.jsonl', 'SELECT calc_time AS fundingTime, CAST(last_funding_rate AS VARCHAR) AS fundingRate, funding_interval_hours AS fundingIntervalHours FROM t', 'FORMAT json')],
  ],
};

describeWithRealFixtures('source contract: every form of the same data loads to the same rows', (fixtures) => {
  describe.each([AGGTRADES, KLINES, FUNDING].map((d) => [d.kind, d] as const))('%s', (_kind, dataset) => {
    let dir = '';
    let expected: Record<string, unknown>[] = [];
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `unified-contract-${dataset.kind}-`));
      expected = await readRows(join(fixtures, dataset.fixture));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('the reference fixture loads', () => {
      expect(expected.length).toBeGreaterThan(0);
    });

    it.each(dataset.forms.map(([name, make]) => [name, make] as const))('%s', async (_name, make) => {
      const path = await make(dir, dataset.load(join(fixtures, dataset.fixture)));
      const rows = await readRows(path, { kind: dataset.kind });
      expect(rows).toHaveLength(expected.length);
      expect(rows).toEqual(expected);
    });

    it('a zip archive of the Binance CSV', async () => {
      const csv = join(dir, 'member.csv');
      copyFileSync(join(fixtures, dataset.fixture), csv);
      const zip = join(dir, 'archive.zip');
      await writeZip(zip, { [dataset.fixture.split('/').pop()!]: csv });
      expect(await readRows(zip)).toEqual(expected);
    });

    it('batch size does not change the rows', async () => {
      expect(await readRows(join(fixtures, dataset.fixture), { batchSize: 7 })).toEqual(expected);
    });
  });
});
