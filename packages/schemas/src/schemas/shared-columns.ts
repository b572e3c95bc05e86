import { dataColumn, partitionColumn } from '../column-spec.js';
import { BASE_TIMEFRAME } from '../timeframes.js';

/** `exchange=` path segment: ccxt-style exchange id, lower case (D3). */
export const EXCHANGE_COLUMN = partitionColumn('exchange', 'string', 'Exchange id, lower case, ccxt style (binance, binanceusdm, binancecoinm)');
/** `symbol=` path segment: exchange symbol, upper case (D3). */
export const SYMBOL_COLUMN = partitionColumn('symbol', 'string', 'Exchange symbol, upper case (BTCUSDT, BTCUSD_PERP)');
/** `timeframe=` path segment of klines datasets. */
export const TIMEFRAME_PARTITION_COLUMN = partitionColumn('timeframe', 'string', 'Kline interval (1m, 1h, 1d, ...)');
/** `year=` path segment: UTC year of `timestamp`. */
export const YEAR_COLUMN = partitionColumn('year', 'int16', 'UTC year of timestamp');
/** `month=` path segment: UTC month of `timestamp`, 1-12, not zero-padded (D2). */
export const MONTH_COLUMN = partitionColumn('month', 'int8', 'UTC month of timestamp, 1-12');
/** `day=` path segment: UTC day of month of `timestamp`, 1-31, not zero-padded (D2). */
export const DAY_COLUMN = partitionColumn('day', 'int8', 'UTC day of month of timestamp, 1-31');

/** `timeframe` stored in aggtrades and futures files: always the seed's base value `1m` (D1). */
export const BASE_TIMEFRAME_COLUMN = dataColumn('timeframe', 'string', {
  constant: BASE_TIMEFRAME,
  description: `The seed's base timeframe, always "${BASE_TIMEFRAME}" (D1)`,
});
