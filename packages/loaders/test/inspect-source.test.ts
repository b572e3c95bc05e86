import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { inspectSource, sourceNameHint } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithRealFixtures('inspectSource on real files', (fixtures) => {
  it('reports a spot µs archive', async () => {
    const report = await inspectSource(join(fixtures, 'zip/spot/BTCUSDT-1m-2020-01-01.zip'));
    expect(report).toMatchObject({
      kind: 'klines', format: 'zip', member: 'BTCUSDT-1m-2020-01-01.csv', checksum: 'verified', header: false, rows: 1440,
      timestampUnit: 'ms', minTimestamp: Date.UTC(2020, 0, 1), maxTimestamp: Date.UTC(2020, 0, 1, 23, 59), sorted: true, timeframe: '1m', symbol: 'BTCUSDT',
    });
    const us = await inspectSource(join(fixtures, 'zip/spot/BTCUSDT-1h-2026-05-08.zip'), { verifyChecksum: false });
    expect(us).toMatchObject({ timestampUnit: 'us', timeframe: '1h', checksum: 'skipped', rows: 24 });
  });

  it('reports the Parquet timestamp type and the symbol of a consolidated name', async () => {
    const path = join(dir, 'klines_binance_BTCUSDT_1h_consolidated.parquet');
    copyFileSync(join(fixtures, 'parquet/btcusdt_spot_1h_2024w01.parquet'), path);
    expect(await inspectSource(path)).toMatchObject({ kind: 'klines', timestampUnit: 'ns', timeEncodings: ['timestamp[ns]'], symbol: 'BTCUSDT', timeframe: '1h', rows: 168 });
  });
});

describe('inspectSource', () => {
  it('takes the interval from close_time, not from the order of rows', async () => {
    const rows = [0, 5, 1].map((minute) => {
      const open = Date.UTC(2024, 0, 1, 0, minute);
      return `${open},1,2,0.5,1.5,10,${open + 59_999},15,3,5,7,0`;
    });
    const report = await inspectSource(join(dir, 'unsorted.csv'), {}).catch(() => undefined);
    expect(report).toBeUndefined();
    writeFileSync(join(dir, 'unsorted.csv'), `${rows.join('\n')}\n`);
    expect(await inspectSource(join(dir, 'unsorted.csv'))).toMatchObject({ sorted: false, timeframe: '1m', firstTimestamp: Date.UTC(2024, 0, 1), lastTimestamp: Date.UTC(2024, 0, 1, 0, 1), maxTimestamp: Date.UTC(2024, 0, 1, 0, 5) });
  });

  it('says mixed when one file holds ms and µs times', async () => {
    const path = join(dir, 'mixed.csv');
    writeFileSync(path, `1,1.5,2,1,1,1735689599999,true\n2,1.5,2,2,2,1735689600000000,false\n`);
    expect(await inspectSource(path)).toMatchObject({ kind: 'aggtrades', timestampUnit: 'mixed', timeEncodings: ['ms', 'us'], minTimestamp: 1735689599999, maxTimestamp: 1735689600000 });
  });
});

describe('sourceNameHint', () => {
  it('reads Binance archive and pipeline names', () => {
    expect(sourceNameHint('BTCUSD_PERP-aggTrades-2026-05-08.zip')).toEqual({ kind: 'aggtrades', symbol: 'BTCUSD_PERP', period: 'daily', date: { year: 2026, month: 5, day: 8 } });
    expect(sourceNameHint('BTCUSDT-fundingRate-2020-01.zip')).toMatchObject({ kind: 'futures', period: 'monthly' });
    expect(sourceNameHint('BTCUSDT-1M-2020-01.zip')).toMatchObject({ kind: 'klines', timeframe: '1M' });
    expect(sourceNameHint('klines_binance_BTCUSD_PERP_5m_consolidated.csv')).toEqual({ kind: 'klines', exchange: 'binance', symbol: 'BTCUSD_PERP', timeframe: '5m' });
    expect(sourceNameHint('futures_binance_BTCUSDT_consolidated.parquet')).toEqual({ kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' });
    expect(sourceNameHint('BTCUSDT-1m-2020-02-30.zip')).toBeUndefined();
    expect(sourceNameHint('notes.csv')).toBeUndefined();
  });
});
