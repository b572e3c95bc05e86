/**
 * The `ohlc_inconsistent` check on columns of candles: a candle's low must not exceed its open, close or high,
 * and its high must not be below its open or close. Works on whole columns, without per-row objects.
 */

/** Price columns of a run of candles, all of the same length. */
export interface OhlcColumns {
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

/** Which rule a candle broke. */
export type OhlcRule = 'low_above_high' | 'low_above_open_or_close' | 'high_below_open_or_close';

/** One inconsistent candle: its row (0-based within the columns), the rule and its prices. */
export interface OhlcInconsistency {
  readonly row: number;
  readonly rule: OhlcRule;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/**
 * Rows whose prices contradict each other, in row order. NaN compares false everywhere, so non-finite prices
 * pass here; they belong to the `negative_value` check.
 */
export function findOhlcInconsistencies({ open, high, low, close }: OhlcColumns): OhlcInconsistency[] {
  const found: OhlcInconsistency[] = [];
  for (let row = 0; row < open.length; row++) {
    const o = open[row]!;
    const h = high[row]!;
    const l = low[row]!;
    const c = close[row]!;
    let rule: OhlcRule | null = null;
    if (l > h) rule = 'low_above_high';
    else if (l > o || l > c) rule = 'low_above_open_or_close';
    else if (h < o || h < c) rule = 'high_below_open_or_close';
    if (rule !== null) found.push({ row, rule, open: o, high: h, low: l, close: c });
  }
  return found;
}
