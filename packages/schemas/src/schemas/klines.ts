import { dataColumn } from '../column-spec.js';
import { defineDatasetSchema } from '../dataset-schema.js';
import {
  DAY_COLUMN,
  EXCHANGE_COLUMN,
  MONTH_COLUMN,
  SYMBOL_COLUMN,
  TIMEFRAME_PARTITION_COLUMN,
  YEAR_COLUMN,
} from './shared-columns.js';

/**
 * Klines (candles) at their own timeframe: one row per candle, keyed by open time. The seed's columns first,
 * then the Binance kline fields kept by D6.
 */
export const KLINES_SCHEMA = defineDatasetSchema({
  kind: 'klines',
  version: 1,
  description: 'One candle per row, keyed by its open time',
  columns: [
    dataColumn('timestamp', 'int64', { description: 'Candle open time, milliseconds since the Unix epoch, UTC' }),
    EXCHANGE_COLUMN,
    SYMBOL_COLUMN,
    TIMEFRAME_PARTITION_COLUMN,
    dataColumn('open', 'float64', { description: 'Opening price' }),
    dataColumn('high', 'float64', { description: 'Highest price' }),
    dataColumn('low', 'float64', { description: 'Lowest price' }),
    dataColumn('close', 'float64', { description: 'Closing price' }),
    dataColumn('volume', 'float64', { description: 'Volume in base asset (contracts for COIN-M)' }),
    YEAR_COLUMN,
    MONTH_COLUMN,
    DAY_COLUMN,
    dataColumn('close_time', 'int64', {
      nullable: true,
      origin: 'D6',
      description: 'Candle close time, ms since the epoch, UTC: open time + interval - 1 ms',
    }),
    dataColumn('quote_volume', 'float64', { nullable: true, origin: 'D6', description: 'Volume in quote asset' }),
    dataColumn('trade_count', 'int64', { nullable: true, origin: 'D6', description: 'Number of trades in the candle' }),
    dataColumn('taker_buy_base_volume', 'float64', {
      nullable: true,
      origin: 'D6',
      description: 'Base-asset volume bought by takers',
    }),
    dataColumn('taker_buy_quote_volume', 'float64', {
      nullable: true,
      origin: 'D6',
      description: 'Quote-asset volume bought by takers',
    }),
  ],
  partitionKeys: ['exchange', 'symbol', 'timeframe', 'year', 'month', 'day'],
  naturalKey: ['timestamp'],
  sortKey: ['timestamp'],
});
