/**
 * `unified demo`: the whole job on sample data. Writes realistic sample inputs (the Python pipeline's
 * consolidated klines, aggtrades and funding files) into a data directory, converts them into its `unified/`
 * folder as `unified convert` would, and prints what it wrote.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { SAMPLE_COMPRESSIONS, SAMPLE_TIMESTAMP_ENCODINGS, type SampleDataResult, type SourceFileFormat, generateSampleData } from '@unified/core';
import { type CliContext, isInteractive, isStyled } from '../cli-context.js';
import { formatBytes, formatCount, formatUtc, renderTable } from '../format.js';
import { integerOption, listOption, nonEmptyOption } from '../option-parsers.js';
import { convertResultJson, runConvertJob } from './convert.js';
import { formatConvertSummary } from './convert-report.js';

interface DemoOptions {
  readonly out: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly start: string;
  readonly days: number;
  readonly aggtradesRows: number;
  readonly formats: SourceFileFormat[];
  readonly timestamps: (typeof SAMPLE_TIMESTAMP_ENCODINGS)[number];
  readonly compression: (typeof SAMPLE_COMPRESSIONS)[number];
  readonly perDay?: boolean;
  readonly seed: number;
  readonly convert: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ unified demo
  $ unified demo --out data_cache --days 7 --aggtrades-rows 1_000_000 --per-day
  $ unified demo --timestamps datetime --formats parquet --compression zstd --json`;

/** The JSON document `unified demo --json` prints: stable camelCase fields, times in ms plus ISO. */
export function demoResultJson(result: SampleDataResult): unknown {
  const files = result.files.map((file) => ({
    kind: file.kind,
    format: file.format,
    path: file.path,
    relativePath: file.relativePath,
    rows: file.rows,
    bytes: file.bytes,
    firstTimestamp: file.firstTimestampMs,
    firstTimestampIso: new Date(file.firstTimestampMs).toISOString(),
    lastTimestamp: file.lastTimestampMs,
    lastTimestampIso: new Date(file.lastTimestampMs).toISOString(),
  }));
  const { outDir: _outDir, ...settings } = result.options;
  return {
    outDir: result.outDir,
    durationMs: Math.round(result.durationMs),
    // What produced these files: rerunning with the same settings gives the same bytes.
    settings: { ...settings, start: new Date(settings.startMs).toISOString().slice(0, 10) },
    totals: { files: files.length, rows: files.reduce((sum, f) => sum + f.rows, 0), bytes: files.reduce((sum, f) => sum + f.bytes, 0) },
    files,
  };
}

function humanSummary(result: SampleDataResult, out: string, withHint: boolean): string {
  const table = renderTable(
    ['file', 'rows', 'size', 'first (UTC)', 'last (UTC)'],
    result.files.map((f) => [f.relativePath, formatCount(f.rows), formatBytes(f.bytes), formatUtc(f.firstTimestampMs), formatUtc(f.lastTimestampMs)]),
    ['left', 'right', 'right', 'left', 'left'],
  );
  const example = result.files.find((f) => f.kind === 'aggtrades' && f.format === 'parquet') ?? result.files[0];
  const next =
    example === undefined || !withHint ? '' : `\nOpen it with any Parquet reader, e.g. DuckDB: duckdb -c "SELECT * FROM '${out}/${example.relativePath}' LIMIT 5"\n`;
  return `Sample data in ${result.outDir} (${(result.durationMs / 1000).toFixed(1)} s)\n\n${table}\n${next}`;
}

/** Registers `unified demo` on `program`. */
export function registerDemoCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('demo')
    .summary('generate sample inputs and convert them (the whole job on sample data)')
    .description(
      "Generate realistic, deterministic sample inputs — 1-minute klines, aggregated trades and funding rates — named and laid out as the Python pipeline's consolidated files, into a data directory, then convert them into <out>/unified/ as `unified convert` does.",
    )
    .option('-o, --out <dir>', 'data directory to write into', nonEmptyOption('a directory'), 'demo-data')
    .option('--exchange <id>', 'exchange id in the file names (lower-cased)', 'binance')
    .option('--symbol <symbol>', 'symbol in the file names (upper-cased)', 'BTCUSDT')
    .option('--start <date>', 'first UTC day, YYYY-MM-DD', '2024-01-01')
    .option('--days <n>', 'days of data', integerOption(1, 36_500), 3)
    .option('--aggtrades-rows <n>', 'aggregate trades in total (the size parameter)', integerOption(1, 10_000_000_000), 300_000)
    .addOption(
      new Option('--formats <list>', 'consolidated formats, comma-separated: parquet, csv')
        .argParser(listOption<SourceFileFormat>(['parquet', 'csv']))
        .default(['parquet', 'csv'], 'parquet,csv'),
    )
    .addOption(new Option('--timestamps <encoding>', 'how times are stored').choices(SAMPLE_TIMESTAMP_ENCODINGS).default('ms'))
    .addOption(new Option('--compression <codec>', 'Parquet codec').choices(SAMPLE_COMPRESSIONS).default('snappy'))
    .option('--per-day', 'also write one Parquet file per day under parquet/aggtrades_<exchange>_<symbol>/')
    .option('--seed <n>', 'random seed; the same seed gives the same bytes', integerOption(0, 0xffff_ffff), 1)
    .option('--no-convert', 'only write the sample inputs; do not convert them')
    .option('--json', 'print one JSON document on stdout')
    .option('-q, --quiet', 'print one summary line instead of the table')
    .addHelpText('after', EXAMPLES)
    .action(async (options: DemoOptions) => {
      const { io, signal } = context;
      const live = isInteractive(io) && options.quiet !== true && options.json !== true;
      let lastLine = '';
      const result = await generateSampleData({
        outDir: resolve(io.cwd, options.out),
        exchange: options.exchange,
        symbol: options.symbol,
        start: options.start,
        days: options.days,
        aggtradesRows: options.aggtradesRows,
        formats: options.formats,
        timestamps: options.timestamps,
        compression: options.compression,
        perDayAggtrades: options.perDay === true,
        seed: options.seed,
        signal,
        onProgress: live
          ? ({ kind, rowsWritten, totalRows }) => {
              const line = `generating ${kind}: ${formatCount(rowsWritten)} / ${formatCount(totalRows)} rows`;
              if (line !== lastLine) io.stderr.write(`\r\x1b[K${line}`);
              lastLine = line;
            }
          : undefined,
      });
      if (live) io.stderr.write('\r\x1b[K');
      // The full job: convert what was just generated, as `unified convert` would.
      const quiet = options.quiet === true || options.json === true;
      const converted = options.convert ? await runConvertJob(context, { dataDir: result.outDir, exchange: options.exchange, symbol: options.symbol }, { quiet }) : undefined;
      if (options.json === true) {
        const sample = demoResultJson(result);
        io.stdout.write(`${JSON.stringify(converted === undefined ? sample : { ...(sample as object), conversion: convertResultJson(converted, null) })}\n`);
      } else if (options.quiet === true) {
        const rows = result.files.reduce((sum, f) => sum + f.rows, 0);
        io.stdout.write(`wrote ${result.files.length} files, ${formatCount(rows)} rows, to ${result.outDir}\n`);
        if (converted !== undefined) io.stdout.write(formatConvertSummary(converted, { quiet: true, cwd: io.cwd, marks: false }));
      } else {
        io.stdout.write(humanSummary(result, options.out, converted === undefined));
        if (converted !== undefined) io.stdout.write(`\n${formatConvertSummary(converted, { quiet: false, cwd: io.cwd, marks: isStyled(io, io.stdout) })}`);
      }
    });
  command.showHelpAfterError(`usage: unified demo ${command.usage()}\nrun 'unified demo --help' for all options`);
  return command;
}
