/**
 * Parquet through parquet-wasm (arrow-rs compiled to WebAssembly), decoded in a worker thread. It reads every codec and encoding pandas,
 * pyarrow, DuckDB and Polars write (SNAPPY, ZSTD, LZ4, GZIP, BROTLI; dictionary, DELTA_BINARY_PACKED,
 * BYTE_STREAM_SPLIT), which @dsnp/parquetjs cannot. The file is opened as a Blob and streamed batch by batch,
 * reading only the mapped columns, so a file larger than memory (or than wasm's 4 GiB) is never held whole.
 */
import { open as openFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { UnifiedError } from '@unified/schemas';
import type { ColumnMapping } from './column-mapping.js';
import { type FormatContext, type OpenedFormat, type RawBatch, fractionOf } from './format-reader.js';
import { DecoderFailure, type DecoderReply, acquireDecoder, releaseDecoder } from './parquet-decoder.js';
import { rawColumnOfArrow } from './raw-column.js';

const MAGIC = 'PAR1';

function corrupt(path: string, detail: string, cause?: unknown): UnifiedError {
  return new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${path}: not a readable Parquet file: ${detail}`, cause });
}

async function checkMagic(path: string): Promise<void> {
  const handle = await openFile(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 12) throw corrupt(path, `${size} bytes is too short (truncated or empty)`);
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, size - 4);
    if (head.toString('latin1') !== MAGIC) throw corrupt(path, 'it does not start with the PAR1 magic bytes');
    if (tail.toString('latin1') !== MAGIC) throw corrupt(path, 'it does not end with the PAR1 magic bytes (truncated?)');
  } finally {
    await handle.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failed(path: string, error: unknown): UnifiedError {
  if (error instanceof DecoderFailure && error.trapped) {
    return corrupt(path, `${error.message}; the file is corrupt, or a row group is too large for the decoder's 4 GiB memory`, error);
  }
  return corrupt(path, messageOf(error), error);
}

/** Opens a Parquet file and reads its schema (in a decoder worker; see parquet-decoder.ts). */
export async function openParquet(path: string, context: FormatContext): Promise<OpenedFormat> {
  await checkMagic(path);
  const decoder = acquireDecoder();
  let released = false;
  const close = async (): Promise<void> => {
    if (released) return;
    released = true;
    if (decoder.healthy) await decoder.request({ type: 'close' }).catch(() => undefined);
    await releaseDecoder(decoder);
  };
  let schema: arrow.Schema;
  let numRows: number;
  try {
    const opened = await decoder.request({ type: 'open', path });
    if (opened.type !== 'opened') throw new Error(`unexpected reply ${opened.type}`);
    schema = arrow.tableFromIPC(opened.schema).schema;
    numRows = opened.numRows;
  } catch (error) {
    await close();
    throw failed(path, error);
  }
  const columns = schema.fields.map((f) => f.name);
  const warnings = schema.fields
    .filter((f) => arrow.DataType.isFloat(f.type) && f.type.precision !== arrow.Precision.DOUBLE)
    .map((f) => `column "${f.name}" is float32: its values are widened exactly to float64 but carry only float32 precision`);

  async function* batches(mapping: ColumnMapping): AsyncGenerator<RawBatch> {
    let pending: Promise<DecoderReply> | undefined;
    let rowsBefore = 0;
    try {
      await decoder.request({ type: 'stream', batchSize: context.batchSize, columns: mapping.fields.map((f) => f.source) });
      // One batch is always being decoded in the worker while the previous one is converted here.
      pending = decoder.request({ type: 'next' });
      for (;;) {
        const reply = await pending;
        pending = undefined;
        if (reply.type === 'end') break;
        if (reply.type !== 'batch') throw new Error(`unexpected reply ${reply.type}`);
        pending = decoder.request({ type: 'next' });
        const table = arrow.tableFromIPC(reply.ipc);
        for (const batch of table.batches) {
          const raw = new Array<RawBatch['columns'][number]>(columns.length);
          for (const field of mapping.fields) {
            const child = batch.getChild(field.source);
            if (child === null) throw corrupt(path, `column "${field.source}" is missing from a row group`);
            raw[field.index] = rawColumnOfArrow(field.source, child.data[0] as arrow.Data);
          }
          const offset = rowsBefore;
          rowsBefore += batch.numRows;
          yield { columns: raw, length: batch.numRows, location: { path, rowNumber: (i) => offset + i + 1 }, progress: fractionOf(rowsBefore, numRows) };
        }
      }
    } catch (error) {
      throw UnifiedError.isInstance(error) ? error : failed(path, error);
    } finally {
      // A request still in flight (the loop broke early) must be answered before the decoder takes another.
      if (pending !== undefined) await pending.catch(() => undefined);
    }
    if (rowsBefore !== numRows) throw corrupt(path, `read ${rowsBefore} rows but the footer declares ${numRows}`);
    if (numRows === 0) context.issues.warnings.push(`${path}: the file has no rows`);
  }

  return { format: 'parquet', columns, checksum: 'not-applicable', warnings, batches, close };
}
