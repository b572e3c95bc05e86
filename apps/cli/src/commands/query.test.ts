// `unified query` end to end in-process: each output format round-trips through DuckDB to the rows DuckDB
// reads from the dataset with the same predicate.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { runCli } from '../run-cli.js';
import { recordingIo } from '../test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'unified-cli-query-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const trades = 'demo/unified/aggtrades/binance_BTCUSDT';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(cwd);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  const demo = await run(['demo', '--out', 'demo', '--days', '3', '--aggtrades-rows', '3000', '--formats', 'parquet', '-q']);
  expect(demo.code).toBe(0);
});

/** What DuckDB reads from the dataset for a predicate, as text values (the way CSV carries them). */
const theirs = (where: string, columns: string): Promise<Record<string, unknown>[]> =>
  queryDuckDb(`SELECT ${columns} FROM read_parquet(${sqlString(`${cwd}/${trades}/**/*.parquet`)}, hive_partitioning = true) WHERE ${where} ORDER BY trade_id`);

const FILTERS = ['--filter', 'day in (1,2)', '--filter', 'trade_price>=42000', '--start', '2024-01-01T12:00:00Z', '--end', '2024-01-02T12:00:00Z'];
const WHERE = `day IN (1, 2) AND trade_price >= 42000 AND timestamp >= ${Date.UTC(2024, 0, 1, 12)} AND timestamp < ${Date.UTC(2024, 0, 2, 12)}`;
const COLUMNS = 'trade_id,timestamp,trade_price,trade_is_buyer_maker,symbol,day';

describe('unified query', () => {
  it('streams CSV that DuckDB reads back to the same rows', async () => {
    const { code, out, err } = await run(['query', trades, ...FILTERS, '--columns', COLUMNS, '--format', 'csv', '--output', 'out.csv']);
    expect({ code, out, err }).toEqual({ code: 0, out: '', err: '' });
    const back = await queryDuckDb(`SELECT ${COLUMNS} FROM read_csv(${sqlString(join(cwd, 'out.csv'))}, header = true, columns = {'trade_id': 'BIGINT', 'timestamp': 'BIGINT', 'trade_price': 'DOUBLE', 'trade_is_buyer_maker': 'BOOLEAN', 'symbol': 'VARCHAR', 'day': 'BIGINT'}) ORDER BY trade_id`);
    const expected = await theirs(WHERE, COLUMNS);
    expect(back.length).toBeGreaterThan(100);
    expect(back).toEqual(expected);
    expect(readFileSync(join(cwd, 'out.csv'), 'utf8').split('\n')[0]).toBe(COLUMNS);
  });

  it('streams JSON lines with exact int64 values that DuckDB reads back', async () => {
    const { code, out } = await run(['query', trades, ...FILTERS, '--columns', COLUMNS, '--format', 'json']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\{"trade_id":\d{10},"timestamp":\d{13},"trade_price":[\d.]+,"trade_is_buyer_maker":(true|false),"symbol":"BTCUSDT","day":[12]\}$/u);
    const back = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = await theirs(WHERE, COLUMNS);
    expect(back).toEqual(expected.map((row) => ({ ...row, trade_id: Number(row['trade_id']), timestamp: Number(row['timestamp']), day: Number(row['day']) })));
  });

  it('writes one Parquet file that DuckDB reads back, and explains the pruning on stderr', async () => {
    const { code, out, err } = await run(['query', trades, ...FILTERS, '--format', 'parquet', '--output', 'out.parquet', '--compression', 'zstd', '--explain']);
    expect([code, out]).toEqual([0, '']);
    const expected = await theirs(WHERE, '*');
    expect(err).toContain(`wrote ${expected.length.toLocaleString('en-US')} rows to out.parquet`);
    expect(err).toMatch(/1\. partitions: listed \d+ folders, pruned 1 without listing them/u);
    const back = await queryDuckDb(`SELECT * FROM read_parquet(${sqlString(join(cwd, 'out.parquet'))}) ORDER BY trade_id`);
    expect(back).toEqual(expected.map((row) => ({ ...row, year: Number(row['year']), month: Number(row['month']), day: Number(row['day']) })));
  });

  it('prints an aligned preview of the first rows as a table', async () => {
    const { code, out } = await run(['query', trades, '--filter', 'trade_id<3000000005', '--columns', 'trade_id,day']);
    expect(code).toBe(0);
    expect(out).toBe(['trade_id    day', '3000000000  1', '3000000001  1', '3000000002  1', '3000000003  1', '3000000004  1', ''].join('\n'));
    const preview = await run(['query', trades]);
    expect(preview.out.trimEnd().split('\n')).toHaveLength(1 + 20 + 1);
    expect(preview.out).toContain('(first 20 rows; --limit N for more, --format csv or json for all)');
  });

  it('keeps the columns of an empty result: a CSV header, a Parquet file with no rows', async () => {
    const csv = await run(['query', trades, '--filter', 'day=9', '--columns', 'trade_id,day', '--format', 'csv']);
    expect([csv.code, csv.out]).toEqual([0, 'trade_id,day\n']);
    const parquet = await run(['query', trades, '--filter', 'day=9', '--format', 'parquet', '-o', 'empty.parquet']);
    expect(parquet.code).toBe(0);
    expect(await queryDuckDb(`SELECT count(*) AS n FROM read_parquet(${sqlString(join(cwd, 'empty.parquet'))})`)).toEqual([{ n: 0n }]);
    const table = await run(['query', trades, '--filter', 'day=9']);
    expect(table.out).toBe('no rows match\n');
  });

  it('leaves an existing output file as it was when the query fails part-way (a corrupt day), for csv and json', async () => {
    cpSync(join(cwd, trades), join(cwd, 'broken'), { recursive: true });
    const lastDay = join(cwd, 'broken/exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=3/part-0.parquet');
    truncateSync(lastDay, 100);
    for (const format of ['csv', 'json']) {
      writeFileSync(join(cwd, `kept.${format}`), 'the previous result\n');
      const { code, out, err } = await run(['query', 'broken', '--format', format, '--output', `kept.${format}`]);
      expect([code, out]).toEqual([1, '']);
      expect(err).toContain('day=3/part-0.parquet');
      expect(readFileSync(join(cwd, `kept.${format}`), 'utf8')).toBe('the previous result\n');
    }
    expect(readdirSync(cwd).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses an --output it cannot write before reading anything, naming it and why, for every format', async () => {
    mkdirSync(join(cwd, 'exports'));
    writeFileSync(join(cwd, 'a-file'), 'x');
    for (const format of ['csv', 'json', 'table', 'parquet']) {
      const missing = await run(['query', trades, '--format', format, '-o', `no-such-folder/rows.${format}`]);
      expect([missing.code, missing.out]).toEqual([2, '']);
      expect(missing.err).toMatch(new RegExp(`^error: --output no-such-folder/rows\\.${format}: the folder no-such-folder does not exist; create it first\\n`, 'u'));
      const notFolder = await run(['query', trades, '--format', format, '-o', `a-file/rows.${format}`]);
      expect([notFolder.code, notFolder.err.split('\n')[0]]).toEqual([2, `error: --output a-file/rows.${format}: a-file is not a folder`]);
      const deeper = await run(['query', trades, '--format', format, '-o', `a-file/sub/rows.${format}`]);
      expect([deeper.code, deeper.err.split('\n')[0]]).toEqual([2, `error: --output a-file/sub/rows.${format}: a-file is a file, not a folder (ENOTDIR)`]);
      const folder = await run(['query', trades, '--format', format, '-o', 'exports']);
      expect([folder.code, folder.err.split('\n')[0]]).toEqual([2, `error: --output exports is a folder; give a file name, such as exports/rows.${format === 'table' ? 'txt' : format}`]);
    }
    expect(readdirSync(join(cwd, 'exports'))).toEqual([]);
    expect(existsSync(join(cwd, 'no-such-folder'))).toBe(false);
  });

  it('exits 2 naming the problem for a bad expression, an unknown column or parquet without --output', async () => {
    const bad = await run(['query', trades, '--filter', 'price~1']);
    expect([bad.code, bad.out]).toEqual([2, '']);
    expect(bad.err).toContain('"price~1" is not a filter');
    const unknown = await run(['query', trades, '--filter', 'price>1']);
    expect([unknown.code, unknown.out]).toEqual([2, '']);
    expect(unknown.err).toMatch(/^error: filter on "price": no such column; the dataset has timestamp/u);
    const parquet = await run(['query', trades, '--format', 'parquet']);
    expect(parquet.code).toBe(2);
    expect(parquet.err).toContain('--format parquet needs --output FILE');
    const seconds = await run(['query', trades, '--start', '1704153600']);
    expect([seconds.code, seconds.out]).toEqual([2, '']);
    expect(seconds.err).toContain('milliseconds are expected (seconds? multiply by 1000)');
    const levelAbove = await run(['query', 'demo/unified']);
    expect([levelAbove.code, levelAbove.out]).toEqual([1, '']);
    expect(levelAbove.err).toMatch(/no Parquet data files in a hive layout; expected a dataset folder such as/u);
    const missing = await run(['query', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope: no such dataset folder/u);
  });
});
