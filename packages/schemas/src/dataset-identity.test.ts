import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { describe, expect, it } from 'vitest';
import { canonicalDatasetIdentity, datasetName, datasetRelativePath } from './dataset-identity.js';

describe('dataset naming', () => {
  it("follows the seed's folder names", () => {
    expect(datasetRelativePath({ kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' })).toBe('klines/binance_BTCUSDT_1m');
    expect(datasetRelativePath({ kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' })).toBe('aggtrades/binance_BTCUSDT');
    expect(datasetRelativePath({ kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' })).toBe('futures/binance_BTCUSDT');
  });

  it('canonicalises case and keeps underscores of symbols (D3)', () => {
    expect(datasetName({ kind: 'aggtrades', exchange: 'BinanceCoinM', symbol: 'btcusd_perp' })).toBe('binancecoinm_BTCUSD_PERP');
  });

  it('needs a valid timeframe for klines', () => {
    expect(() => canonicalDatasetIdentity({ kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT' } as never)).toThrow(/needs a timeframe/);
    expect(() => datasetName({ kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '7m' })).toThrow(/unknown_timeframe/);
  });

  it('refuses unsafe identifiers before any path is built', () => {
    expect(() => datasetName({ kind: 'futures', exchange: '../etc', symbol: 'X' })).toThrow(/invalid exchange/);
    expect(() => datasetName({ kind: 'futures', exchange: 'binance', symbol: '' })).toThrow(/invalid symbol "": must not be empty/);
  });
});

describeWithRealFixtures('dataset naming for the symbols of real exchange files', (fixtures) => {
  // Binance archive names are SYMBOL-kind-date.ext; the symbol is everything before the first '-'.
  const files = ['klines/spot', 'klines/futures_um', 'aggtrades/spot', 'aggtrades/futures_cm', 'funding/csv', 'zip/spot', 'zip/futures_um', 'zip/futures_cm'].flatMap(
    (dir) => readdirSync(join(fixtures, dir)).map((name) => name.split('-')[0]!),
  );

  it('accepts every real symbol and keeps it unchanged', () => {
    expect(files).toContain('BTCUSD_PERP');
    expect(files).toContain('BTCUSD_260327');
    for (const symbol of new Set(files)) {
      expect(datasetName({ kind: 'aggtrades', exchange: 'binance', symbol })).toBe(`binance_${symbol}`);
    }
  });
});
