/**
 * The narrow seam every Parquet encoder implements: open a file, append record batches (already sorted and in
 * the canonical file schema), close. The writer owns ordering, chunking and the commit; an engine only turns
 * batches into bytes, with statistics always on.
 */
import type * as arrow from 'apache-arrow';
import { UnifiedError } from '@unified/schemas';

/** Parquet engines: `wasm` (parquet-wasm, arrow-rs in WebAssembly) or `parquetjs` (@dsnp/parquetjs, pure JS). */
export type ParquetEngineName = 'wasm' | 'parquetjs';

/** The engines, for argument checking. */
export const PARQUET_ENGINES: readonly ParquetEngineName[] = ['wasm', 'parquetjs'];

/** Compression codecs. `parquetjs` supports `snappy`, `gzip`, `brotli` and `uncompressed` only. */
export type ParquetCompression = 'snappy' | 'zstd' | 'gzip' | 'brotli' | 'lz4' | 'uncompressed';

/** The codecs, for argument checking. */
export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['snappy', 'zstd', 'gzip', 'brotli', 'lz4', 'uncompressed'];

/** How an engine encodes one file. */
export interface EncodeOptions {
  readonly compression: ParquetCompression;
  /** Rows per row group. */
  readonly rowGroupSize: number;
  /** Written into the footer's `created_by`; fixed per release so re-runs are byte-identical. */
  readonly createdBy: string;
}

/** What an engine wrote. */
export interface EncodedFile {
  readonly rows: number;
  readonly bytes: number;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
}

/** One file being encoded. */
export interface EngineWriter {
  /** Appends rows; batches arrive in file order. */
  write(batch: arrow.RecordBatch): Promise<void>;
  /** Finishes the file, fsyncs it, and checks that its footer holds every row written. */
  close(): Promise<EncodedFile>;
  /** Stops and removes the partial file. */
  abort(): Promise<void>;
}

/** A Parquet encoder. */
export interface ParquetEngine {
  readonly name: ParquetEngineName;
  /** Opens `path` for writing rows of `schema` (the data type's file schema). */
  open(path: string, schema: arrow.Schema, options: EncodeOptions): Promise<EngineWriter>;
}

/** Refuses a codec the engine cannot write. */
export function assertCompression(engine: ParquetEngineName, compression: ParquetCompression, supported: readonly ParquetCompression[]): void {
  if (!supported.includes(compression)) {
    throw new UnifiedError({
      code: 'INVALID_ARGUMENT',
      message: `engine "${engine}" cannot write ${compression}; it supports ${supported.join(', ')}`,
    });
  }
}
