/**
 * Writes a realistic, deterministic set of input files into a data directory, laid out and named as the
 * Python pipeline of the seed wrote them: consolidated klines, aggtrades and funding files in Parquet and/or
 * CSV, and optionally per-day aggtrades Parquet files. Every file streams by row group, so the size
 * parameter (`aggtradesRows`) can go to tens of millions with flat memory.
 *
 * Non-goal: being a market simulator. The data is shaped like real exchange data (ticks, lots, bursts,
 * funding jitter), not statistically faithful to it.
 */
import type * as arrow from 'apache-arrow';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import {
  type DataKind,
  MS_PER_DAY,
  type SourceFileFormat,
  UnifiedError,
  consolidatedFileName,
  dateOfDayNumber,
  perDayAggtradesDir,
  perDayAggtradesFileName,
  removeTemporaryFiles,
  toUnifiedError,
} from '@unified/schemas';
import { generateAggtradeBatches, generateAggtradeDayBatches, rowsOfDay } from './generate-aggtrades.js';
import { fundingRowCount, generateFundingBatches } from './generate-funding.js';
import { generateKlineBatches, klineRowCount } from './generate-klines.js';
import type { GeneratorOptions } from './generator-options.js';
import { type ResolvedSampleDataOptions, type SampleDataOptions, resolveSampleDataOptions } from './sample-data-options.js';
import { storedTimeToMs } from './timestamp-encoding.js';
import { writeCsvFile } from './write-csv-file.js';
import { type WriteFileResult, writeParquetFile } from './write-parquet-file.js';

/** One file written by {@link generateSampleData}. */
export interface SampleFile {
  readonly kind: DataKind;
  readonly format: SourceFileFormat;
  /** Absolute path. */
  readonly path: string;
  /** Path relative to `outDir`, with `/` separators. */
  readonly relativePath: string;
  readonly rows: number;
  readonly bytes: number;
  /** Time of the first row, ms since the epoch (UTC). */
  readonly firstTimestampMs: number;
  /** Time of the last row, ms since the epoch (UTC). */
  readonly lastTimestampMs: number;
}

/** What {@link generateSampleData} wrote. */
export interface SampleDataResult {
  /** Absolute output directory. */
  readonly outDir: string;
  readonly files: readonly SampleFile[];
  /** The options after defaults were applied (without callbacks and signal). */
  readonly options: Omit<ResolvedSampleDataOptions, 'signal' | 'onProgress'>;
  readonly durationMs: number;
}

interface KindPlan {
  readonly kind: DataKind;
  readonly totalRows: number;
  readonly timeColumn: string;
  readonly batches: () => AsyncIterable<arrow.RecordBatch>;
}

// The settings every generator shares, from the resolved options.
function generatorOptions(options: ResolvedSampleDataOptions): GeneratorOptions {
  return {
    startMs: options.startMs,
    days: options.days,
    seed: options.seed,
    batchRows: options.rowGroupSize,
    timestamps: options.timestamps,
    startPrice: options.startPrice,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

function fundingEncoding(options: ResolvedSampleDataOptions): ResolvedSampleDataOptions['timestamps'] {
  return options.timestamps === 'us' ? 'ms' : options.timestamps;
}

function plans(options: ResolvedSampleDataOptions): KindPlan[] {
  const common = generatorOptions(options);
  const all: Record<DataKind, KindPlan> = {
    klines: {
      kind: 'klines',
      totalRows: klineRowCount({ days: options.klinesDays, timeframe: options.timeframe }),
      timeColumn: 'timestamp',
      batches: () => generateKlineBatches({ ...common, days: options.klinesDays, timeframe: options.timeframe }),
    },
    aggtrades: {
      kind: 'aggtrades',
      totalRows: options.aggtradesRows,
      timeColumn: 'timestamp',
      batches: () => generateAggtradeBatches({ ...common, rows: options.aggtradesRows }),
    },
    futures: {
      kind: 'futures',
      totalRows: fundingRowCount({ days: options.fundingDays }),
      timeColumn: 'fundingTime',
      // Funding exists only on futures, whose times Binance keeps in milliseconds.
      batches: () => generateFundingBatches({ ...common, days: options.fundingDays, symbol: options.symbol, timestamps: fundingEncoding(options) }),
    },
  };
  return options.kinds.map((kind) => all[kind]);
}

interface Observed {
  rows: number;
  first: bigint | null;
  last: bigint | null;
}

// Passes batches through while counting rows and noting the first and last time value (rows are in time order).
async function* observe(batches: AsyncIterable<arrow.RecordBatch>, timeColumn: string, seen: Observed, onBatch: () => void): AsyncGenerator<arrow.RecordBatch> {
  for await (const batch of batches) {
    const index = batch.schema.fields.findIndex((f) => f.name === timeColumn);
    const values = batch.data.children[index]?.values as BigInt64Array | undefined;
    if (values !== undefined && batch.numRows > 0) {
      seen.first ??= values[0]!;
      seen.last = values[batch.numRows - 1]!;
    }
    seen.rows += batch.numRows;
    onBatch();
    yield batch;
  }
}

/**
 * Generates sample input files into `options.outDir` and returns what it wrote.
 *
 * @example
 * const result = await generateSampleData({ outDir: 'data_cache', days: 2, aggtradesRows: 50_000 });
 * for (const file of result.files) console.log(file.relativePath, file.rows);
 * // klines_binance_BTCUSDT_1m_consolidated.parquet 2880 ...
 */
export async function generateSampleData(options: SampleDataOptions): Promise<SampleDataResult> {
  const started = performance.now();
  const resolved = resolveSampleDataOptions(options);
  const outDir = resolve(resolved.outDir);
  await mkdir(outDir, { recursive: true }).catch((error: unknown) => {
    throw toUnifiedError(error, 'WRITE_FAILED', `cannot create the output directory ${outDir}`);
  });
  const files: SampleFile[] = [];

  const write = async (
    plan: KindPlan,
    format: SourceFileFormat,
    path: string,
    batches: AsyncIterable<arrow.RecordBatch>,
    totalRows: number,
  ): Promise<void> => {
    // Temporary files of this file left by a killed run (D9) go first.
    await removeTemporaryFiles(dirname(path), basename(path));
    const seen: Observed = { rows: 0, first: null, last: null };
    const observed = observe(batches, plan.timeColumn, seen, () =>
      resolved.onProgress?.({ kind: plan.kind, path, rowsWritten: seen.rows, totalRows }),
    );
    const signal = resolved.signal === undefined ? {} : { signal: resolved.signal };
    const written: WriteFileResult = await (
      format === 'parquet'
        ? writeParquetFile(path, observed, { compression: resolved.compression, rowGroupSize: resolved.rowGroupSize, ...signal })
        : writeCsvFile(path, observed, signal)
    ).catch((error: unknown) => {
      // Aborts and our own errors pass through; file-system failures are named with the file.
      if (resolved.signal?.aborted === true || UnifiedError.isInstance(error)) throw error;
      throw toUnifiedError(error, 'WRITE_FAILED', `cannot write ${path}`);
    });
    files.push({
      kind: plan.kind,
      format,
      path,
      relativePath: relative(outDir, path).split(sep).join('/'),
      rows: written.rows,
      bytes: written.bytes,
      firstTimestampMs: storedTimeToMs(seen.first ?? 0n, plan.kind === 'futures' ? fundingEncoding(resolved) : resolved.timestamps),
      lastTimestampMs: storedTimeToMs(seen.last ?? 0n, plan.kind === 'futures' ? fundingEncoding(resolved) : resolved.timestamps),
    });
  };

  for (const plan of plans(resolved)) {
    for (const format of resolved.formats) {
      const identity =
        plan.kind === 'klines'
          ? { kind: plan.kind, exchange: resolved.exchange, symbol: resolved.symbol, timeframe: resolved.timeframe }
          : { kind: plan.kind, exchange: resolved.exchange, symbol: resolved.symbol };
      await write(plan, format, join(outDir, consolidatedFileName(identity, format)), plan.batches(), plan.totalRows);
    }
    if (plan.kind === 'aggtrades' && resolved.perDayAggtrades) await writePerDayAggtrades(resolved, outDir, plan, write);
  }
  const { signal: _signal, onProgress: _onProgress, ...reported } = resolved;
  return { outDir, files, options: reported, durationMs: performance.now() - started };
}

type WriteFn = (plan: KindPlan, format: SourceFileFormat, path: string, batches: AsyncIterable<arrow.RecordBatch>, totalRows: number) => Promise<void>;

// One Parquet file per UTC day, cut from the same stream of trades as the consolidated files, so both hold
// exactly the same rows.
async function writePerDayAggtrades(options: ResolvedSampleDataOptions, outDir: string, plan: KindPlan, write: WriteFn): Promise<void> {
  const dir = join(outDir, ...perDayAggtradesDir(options.exchange, options.symbol).split('/'));
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    throw toUnifiedError(error, 'WRITE_FAILED', `cannot create ${dir}`);
  });
  const iterator = generateAggtradeDayBatches({ ...generatorOptions(options), rows: options.aggtradesRows })[Symbol.asyncIterator]();
  let pending = await iterator.next();
  while (pending.done !== true) {
    const dayNumber = pending.value.dayNumber;
    const dayBatches = async function* (): AsyncGenerator<arrow.RecordBatch> {
      while (pending.done !== true && pending.value.dayNumber === dayNumber) {
        const { batch } = pending.value;
        pending = await iterator.next();
        yield batch;
      }
    };
    const fileName = perDayAggtradesFileName(options.exchange, options.symbol, dateOfDayNumber(dayNumber));
    const dayRows = rowsOfDay(options.aggtradesRows, options.days, dayNumber - options.startMs / MS_PER_DAY);
    await write(plan, 'parquet', join(dir, fileName), dayBatches(), dayRows);
  }
}
