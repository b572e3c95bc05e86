/**
 * What each data type's rows must satisfy: which columns may not be negative, which hold times, its natural
 * key and its sort order. The row checks and the converter's stream checks read these.
 */
import type { DataKind } from '@unified/schemas';

/** The rules of one data type. */
export interface KindRules {
  /** Columns that may not be negative (prices, quantities, volumes, counts). */
  readonly nonNegative: readonly string[];
  /** Float columns that must be finite (every float column). */
  readonly finite: readonly string[];
  /** Time columns in milliseconds, checked against the plausible window (D5). */
  readonly timesMs: readonly string[];
  /** Time columns in microseconds. */
  readonly timesUs: readonly string[];
  /** The natural key (D7). */
  readonly key: string;
  /** The column that breaks ties of `timestamp` in the sort order, if any. */
  readonly tieBreaker: string | undefined;
}

/** Rules by data type. */
export const KIND_RULES: Readonly<Record<DataKind, KindRules>> = {
  klines: {
    nonNegative: ['open', 'high', 'low', 'close', 'volume', 'quote_volume', 'trade_count', 'taker_buy_base_volume', 'taker_buy_quote_volume'],
    finite: ['open', 'high', 'low', 'close', 'volume', 'quote_volume', 'taker_buy_base_volume', 'taker_buy_quote_volume'],
    timesMs: ['timestamp', 'close_time'],
    timesUs: [],
    key: 'timestamp',
    tieBreaker: undefined,
  },
  aggtrades: {
    nonNegative: ['trade_price', 'trade_quantity', 'normal_quantity', 'trade_id', 'first_trade_id', 'last_trade_id'],
    finite: ['trade_price', 'trade_quantity', 'normal_quantity'],
    timesMs: ['timestamp'],
    timesUs: ['timestamp_us'],
    key: 'trade_id',
    tieBreaker: 'trade_id',
  },
  futures: {
    nonNegative: ['mark_price', 'funding_interval_hours'],
    finite: ['funding_rate', 'mark_price'],
    timesMs: ['timestamp', 'funding_time'],
    timesUs: [],
    key: 'funding_time',
    tieBreaker: undefined,
  },
};
