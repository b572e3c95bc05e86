/**
 * Dataset naming (seed layout): `klines/<exchange>_<SYMBOL>_<timeframe>`, `aggtrades/<exchange>_<SYMBOL>`,
 * `futures/<exchange>_<SYMBOL>`, all under `<dataDir>/unified/`. Folder names are for people; a dataset's
 * identity always comes from its `key=value` segments and manifest, never from splitting a folder name (D3):
 * symbols may contain `_`.
 */
import type { DataKind } from './data-kind.js';
import { UnifiedError } from './errors/unified-error.js';
import { normalizeExchange, normalizeSymbol, normalizeTimeframe } from './identifiers.js';
import type { Timeframe } from './timeframes.js';

/** Name of the output folder inside the data directory. */
export const UNIFIED_DIR_NAME = 'unified';

/** Which dataset: a data type plus exchange, symbol and (klines only) timeframe. */
export type DatasetIdentity =
  | { readonly kind: 'klines'; readonly exchange: string; readonly symbol: string; readonly timeframe: string }
  | { readonly kind: 'aggtrades' | 'futures'; readonly exchange: string; readonly symbol: string };

/** A {@link DatasetIdentity} whose identifiers have been validated and put in canonical form. */
export type CanonicalDatasetIdentity =
  | { readonly kind: 'klines'; readonly exchange: string; readonly symbol: string; readonly timeframe: Timeframe }
  | { readonly kind: 'aggtrades' | 'futures'; readonly exchange: string; readonly symbol: string };

/** Validates the identifiers of a dataset (throws `IdentifierError`) and returns them in canonical form. */
export function canonicalDatasetIdentity(identity: DatasetIdentity): CanonicalDatasetIdentity {
  const exchange = normalizeExchange(identity.exchange);
  const symbol = normalizeSymbol(identity.symbol);
  if (identity.kind === 'klines') {
    if (typeof (identity as { timeframe?: unknown }).timeframe !== 'string') {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: 'a klines dataset needs a timeframe' });
    }
    return { kind: 'klines', exchange, symbol, timeframe: normalizeTimeframe(identity.timeframe) };
  }
  return { kind: identity.kind, exchange, symbol };
}

/**
 * The dataset's folder name: `binance_BTCUSDT_1m` for klines, `binance_BTCUSDT` otherwise.
 *
 * @example
 * datasetName({ kind: 'aggtrades', exchange: 'Binance', symbol: 'btcusd_perp' }) // 'binance_BTCUSD_PERP'
 */
export function datasetName(identity: DatasetIdentity): string {
  const canonical = canonicalDatasetIdentity(identity);
  const base = `${canonical.exchange}_${canonical.symbol}`;
  return canonical.kind === 'klines' ? `${base}_${canonical.timeframe}` : base;
}

/** Path of the dataset relative to the `unified/` folder, with `/` separators: `klines/binance_BTCUSDT_1m`. */
export function datasetRelativePath(identity: DatasetIdentity): string {
  return `${identity.kind satisfies DataKind}/${datasetName(identity)}`;
}
