/**
 * `unified info`: every dataset under `<data-dir>/unified/` — data type, exchange, symbol, timeframe, rows, time
 * range, day partitions, missing days and size on disk — read from `metadata.json` and each dataset's
 * `_manifest.json`. No data file is opened, so it answers at once on any amount of data.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type DatasetInfo, UNIFIED_DIR_NAME, UnifiedError, listDatasets } from '@unified/core';
import type { CliContext } from '../cli-context.js';
import { nonEmptyOption } from '../option-parsers.js';
import { formatInfoLines, formatInfoReport } from './info-report.js';

interface InfoOptions {
  readonly dataDir: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ unified info
  $ unified info --data-dir demo-data --quiet
  $ unified info --data-dir data_cache --json | jq '.datasets[] | {type, symbol, rows, missingDays}'

Reads data_cache/unified/metadata.json and the _manifest.json of every dataset folder (also folders written
without metadata.json); never the Parquet files. A missing day is a UTC day between a dataset's first and last
day partition that has no partition.`;

/** The JSON document `unified info --json` prints: camelCase, numbers as numbers, timestamps in ms. */
export function infoJson(datasets: readonly DatasetInfo[]): unknown {
  return {
    datasets: datasets.map((d) => ({
      type: d.type,
      exchange: d.exchange,
      symbol: d.symbol,
      timeframe: d.timeframe,
      rows: d.rows,
      minTimestamp: d.minTimestamp,
      maxTimestamp: d.maxTimestamp,
      partitions: d.partitions,
      missingDays: d.missingDays,
      bytes: d.bytes,
      path: d.path,
    })),
  };
}

/** Registers `unified info` on `program`. */
export function registerInfoCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('info')
    .summary('list the datasets in a data directory: rows, time range, days, gaps, size')
    .description(
      'List every dataset under <data-dir>/unified/ with its data type, exchange, symbol, timeframe, rows, first and last timestamp, day partitions, missing days inside the range and size on disk, read from metadata.json and the dataset manifests without opening any data file.',
    )
    .option('--data-dir <dir>', 'data directory holding unified/', nonEmptyOption('a directory'), 'data_cache')
    .option('--json', 'print one JSON document on stdout')
    .option('-q, --quiet', 'one line per dataset; no table, hint or warnings')
    .addHelpText('after', EXAMPLES)
    .action(async (options: InfoOptions) => {
      const { io } = context;
      const dataDir = resolve(io.cwd, options.dataDir);
      const info = await stat(dataDir).catch(() => undefined);
      if (info?.isDirectory() !== true) {
        throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${options.dataDir}: ${info === undefined ? 'no such directory' : 'not a directory'} (--data-dir)` });
      }
      const unifiedDir = join(dataDir, UNIFIED_DIR_NAME);
      const shownUnifiedDir = join(options.dataDir, UNIFIED_DIR_NAME);
      const datasets = await listDatasets(unifiedDir, (message) => {
        if (options.quiet !== true) io.stderr.write(`warning: ${message}\n`);
      });
      if (datasets.length === 0) {
        throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${shownUnifiedDir}: no datasets (run unified convert first)` });
      }
      if (options.json === true) io.stdout.write(`${JSON.stringify(infoJson(datasets))}\n`);
      else if (options.quiet === true) io.stdout.write(formatInfoLines(datasets, io.cwd));
      else io.stdout.write(formatInfoReport(datasets, { cwd: io.cwd, unifiedDir: shownUnifiedDir, dataDir: options.dataDir }));
    });
  command.showHelpAfterError(`usage: unified info ${command.usage()}\nrun 'unified info --help' for all options`);
  return command;
}
