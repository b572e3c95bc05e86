/**
 * `unified validate`: checks the datasets of one exchange and symbol under `<data-dir>/unified/` — schema,
 * partitions, order, duplicate keys, values, gaps, manifest, metadata and checksums, and with --sources a
 * reconciliation against the files they were converted from. The report on stdout (issues grouped by code, or
 * one JSON document with --json), progress bars and warnings on stderr; exit 1 when an error-level issue is found.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  DATA_KINDS,
  DEFAULT_MAX_ISSUES_PER_CODE,
  type DataKind,
  UNIFIED_DIR_NAME,
  UnifiedError,
  type ValidateJobResult,
  normalizeExchange,
  normalizeSymbol,
  normalizeTimeframe,
  validate,
} from '@unified/core';
import { type CliContext, isInteractive, isStyled } from '../cli-context.js';
import { type ConvertProgress, convertProgressBars, noProgress } from '../convert-progress.js';
import { integerOption, nonEmptyOption, repeatableListOption } from '../option-parsers.js';
import { failureMessage, formatValidateReport, formatValidateVerdict, totalsOf, validationPassed } from './validate-report.js';

interface ValidateCliOptions {
  readonly dataDir: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly type?: DataKind[];
  readonly sources?: boolean;
  readonly sampleSize: number;
  readonly seed: number;
  readonly checksums: boolean;
  readonly strict?: boolean;
  readonly maxExamples: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ unified validate --exchange binance --symbol BTCUSDT
  $ unified validate --data-dir demo-data --exchange binance --symbol BTCUSDT --sources --strict
  $ unified validate --exchange binance --symbol BTCUSDT --type aggtrades --json | jq '.issues[] | {code, file, message}'

Validates data_cache/unified/klines/binance_BTCUSDT_1m, aggtrades/binance_BTCUSDT and futures/binance_BTCUSDT
(those that exist): every row of every data file is checked, and each file hashed against the manifest. Issues
are grouped by code; errors (e.g. unreadable_file, duplicate_key, checksum_mismatch) exit 1, warnings (kline_gap,
trade_id_gap, stray_file, ...) do not unless --strict. --sources re-reads the source files recorded in
metadata.json, compares their row counts and looks up a seeded random sample of their rows in the output.`;

/** Numbers JSON cannot hold (NaN, ±Infinity) as text; BigInts as numbers when safe, else as text. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  return value;
}

/** `value` as one line of JSON that any parser reads: NaN and ±Infinity as text, BigInts without loss. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, jsonSafe)}\n`;
}

const isoOf = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** The JSON document `unified validate --json` prints: camelCase, numbers as numbers, times in ms plus ISO. */
export function validateResultJson(result: ValidateJobResult, options: { readonly strict: boolean; readonly missingAsked: readonly DataKind[] }): unknown {
  const totals = totalsOf(result);
  const issueCounts: Record<string, number> = {};
  for (const { report } of result.datasets) {
    for (const [code, n] of Object.entries(report.stats.issueCounts)) issueCounts[code] = (issueCounts[code] ?? 0) + n;
  }
  return {
    ok: validationPassed(result, options),
    issues: result.datasets.flatMap(({ kind, name, report }) => report.issues.map((issue) => ({ ...issue, kind, datasetName: name }))),
    stats: {
      totals: {
        datasets: totals.datasets,
        files: totals.files,
        rows: totals.rows,
        bytes: totals.bytes,
        errors: totals.errors,
        warnings: totals.warnings,
        issueCounts,
        durationMs: Math.round(result.durationMs),
      },
      datasets: result.datasets.map(({ kind, name, report }) => {
        const { kind: _kind, ...stats } = report.stats;
        return {
          kind,
          name,
          path: report.dataset,
          ok: report.ok,
          ...stats,
          minTimestampIso: isoOf(stats.minTimestamp),
          maxTimestampIso: isoOf(stats.maxTimestamp),
          durationMs: Math.round(stats.durationMs),
        };
      }),
    },
    missing: result.missing.map(({ kind, name }) => ({ kind, name, path: join(result.unifiedDir, name), asked: options.missingAsked.includes(kind) })),
  };
}

/** Registers `unified validate` on `program`. */
export function registerValidateCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('validate')
    .summary('check the datasets of a symbol: schema, order, keys, values, gaps, checksums, sources')
    .description(
      'Check the klines, aggtrades and futures datasets of one exchange and symbol under <data-dir>/unified/: schema, partition paths, order, duplicate keys, OHLC and value ranges, gaps, stray files, the manifest, metadata.json and checksums, and with --sources the source files they were converted from. Exits 1 when an error-level issue is found (with --strict, also a warning).',
    )
    .option('--data-dir <dir>', 'data directory holding unified/', nonEmptyOption('a directory'), 'data_cache')
    .requiredOption('--exchange <id>', 'exchange id, e.g. binance, binanceusdm (lower-cased)')
    .requiredOption('--symbol <symbol>', 'symbol, e.g. BTCUSDT (upper-cased)')
    .option('--timeframe <tf>', 'kline interval', '1m')
    .option('--type <types>', 'data types to check, comma-separated or repeated: klines, aggtrades, futures (default: every one that has a dataset)', repeatableListOption(DATA_KINDS))
    .option('--sources', 'also re-read the source files recorded in metadata.json: counts and a sample of rows')
    .option('--sample-size <n>', 'source rows sampled and looked up in the output (with --sources)', integerOption(0, 100_000), 1000)
    .option('--seed <n>', 'seed of the sample, to repeat a run (with --sources)', integerOption(0, 4_294_967_295), 1)
    // Commander shows no default for a negated option: say it in the description.
    .option('--no-checksums', 'do not hash the data files against the manifest (default: hashed)')
    .option('--strict', 'warnings count as errors (exit 1)')
    .option('--max-examples <n>', 'example issues shown per code in the report', integerOption(0, 100_000), 5)
    .option('--json', 'print one JSON document on stdout')
    .option('-q, --quiet', 'no progress and no warnings on stderr; only the verdict line')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ValidateCliOptions) => {
      const { io, signal } = context;
      const quiet = options.quiet === true;
      const json = options.json === true;
      const strict = options.strict === true;
      // Usage errors (exit 2) before anything is read.
      const exchange = normalizeExchange(options.exchange);
      const symbol = normalizeSymbol(options.symbol);
      const timeframe = normalizeTimeframe(options.timeframe);
      const warn = (message: string): void => {
        if (!quiet) io.stderr.write(`${isInteractive(io) ? '\x1b[33m⚠\x1b[0m' : 'warning:'} ${message}\n`);
      };
      if (options.sources !== true) {
        for (const [key, flag] of [
          ['sampleSize', '--sample-size'],
          ['seed', '--seed'],
        ] as const) {
          if (command.getOptionValueSource(key) === 'cli') warn(`${flag} has no effect without --sources`);
        }
      }
      const dataDir = resolve(io.cwd, options.dataDir);
      const info = await stat(dataDir).catch(() => undefined);
      if (info?.isDirectory() !== true) {
        throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${options.dataDir}: ${info === undefined ? 'no such directory' : 'not a directory'} (--data-dir)` });
      }
      const kinds = options.type === undefined ? DATA_KINDS : DATA_KINDS.filter((kind) => options.type!.includes(kind));

      const progress: ConvertProgress = isInteractive(io) && !quiet && !json ? convertProgressBars(io.stderr) : noProgress(io.stderr);
      let result: ValidateJobResult;
      try {
        result = await validate({
          dataDir,
          exchange,
          symbol,
          timeframe,
          kinds,
          strict,
          checksums: options.checksums,
          sources: options.sources === true,
          sampleSize: options.sampleSize,
          seed: options.seed,
          maxIssuesPerCode: Math.max(DEFAULT_MAX_ISSUES_PER_CODE, options.maxExamples),
          signal,
          onProgress: (kind, p) =>
            progress.event({ type: 'progress', kind, rowsRead: p.rows, bytesRead: p.bytesDone, bytesTotal: p.bytesTotal, filesDone: p.filesDone, filesTotal: p.filesTotal }),
        });
      } finally {
        progress.stop();
      }

      const missingAsked = options.type === undefined ? [] : result.missing.map((m) => m.kind);
      for (const { kind, name } of result.missing) {
        warn(`no ${kind} dataset: ${join(options.dataDir, UNIFIED_DIR_NAME, name)} does not exist; ${options.type === undefined ? 'not validated' : `asked for with --type${strict ? ', a failure under --strict' : ''}`}`);
      }
      const report = { marks: isStyled(io, io.stdout), cwd: io.cwd, dataDir: options.dataDir, strict, maxExamples: options.maxExamples, verbose: context.verbose(), missingAsked, ...(options.type === undefined ? {} : { types: kinds }) };
      if (json) io.stdout.write(jsonLine(validateResultJson(result, report)));
      else if (quiet) io.stdout.write(formatValidateVerdict(result, report));
      else io.stdout.write(formatValidateReport(result, report));
      if (!validationPassed(result, report)) throw new UnifiedError({ code: 'VALIDATION_FAILED', message: failureMessage(result, report) });
    });
  command.showHelpAfterError(`usage: unified validate ${command.usage()}\nrun 'unified validate --help' for all options`);
  return command;
}
