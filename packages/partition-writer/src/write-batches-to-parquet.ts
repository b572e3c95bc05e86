/**
 * One Parquet file from a stream of record batches of any schema, through the wasm engine (all codecs, DELTA
 * integers, statistics), committed atomically (D9): the file appears whole or not at all. For exports such as
 * `unified query --format parquet`; datasets are written with `writePartitions`.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { UnifiedError, writeFileAtomically } from '@unified/schemas';
import type { EncodedFile, ParquetCompression } from './parquet-engine.js';
import { reportedAs } from './reported-path.js';
import { WASM_ENGINE } from './wasm-engine.js';

/** Options of {@link writeBatchesToParquet}. */
export interface WriteBatchesToParquetOptions {
  /** @default 'snappy' */
  readonly compression?: ParquetCompression;
  /** @default 1_048_576 */
  readonly rowGroupSize?: number;
}

/**
 * Writes `batches` (all of one schema) to `path` and returns its rows, bytes and sha256. An empty stream
 * writes nothing and throws `INVALID_ARGUMENT` (a Parquet file needs a schema); a failed write throws
 * `WRITE_FAILED` naming `path`, and leaves `path` as it was.
 *
 * @example
 * const table = await readPartitionedDataset('data_cache/unified/klines/binance_BTCUSDT_1m', { start: '2024-01-01', end: '2024-02-01' });
 * await writeBatchesToParquet(table.batches, 'btcusdt-2024-01.parquet', { compression: 'zstd' });
 */
export async function writeBatchesToParquet(batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>, path: string, options: WriteBatchesToParquetOptions = {}): Promise<EncodedFile> {
  const target = resolve(path);
  return writeFileAtomically(target, async (temp) => {
    let writer: Awaited<ReturnType<typeof WASM_ENGINE.open>> | undefined;
    let schema: arrow.Schema | undefined;
    try {
      for await (const batch of batches) {
        schema ??= batch.schema;
        // Batches without rows only carry the schema (the streaming encoder refuses them).
        if (batch.numRows === 0) continue;
        writer ??= await WASM_ENGINE.open(temp, batch.schema, { compression: options.compression ?? 'snappy', rowGroupSize: options.rowGroupSize ?? 1_048_576, createdBy: `unified partition-writer ${__PACKAGE_VERSION__}` });
        await writer.write(batch);
      }
      if (schema === undefined) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${target}: no record batches to write` });
      if (writer === undefined) return await writeEmptyFile(temp, schema);
      return await writer.close();
    } catch (error) {
      await writer?.abort();
      // The encoder names the file it writes, which is the temporary one; the caller knows only `path`.
      throw reportedAs(error, temp, target);
    }
  });
}

/** A valid Parquet file with the columns of `schema` and no rows. */
async function writeEmptyFile(path: string, schema: arrow.Schema): Promise<EncodedFile> {
  const children = schema.fields.map((f) => arrow.vectorFromArray([], f.type as arrow.DataType).data[0]!);
  const empty = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, nullCount: 0, children }));
  const bytes = writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(new arrow.Table([empty]), 'stream')));
  await writeFile(path, bytes, { flush: true });
  return { rows: 0, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
