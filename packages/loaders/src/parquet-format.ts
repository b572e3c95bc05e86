/**
 * Parquet through parquet-wasm (arrow-rs compiled to WebAssembly). It reads every codec and encoding pandas,
 * pyarrow, DuckDB and Polars write (SNAPPY, ZSTD, LZ4, GZIP, BROTLI; dictionary, DELTA_BINARY_PACKED,
 * BYTE_STREAM_SPLIT), which @dsnp/parquetjs cannot. The file is opened as a Blob and streamed batch by batch,
 * reading only the mapped columns, so a file larger than memory (or than wasm's 4 GiB) is never held whole.
 */
import { open as openFile } from 'node:fs/promises';
import { openAsBlob } from 'node:fs';
import * as arrow from 'apache-arrow';
import { ParquetFile, type RecordBatch as WasmRecordBatch } from 'parquet-wasm';
import { UnifiedError } from '@unified/schemas';
import type { ColumnMapping } from './column-mapping.js';
import type { FormatContext, OpenedFormat, RawBatch } from './format-reader.js';
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

function tableOf(batch: WasmRecordBatch): arrow.Table {
  return arrow.tableFromIPC(batch.intoIPCStream());
}

/** Opens a Parquet file and reads its schema. */
export async function openParquet(path: string, context: FormatContext): Promise<OpenedFormat> {
  await checkMagic(path);
  let file: ParquetFile;
  let schema: arrow.Schema;
  try {
    file = await ParquetFile.fromFile(await openAsBlob(path));
    schema = arrow.tableFromIPC(file.schema().intoIPCStream()).schema;
  } catch (error) {
    throw corrupt(path, messageOf(error), error);
  }
  const columns = schema.fields.map((f) => f.name);
  const warnings = schema.fields
    .filter((f) => arrow.DataType.isFloat(f.type) && f.type.precision !== arrow.Precision.DOUBLE)
    .map((f) => `column "${f.name}" is float32: its values are widened exactly to float64 but carry only float32 precision`);
  let closed = false;
  const close = (): Promise<void> => {
    if (!closed) {
      closed = true;
      file.free();
    }
    return Promise.resolve();
  };

  async function* batches(mapping: ColumnMapping): AsyncGenerator<RawBatch> {
    const names = mapping.fields.map((f) => f.source);
    let stream: ReadableStream<WasmRecordBatch>;
    try {
      stream = (await file.stream({ batchSize: context.batchSize, columns: names })) as ReadableStream<WasmRecordBatch>;
    } catch (error) {
      throw corrupt(path, messageOf(error), error);
    }
    const reader = stream.getReader();
    let rowsBefore = 0;
    try {
      for (;;) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          throw corrupt(path, messageOf(error), error);
        }
        if (next.done) break;
        const table = tableOf(next.value);
        for (const batch of table.batches) {
          const raw = new Array<RawBatch['columns'][number]>(columns.length);
          for (const field of mapping.fields) {
            const child = batch.getChild(field.source);
            if (child === null) throw corrupt(path, `column "${field.source}" is missing from a row group`);
            raw[field.index] = rawColumnOfArrow(field.source, child.data[0] as arrow.Data);
          }
          const offset = rowsBefore;
          rowsBefore += batch.numRows;
          yield { columns: raw, length: batch.numRows, location: { path, rowNumber: (i) => offset + i + 1 } };
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    const expected = file.metadata().fileMetadata().numRows();
    if (rowsBefore !== expected) throw corrupt(path, `read ${rowsBefore} rows but the footer declares ${expected}`);
  }

  return { format: 'parquet', columns, checksum: 'not-applicable', warnings, batches, close };
}
