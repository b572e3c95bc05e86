/**
 * Continuous candles as the Python pipeline stored them (columns named after Binance's kline fields, as
 * python-binance users name them): OHLC consistent (low <= open, close <= high), prices on a 0.01 tick,
 * volumes on a 0.00001 lot, close_time = open time + interval - 1 ms.
 */
import type * as arrow from 'apache-arrow';
import { MS_PER_DAY, TIMEFRAME_DURATION_MS, type Timeframe } from '@unified/schemas';
import { float64Data, int64Data, recordBatch } from './arrow-columns.js';
import { type GeneratorOptions, PRICE_DECIMALS, QUANTITY_DECIMALS, RANDOM_STREAMS, fromTicks, roundTo } from './generator-options.js';
import { createRandom } from './random.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';
import { timestampColumn } from './timestamp-encoding.js';

/** Options of {@link generateKlineBatches}. */
export interface KlineGeneratorOptions extends GeneratorOptions {
  /** Candle interval; a fixed-length timeframe that divides a day (1s to 1d). */
  readonly timeframe: Exclude<Timeframe, '3d' | '1w' | '1M'>;
}

const TICKS = 10 ** PRICE_DECIMALS;
const LOTS = 10 ** QUANTITY_DECIMALS;

/** Number of candles the options produce. */
export function klineRowCount(options: Pick<KlineGeneratorOptions, 'days' | 'timeframe'>): number {
  return (options.days * MS_PER_DAY) / TIMEFRAME_DURATION_MS[options.timeframe];
}

/**
 * Yields candles in time order, `batchRows` per batch. Columns: timestamp, open, high, low, close, volume,
 * close_time, quote_asset_volume, number_of_trades, taker_buy_base_asset_volume, taker_buy_quote_asset_volume.
 */
export async function* generateKlineBatches(options: KlineGeneratorOptions): AsyncGenerator<arrow.RecordBatch> {
  const random = createRandom(options.seed, RANDOM_STREAMS.klines);
  const intervalMs = TIMEFRAME_DURATION_MS[options.timeframe];
  const total = klineRowCount(options);
  const minutes = intervalMs / 60_000;
  // Per-candle volatility of about 0.07 % a minute, scaled with the square root of the interval.
  const relativeSigma = 0.0007 * Math.sqrt(minutes);
  const medianVolumeLots = Math.max(1, 10 * LOTS * minutes);
  let price = Math.round(options.startPrice * TICKS);
  const closeStepUs = options.timestamps === 'us' ? 1 : 1000;

  for (let done = 0; done < total; ) {
    await yieldToEventLoop();
    options.signal?.throwIfAborted();
    const n = Math.min(options.batchRows, total - done);
    const openUs = new Float64Array(n);
    const closeUs = new Float64Array(n);
    const [open, high, low, close, volume, quote, takerBase, takerQuote] = Array.from({ length: 8 }, () => new Float64Array(n)) as [
      Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
    ];
    const trades = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      const openTime = options.startMs + (done + i) * intervalMs;
      openUs[i] = openTime * 1000;
      // Binance closes a candle one unit before the next opens: ...59.999 in ms files, ...59.999999 in µs files.
      closeUs[i] = (openTime + intervalMs) * 1000 - closeStepUs;
      const sigma = Math.max(1, price * relativeSigma) / 2;
      const o = price;
      let p = o;
      let hi = o;
      let lo = o;
      for (let step = 0; step < 4; step++) {
        p = Math.max(1, p + Math.round(random.normal() * sigma));
        hi = Math.max(hi, p);
        lo = Math.min(lo, p);
      }
      hi += Math.round(Math.abs(random.normal()) * sigma * 0.3);
      lo = Math.max(1, lo - Math.round(Math.abs(random.normal()) * sigma * 0.3));
      price = p;
      const volumeLots = Math.max(1, Math.round(medianVolumeLots * Math.exp(0.8 * random.normal())));
      const takerLots = Math.floor(volumeLots * (0.3 + 0.4 * random.next()));
      const average = fromTicks(o + hi + lo + p, PRICE_DECIMALS) / 4;
      open[i] = fromTicks(o, PRICE_DECIMALS);
      high[i] = fromTicks(hi, PRICE_DECIMALS);
      low[i] = fromTicks(lo, PRICE_DECIMALS);
      close[i] = fromTicks(p, PRICE_DECIMALS);
      volume[i] = fromTicks(volumeLots, QUANTITY_DECIMALS);
      takerBase[i] = fromTicks(takerLots, QUANTITY_DECIMALS);
      quote[i] = roundTo(volume[i]! * average, 8);
      takerQuote[i] = roundTo(takerBase[i]! * average, 8);
      trades[i] = BigInt(Math.max(1, Math.round((volumeLots / LOTS) * 60 * (0.5 + random.next()))));
    }
    done += n;
    yield recordBatch(
      {
        timestamp: timestampColumn(openUs, options.timestamps),
        open: float64Data(open),
        high: float64Data(high),
        low: float64Data(low),
        close: float64Data(close),
        volume: float64Data(volume),
        close_time: timestampColumn(closeUs, options.timestamps),
        quote_asset_volume: float64Data(quote),
        number_of_trades: int64Data(trades),
        taker_buy_base_asset_volume: float64Data(takerBase),
        taker_buy_quote_asset_volume: float64Data(takerQuote),
      },
    );
  }
}
