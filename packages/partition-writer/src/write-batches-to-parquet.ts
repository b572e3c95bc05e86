/**
 * One Parquet file from a stream of record batches of any schema, through the wasm engine (all codecs, DELTA
 * integers, statistics), committed atomically (D9): the file appears whole or not at all. For exports such as
 * `unified query --format parquet`; datasets are written with `writePartitions`.
 */
import { resolve } from 'node:path';
import type * as arrow from 'apache-arrow';
import { UnifiedError, writeFileAtomically } from '@unified/schemas';
import type { EncodedFile, ParquetCompression } from './parquet-engine.js';
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
 * writes nothing and throws `INVALID_ARGUMENT` (a Parquet file needs a schema).
 *
 * @example
 * const table = await readPartitionedDataset('data_cache/unified/klines/binance_BTCUSDT_1m', { start: '2024-01-01', end: '2024-02-01' });
 * await writeBatchesToParquet(table.batches, 'btcusdt-2024-01.parquet', { compression: 'zstd' });
 */
export async function writeBatchesToParquet(batches: AsyncIterable<arrow.RecordBatch> | Iterable<arrow.RecordBatch>, path: string, options: WriteBatchesToParquetOptions = {}): Promise<EncodedFile> {
  const target = resolve(path);
  return writeFileAtomically(target, async (temp) => {
    let writer: Awaited<ReturnType<typeof WASM_ENGINE.open>> | undefined;
    try {
      for await (const batch of batches) {
        writer ??= await WASM_ENGINE.open(temp, batch.schema, { compression: options.compression ?? 'snappy', rowGroupSize: options.rowGroupSize ?? 1_048_576, createdBy: `unified partition-writer ${__PACKAGE_VERSION__}` });
        await writer.write(batch);
      }
      if (writer === undefined) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${target}: no record batches to write` });
      return await writer.close();
    } catch (error) {
      await writer?.abort();
      throw error;
    }
  });
}
