/**
 * Funding rates of a USD-M perpetual as the REST endpoint returns them (symbol, fundingTime, fundingRate,
 * markPrice): every 8 hours at 00:00, 08:00 and 16:00 UTC, half of them 1-2 ms late as in Binance's data,
 * rates mostly at the 0.01 % baseline with excursions of both signs.
 */
import type * as arrow from 'apache-arrow';
import { MS_PER_DAY } from '@unified/schemas';
import { constantStringData, float64Data, recordBatch } from './arrow-columns.js';
import { type GeneratorOptions, RANDOM_STREAMS, roundTo } from './generator-options.js';
import { createRandom } from './random.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';
import { timestampColumn } from './timestamp-encoding.js';

/** Options of {@link generateFundingBatches}. */
export interface FundingGeneratorOptions extends GeneratorOptions {
  /** Value of the `symbol` column. */
  readonly symbol: string;
}

/** Hours between funding events. */
export const FUNDING_INTERVAL_HOURS = 8;
const INTERVAL_MS = FUNDING_INTERVAL_HOURS * 3_600_000;
const BASELINE_RATE = 0.0001;

/** Number of funding events the options produce. */
export function fundingRowCount(options: Pick<FundingGeneratorOptions, 'days'>): number {
  return (options.days * MS_PER_DAY) / INTERVAL_MS;
}

/** Yields funding events in time order, `batchRows` per batch. */
export async function* generateFundingBatches(options: FundingGeneratorOptions): AsyncGenerator<arrow.RecordBatch> {
  const random = createRandom(options.seed, RANDOM_STREAMS.futures);
  const total = fundingRowCount(options);
  let markPrice = options.startPrice;
  for (let done = 0; done < total; ) {
    await yieldToEventLoop();
    options.signal?.throwIfAborted();
    const n = Math.min(options.batchRows, total - done);
    const timesUs = new Float64Array(n);
    const rates = new Float64Array(n);
    const marks = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const draw = random.next();
      const jitterMs = draw < 0.5 ? 0 : draw < 0.8 ? 1 : 2;
      timesUs[i] = (options.startMs + (done + i) * INTERVAL_MS + jitterMs) * 1000;
      rates[i] = random.next() < 0.55 ? BASELINE_RATE : roundTo(BASELINE_RATE + random.normal() * 0.00012, 8);
      markPrice = Math.max(0.01, markPrice * (1 + 0.015 * random.normal()));
      marks[i] = roundTo(markPrice, 8);
    }
    done += n;
    yield recordBatch(
      {
        symbol: constantStringData(options.symbol, n),
        fundingTime: timestampColumn(timesUs, options.timestamps),
        fundingRate: float64Data(rates),
        markPrice: float64Data(marks),
      },
    );
  }
}
