/**
 * CSV through `csv-parse` (streaming, RFC 4180 quoting, BOM handling): Binance archive CSVs with or without a
 * header, and the Python pipeline's pandas-written CSVs. A first row with no numeric field is a header;
 * without one, the column count picks the Binance archive layout (12 klines, 7/8 aggTrades, 3 fundingRate).
 * Every data row must have as many fields as the header.
 */
import type { Readable } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import { UnifiedError } from '@unified/schemas';
import { HEADERLESS_LAYOUTS, type ColumnMapping } from './column-mapping.js';
import type { FormatContext, OpenedFormat, RawBatch } from './format-reader.js';
import { parseDecimalText } from './text-values.js';

interface CsvRecord {
  readonly record: string[];
  readonly info: Info;
}

function parser(stream: Readable): AsyncIterable<CsvRecord> & Readable {
  return stream.pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: false })) as AsyncIterable<CsvRecord> & Readable;
}

function isHeader(record: readonly string[]): boolean {
  return record.every((field) => parseDecimalText(field.trim()) === undefined);
}

function corrupt(label: string, error: unknown): UnifiedError {
  if (UnifiedError.isInstance(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${label}: not readable as CSV: ${detail}`, cause: error });
}

/** Reads the first record of a CSV stream, or `undefined` for a file without one. */
async function firstRecord(open: () => Readable, label: string): Promise<string[] | undefined> {
  const stream = open();
  const records = parser(stream);
  try {
    for await (const { record } of records) return record;
    return undefined;
  } catch (error) {
    throw corrupt(label, error);
  } finally {
    records.destroy();
    stream.destroy();
  }
}

/** Facts about the container a CSV came from (a zip member, its checksum). */
export interface CsvContainer {
  readonly format: OpenedFormat['format'];
  readonly member?: string;
  readonly checksum: OpenedFormat['checksum'];
  readonly warnings: readonly string[];
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
  const columns = header ? first.map((name) => name.trim()) : layout!.columns;

  async function* batches(mapping: ColumnMapping): AsyncGenerator<RawBatch> {
    const wanted = mapping.fields.map((f) => f.index);
    const stream = open();
    const records = parser(stream);
    let buffers = wanted.map(() => [] as (string | null)[]);
    let lines: number[] = [];
    let sawHeader = !header;
    let dataRows = 0;
    const flush = (): RawBatch => {
      const raw = new Array<RawBatch['columns'][number]>(columns.length);
      wanted.forEach((index, k) => (raw[index] = { type: 'text', name: columns[index]!, values: buffers[k]! }));
      const batchLines = lines;
      const batch: RawBatch = { columns: raw, length: batchLines.length, location: { path: label, rowNumber: (i) => batchLines[i]! } };
      buffers = wanted.map(() => []);
      lines = [];
      return batch;
    };
    try {
      for await (const { record, info } of records) {
        if (!sawHeader) {
          sawHeader = true;
          continue;
        }
        dataRows++;
        if (record.length !== columns.length) {
          // Rows before this one are converted (and their errors raised) first, so errors come in file order.
          if (context.issues.policy === 'error' && lines.length > 0) yield flush();
          context.issues.rejectUnsplittable(label, info.lines, `row has ${record.length} fields; expected ${columns.length} (${columns.join(',')})`);
          continue;
        }
        for (let k = 0; k < wanted.length; k++) {
          const value = record[wanted[k]!]!;
          buffers[k]!.push(value === '' ? null : value);
        }
        lines.push(info.lines);
        if (lines.length >= context.batchSize) yield flush();
      }
    } catch (error) {
      throw corrupt(label, error);
    } finally {
      records.destroy();
      stream.destroy();
    }
    if (lines.length > 0) yield flush();
    if (dataRows === 0) {
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
