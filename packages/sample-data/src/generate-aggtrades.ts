/**
 * Aggregated trades as Binance reports them: consecutive aggregate ids, price on a 0.01 tick following a random
 * walk, log-normal quantities on a 0.00001 lot, and bursts — a taker order sweeping several price levels
 * produces several aggregate trades with the same time, same side and prices one tick apart — so many trades
 * share a millisecond (and a microsecond). Times are microsecond-precise and never decrease.
 *
 * Memory is bounded by `batchRows`: each day is cut into time slices of at most that many trades, and every
 * slice is generated, emitted and forgotten before the next.
 */
import type * as arrow from 'apache-arrow';
import { MS_PER_DAY } from '@unified/schemas';
import { boolData, float64Data, int64Data, recordBatch } from './arrow-columns.js';
import { type GeneratorOptions, PRICE_DECIMALS, QUANTITY_DECIMALS, RANDOM_STREAMS, fromTicks } from './generator-options.js';
import { createRandom } from './random.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';
import { timestampColumn } from './timestamp-encoding.js';

/** Options of {@link generateAggtradeBatches}. */
export interface AggtradeGeneratorOptions extends GeneratorOptions {
  /** Total number of aggregate trades over all days. */
  readonly rows: number;
  /** Id of the first aggregate trade. @default 3_000_000_000 (past 2^31, as Binance ids are) */
  readonly firstTradeId?: number;
}

/** A batch of trades together with the UTC day number (days since 1970-01-01) it belongs to. */
export interface DayBatch {
  readonly dayNumber: number;
  readonly batch: arrow.RecordBatch;
}

const US_PER_DAY = MS_PER_DAY * 1000;
const TICKS = 10 ** PRICE_DECIMALS;
// Median aggregate trade of 0.003 BTC with a heavy tail, capped at 50 BTC.
const MEDIAN_LOTS = 300;
const MAX_LOTS = 5_000_000;
const DAILY_VOLATILITY = 0.025;
const BURST_CONTINUE = 0.45;

/** Rows of day `index` when `rows` are spread over `days` days as evenly as possible (earlier days get the remainder). */
export function rowsOfDay(rows: number, days: number, index: number): number {
  return Math.floor(rows / days) + (index < rows % days ? 1 : 0);
}

/** Yields trades day by day with the day each batch belongs to (a batch never spans two days). */
export async function* generateAggtradeDayBatches(options: AggtradeGeneratorOptions): AsyncGenerator<DayBatch> {
  const random = createRandom(options.seed, RANDOM_STREAMS.aggtrades);
  let price = Math.round(options.startPrice * TICKS);
  let aggId = options.firstTradeId ?? 3_000_000_000;
  let lastTradeId = aggId * 3 - 1;
  let buyerMaker = random.next() < 0.5;

  for (let day = 0; day < options.days; day++) {
    const dayRows = rowsOfDay(options.rows, options.days, day);
    if (dayRows === 0) continue;
    const dayStartUs = options.startMs * 1000 + day * US_PER_DAY;
    const slices = Math.ceil(dayRows / options.batchRows);
    const sigmaTicks = (price * DAILY_VOLATILITY) / Math.sqrt(dayRows / 1.8);
    for (let slice = 0; slice < slices; slice++) {
      await yieldToEventLoop();
      options.signal?.throwIfAborted();
      const n = rowsOfDay(dayRows, slices, slice);
      const sliceStart = dayStartUs + Math.floor((slice * US_PER_DAY) / slices);
      const sliceSpan = dayStartUs + Math.floor(((slice + 1) * US_PER_DAY) / slices) - sliceStart;

      // Burst sizes first, so the number of distinct trade times is known before placing them.
      const burstSizes: number[] = [];
      for (let left = n; left > 0; ) {
        const size = Math.min(left, 1 + random.geometric(1 - BURST_CONTINUE));
        burstSizes.push(size);
        left -= size;
      }
      // Sorted uniform times in the slice from normalised exponential spacings.
      const cumulative = new Float64Array(burstSizes.length);
      let total = 0;
      for (let i = 0; i < burstSizes.length; i++) {
        total += random.exponential();
        cumulative[i] = total;
      }
      total += random.exponential();

      const timeUs = new Float64Array(n);
      const ids = new BigInt64Array(n);
      const firstIds = new BigInt64Array(n);
      const lastIds = new BigInt64Array(n);
      const prices = new Float64Array(n);
      const quantities = new Float64Array(n);
      const makers = new Uint8Array(n);
      let row = 0;
      for (let burst = 0; burst < burstSizes.length; burst++) {
        // Strictly inside the slice: a trade must never land on the next day's first microsecond.
        const t = sliceStart + Math.min(sliceSpan - 1, Math.floor((cumulative[burst]! / total) * sliceSpan));
        if (random.next() > 0.6) buyerMaker = !buyerMaker;
        price = Math.max(1, price + Math.round(random.normal() * sigmaTicks));
        // A taker buy (buyer is not the maker) lifts asks upward; a taker sell hits bids downward.
        const sweep = buyerMaker ? -1 : 1;
        for (let k = 0; k < burstSizes[burst]!; k++) {
          if (k > 0) price = Math.max(1, price + sweep);
          const lots = Math.min(MAX_LOTS, Math.max(1, Math.round(MEDIAN_LOTS * Math.exp(1.6 * random.normal()))));
          const first = lastTradeId + 1;
          lastTradeId = first + random.geometric(0.6);
          timeUs[row] = t;
          ids[row] = BigInt(aggId++);
          firstIds[row] = BigInt(first);
          lastIds[row] = BigInt(lastTradeId);
          prices[row] = fromTicks(price, PRICE_DECIMALS);
          quantities[row] = fromTicks(lots, QUANTITY_DECIMALS);
          makers[row] = buyerMaker ? 1 : 0;
          row++;
        }
      }
      yield {
        dayNumber: Math.floor(dayStartUs / US_PER_DAY),
        batch: recordBatch(
          {
            agg_trade_id: int64Data(ids),
            price: float64Data(prices),
            quantity: float64Data(quantities),
            first_trade_id: int64Data(firstIds),
            last_trade_id: int64Data(lastIds),
            timestamp: timestampColumn(timeUs, options.timestamps),
            is_buyer_maker: boolData(makers),
          },
        ),
      };
    }
  }
}

/**
 * Yields aggregate trades in time order. Columns: agg_trade_id, price, quantity, first_trade_id,
 * last_trade_id, timestamp, is_buyer_maker.
 */
export async function* generateAggtradeBatches(options: AggtradeGeneratorOptions): AsyncGenerator<arrow.RecordBatch> {
  for await (const { batch } of generateAggtradeDayBatches(options)) yield batch;
}
