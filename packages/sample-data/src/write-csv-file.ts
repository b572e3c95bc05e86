/**
 * Writes Arrow record batches as CSV the way pandas' `to_csv(index=False)` does: a header, floats in Python
 * repr (`42000.0`, `8.4e-07`), booleans as `True`/`False`, tz-aware datetimes as pandas prints them (`2024-01-01 00:00:59.999000+00:00`),
 * empty fields for nulls, and RFC 4180 quoting where a value needs it. One batch is formatted at a time.
 */
import * as arrow from 'apache-arrow';
import { open } from 'node:fs/promises';
import { UnifiedError, writeFileAtomically } from '@unified/schemas';
import { formatPythonFloat } from './python-float.js';
import type { WriteFileResult } from './write-parquet-file.js';

/** Options of {@link writeCsvFile}. */
export interface CsvFileOptions {
  /** Stops the write; the partial file is removed. */
  readonly signal?: AbortSignal;
}

type Formatter = (index: number) => string;

function quote(text: string): string {
  return /[",\r\n]/u.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A UTC nanosecond timestamp as pandas writes a tz-aware value (`str(Timestamp)`): no fraction when it is
 * zero, microseconds when that is enough, nanoseconds otherwise — `2024-01-01 00:00:00+00:00`,
 * `2024-01-01 00:00:59.999000+00:00`, `2024-01-01 00:00:00.000000001+00:00`.
 */
export function formatPandasUtc(ns: bigint): string {
  const fractionNs = ((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  const seconds = (ns - fractionNs) / 1_000_000_000n;
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  let fraction = '';
  if (fractionNs !== 0n) {
    fraction = fractionNs % 1000n === 0n ? `.${(fractionNs / 1000n).toString().padStart(6, '0')}` : `.${fractionNs.toString().padStart(9, '0')}`;
  }
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction}+00:00`;
}

function formatterFor(field: arrow.Field, data: arrow.Data): Formatter {
  const vector = arrow.makeVector(data);
  const valid: (index: number) => boolean = data.nullCount > 0 ? (i) => vector.isValid(i) : () => true;
  const withNulls = (format: Formatter): Formatter => (i) => (valid(i) ? format(i) : '');
  if (arrow.DataType.isTimestamp(field.type)) {
    if (field.type.unit !== arrow.TimeUnit.NANOSECOND) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `CSV writer: column "${field.name}": only nanosecond datetimes are supported` });
    }
    const values = data.values as BigInt64Array;
    return withNulls((i) => formatPandasUtc(values[i]!));
  }
  if (arrow.DataType.isInt(field.type) || arrow.DataType.isFloat(field.type)) {
    const values = data.values as ArrayLike<number | bigint>;
    const isFloat = arrow.DataType.isFloat(field.type);
    return withNulls((i) => (isFloat ? formatPythonFloat(values[i] as number) : String(values[i])));
  }
  if (arrow.DataType.isBool(field.type)) return withNulls((i) => (vector.get(i) === true ? 'True' : 'False'));
  return withNulls((i) => quote(String(vector.get(i))));
}

/** Writes `batches` to a CSV file at `path`, atomically (temporary file, then rename). */
export async function writeCsvFile(path: string, batches: AsyncIterable<arrow.RecordBatch>, { signal }: CsvFileOptions = {}): Promise<WriteFileResult> {
  return writeFileAtomically(path, async (tempPath) => {
    const handle = await open(tempPath, 'w');
    let rows = 0;
    let bytes = 0;
    let header: string | null = null;
    try {
      for await (const batch of batches) {
        signal?.throwIfAborted();
        if (header === null) {
          header = `${batch.schema.fields.map((f) => quote(f.name)).join(',')}\n`;
          bytes += (await handle.write(header)).bytesWritten;
        }
        const formatters = batch.schema.fields.map((field, j) => formatterFor(field, batch.data.children[j]!));
        const lines: string[] = new Array<string>(batch.numRows);
        for (let i = 0; i < batch.numRows; i++) lines[i] = formatters.map((format) => format(i)).join(',');
        const text = `${lines.join('\n')}\n`;
        bytes += (await handle.write(text)).bytesWritten;
        rows += batch.numRows;
      }
      if (header === null) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${path}: no record batches to write (a CSV file needs at least a header)` });
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { rows, bytes };
  });
}
