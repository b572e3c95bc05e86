/**
 * `unified convert`: the seed's Step 1.5 from the command line. Progress on stderr (bars on a TTY), the result on
 * stdout (a short summary, or one JSON document with --json), and every event as a JSON line in
 * `log/step1_5_converter.log`.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  type ConvertEvent,
  type ConvertLog,
  type ConvertOptions,
  type ConvertResult,
  DEFAULT_CONVERT_LOG_FILE,
  PARQUET_COMPRESSIONS,
  PARQUET_ENGINES,
  type ParquetCompression,
  type ParquetEngineName,
  convert,
  openConvertLog,
} from '@unified/core';
import { type CliContext, isInteractive, isStyled } from '../cli-context.js';
import { type ConvertProgress, convertProgressBars, noProgress } from '../convert-progress.js';
import { integerOption, nonEmptyOption } from '../option-parsers.js';
import { formatConvertSummary, formatConvertEvent } from './convert-report.js';

interface ConvertCliOptions {
  readonly dataDir: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly forceRerun?: boolean;
  readonly engine?: ParquetEngineName;
  readonly compression?: ParquetCompression;
  readonly existingData: 'replace-partitions' | 'error' | 'merge';
  readonly onConflict: 'error' | 'keep-last';
  readonly skipBadRows?: boolean;
  readonly maxFiles?: number;
  readonly backup: 'link' | 'copy' | 'none';
  readonly lockTimeout: number;
  readonly logFile: string | false;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ unified convert --exchange binance --symbol BTCUSDT
  $ unified convert --data-dir data_cache --exchange binance --symbol BTCUSDT --timeframe 1m --force-rerun
  $ unified convert --data-dir demo-data --exchange binance --symbol BTCUSDT --compression zstd --json | jq .datasets

Reads data_cache/klines_binance_BTCUSDT_1m_consolidated.parquet (or .csv), aggtrades_binance_BTCUSDT_consolidated.*,
futures_binance_BTCUSDT_consolidated.*, per-day files under parquet/aggtrades_binance_BTCUSDT/ and Binance archive
zips under archives/ or data/, and writes data_cache/unified/. Klines are required; aggtrades and futures are
skipped with a warning when absent. Unchanged sources make it a no-op. The global -v lists every file read or
skipped, and why.`;

const isoOf = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The JSON document `unified convert --json` prints: camelCase, numbers as numbers, times in ms plus ISO. */
export function convertResultJson(result: ConvertResult, logFile: string | null): unknown {
  return {
    ok: true,
    noop: result.noop,
    dataDir: result.dataDir,
    unifiedDir: result.unifiedDir,
    exchange: result.exchange,
    symbol: result.symbol,
    timeframe: result.timeframe,
    durationMs: Math.round(result.durationMs),
    datasets: result.datasets.map((d) => ({
      type: d.kind,
      name: d.name,
      path: d.path,
      status: d.status,
      rowsRead: d.rowsRead,
      rowsWritten: d.rowsWritten,
      duplicatesDropped: d.duplicatesDropped,
      conflictsResolved: d.conflictsResolved,
      rowsSkipped: d.rowsSkipped,
      partitionsWritten: d.partitionsWritten,
      staleFilesRemoved: d.staleFilesRemoved,
      totalRows: d.totalRows,
      partitions: d.partitions,
      files: d.files,
      bytes: d.bytes,
      minTimestamp: d.minTimestamp,
      minTimestampIso: isoOf(d.minTimestamp),
      maxTimestamp: d.maxTimestamp,
      maxTimestampIso: isoOf(d.maxTimestamp),
      engine: d.engine,
      compression: d.compression,
      sources: d.sources.map((s) => ({ path: s.path, format: s.format, role: s.role, bytes: s.bytes })),
    })),
    skipped: result.skipped.map((s) => ({ type: s.kind, reason: s.reason })),
    backup: result.backup ?? null,
    warnings: result.warnings,
    logFile,
  };
}

/** Registers `unified convert` on `program`. */
export function registerConvertCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('convert')
    .summary('convert klines, aggtrades and funding into partitioned Parquet (Step 1.5)')
    .description(
      'Convert the klines, aggregated trades and funding rates of one symbol in a data directory into Hive-partitioned Parquet datasets under <data-dir>/unified/, each at its own granularity, with metadata.json, _config.json and a manifest per dataset. Atomic: a failed run changes nothing.',
    )
    .option('--data-dir <dir>', 'data directory holding the sources', nonEmptyOption('a directory'), 'data_cache')
    .requiredOption('--exchange <id>', 'exchange id, e.g. binance, binanceusdm (lower-cased)')
    .requiredOption('--symbol <symbol>', 'symbol, e.g. BTCUSDT (upper-cased)')
    .option('--timeframe <tf>', 'kline interval', '1m')
    .option('--force-rerun', 'convert even when the sources are unchanged since the last run')
    .addOption(new Option('--engine <name>', "Parquet encoder (default: the dataset's recorded one, else wasm)").choices(PARQUET_ENGINES))
    .addOption(new Option('--compression <codec>', "Parquet codec (default: the dataset's recorded one, else snappy)").choices(PARQUET_COMPRESSIONS))
    .addOption(new Option('--existing-data <policy>', 'day partitions that already hold data').choices(['replace-partitions', 'error', 'merge']).default('replace-partitions'))
    .addOption(new Option('--on-conflict <policy>', 'rows that share a key but differ').choices(['error', 'keep-last']).default('error'))
    .option('--skip-bad-rows', 'drop and count rows that cannot be read instead of failing')
    .option('--max-files <n>', 'read at most n per-day or archive files per type (BLANK_TRAINING_MODE=1 sets 3)', integerOption(1, 1_000_000))
    .addOption(
      new Option('--backup <mode>', 'backup of the consolidated sources before output is replaced: clone or hard link, independent copy, or none')
        .choices(['link', 'copy', 'none'])
        .default('link'),
    )
    .option('--lock-timeout <seconds>', 'how long to wait for another run on the same dataset', integerOption(0, 86_400), 600)
    .option('--log-file <path>', 'JSON-lines log, appended to', nonEmptyOption('a file'), DEFAULT_CONVERT_LOG_FILE)
    .option('--no-log-file', 'write no log file')
    .option('--json', 'print one JSON document on stdout')
    .option('-q, --quiet', 'no progress and no warnings on stderr; one summary line')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ConvertCliOptions) => {
      const { io } = context;
      const quiet = options.quiet === true;
      const logFile = options.logFile === false ? undefined : resolve(io.cwd, options.logFile);
      const result = await runConvertJob(
        context,
        {
          dataDir: resolve(io.cwd, options.dataDir),
          exchange: options.exchange,
          symbol: options.symbol,
          timeframe: options.timeframe,
          forceRerun: options.forceRerun === true,
          ...(options.engine === undefined ? {} : { engine: options.engine }),
          ...(options.compression === undefined ? {} : { compression: options.compression }),
          existingData: options.existingData,
          onConflict: options.onConflict,
          onBadRow: options.skipBadRows === true ? 'skip' : 'error',
          ...(options.maxFiles === undefined ? {} : { maxFiles: options.maxFiles }),
          backup: options.backup,
          lockTimeoutMs: options.lockTimeout * 1000,
        },
        { quiet, ...(logFile === undefined ? {} : { logFile }) },
      );
      if (options.json === true) io.stdout.write(`${JSON.stringify(convertResultJson(result, logFile ?? null))}\n`);
      else io.stdout.write(formatConvertSummary(result, { quiet, cwd: io.cwd, marks: isStyled(io, io.stdout) }));
    });
  command.showHelpAfterError(`usage: unified convert ${command.usage()}\nrun 'unified convert --help' for all options`);
  return command;
}

/** How {@link runConvertJob} reports while it runs. */
export interface ConvertJobUi {
  /** No progress bars and no event lines on stderr. */
  readonly quiet: boolean;
  /** JSON-lines log to append to; none when absent. */
  readonly logFile?: string;
}

/**
 * Runs `convert` with the command line's progress bars (on a TTY), event lines on stderr and the JSON-lines log;
 * shared by `unified convert` and `unified demo`.
 */
export async function runConvertJob(context: CliContext, options: Omit<ConvertOptions, 'env' | 'signal' | 'onEvent'>, ui: ConvertJobUi): Promise<ConvertResult> {
  const { io, signal } = context;
  const verbose = context.verbose();
  const interactive = isInteractive(io);
  const progress: ConvertProgress = interactive && !ui.quiet ? convertProgressBars(io.stderr) : noProgress(io.stderr);
  const log: ConvertLog | undefined = ui.logFile === undefined ? undefined : openConvertLog(ui.logFile);
  log?.write('info', 'convert started', { dataDir: options.dataDir, exchange: options.exchange, symbol: options.symbol, timeframe: options.timeframe, forceRerun: options.forceRerun === true });
  const onEvent = (event: ConvertEvent): void => {
    log?.event(event);
    progress.event(event);
    if (ui.quiet) return;
    const line = formatConvertEvent(event, { verbose, marks: interactive });
    if (line !== undefined) progress.log(line);
  };
  try {
    const result = await convert({ ...options, env: io.env, signal, onEvent });
    progress.stop();
    log?.write('info', result.noop ? 'nothing to do: sources unchanged' : 'convert finished', { durationMs: Math.round(result.durationMs) });
    await log?.close();
    return result;
  } catch (error) {
    progress.stop();
    log?.write('error', error instanceof Error ? error.message : String(error), { code: (error as { code?: unknown }).code ?? 'INTERNAL' });
    await log?.close().catch(() => undefined);
    throw error;
  }
}
