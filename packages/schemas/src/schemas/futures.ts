import { dataColumn } from '../column-spec.js';
import { defineDatasetSchema } from '../dataset-schema.js';
import { BASE_TIMEFRAME_COLUMN, DAY_COLUMN, EXCHANGE_COLUMN, MONTH_COLUMN, SYMBOL_COLUMN, YEAR_COLUMN } from './shared-columns.js';

/**
 * Futures funding rates at their sparse, original times (every 8 h on most Binance perpetuals, with 1-2 ms
 * jitter): one row per funding event, keyed by its funding time. The seed calls this data type `futures`.
 */
export const FUTURES_SCHEMA = defineDatasetSchema({
  kind: 'futures',
  version: 1,
  description: 'One funding event per row, keyed by its funding time',
  columns: [
    dataColumn('timestamp', 'int64', { description: 'Funding time, milliseconds since the Unix epoch, UTC (as funding_time)' }),
    EXCHANGE_COLUMN,
    SYMBOL_COLUMN,
    BASE_TIMEFRAME_COLUMN,
    dataColumn('funding_rate', 'float64', { description: 'Funding rate for the interval (0.0001 = 0.01 %)' }),
    dataColumn('funding_time', 'int64', { description: 'Funding time as the exchange reports it, ms since the epoch, UTC' }),
    YEAR_COLUMN,
    MONTH_COLUMN,
    DAY_COLUMN,
    dataColumn('funding_interval_hours', 'int32', {
      nullable: true,
      origin: 'D6',
      description: 'Hours between funding events at that time (archive field)',
    }),
    dataColumn('mark_price', 'float64', { nullable: true, origin: 'D6', description: 'Mark price at funding time (REST field)' }),
  ],
  partitionKeys: ['exchange', 'symbol', 'year', 'month', 'day'],
  naturalKey: ['funding_time'],
  sortKey: ['timestamp'],
});
