// readPartitionedDataset against DuckDB on the same hive dataset (written by DuckDB itself, with small row
// groups): every operator on partition and data columns, AND and OR forms, empty results, nulls, a time range
// across a month boundary, projection, and the errors for what cannot be filtered.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { type DatasetFilter, type DatasetReadOptions, readPartitionedDataset, scanPartitionedDataset } from '../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'unified-read-'));
const dataset = join(root, 'aggtrades');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const START = Date.UTC(2024, 0, 30);
const glob = sqlString(`${dataset}/**/*.parquet`);

beforeAll(async () => {
  // Two symbols, 150 trades a day from 2024-01-30 to 2024-02-02, one every 9 minutes 36 s; every 7th quantity null.
  await queryDuckDb(`COPY (
      SELECT 'binance' AS exchange, s.symbol, ${START} + i * 576000 AS timestamp, 1000 + i AS trade_id,
             (42000 + (i % 97) * 0.5 + s.shift)::DOUBLE AS trade_price, CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 13) / 10.0 END AS trade_quantity,
             i % 3 = 0 AS trade_is_buyer_maker,
             year(to_timestamp((${START} + i * 576000) / 1000)) AS year, month(to_timestamp((${START} + i * 576000) / 1000)) AS month,
             day(to_timestamp((${START} + i * 576000) / 1000)) AS day
      FROM range(600) t(i), (VALUES ('BTCUSDT', 0), ('ETHUSDT', -40000)) s(symbol, shift)
      ORDER BY symbol, timestamp
    ) TO ${sqlString(dataset)} (FORMAT parquet, PARTITION_BY (exchange, symbol, year, month, day), ROW_GROUP_SIZE 50)`);
});

/** Rows as comparable plain objects, in a stable order. */
function normalize(rows: Record<string, unknown>[]): string[] {
  return rows
    .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]).sort(([a], [b]) => String(a).localeCompare(String(b))))))
    .sort();
}

const ours = async (options: DatasetReadOptions): Promise<string[]> => normalize((await readPartitionedDataset(dataset, options)).toArray().map((row: arrow.StructRowProxy) => row.toJSON() as Record<string, unknown>));
const duck = async (where: string, columns = '*'): Promise<string[]> => normalize(await queryDuckDb(`SELECT ${columns} FROM read_parquet(${glob}, hive_partitioning = true) WHERE ${where}`));

const CASES: [string, DatasetFilter, string][] = [
  ['= on partition columns (AND)', [['year', '=', 2024], ['month', '=', 1]], 'year = 2024 AND month = 1'],
  ['== with the value as text', [['month', '==', '2']], 'month = 2'],
  ['!= on a partition column', [['day', '!=', 1]], 'day <> 1'],
  ['< on timestamp', [['timestamp', '<', START + 86_400_000]], `timestamp < ${START + 86_400_000}`],
  ['<= and > on a double', [['trade_price', '<=', 42010], ['trade_price', '>', 42002.5]], 'trade_price <= 42010 AND trade_price > 42002.5'],
  ['>= on an id', [['trade_id', '>=', 1500]], 'trade_id >= 1500'],
  ['in on symbol', [['symbol', 'in', ['ETHUSDT', 'XRPUSDT']]], "symbol IN ('ETHUSDT', 'XRPUSDT')"],
  ['not in on day', [['day', 'not in', [1, 2]]], 'day NOT IN (1, 2)'],
  ['a comparison with nulls', [['trade_quantity', '>', 0.5]], 'trade_quantity > 0.5'],
  ['!= on a column with nulls', [['trade_quantity', '!=', 0.3]], 'trade_quantity <> 0.3'],
  ['= on a boolean', [['trade_is_buyer_maker', '=', true]], 'trade_is_buyer_maker = true'],
  [
    'OR of ANDs across partition and data columns',
    [[['symbol', '=', 'ETHUSDT'], ['day', '=', 1]], [['trade_id', '<', 1010]]],
    "(symbol = 'ETHUSDT' AND day = 1) OR trade_id < 1010",
  ],
  ['an empty result', [['year', '=', 2023]], 'year = 2023'],
  ['month 1 never matches month 10 or 11', [['month', 'in', [1]]], 'month = 1'],
];

describe('readPartitionedDataset agrees with DuckDB', () => {
  it.each(CASES)('%s', async (_name, filters, where) => {
    expect(await ours({ filters })).toEqual(await duck(where));
  });

  it('takes a time range across a month boundary (start inclusive, end exclusive)', async () => {
    const start = '2024-01-31T12:00:00Z';
    const end = Date.UTC(2024, 1, 1, 6);
    const rows = await ours({ start, end, filters: [['symbol', '=', 'BTCUSDT']] });
    expect(rows).toEqual(await duck(`timestamp >= ${Date.parse(start)} AND timestamp < ${end} AND symbol = 'BTCUSDT'`));
    expect(rows.length).toBeGreaterThan(0);
  });

  it('returns only the requested columns, partition columns typed as D1 says', async () => {
    const table = await readPartitionedDataset(dataset, { columns: ['day', 'trade_id', 'symbol'], filters: [['trade_id', '<', 1003]] });
    expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['day:Int8', 'trade_id:Int64', 'symbol:Utf8']);
    expect(normalize(table.toArray().map((r: arrow.StructRowProxy) => r.toJSON() as Record<string, unknown>))).toEqual(await duck('trade_id < 1003', 'day, trade_id, symbol'));
  });
});

describe('pruning', () => {
  it('never lists pruned partition folders, skips row groups by their statistics, and says so', async () => {
    const scan = scanPartitionedDataset(dataset, { filters: [['symbol', '=', 'BTCUSDT'], ['day', '=', 31], ['trade_id', '>=', 1290]] });
    let rows = 0;
    for await (const batch of scan) rows += batch.numRows;
    expect(rows).toBe((await duck("symbol = 'BTCUSDT' AND day = 31 AND trade_id >= 1290")).length);
    // exchange → symbol=BTCUSDT (ETHUSDT pruned) → year → month=1 → day=31 (day=30 pruned); month=2 pruned.
    expect(scan.stats).toMatchObject({ filesFound: 1, filesOpened: 1 });
    expect(scan.stats.foldersPruned).toBeGreaterThanOrEqual(3);
    expect(scan.explain()).toMatch(/^1\. partitions: listed \d+ folders, pruned \d+ without listing them\n2\. files: 1 found, 1 opened; row groups: \d+, \d+ skipped by their min\/max statistics\n3\. rows: \d+ decoded, \d+ matched the filter$/u);
  });

  it('skips row groups whose min/max statistics rule them out', async () => {
    const big = join(root, 'big');
    await queryDuckDb(
      `COPY (SELECT 'BTCUSDT' AS symbol, ${START} + i * 8 AS timestamp, i AS trade_id, 2024 AS year FROM range(10000) t(i) ORDER BY i) TO ${sqlString(big)} (FORMAT parquet, PARTITION_BY (symbol, year), ROW_GROUP_SIZE 2048)`,
    );
    const scan = scanPartitionedDataset(big, { filters: [['trade_id', '>=', 9000]] });
    let rows = 0;
    for await (const batch of scan) rows += batch.numRows;
    expect(rows).toBe(1000);
    expect(scan.stats.rowGroups).toBeGreaterThanOrEqual(4);
    expect(scan.stats.rowGroupsPruned).toBe(scan.stats.rowGroups - 1);
    expect(scan.stats.rowsRead).toBeLessThan(10000);
  });

  it('prunes day folders by a time range', async () => {
    const scan = scanPartitionedDataset(dataset, { start: Date.UTC(2024, 1, 1), end: Date.UTC(2024, 1, 2) });
    let batches = 0;
    for await (const _batch of scan) batches++;
    expect(batches).toBeGreaterThan(0);
    expect([scan.stats.filesFound, scan.stats.rowsMatched]).toEqual([2, 300]);
  });

  it('stops at the limit, and keeps the columns at limit 0', async () => {
    const table = await readPartitionedDataset(dataset, { limit: 7 });
    expect(table.numRows).toBe(7);
    const none = await readPartitionedDataset(dataset, { limit: 0, columns: ['day', 'trade_id'] });
    expect([none.numRows, none.schema.fields.map((f) => f.name)]).toEqual([0, ['day', 'trade_id']]);
  });
});

describe('what cannot be filtered is an error, never ignored', () => {
  it.each<[string, DatasetReadOptions, RegExp]>([
    ['an unknown column', { filters: [['price', '>', 1]] }, /filter on "price": no such column; the dataset has timestamp, trade_id/u],
    ['an unknown column, even when pruning left nothing', { filters: [['year', '=', 1999], ['price', '>', 1]] }, /filter on "price": no such column/u],
    ['an unknown operator', { filters: [['year', 'like', 2024] as unknown as readonly [string, '=', number]] }, /unknown operator "like"/u],
    ['a list for =', { filters: [['year', '=', [2024]]] }, /"=" takes one value, not a list/u],
    ['a non-number for a number column', { filters: [['trade_id', '>', 'abc']] }, /"abc" is not a number/u],
    ['an unknown projected column', { columns: ['nope'] }, /column "nope": no such column/u],
    ['a bad time', { start: 'yesterday' }, /start "yesterday" is not a time: expected ISO 8601/u],
    ['a date that does not exist', { start: '2023-02-30' }, /start "2023-02-30" is not a time/u],
    ['seconds given as milliseconds', { start: 1704153600 }, /start "1704153600" is 1970-01-20T17:22:33\.600Z, outside 2009 to now; milliseconds are expected/u],
    ['start after end', { start: '2024-01-03', end: '2024-01-02' }, /start 2024-01-03T00:00:00\.000Z is not before end 2024-01-02T00:00:00\.000Z/u],
    ['a number for a text column', { filters: [['symbol', '=', 5]] }, /filter on "symbol": 5 is a number; the column holds text/u],
    ['a column asked for twice', { columns: ['day', 'day'] }, /column "day" is asked for twice/u],
  ])('%s', async (_name, options, message) => {
    await expect(readPartitionedDataset(dataset, options)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) as unknown });
  });

  it('a missing dataset folder, or one that holds no dataset (the level above, say)', async () => {
    await expect(readPartitionedDataset(join(root, 'nope'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    await expect(readPartitionedDataset(root, { filters: [['foo', '=', 1]] })).rejects.toMatchObject({
      code: 'SOURCE_NOT_FOUND',
      message: expect.stringMatching(/no Parquet data files in a hive layout; expected a dataset folder/u) as unknown,
    });
  });

  it('compares a time column with an ISO date', async () => {
    expect(await ours({ filters: [['timestamp', '<', '2024-01-31']] })).toEqual(await duck(`timestamp < ${Date.UTC(2024, 0, 31)}`));
  });
});

describe('types and layouts beyond our own (DuckDB-written)', () => {
  const odd = join(root, 'odd');
  const oddGlob = sqlString(`${odd}/**/*.parquet`);
  const T = Date.UTC(2024, 0, 1);
  beforeAll(async () => {
    await queryDuckDb(`COPY (
        SELECT 9007199254740000 + i AS id, (i * 858993)::UINTEGER AS u32,
               make_timestamp(${T} * 1000 + i * 1337) AS ts_us, make_timestamp_ns((${T} * 1000 + i * 1337) * 1000 + 1) AS tns,
               ['Ａ', '\uFFFD', '😀', 'abc'][i % 4 + 1] AS s, ('x' || i)::BLOB AS b,
               CASE WHEN i % 11 = 0 THEN 'NaN'::DOUBLE ELSE (i % 10)::DOUBLE END AS f,
               CASE WHEN i % 5 = 0 THEN NULL ELSE ['A', 'B'][i % 2 + 1] END AS sym
        FROM range(5000) t(i) ORDER BY i
      ) TO ${sqlString(odd)} (FORMAT parquet, PARTITION_BY (sym), ROW_GROUP_SIZE 2048)`);
    // A folder that is not part of the layout.
    await queryDuckDb(`COPY (SELECT 1 AS x) TO ${sqlString(join(odd, 'notes.csv'))}`);
  });

  const oursIds = async (options: DatasetReadOptions): Promise<string[]> =>
    Array.from((await readPartitionedDataset(odd, { ...options, columns: ['id'] })).getChild('id')!.toArray() as BigInt64Array, String).sort();
  const duckIds = async (where: string): Promise<string[]> =>
    (await queryDuckDb(`SELECT id FROM read_parquet(${oddGlob}, hive_partitioning = true) WHERE ${where}`)).map((r) => String(r['id'])).sort();

  it.each<[string, DatasetFilter, string]>([
    ['unsigned 32-bit statistics are not read as signed', [['u32', '>', 3e9]], 'u32 > 3000000000'],
    ['nanosecond timestamps compare in their unit', [['tns', '<', new Date(T + 3_000_000)]], `tns < make_timestamp_ns(${(T + 3_000_000) * 1_000_000})`],
    ['microsecond timestamps are not cut to milliseconds (>)', [['ts_us', '>', new Date(T + 1337 * 7)]], `ts_us > make_timestamp(${(T + 1337 * 7) * 1000})`],
    ['microsecond timestamps are not cut to milliseconds (=)', [['ts_us', '=', new Date(T + 1337 * 1000)]], `ts_us = make_timestamp(${(T + 1337 * 1000) * 1000})`],
    ['int64 beyond 2^53 compares exactly (=)', [['id', '=', '9007199254740993']], 'id = 9007199254740993'],
    ['int64 beyond 2^53 compares exactly (>)', [['id', '>', 9007199254744990n]], 'id > 9007199254744990'],
    ['text compares in UTF-8 byte order (>)', [['s', '>', 'Ａ']], "s > 'Ａ'"],
    ['text compares in UTF-8 byte order (=)', [['s', '=', '\uFFFD']], "s = '\uFFFD'"],
    ['NaN rows are kept by not in', [['f', 'not in', [5]]], 'f NOT IN (5)'],
    ['the null partition matches no comparison', [['sym', '!=', 'B']], "sym <> 'B'"],
  ])('%s', async (_name, filters, where) => {
    expect(await oursIds({ filters })).toEqual(await duckIds(where));
  });

  it('keeps binary values of the rows a filter selects, and fills the null partition with nulls', async () => {
    const table = await readPartitionedDataset(odd, { filters: [['id', '<', 9007199254740003n]], columns: ['id', 'b', 'sym'] });
    expect(table.toArray().map((r: arrow.StructRowProxy): unknown[] => [String(r['id']), Buffer.from(r['b'] as Uint8Array).toString(), r['sym']]).sort()).toEqual([
      ['9007199254740000', 'x0', null],
      ['9007199254740001', 'x1', 'B'],
      ['9007199254740002', 'x2', 'A'],
    ]);
  });

  it('gives an empty result the dataset columns', async () => {
    const table = await readPartitionedDataset(odd, { filters: [['id', '<', 0]] });
    expect([table.numRows, table.schema.fields.map((f) => f.name)]).toEqual([0, ['id', 'u32', 'ts_us', 'tns', 's', 'b', 'f', 'sym']]);
  });
});
