import { describe, expect, it } from 'vitest';
import { consolidatedFileName, perDayAggtradesDir, perDayAggtradesFileName } from './source-file-names.js';

describe('source file names of the Python pipeline', () => {
  it('names consolidated files as product.md lists them', () => {
    expect(consolidatedFileName({ kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' }, 'parquet')).toBe(
      'klines_binance_BTCUSDT_1m_consolidated.parquet',
    );
    expect(consolidatedFileName({ kind: 'aggtrades', exchange: 'Binance', symbol: 'btcusdt' }, 'csv')).toBe('aggtrades_binance_BTCUSDT_consolidated.csv');
    expect(consolidatedFileName({ kind: 'futures', exchange: 'binance', symbol: 'ETHUSDT' }, 'parquet')).toBe('futures_binance_ETHUSDT_consolidated.parquet');
  });

  it('names per-day aggtrades files by their UTC date', () => {
    expect(perDayAggtradesDir('binance', 'BTCUSDT')).toBe('parquet/aggtrades_binance_BTCUSDT');
    expect(perDayAggtradesFileName('binance', 'BTCUSDT', { year: 2024, month: 3, day: 9 })).toBe('aggtrades_binance_BTCUSDT_2024-03-09.parquet');
  });

  it('refuses unsafe identifiers', () => {
    expect(() => perDayAggtradesDir('binance', '../../x')).toThrow(/invalid symbol/);
  });
});
