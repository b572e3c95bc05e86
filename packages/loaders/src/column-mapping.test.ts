import { describe, expect, it } from 'vitest';
import { UnifiedError } from '@unified/schemas';
import { HEADERLESS_LAYOUTS, mapColumns } from './column-mapping.js';

function fields(columns: readonly string[], kind?: 'klines' | 'aggtrades' | 'futures'): Record<string, string> {
  const mapping = mapColumns(columns, kind, 'file.csv');
  return Object.fromEntries(mapping.fields.map((f) => [f.spec.field, f.source]));
}

describe('mapColumns', () => {
  it('maps the Binance archive layouts', () => {
    expect(mapColumns(HEADERLESS_LAYOUTS[12]!.columns, undefined, 'f').kind).toBe('klines');
    expect(mapColumns(HEADERLESS_LAYOUTS[8]!.columns, undefined, 'f').kind).toBe('aggtrades');
    expect(mapColumns(HEADERLESS_LAYOUTS[3]!.columns, undefined, 'f').kind).toBe('futures');
    expect(fields(HEADERLESS_LAYOUTS[12]!.columns)).toMatchObject({ time: 'open_time', trade_count: 'count', taker_buy_base_volume: 'taker_buy_volume' });
  });

  it('tells REST m (buyer is maker) from M (best match) by case', () => {
    expect(fields(['a', 'p', 'q', 'f', 'l', 'T', 'm', 'M'])).toEqual({
      trade_id: 'a', trade_price: 'p', trade_quantity: 'q', first_trade_id: 'f', last_trade_id: 'l', time: 'T', trade_is_buyer_maker: 'm', is_best_match: 'M',
    });
  });

  it('matches multi-letter names ignoring case and separators', () => {
    expect(fields(['Open Time', 'Open', 'HIGH', 'low', 'Close', 'Volume', 'closeTime'])).toMatchObject({ time: 'Open Time', high: 'HIGH', close_time: 'closeTime' });
    expect(fields(['fundingTime', 'fundingRate', 'markPrice', 'symbol'])).toEqual({ time: 'fundingTime', funding_rate: 'fundingRate', mark_price: 'markPrice', symbol: 'symbol' });
  });

  it('prefers the full-precision time of our own aggtrades files and says why timestamp is unused', () => {
    const mapping = mapColumns(['timestamp', 'trade_price', 'trade_quantity', 'trade_is_buyer_maker', 'trade_id', 'timestamp_us', 'timeframe'], undefined, 'f');
    expect(mapping.fields.find((f) => f.spec.field === 'time')?.source).toBe('timestamp_us');
    expect(mapping.unused).toEqual([
      { name: 'timestamp', reason: 'derived from timestamp_us' },
      { name: 'timeframe', reason: 'partition key: taken from the run, not the file' },
    ]);
  });

  it('takes a pandas index as the time column and reports what it does not load', () => {
    const mapping = mapColumns(['__index_level_0__', 'open', 'high', 'low', 'close', 'volume', 'ignore', 'vwap'], undefined, 'f');
    expect(mapping.fields.find((f) => f.spec.field === 'time')?.source).toBe('__index_level_0__');
    expect(mapping.unused).toEqual([
      { name: 'ignore', reason: 'Binance archive field "ignore" (always 0)' },
      { name: 'vwap', reason: 'unknown column' },
    ]);
  });

  it('accepts a side column instead of a buyer-maker flag (freqtrade)', () => {
    expect(fields(['timestamp', 'id', 'type', 'side', 'price', 'amount', 'cost'])).toMatchObject({ trade_id: 'id', side: 'side', trade_quantity: 'amount' });
  });

  it('refuses a file that is not the requested kind, naming what is missing and what it looks like', () => {
    const error = (() => {
      try {
        mapColumns(HEADERLESS_LAYOUTS[7]!.columns, 'futures', 'x.csv');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(UnifiedError.isInstance(error) && error.code).toBe('SOURCE_UNMAPPABLE');
    expect((error as Error).message).toMatch(/^x\.csv: cannot read as futures: columns \[agg_trade_id, .*\]; missing time \(one of funding_time, .*\), funding_rate; it looks like aggtrades$/u);
  });
});
