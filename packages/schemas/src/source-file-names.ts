/**
 * File names of the Python pipeline's inputs (the seed's "Before" layout): consolidated files per data type in
 * the data directory, and per-day aggtrades files under `parquet/aggtrades_<exchange>_<symbol>/`. Loaders
 * match them case-insensitively; the sample generator writes them in canonical case.
 */
import { type DatasetIdentity, canonicalDatasetIdentity } from './dataset-identity.js';
import { normalizeExchange, normalizeSymbol } from './identifiers.js';
import { type UtcDate, formatUtcDate } from './utc-date.js';

/**
 * Folder inside the data directory that holds backups of the inputs a run consolidated, one
 * `backup_YYYYMMDD_HHMMSS/` folder (UTC) per backup. Source discovery never enters it.
 */
export const BACKUP_DIR_NAME = 'backup_pre_unified';

/** Formats the Python pipeline writes its consolidated files in. */
export type SourceFileFormat = 'parquet' | 'csv';

/**
 * `klines_{exchange}_{symbol}_{timeframe}_consolidated.{ext}`, `aggtrades_{exchange}_{symbol}_consolidated.{ext}`
 * or `futures_{exchange}_{symbol}_consolidated.{ext}`.
 *
 * @example
 * consolidatedFileName({ kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' }, 'parquet')
 * // 'klines_binance_BTCUSDT_1m_consolidated.parquet'
 */
export function consolidatedFileName(identity: DatasetIdentity, format: SourceFileFormat): string {
  const id = canonicalDatasetIdentity(identity);
  const timeframe = id.kind === 'klines' ? `_${id.timeframe}` : '';
  return `${id.kind}_${id.exchange}_${id.symbol}${timeframe}_consolidated.${format}`;
}

/** Folder of per-day aggtrades files, relative to the data directory: `parquet/aggtrades_{exchange}_{symbol}`. */
export function perDayAggtradesDir(exchange: string, symbol: string): string {
  return `parquet/aggtrades_${normalizeExchange(exchange)}_${normalizeSymbol(symbol)}`;
}

/** Name of one per-day aggtrades file: `aggtrades_{exchange}_{symbol}_{YYYY-MM-DD}.parquet`. */
export function perDayAggtradesFileName(exchange: string, symbol: string, date: UtcDate): string {
  return `aggtrades_${normalizeExchange(exchange)}_${normalizeSymbol(symbol)}_${formatUtcDate(date)}.parquet`;
}
