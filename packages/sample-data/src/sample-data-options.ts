import {
  DATA_KINDS,
  type DataKind,
  MS_PER_DAY,
  type SourceFileFormat,
  type Timeframe,
  UnifiedError,
  isPlausibleTimestamp,
  isValidUtcDate,
  normalizeExchange,
  normalizeSymbol,
  normalizeTimeframe,
  plausibleTimeWindow,
} from '@unified/schemas';
import { SAMPLE_TIMESTAMP_ENCODINGS, type SampleTimestampEncoding } from './timestamp-encoding.js';
import { SAMPLE_COMPRESSIONS, type SampleCompression } from './write-parquet-file.js';

/** Options of `generateSampleData`. Everything but `outDir` has a default that makes a small, quick dataset. */
export interface SampleDataOptions {
  /** Folder to write into (created if missing); plays the role of the pipeline's `data_cache`. */
  readonly outDir: string;
  /** Exchange id in the file names. @default 'binance' */
  readonly exchange?: string;
  /** Symbol in the file names and the funding `symbol` column. @default 'BTCUSDT' */
  readonly symbol?: string;
  /** Kline interval; fixed-length and at most a day. @default '1m' */
  readonly timeframe?: string;
  /** First UTC day covered, as `YYYY-MM-DD`, a Date or ms (floored to 00:00 UTC). @default '2024-01-01' */
  readonly start?: string | number | Date;
  /** Number of days of klines, trades and funding. @default 3 */
  readonly days?: number;
  /** Days of klines, when different from `days` (the benchmark uses a year). @default days */
  readonly klinesDays?: number;
  /** Days of funding rates, when different from `days`. @default days */
  readonly fundingDays?: number;
  /** Total aggregate trades, spread evenly over `days`: the size parameter. @default 100_000 */
  readonly aggtradesRows?: number;
  /** Which data types to write. @default ['klines', 'aggtrades', 'futures'] */
  readonly kinds?: readonly DataKind[];
  /** Which consolidated formats to write. @default ['parquet', 'csv'] */
  readonly formats?: readonly SourceFileFormat[];
  /** Also write one Parquet file per day under `parquet/aggtrades_<exchange>_<symbol>/`. @default false */
  readonly perDayAggtrades?: boolean;
  /** How times are stored. `us` applies to klines and trades (spot archives); funding stays in ms as on Binance. @default 'ms' (what the Python pipeline wrote) */
  readonly timestamps?: SampleTimestampEncoding;
  /** Parquet codec. @default 'snappy' */
  readonly compression?: SampleCompression;
  /** Rows per Parquet row group (and per generated batch). @default 122_880 */
  readonly rowGroupSize?: number;
  /** Price at the start. @default 42_000 */
  readonly startPrice?: number;
  /** Seed, 0 to 2^32 - 1: the same options and seed always give the same bytes. @default 1 */
  readonly seed?: number;
  /** Stops generation; files already completed stay, the one in progress is removed. */
  readonly signal?: AbortSignal;
  /** Called after each batch written. */
  readonly onProgress?: (progress: SampleDataProgress) => void;
}

/** Progress of one file. */
export interface SampleDataProgress {
  readonly kind: DataKind;
  readonly path: string;
  readonly rowsWritten: number;
  readonly totalRows: number;
}

/** {@link SampleDataOptions} with defaults applied and values checked. */
export interface ResolvedSampleDataOptions {
  readonly outDir: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: Exclude<Timeframe, '3d' | '1w' | '1M'>;
  readonly startMs: number;
  readonly days: number;
  readonly klinesDays: number;
  readonly fundingDays: number;
  readonly aggtradesRows: number;
  readonly kinds: readonly DataKind[];
  readonly formats: readonly SourceFileFormat[];
  readonly perDayAggtrades: boolean;
  readonly timestamps: SampleTimestampEncoding;
  readonly compression: SampleCompression;
  readonly rowGroupSize: number;
  readonly startPrice: number;
  readonly seed: number;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((progress: SampleDataProgress) => void) | undefined;
}

function invalid(option: string, value: unknown, expected: string): never {
  throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `option ${option}: ${JSON.stringify(value)} is not valid; expected ${expected}` });
}

function positiveInteger(option: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) invalid(option, value, `an integer from 1 to ${max}`);
  return value;
}

function oneOf<T extends string>(option: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) invalid(option, value, `one of ${allowed.join(', ')}`);
  return value;
}

// Dates are UTC: `YYYY-MM-DD`, or an ISO date-time with an explicit `Z` or offset. A date-time without one
// would be read in the machine's time zone, and the same options would give different data elsewhere.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/u;
const DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/u;

function startOfDay(option: string, start: string | number | Date): number {
  let ms = Number.NaN;
  if (start instanceof Date) ms = start.getTime();
  else if (typeof start === 'number') ms = start;
  else if (DATE_ONLY.test(start) || DATE_TIME_WITH_ZONE.test(start)) {
    // Date.parse rolls 2024-02-30 over to March; a date that does not exist is refused instead.
    const [year, month, day] = start.slice(0, 10).split('-').map(Number) as [number, number, number];
    if (isValidUtcDate({ year, month, day })) ms = Date.parse(DATE_ONLY.test(start) ? `${start}T00:00:00Z` : start);
  }
  if (!Number.isFinite(ms)) invalid(option, start, 'a UTC date such as 2024-01-01 (or an ISO time with Z or an offset)');
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

/** Applies defaults and checks every option, throwing `INVALID_ARGUMENT` naming the option and the value. */
export function resolveSampleDataOptions(options: SampleDataOptions): ResolvedSampleDataOptions {
  if (typeof options.outDir !== 'string' || options.outDir === '') invalid('outDir', options.outDir, 'a directory path');
  const timeframe = normalizeTimeframe(options.timeframe ?? '1m');
  if (timeframe === '3d' || timeframe === '1w' || timeframe === '1M') invalid('timeframe', timeframe, 'a timeframe of at most 1d');
  const days = positiveInteger('days', options.days ?? 3, 36_500);
  const klinesDays = positiveInteger('klinesDays', options.klinesDays ?? days, 36_500);
  const fundingDays = positiveInteger('fundingDays', options.fundingDays ?? days, 36_500);
  const startMs = startOfDay('start', options.start ?? '2024-01-01');
  const window = plausibleTimeWindow();
  if (!isPlausibleTimestamp(startMs, window) || startMs >= Date.now()) {
    invalid('start', options.start, `a date from ${new Date(window.minMs).toISOString().slice(0, 10)} to yesterday`);
  }
  const spanDays = Math.max(days, klinesDays, fundingDays);
  const lastMs = startMs + spanDays * MS_PER_DAY - 1;
  if (lastMs > Date.now()) {
    throw new UnifiedError({
      code: 'INVALID_ARGUMENT',
      message:
        `options start and days: ${spanDays} days from ${new Date(startMs).toISOString().slice(0, 10)} would end ` +
        `${new Date(lastMs).toISOString().slice(0, 10)}, after today; choose an earlier start or fewer days`,
    });
  }
  const kinds = options.kinds ?? DATA_KINDS;
  if (kinds.length === 0) invalid('kinds', kinds, `one or more of ${DATA_KINDS.join(', ')}`);
  for (const kind of kinds) oneOf('kinds', kind, DATA_KINDS);
  const formats = options.formats ?? ['parquet', 'csv'];
  if (formats.length === 0) invalid('formats', formats, 'one or more of parquet, csv');
  for (const format of formats) oneOf<SourceFileFormat>('formats', format, ['parquet', 'csv']);
  const startPrice = options.startPrice ?? 42_000;
  if (!Number.isFinite(startPrice) || startPrice < 0.01 || startPrice > 1e9) invalid('startPrice', startPrice, 'a price from 0.01 to 1e9');
  const seed = options.seed ?? 1;
  // The generator's state is 32-bit: larger seeds would silently repeat smaller ones.
  if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffff_ffff) invalid('seed', seed, 'an integer from 0 to 4294967295');
  return {
    outDir: options.outDir,
    exchange: normalizeExchange(options.exchange ?? 'binance'),
    symbol: normalizeSymbol(options.symbol ?? 'BTCUSDT'),
    timeframe,
    startMs,
    days,
    klinesDays,
    fundingDays,
    aggtradesRows: positiveInteger('aggtradesRows', options.aggtradesRows ?? 100_000, 10_000_000_000),
    kinds,
    formats,
    perDayAggtrades: options.perDayAggtrades ?? false,
    timestamps: oneOf('timestamps', options.timestamps ?? 'ms', SAMPLE_TIMESTAMP_ENCODINGS),
    compression: oneOf('compression', options.compression ?? 'snappy', SAMPLE_COMPRESSIONS),
    rowGroupSize: positiveInteger('rowGroupSize', options.rowGroupSize ?? 122_880, 100_000_000),
    startPrice,
    seed,
    signal: options.signal,
    onProgress: options.onProgress,
  };
}
