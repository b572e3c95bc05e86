// The converter on real Binance files laid out as the archive mirror (data/spot/daily/…, data/futures/um/…):
// every value it writes is compared by DuckDB with the exchange's own CSV of the same data.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import type { UnifiedMetadata } from '@unified/metadata';
import { convert } from './convert.js';

describeWithRealFixtures('convert on real Binance archives', (fixtures) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'unified-convert-real-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const place = (from: string, to: string): void => {
    mkdirSync(join(dataDir, to), { recursive: true });
    for (const file of [from, `${from}.CHECKSUM`]) if (existsSync(join(fixtures, file))) copyFileSync(join(fixtures, file), join(dataDir, to, basename(file)));
  };
  for (const day of ['2020-01-01', '2020-01-02', '2020-01-03', '2025-01-02']) place(`zip/spot/BTCUSDT-1m-${day}.zip`, 'data/spot/daily/klines/BTCUSDT/1m');
  place('zip/spot/BTCUSDT-1h-2026-05-08.zip', 'data/spot/daily/klines/BTCUSDT/1h');
  place('aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv', 'data/spot/daily/aggTrades/BTCUSDT');
  for (const month of ['2020-01', '2026-04']) place(`zip/futures_um/BTCUSDT-fundingRate-${month}.zip`, 'data/futures/um/monthly/fundingRate/BTCUSDT');
  const unified = join(dataDir, 'unified');
  const run = convert({ dataDir, exchange: 'binance', symbol: 'BTCUSDT' });
  const glob = (dataset: string): string => sqlString(`${unified}/${dataset}/**/*.parquet`);
  const csv = (file: string, header: boolean): string => `read_csv(${sqlString(join(fixtures, file))}, header = ${header}, all_varchar = true)`;

  it('writes each data type from its archives, one partition per day', async () => {
    const result = await run;
    expect(result.datasets.map((d) => [d.kind, d.totalRows, d.partitions])).toEqual([
      ['klines', 4 * 1440, 4],
      ['aggtrades', 5000, 1],
      ['futures', 93 + 90, 31 + 30],
    ]);
    // The 2025 klines and 2020 funding archives have no .CHECKSUM beside them: read, with a warning.
    expect(result.warnings).toEqual([
      'klines: 1 archive without a .CHECKSUM beside it (BTCUSDT-1m-2025-01-02.zip); integrity not verified',
      'futures: 1 archive without a .CHECKSUM beside it (BTCUSDT-fundingRate-2020-01.zip); integrity not verified',
    ]);
    const metadata = JSON.parse(readFileSync(join(unified, 'metadata.json'), 'utf8')) as UnifiedMetadata;
    expect(metadata.data_types.klines.datasets['binance_BTCUSDT_1m']?.sources.map((s) => s.path)).toEqual([
      'data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-01.zip',
      'data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-02.zip',
      'data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-03.zip',
      'data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2025-01-02.zip',
    ]);
  });

  it('keeps every kline value of the microsecond-era archive exactly (in milliseconds)', async () => {
    await run;
    const theirs = `SELECT (column00::BIGINT // 1000) AS t, column01::DOUBLE AS o, column02::DOUBLE AS h, column03::DOUBLE AS l, column04::DOUBLE AS c, column05::DOUBLE AS v, (column06::BIGINT // 1000) AS ct, column08::BIGINT AS n FROM ${csv('klines/spot/BTCUSDT-1m-2025-01-02.csv', false)}`;
    const ours = `SELECT timestamp AS t, open AS o, high AS h, low AS l, close AS c, volume AS v, close_time AS ct, trade_count AS n FROM read_parquet(${glob('klines/binance_BTCUSDT_1m')}, hive_partitioning = true) WHERE year = 2025`;
    expect(await queryDuckDb(`SELECT (SELECT count(*) FROM (${theirs} EXCEPT ALL ${ours})) AS missing, (SELECT count(*) FROM (${ours} EXCEPT ALL ${theirs})) AS extra, (SELECT count(*) FROM (${ours})) AS n`)).toEqual([{ missing: 0n, extra: 0n, n: 1440n }]);
  });

  it('keeps every trade with its microsecond time and flags', async () => {
    await run;
    const theirs = `SELECT column0::BIGINT AS id, column1::DOUBLE AS p, column2::DOUBLE AS q, column5::BIGINT AS us, column6 = 'True' AS m FROM ${csv('aggtrades/spot/BTCUSDT-aggTrades-2026-01-01.csv', false)}`;
    const ours = `SELECT trade_id AS id, trade_price AS p, trade_quantity AS q, timestamp_us AS us, trade_is_buyer_maker AS m FROM read_parquet(${glob('aggtrades/binance_BTCUSDT')}, hive_partitioning = true)`;
    expect(await queryDuckDb(`SELECT (SELECT count(*) FROM (${theirs} EXCEPT ALL ${ours})) AS missing, (SELECT count(*) FROM (${ours} EXCEPT ALL ${theirs})) AS extra`)).toEqual([{ missing: 0n, extra: 0n }]);
  });

  it('keeps every funding event at its own jittered time, and a second run does nothing', async () => {
    await run;
    const months = ['2020-01', '2026-04'].map((m) => `SELECT calc_time::BIGINT AS t, last_funding_rate::DOUBLE AS r FROM ${csv(`funding/csv/BTCUSDT-fundingRate-${m}.csv`, true)}`);
    const theirs = `SELECT * FROM (${months.join(' UNION ALL ')})`;
    const ours = `SELECT funding_time AS t, funding_rate AS r FROM read_parquet(${glob('futures/binance_BTCUSDT')}, hive_partitioning = true)`;
    expect(await queryDuckDb(`SELECT (SELECT count(*) FROM (${theirs} EXCEPT ALL ${ours})) AS missing, (SELECT count(*) FROM (${ours} EXCEPT ALL ${theirs})) AS extra`)).toEqual([{ missing: 0n, extra: 0n }]);
    const again = await convert({ dataDir, exchange: 'binance', symbol: 'BTCUSDT' });
    expect(again.noop).toBe(true);
  });

  it('checks archives against a changed .CHECKSUM even when nothing else changed, and changes nothing', async () => {
    await run;
    const sidecar = join(dataDir, 'data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2020-01-02.zip.CHECKSUM');
    const before = readFileSync(join(unified, 'metadata.json'));
    writeFileSync(sidecar, `${'0'.repeat(64)}  BTCUSDT-1m-2020-01-02.zip\n`);
    await expect(convert({ dataDir, exchange: 'binance', symbol: 'BTCUSDT' })).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
      message: expect.stringContaining(`BTCUSDT-1m-2020-01-02.zip: sha256 `) as unknown,
    });
    expect(readFileSync(join(unified, 'metadata.json'))).toEqual(before);
  });
});
