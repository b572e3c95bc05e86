import { dataColumn } from '../column-spec.js';
import { defineDatasetSchema } from '../dataset-schema.js';
import { BASE_TIMEFRAME_COLUMN, DAY_COLUMN, EXCHANGE_COLUMN, MONTH_COLUMN, SYMBOL_COLUMN, YEAR_COLUMN } from './shared-columns.js';

/**
 * Aggregated trades at their original granularity: one row per aggregate trade, keyed by its id. Keeps the
 * full microsecond trade time in `timestamp_us` (D5) and the Binance fields kept by D6.
 */
export const AGGTRADES_SCHEMA = defineDatasetSchema({
  kind: 'aggtrades',
  version: 1,
  description: 'One aggregate trade per row, keyed by its aggregate trade id',
  columns: [
    dataColumn('timestamp', 'int64', { description: 'Trade time, milliseconds since the Unix epoch, UTC (floor of timestamp_us)' }),
    EXCHANGE_COLUMN,
    SYMBOL_COLUMN,
    BASE_TIMEFRAME_COLUMN,
    dataColumn('trade_price', 'float64', { description: 'Trade price' }),
    dataColumn('trade_quantity', 'float64', { description: 'Trade quantity in base asset (contracts for COIN-M)' }),
    dataColumn('trade_is_buyer_maker', 'bool', { description: 'True when the buyer was the maker (the taker sold)' }),
    dataColumn('trade_id', 'int64', { description: 'Aggregate trade id, consecutive per symbol on Binance' }),
    YEAR_COLUMN,
    MONTH_COLUMN,
    DAY_COLUMN,
    dataColumn('timestamp_us', 'int64', {
      origin: 'D5',
      description: 'Trade time, microseconds since the Unix epoch, UTC (full precision)',
    }),
    dataColumn('first_trade_id', 'int64', { nullable: true, origin: 'D6', description: 'First trade id in the aggregate' }),
    dataColumn('last_trade_id', 'int64', { nullable: true, origin: 'D6', description: 'Last trade id in the aggregate' }),
    dataColumn('is_best_match', 'bool', { nullable: true, origin: 'D6', description: 'Whether the trade was the best price match (spot archives)' }),
    dataColumn('normal_quantity', 'float64', {
      nullable: true,
      origin: 'D6',
      description: 'Quantity excluding RPI orders (REST field "nq")',
    }),
  ],
  partitionKeys: ['exchange', 'symbol', 'year', 'month', 'day'],
  naturalKey: ['trade_id'],
  sortKey: ['timestamp', 'trade_id'],
});
