/**
 * The validation job: every dataset of one (exchange, symbol, timeframe) under `<dataDir>/unified/` — klines
 * of the timeframe, aggtrades and futures — validated with `@unified/validator`, one after another.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BASE_TIMEFRAME, DATA_KINDS, type DataKind, UNIFIED_DIR_NAME, UnifiedError, datasetRelativePath, normalizeExchange, normalizeSymbol, normalizeTimeframe } from '@unified/schemas';
import { type ValidateOptions, type ValidationProgress, type ValidationReport, validateDataset } from '@unified/validator';

/** Options of {@link validate}. */
export interface ValidateJobOptions extends Omit<ValidateOptions, 'kind' | 'timeframe' | 'onProgress'> {
  /** Folder holding `unified/`. @default 'data_cache' */
  readonly dataDir?: string;
  readonly exchange: string;
  readonly symbol: string;
  /** The klines interval. @default '1m' */
  readonly timeframe?: string;
  /** Data types to validate. @default every type that has a dataset */
  readonly kinds?: readonly DataKind[];
  /** Called after each data file of each dataset. */
  readonly onProgress?: (kind: DataKind, progress: ValidationProgress) => void;
}

/** One validated dataset. */
export interface ValidatedDataset {
  readonly kind: DataKind;
  /** Relative to `unified/` (`klines/binance_BTCUSDT_1m`). */
  readonly name: string;
  readonly report: ValidationReport;
}

/** The result of {@link validate}. */
export interface ValidateJobResult {
  /** Every dataset validated without an error-level issue. */
  readonly ok: boolean;
  readonly unifiedDir: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly datasets: readonly ValidatedDataset[];
  /** Data types asked for (or all) that have no dataset folder. */
  readonly missing: readonly { readonly kind: DataKind; readonly name: string }[];
  readonly durationMs: number;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Validates the datasets of one exchange and symbol. Throws `SOURCE_NOT_FOUND` when none of them exists;
 * defects of the data are issues in the reports, not exceptions.
 *
 * @example
 * const result = await validate({ dataDir: 'data_cache', exchange: 'binance', symbol: 'BTCUSDT', sources: true });
 * for (const { name, report } of result.datasets) console.log(name, report.ok, report.stats.errors);
 */
export async function validate(options: ValidateJobOptions): Promise<ValidateJobResult> {
  const started = performance.now();
  const { dataDir = 'data_cache', kinds = DATA_KINDS, onProgress, exchange: _exchange, symbol: _symbol, timeframe: _timeframe, ...rest } = options;
  const exchange = normalizeExchange(options.exchange);
  const symbol = normalizeSymbol(options.symbol);
  const timeframe = normalizeTimeframe(options.timeframe ?? BASE_TIMEFRAME);
  const unifiedDir = resolve(dataDir, UNIFIED_DIR_NAME);
  const datasets: ValidatedDataset[] = [];
  const missing: { kind: DataKind; name: string }[] = [];
  for (const kind of kinds) {
    options.signal?.throwIfAborted();
    const name = datasetRelativePath(kind === 'klines' ? { kind, exchange, symbol, timeframe } : { kind, exchange, symbol });
    const path = join(unifiedDir, name);
    if (!(await isFolder(path))) {
      missing.push({ kind, name });
      continue;
    }
    const report = await validateDataset(path, {
      ...rest,
      kind,
      ...(kind === 'klines' ? { timeframe } : {}),
      ...(onProgress === undefined ? {} : { onProgress: (progress: ValidationProgress) => onProgress(kind, progress) }),
    });
    datasets.push({ kind, name, report });
  }
  if (datasets.length === 0) {
    // A common slip: the unified/ folder itself given as the data directory.
    const nested = basename(resolve(dataDir)) === UNIFIED_DIR_NAME && (await isFolder(join(resolve(dataDir), kinds[0] ?? 'klines')));
    const hint = nested
      ? `--data-dir is the folder that holds unified/: use --data-dir ${dirname(dataDir)}`
      : `convert first (unified convert --data-dir ${dataDir} --exchange ${exchange} --symbol ${symbol}${timeframe === BASE_TIMEFRAME ? '' : ` --timeframe ${timeframe}`})`;
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `no dataset of ${exchange} ${symbol} (${missing.map((m) => m.name).join(', ')}) under ${unifiedDir}; ${hint}` });
  }
  return { ok: datasets.every((d) => d.report.ok), unifiedDir, exchange, symbol, timeframe, datasets, missing, durationMs: performance.now() - started };
}
