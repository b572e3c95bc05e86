/**
 * CSV through the byte-level {@link CsvScanner}: Binance archive CSVs with or without a header, and the Python
 * pipeline's pandas-written CSVs. A first row with no numeric field is a header; without one, the column count
 * picks the Binance archive layout (12 klines, 7/8 aggTrades, 3 fundingRate). Every data row must have as many
 * fields as the header.
 */
import type { Readable } from 'node:stream';
import { UnifiedError } from '@unified/schemas';
import { HEADERLESS_LAYOUTS, type ColumnMapping } from './column-mapping.js';
import { CsvScanner, CsvSyntaxError, type ScannedRecords } from './csv-scanner.js';
import { type FormatContext, type OpenedFormat, type RawBatch, fractionOf } from './format-reader.js';
import { parseDecimalText } from './text-values.js';

/** Widest header the loader looks at. */
const MAX_COLUMNS = 1024;

function isHeader(record: readonly (string | null)[]): boolean {
  return record.every((field) => field === null || parseDecimalText(field.trim()) === undefined);
}

function corrupt(label: string, error: unknown): UnifiedError {
  if (UnifiedError.isInstance(error)) return error;
  if (error instanceof CsvSyntaxError) return new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${label}:${error.line}: not readable as CSV: ${error.message}`, cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${label}: not readable as CSV: ${detail}`, cause: error });
}

/** Reads the first record of a CSV stream, or `undefined` for a file without one. */
async function firstRecord(open: () => Readable, label: string): Promise<(string | null)[] | undefined> {
  const stream = open();
  const scanner = new CsvScanner(Array.from({ length: MAX_COLUMNS }, (_, i) => i));
  try {
    for await (const chunk of stream) {
      scanner.push(chunk as Buffer);
      if (scanner.size > 0) break;
    }
    if (scanner.size === 0) scanner.end();
    if (scanner.size === 0) return undefined;
    const records = scanner.take(1);
    return records.columns.slice(0, records.widths[0]).map((column) => column[0] ?? null);
  } catch (error) {
    throw corrupt(label, error);
  } finally {
    stream.destroy();
  }
}

/** Facts about the container a CSV came from (a zip member, its checksum). */
export interface CsvContainer {
  readonly format: OpenedFormat['format'];
  readonly member?: string;
  readonly checksum: OpenedFormat['checksum'];
  readonly warnings: readonly string[];
  /** Bytes `open()` yields in all (the file's size, a zip member's uncompressed size), for progress; optional. */
  readonly size?: number;
  /** Releases the container. */
  readonly close: () => Promise<void>;
}

/**
 * Opens a CSV whose bytes come from `open()` (called once for the header, once per iteration). `label` names
 * the file in errors (`archive.zip!member.csv` for zip members).
 */
export async function openCsv(label: string, open: () => Readable, context: FormatContext, container: CsvContainer): Promise<OpenedFormat> {
  const first = await firstRecord(open, label);
  if (first === undefined) {
    throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${label}: the file is empty; expected a header or data rows` });
  }
  const header = isHeader(first);
  const layout = header ? undefined : HEADERLESS_LAYOUTS[first.length];
  if (!header && layout === undefined) {
    throw new UnifiedError({
      code: 'SOURCE_UNMAPPABLE',
      message:
        `${label}: no header row and ${first.length} columns, which matches no Binance archive layout ` +
        `(12 klines, 7 or 8 aggTrades, 3 fundingRate); add a header naming the columns`,
    });
  }
  const columns = header ? first.map((name) => (name ?? '').trim()) : layout!.columns;

  async function* batches(mapping: ColumnMapping): AsyncGenerator<RawBatch> {
    const wanted = mapping.fields.map((f) => f.index);
    const scanner = new CsvScanner(wanted);
    const stream = open();
    let skipHeader = header;
    let dataRows = 0;
    // Bytes pushed into the scanner: the batches taken after a push are reported at that share of the file.
    let pushed = 0;

    // Turns scanned records into a raw batch, dropping the header and rows with the wrong number of fields.
    function* toBatches(records: ScannedRecords): Generator<RawBatch> {
      let start = 0;
      if (skipHeader && records.lines.length > 0) {
        skipHeader = false;
        start = 1;
      }
      let keep: number[] | null = null;
      for (let i = start; i < records.lines.length; i++) {
        if (records.widths[i] === columns.length) {
          keep?.push(i);
          continue;
        }
        // Rows before this one are converted (and their errors raised) first, so errors come in file order.
        if (context.issues.policy === 'error' && i > start) yield batchOf(records, keep ?? range(start, i));
        context.issues.rejectUnsplittable(label, records.lines[i]!, `row has ${records.widths[i]} fields; expected ${columns.length} (${columns.join(',')})`);
        keep ??= range(start, i);
      }
      const rows = keep ?? (start === 0 ? null : range(start, records.lines.length));
      const batch = batchOf(records, rows);
      dataRows += batch.length;
      if (batch.length > 0) yield batch;
    }

    function batchOf(records: ScannedRecords, rows: number[] | null): RawBatch {
      const raw = new Array<RawBatch['columns'][number]>(columns.length);
      const pick = <T>(values: T[]): T[] => (rows === null ? values : rows.map((i) => values[i]!));
      wanted.forEach((index, slot) => (raw[index] = { type: 'text', name: columns[index]!, values: pick(records.columns[slot]!) }));
      const lines = pick(records.lines);
      return { columns: raw, length: lines.length, location: { path: label, rowNumber: (i) => lines[i]! }, progress: fractionOf(pushed, container.size) };
    }

    try {
      for await (const chunk of stream) {
        pushed += (chunk as Buffer).length;
        scanner.push(chunk as Buffer);
        while (scanner.size >= context.batchSize + (skipHeader ? 1 : 0)) yield* toBatches(scanner.take(context.batchSize + (skipHeader ? 1 : 0)));
      }
      scanner.end();
      if (scanner.unterminated) context.issues.warnings.push(`${label}: the last line has no line end; check that the file is complete`);
      while (scanner.size > 0) yield* toBatches(scanner.take(context.batchSize + (skipHeader ? 1 : 0)));
    } catch (error) {
      throw corrupt(label, error);
    } finally {
      stream.destroy();
    }
    if (dataRows === 0 && context.issues.skipped === 0) {
      throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${label}: the file has a header but no data rows` });
    }
  }

  return {
    format: container.format,
    columns,
    ...(layout === undefined ? {} : { impliedKind: layout.kind }),
    header,
    ...(container.member === undefined ? {} : { member: container.member }),
    checksum: container.checksum,
    warnings: container.warnings,
    batches,
    close: container.close,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
