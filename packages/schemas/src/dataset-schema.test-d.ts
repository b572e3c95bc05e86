import type * as arrow from 'apache-arrow';
import { describe, expectTypeOf, it } from 'vitest';
import type { ArrowTypeMapOf, ColumnNameOf, FileRowOf, RowOf } from './dataset-schema.js';
import type { AggtradesRow, FuturesRow, KlinesRow } from './schemas/dataset-schemas.js';
import type { AGGTRADES_SCHEMA } from './schemas/aggtrades.js';
import type { KLINES_SCHEMA } from './schemas/klines.js';

describe('row types derived from the schema definitions', () => {
  it('types a klines row: int64 as bigint, D6 extras nullable, partition columns typed per D1', () => {
    expectTypeOf<KlinesRow>().toEqualTypeOf<{
      timestamp: bigint;
      exchange: string;
      symbol: string;
      timeframe: string;
      open: number;
      high: number;
      low: number;
      close: number;
      volume: number;
      year: number;
      month: number;
      day: number;
      close_time: bigint | null;
      quote_volume: number | null;
      trade_count: bigint | null;
      taker_buy_base_volume: number | null;
      taker_buy_quote_volume: number | null;
    }>();
  });

  it('types aggtrades and futures rows', () => {
    expectTypeOf<AggtradesRow['trade_is_buyer_maker']>().toEqualTypeOf<boolean>();
    expectTypeOf<AggtradesRow['timestamp_us']>().toEqualTypeOf<bigint>();
    expectTypeOf<AggtradesRow['is_best_match']>().toEqualTypeOf<boolean | null>();
    expectTypeOf<FuturesRow['funding_interval_hours']>().toEqualTypeOf<number | null>();
    expectTypeOf<FuturesRow['funding_time']>().toEqualTypeOf<bigint>();
  });

  it('leaves partition columns out of file rows', () => {
    expectTypeOf<keyof FileRowOf<typeof KLINES_SCHEMA>>().toEqualTypeOf<
      'timestamp' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'close_time' | 'quote_volume' | 'trade_count' | 'taker_buy_base_volume' | 'taker_buy_quote_volume'
    >();
    expectTypeOf<'timeframe'>().toExtend<keyof FileRowOf<typeof AGGTRADES_SCHEMA>>();
  });

  it('agrees with the values apache-arrow returns for the derived Arrow types', () => {
    type Map = ArrowTypeMapOf<(typeof KLINES_SCHEMA)['columns']>;
    type ArrowValues = { [K in keyof Map]: Map[K]['TValue'] };
    expectTypeOf<ArrowValues['timestamp']>().toEqualTypeOf<RowOf<typeof KLINES_SCHEMA>['timestamp']>();
    expectTypeOf<ArrowValues['open']>().toEqualTypeOf<RowOf<typeof KLINES_SCHEMA>['open']>();
    expectTypeOf<ArrowValues['year']>().toEqualTypeOf<RowOf<typeof KLINES_SCHEMA>['year']>();
    expectTypeOf<ArrowValues['symbol']>().toEqualTypeOf<RowOf<typeof KLINES_SCHEMA>['symbol']>();
    expectTypeOf<Map['trade_count']>().toEqualTypeOf<arrow.Int64>();
  });

  it('lists column names', () => {
    expectTypeOf<'trade_id'>().toExtend<ColumnNameOf<typeof AGGTRADES_SCHEMA>>();
    expectTypeOf<'trade_id'>().not.toExtend<ColumnNameOf<typeof KLINES_SCHEMA>>();
  });
});
