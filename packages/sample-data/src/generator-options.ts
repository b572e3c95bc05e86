import type { SampleTimestampEncoding } from './timestamp-encoding.js';

/** Settings every sample generator takes. */
export interface GeneratorOptions {
  /** First instant, ms since the epoch, UTC; must be 00:00 of a day. */
  readonly startMs: number;
  /** Number of whole UTC days to cover. */
  readonly days: number;
  /** Seed; the same seed gives the same rows. */
  readonly seed: number;
  /** Rows per Arrow record batch (and so per Parquet row group). */
  readonly batchRows: number;
  /** How times are stored. */
  readonly timestamps: SampleTimestampEncoding;
  /** Price at the start, in quote currency. */
  readonly startPrice: number;
  /** Stops generation between batches. */
  readonly signal?: AbortSignal;
}

/** Random streams of one seed, one per data type, so each type's rows do not depend on the others' sizes. */
export const RANDOM_STREAMS = { klines: 1, aggtrades: 2, futures: 3 } as const;

/** Price ticks of the generated instrument: 0.01 quote units, as on Binance BTCUSDT. */
export const PRICE_DECIMALS = 2;
/** Quantity lots: 0.00001 base units, as on Binance BTCUSDT spot. */
export const QUANTITY_DECIMALS = 5;

/** `ticks / 10^decimals` as the double nearest to that decimal (division by a power of ten rounds correctly). */
export function fromTicks(ticks: number, decimals: number): number {
  return ticks / 10 ** decimals;
}

/** Rounds to `decimals` decimal places, giving the double nearest to the decimal. */
export function roundTo(value: number, decimals: number): number {
  return Math.round(value * 10 ** decimals) / 10 ** decimals;
}
