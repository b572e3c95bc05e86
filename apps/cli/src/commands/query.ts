/**
 * `unified query <dataset-dir>`: rows of a partitioned dataset, filtered and pruned by the reader, as a table
 * preview, CSV or JSON lines (streamed), or one Parquet file. Results on stdout (or --output), the explain
 * output and errors on stderr.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type DatasetReadOptions, type FilterTerm, PARQUET_COMPRESSIONS, type ParquetCompression, UnifiedError, scanPartitionedDataset, writeBatchesToParquet, writeFileAtomically } from '@unified/core';
import type { CliContext } from '../cli-context.js';
import { formatCount, renderTable } from '../format.js';
import { integerOption, nonEmptyOption } from '../option-parsers.js';
import { collectFilter } from '../query-expression.js';
import { csvLines } from '../csv-lines.js';
import { assertOutputFile } from '../output-file.js';
import { jsonLines } from '../json-lines.js';
import { cellText, columnValues, csvHeader } from '../query-output.js';

type QueryFormat = 'table' | 'csv' | 'json' | 'parquet';

interface QueryOptions {
  readonly filter?: FilterTerm[];
  readonly start?: string;
  readonly end?: string;
  readonly columns?: string[];
  readonly limit?: number;
  readonly format: QueryFormat;
  readonly output?: string;
  readonly compression: ParquetCompression;
  readonly explain?: boolean;
}

/** Rows a table preview shows when no --limit is given. */
const PREVIEW_ROWS = 20;

const EXAMPLES = `
Examples:
  $ unified query data_cache/unified/klines/binance_BTCUSDT_1m --filter year=2024 --filter month=1
  $ unified query data_cache/unified/aggtrades/binance_BTCUSDT --start 2024-01-02 --end 2024-01-03 --columns timestamp,trade_price --format csv > trades.csv
  $ unified query data_cache/unified/futures/binance_BTCUSDT --filter "day not in (1,2)" --format json --explain | jq .funding_rate`;

function columnsOption(value: string): string[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new InvalidArgumentError('expected comma-separated column names');
  return names;
}

/** Registers `unified query` on `program`. */
export function registerQueryCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('query')
    .summary('read rows of a dataset with filters (partition and row-group pruning)')
    .description(
      'Read the rows of a Hive-partitioned dataset that match the filters, reading only the partitions and row groups that can match, as a table preview, CSV, JSON lines or a Parquet file.',
    )
    .argument('<dataset-dir>', 'dataset folder, e.g. data_cache/unified/klines/binance_BTCUSDT_1m')
    .option('--filter <expr>', 'COLUMN OP VALUE (OP: = == != < <= > >=) or COLUMN [not] in (A,B); repeat to AND them', collectFilter)
    .option('--start <time>', 'first timestamp, inclusive (ISO 8601, UTC unless it says otherwise, or ms)')
    .option('--end <time>', 'last timestamp, exclusive')
    .option('--columns <list>', 'columns to output, comma-separated (default: all data and partition columns)', columnsOption)
    .option('--limit <n>', `at most n rows (table default: ${PREVIEW_ROWS})`, integerOption(0, Number.MAX_SAFE_INTEGER))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json', 'parquet']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout (required for parquet)', nonEmptyOption('a file'))
    .addOption(new Option('--compression <codec>', 'Parquet codec for --format parquet').choices(PARQUET_COMPRESSIONS).default('snappy'))
    .option('--explain', 'print what was pruned (partitions, row groups, rows) on stderr')
    .addHelpText('after', EXAMPLES)
    .action(async (datasetDir: string, options: QueryOptions) => {
      const { io, signal } = context;
      // Ten or more digits are milliseconds; fewer (`2024`) an ISO year.
      const numeric = (text: string): string | number => (/^-?\d{10,}$/u.test(text) ? Number(text) : text);
      if (options.format === 'parquet' && options.output === undefined) {
        throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: '--format parquet needs --output FILE (Parquet is not written to a terminal)' });
      }
      const limit = options.limit ?? (options.format === 'table' ? PREVIEW_ROWS : undefined);
      const read: DatasetReadOptions = {
        ...(options.filter === undefined ? {} : { filters: options.filter }),
        ...(options.start === undefined ? {} : { start: numeric(options.start) }),
        ...(options.end === undefined ? {} : { end: numeric(options.end) }),
        ...(options.columns === undefined ? {} : { columns: options.columns }),
        // One row more than a preview shows, to say whether there are more.
        ...(limit === undefined ? {} : { limit: options.format === 'table' && options.limit === undefined ? limit + 1 : limit }),
        signal,
      };
      const output = options.output === undefined ? undefined : resolve(io.cwd, options.output);
      if (output !== undefined) await assertOutputFile(output, io.cwd, `rows.${options.format === 'table' ? 'txt' : options.format}`);
      const scan = scanPartitionedDataset(resolve(io.cwd, datasetDir), read);

      if (options.format === 'parquet') {
        const written = await writeBatchesToParquet(scan, output!, { compression: options.compression });
        io.stderr.write(`wrote ${formatCount(written.rows)} rows to ${relative(io.cwd, output!) || output!}\n`);
      } else {
        // To a file: written under a temporary name and renamed when complete, so a failed or interrupted
        // query never leaves a partial file or replaces an existing one (as --format parquet).
        const emit = async (file: FileHandle | undefined): Promise<void> => {
          const write = async (text: string | Uint8Array): Promise<void> => {
            if (text.length === 0) return;
            if (file === undefined) io.stdout.write(text);
            // writeFile writes all of it from the current position, looping over partial writes.
            else await file.writeFile(text);
          };
          let names: string[] | undefined;
          const preview: string[][] = [];
          for await (const batch of scan) {
            const first = names === undefined;
            names ??= batch.schema.fields.map((f) => f.name);
            if (options.format === 'csv') {
              if (first) await write(csvHeader(names));
              await write(csvLines(batch, names));
            }
            else if (options.format === 'json') await write(jsonLines(batch, names));
            else {
              const values = names.map((name) => columnValues(batch.getChild(name)!));
              for (let row = 0; row < batch.numRows; row++) preview.push(values.map((value) => cellText(value(row))));
            }
          }
          if (options.format === 'csv' && names === undefined && options.columns !== undefined) await write(csvHeader(options.columns));
          if (options.format === 'table') {
            const shown = limit === undefined ? preview : preview.slice(0, limit);
            const header = names ?? options.columns ?? [];
            const more = options.limit === undefined && preview.length > shown.length ? `\n(first ${shown.length} rows; --limit N for more, --format csv or json for all)` : '';
            await write(shown.length === 0 ? 'no rows match\n' : `${renderTable(header, shown, header.map(() => 'left'))}\n${more ? `${more.trimStart()}\n` : ''}`);
          }
        };
        if (output === undefined) await emit(undefined);
        else {
          await writeFileAtomically(output, async (temp) => {
            const file = await open(temp, 'wx');
            try {
              await emit(file);
              await file.sync();
            } finally {
              await file.close();
            }
          });
        }
      }
      if (options.explain === true) io.stderr.write(`${scan.explain()}\n`);
    });
  command.showHelpAfterError(`usage: unified query ${command.usage()}\nrun 'unified query --help' for all options`);
  return command;
}
