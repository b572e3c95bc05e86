/**
 * `unified inspect <file>`: reads one source file to the end and prints what the loader sees — data type,
 * format, column mapping, timestamp unit, rows, time range, order, checksum and warnings — writing nothing.
 */
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type ColumnAssignment, DATA_KINDS, type DataKind, type SourceInspection, type UnusedColumn, inspectSource } from '@unified/core';
import type { CliContext } from '../cli-context.js';
import { formatCount } from '../format.js';
import { nonEmptyOption } from '../option-parsers.js';
import { formatInspectionReport } from './inspect-report.js';

interface InspectOptions {
  readonly kind?: DataKind;
  readonly skipBadRows: boolean;
  readonly verifyChecksum: boolean;
  readonly json?: boolean;
}

const EXAMPLES = `
Examples:
  $ unified inspect BTCUSDT-1m-2025-01-02.zip
  $ unified inspect BTCUSDT-aggTrades-2026-01-01.csv --kind aggtrades --skip-bad-rows
  $ unified inspect data_cache/klines_binance_BTCUSDT_1m_consolidated.parquet --json`;

/** The JSON document `unified inspect --json` prints: stable camelCase fields (`null` when unknown), times in ms plus ISO. */
export interface InspectionDocument {
  /** Absolute path of the file. */
  readonly path: string;
  readonly format: SourceInspection['format'];
  readonly kind: DataKind;
  /** The CSV member read from a zip. */
  readonly member: string | null;
  /** Whether a CSV had a header row; `null` for Parquet and JSON. */
  readonly header: boolean | null;
  readonly checksum: SourceInspection['checksum'];
  readonly symbol: string | null;
  readonly timeframe: string | null;
  readonly rows: number;
  readonly rowsSkipped: number;
  readonly badRows: readonly string[];
  readonly timestampUnit: SourceInspection['timestampUnit'];
  readonly timeEncodings: SourceInspection['timeEncodings'];
  readonly minTimestamp: number | null;
  readonly minTimestampIso: string | null;
  readonly maxTimestamp: number | null;
  readonly maxTimestampIso: string | null;
  readonly firstTimestamp: number | null;
  readonly firstTimestampIso: string | null;
  readonly lastTimestamp: number | null;
  readonly lastTimestampIso: string | null;
  readonly sorted: boolean;
  readonly columns: readonly ColumnAssignment[];
  readonly unusedColumns: readonly UnusedColumn[];
  readonly sourceColumns: readonly string[];
  readonly warnings: readonly string[];
}

function isoOf(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The document `unified inspect --json` prints for `inspection`. */
export function inspectionDocument(inspection: SourceInspection): InspectionDocument {
  return {
    path: inspection.path,
    format: inspection.format,
    kind: inspection.kind,
    member: inspection.member ?? null,
    header: inspection.header ?? null,
    checksum: inspection.checksum,
    symbol: inspection.symbol ?? null,
    timeframe: inspection.timeframe ?? null,
    rows: inspection.rows,
    rowsSkipped: inspection.rowsSkipped,
    badRows: inspection.badRows,
    timestampUnit: inspection.timestampUnit,
    timeEncodings: inspection.timeEncodings,
    minTimestamp: inspection.minTimestamp,
    minTimestampIso: isoOf(inspection.minTimestamp),
    maxTimestamp: inspection.maxTimestamp,
    maxTimestampIso: isoOf(inspection.maxTimestamp),
    firstTimestamp: inspection.firstTimestamp,
    firstTimestampIso: isoOf(inspection.firstTimestamp),
    lastTimestamp: inspection.lastTimestamp,
    lastTimestampIso: isoOf(inspection.lastTimestamp),
    sorted: inspection.sorted,
    columns: inspection.columns.map(({ source, field }) => ({ source, field })),
    unusedColumns: inspection.unusedColumns.map(({ name, reason }) => ({ name, reason })),
    sourceColumns: inspection.sourceColumns,
    warnings: inspection.warnings,
  };
}

function skippedRowsWarning({ rowsSkipped, badRows }: SourceInspection): string | undefined {
  if (rowsSkipped === 0) return undefined;
  const count = rowsSkipped === 1 ? '1 bad row' : `${formatCount(rowsSkipped)} bad rows`;
  const first = badRows[0];
  if (first === undefined) return `skipped ${count}`;
  return `skipped ${count}${rowsSkipped === 1 ? '' : ', the first'}: ${first}`;
}

/** Registers `unified inspect` on `program`. */
export function registerInspectCommand(program: Command, context: CliContext): Command {
  const command = program
    .command('inspect')
    .summary('show what the loader sees in a source file')
    .description(
      'Show what the loader sees in a source file (Parquet, CSV, Binance zip or REST JSON): data type, format, column mapping, timestamp unit, row count, time range, order, checksum status and warnings. Reads the whole file; writes nothing.',
    )
    .argument('<file>', 'the source file', nonEmptyOption('a file'))
    .addOption(new Option('--kind <kind>', 'the data type the file must hold (default: detected from the columns)').choices(DATA_KINDS))
    .addOption(new Option('--skip-bad-rows', 'skip rows that cannot be read and list them').default(false, 'stop at the first bad row'))
    // Commander shows no default for a negated option: say it in the description.
    .option('--no-verify-checksum', 'do not check a zip against the .CHECKSUM file beside it (default: checked when there is one)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, options: InspectOptions) => {
      const { io, signal } = context;
      const inspection = await inspectSource(resolve(io.cwd, file), {
        ...(options.kind === undefined ? {} : { kind: options.kind }),
        onBadRow: options.skipBadRows ? 'skip' : 'error',
        verifyChecksum: options.verifyChecksum,
        signal,
      });
      const skipped = skippedRowsWarning(inspection);
      for (const warning of [...inspection.warnings, ...(skipped === undefined ? [] : [skipped])]) io.stderr.write(`warning: ${warning}\n`);
      if (options.json === true) io.stdout.write(`${JSON.stringify(inspectionDocument(inspection))}\n`);
      else io.stdout.write(formatInspectionReport(inspection, file));
    });
  command.showHelpAfterError(`usage: unified inspect ${command.usage()}\nrun 'unified inspect --help' for all options`);
  return command;
}
