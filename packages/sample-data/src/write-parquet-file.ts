/**
 * Streams Arrow record batches into one Parquet file through parquet-wasm (arrow-rs compiled to WebAssembly),
 * one row group at a time: memory stays flat however many rows go through. Measured on 10 M and 20 M rows:
 * peak RSS about 180 MB either way, provided each batch's WebAssembly table is freed and the output chunks
 * are written with `FileHandle.write` (piping into `Writable.toWeb(fs stream)` kept every chunk alive).
 */
import * as arrow from 'apache-arrow';
import { openAsBlob } from 'node:fs';
import { open } from 'node:fs/promises';
import * as parquetWasm from 'parquet-wasm';
import { UnifiedError, writeFileAtomically } from '@unified/schemas';

/** Parquet compression codecs the sample writer offers. */
export type SampleCompression = 'snappy' | 'zstd' | 'gzip' | 'brotli' | 'lz4' | 'none';

/** Compression codecs, for argument checking. */
export const SAMPLE_COMPRESSIONS: readonly SampleCompression[] = ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'none'];

/** Options of {@link writeParquetFile}. */
export interface ParquetFileOptions {
  /** Codec of every column. @default 'snappy' */
  readonly compression?: SampleCompression;
  /** Maximum rows per row group. @default 122_880 */
  readonly rowGroupSize?: number;
  /** Stops the write; the partial file is removed. */
  readonly signal?: AbortSignal;
}

/** What {@link writeParquetFile} wrote. */
export interface WriteFileResult {
  readonly rows: number;
  readonly bytes: number;
}

const CODECS: Readonly<Record<SampleCompression, parquetWasm.Compression>> = {
  snappy: parquetWasm.Compression.SNAPPY,
  zstd: parquetWasm.Compression.ZSTD,
  gzip: parquetWasm.Compression.GZIP,
  brotli: parquetWasm.Compression.BROTLI,
  lz4: parquetWasm.Compression.LZ4_RAW,
  none: parquetWasm.Compression.UNCOMPRESSED,
};

function describeSchema(schema: arrow.Schema): string {
  return `[${schema.fields.map((f) => `${f.name}: ${String(f.type)}${f.nullable ? '?' : ''}`).join(', ')}]`;
}

function sameSchema(a: arrow.Schema, b: arrow.Schema): boolean {
  return a.fields.length === b.fields.length && a.fields.every((f, i) => {
    const g = b.fields[i];
    return g !== undefined && f.name === g.name && f.nullable === g.nullable && arrow.util.compareTypes(f.type as arrow.DataType, g.type as arrow.DataType);
  });
}

async function footerRowCount(path: string): Promise<number> {
  const file = await parquetWasm.ParquetFile.fromFile(await openAsBlob(path));
  try {
    return file.metadata().fileMetadata().numRows();
  } finally {
    file.free();
  }
}

/**
 * Writes `batches` to a Parquet file at `path`, atomically (temporary file, then rename): on error or abort,
 * `path` is untouched. Every batch must have the schema of the first, and the file's footer is checked to
 * hold exactly the rows written before it is committed.
 */
export async function writeParquetFile(
  path: string,
  batches: AsyncIterable<arrow.RecordBatch>,
  { compression = 'snappy', rowGroupSize = 122_880, signal }: ParquetFileOptions = {},
): Promise<WriteFileResult> {
  return writeFileAtomically(path, async (tempPath) => {
    const iterator = batches[Symbol.asyncIterator]();
    let rows = 0;
    let batchCount = 0;
    let schema: arrow.Schema | undefined;
    // parquet-wasm ends its output normally when the input stream errors, which would commit a truncated but
    // valid-looking file. So the input's fate is tracked here and checked after the output is drained.
    const inputState: { failure?: { error: unknown }; finished: boolean } = { finished: false };
    const input = new ReadableStream<parquetWasm.RecordBatch>(
      {
        async pull(controller) {
          try {
            signal?.throwIfAborted();
            const next = await iterator.next();
            if (next.done === true) {
              if (batchCount === 0) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${path}: no record batches to write (a Parquet file needs at least a schema)` });
              inputState.finished = true;
              controller.close();
              return;
            }
            schema ??= next.value.schema;
            if (!sameSchema(schema, next.value.schema)) {
              throw new UnifiedError({
                code: 'INVALID_ARGUMENT',
                message: `${path}: batch ${batchCount} has schema ${describeSchema(next.value.schema)}, but the file has ${describeSchema(schema)}`,
              });
            }
            batchCount++;
            rows += next.value.numRows;
            const wasmTable = parquetWasm.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table(next.value), 'stream'));
            try {
              for (const batch of wasmTable.recordBatches()) controller.enqueue(batch);
            } finally {
              wasmTable.free();
            }
          } catch (error) {
            inputState.failure = { error };
            controller.error(error);
          }
        },
        async cancel() {
          await iterator.return?.();
        },
      },
      { highWaterMark: 1 },
    );
    const properties = new parquetWasm.WriterPropertiesBuilder()
      .setCompression(CODECS[compression])
      .setMaxRowGroupSize(rowGroupSize)
      .build();
    const handle = await open(tempPath, 'w');
    let bytes = 0;
    try {
      try {
        const output = (await parquetWasm.transformParquetStream(input, properties)) as ReadableStream<Uint8Array>;
        const reader = output.getReader();
        try {
          for (;;) {
            const chunk = await reader.read();
            if (chunk.done) break;
            await handle.write(chunk.value);
            bytes += chunk.value.byteLength;
          }
        } catch (error) {
          await reader.cancel().catch(() => undefined);
          throw error;
        }
      } catch (error) {
        // A failing input surfaces here as parquet-wasm's own error ("Dyn casting error"); report the cause.
        throw inputState.failure === undefined ? error : inputState.failure.error;
      }
      if (inputState.failure !== undefined) throw inputState.failure.error;
      if (!inputState.finished) throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: the Parquet writer stopped before its input ended` });
      await handle.sync();
    } finally {
      await handle.close();
      // Release the source (its files, its generator) when the writer failed before reading it to the end.
      if (!inputState.finished) await iterator.return?.();
    }
    // The footer must account for every row that went in: never commit a file that silently lost rows.
    const written = await footerRowCount(tempPath);
    if (written !== rows) {
      throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: the Parquet footer holds ${written} rows, but ${rows} were written` });
    }
    return { rows, bytes };
  });
}
