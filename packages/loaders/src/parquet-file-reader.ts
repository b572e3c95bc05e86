/**
 * One Parquet file, read column by column and row group by row group in a worker thread (parquet-wasm), so a
 * corrupt file cannot crash the caller and decoding overlaps with the caller's work: while the caller handles
 * one batch, the worker already decodes the next.
 */
import { stat } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { UnifiedError } from '@unified/schemas';
import { type ParquetDecoder, acquireDecoder, releaseDecoder } from './parquet-decoder.js';

/** Options of {@link ParquetFileReader.batches}. */
export interface ParquetBatchOptions {
  /** Columns to decode, by name; all when absent. */
  readonly columns?: readonly string[];
  /** Row groups to decode, by index; all when absent. */
  readonly rowGroups?: readonly number[];
  /** Rows per batch. @default 65536 */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

/** An open Parquet file: its schema and row groups from the footer, and its rows as batches. */
export interface ParquetFileReader {
  readonly path: string;
  /** The Arrow schema of the file, with each column's nullability (OPTIONAL or REQUIRED in Parquet). */
  readonly schema: arrow.Schema;
  /** Rows in the file, from its footer. */
  readonly numRows: number;
  /** Rows in each row group, from the footer. */
  readonly rowGroupRows: readonly number[];
  /** The rows as record batches, one at a time. One iteration at a time per reader. */
  batches(options?: ParquetBatchOptions): AsyncIterable<arrow.RecordBatch>;
  /** Frees the file; the reader cannot be used afterwards. */
  close(): Promise<void>;
}

function corrupt(path: string, error: unknown, signal: AbortSignal | undefined): UnifiedError {
  if (UnifiedError.isInstance(error)) return error;
  if (signal?.aborted === true) return new UnifiedError({ code: 'ABORTED', message: `${path}: reading was aborted`, cause: signal.reason });
  return new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${path}: not a readable Parquet file: ${error instanceof Error ? error.message : String(error)}`, cause: error });
}

class FileReader implements ParquetFileReader {
  private busy = false;
  private closed = false;

  constructor(
    readonly path: string,
    readonly schema: arrow.Schema,
    readonly numRows: number,
    readonly rowGroupRows: readonly number[],
    private readonly decoder: ParquetDecoder,
  ) {}

  async *batches(options: ParquetBatchOptions = {}): AsyncGenerator<arrow.RecordBatch> {
    const { columns, rowGroups, batchSize = 65_536, signal } = options;
    if (this.closed) throw new UnifiedError({ code: 'INTERNAL', message: `${this.path}: the reader is closed` });
    if (this.busy) throw new UnifiedError({ code: 'INTERNAL', message: `${this.path}: one iteration at a time per reader` });
    this.busy = true;
    let pending: Promise<unknown> | undefined;
    try {
      const names = columns ?? this.schema.fields.map((f) => f.name);
      await this.decoder.request({ type: 'stream', batchSize, columns: names, ...(rowGroups === undefined ? {} : { rowGroups }) });
      let next = this.decoder.request({ type: 'next' });
      pending = next;
      for (;;) {
        signal?.throwIfAborted();
        const reply = await next;
        pending = undefined;
        if (reply.type === 'end') return;
        if (reply.type !== 'batch') throw new Error(`unexpected reply ${reply.type}`);
        // Ask for the next batch before handing this one out: the worker decodes while the caller works.
        next = this.decoder.request({ type: 'next' });
        pending = next;
        for (const batch of arrow.tableFromIPC(reply.ipc).batches) yield batch;
      }
    } catch (error) {
      throw corrupt(this.path, error, signal);
    } finally {
      // An abandoned iteration still has a request in flight: let it land before the decoder is reused.
      if (pending !== undefined) await pending.catch(() => undefined);
      this.busy = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.decoder.healthy) await this.decoder.request({ type: 'close' }).catch(() => undefined);
    await releaseDecoder(this.decoder);
  }
}

/**
 * Opens a Parquet file and reads its footer. A file that is not Parquet (wrong magic, truncated, damaged
 * footer) is a `SOURCE_CORRUPT` error naming it; a missing file is `SOURCE_NOT_FOUND`. Close the reader when done.
 *
 * @example
 * const file = await openParquetFile('data_cache/unified/aggtrades/binance_BTCUSDT/exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=1/part-0.parquet');
 * try {
 *   console.log(file.numRows, file.schema.fields.map((f) => f.name));
 *   for await (const batch of file.batches({ columns: ['timestamp', 'trade_id'] })) console.log(batch.numRows);
 * } finally {
 *   await file.close();
 * }
 */
export async function openParquetFile(path: string): Promise<ParquetFileReader> {
  const decoder = acquireDecoder();
  try {
    const opened = await decoder.request({ type: 'open', path });
    if (opened.type !== 'opened') throw new Error(`unexpected reply ${opened.type}`);
    return new FileReader(path, arrow.tableFromIPC(opened.schema).schema, opened.numRows, opened.rowGroupRows, decoder);
  } catch (error) {
    if (decoder.healthy) await decoder.request({ type: 'close' }).catch(() => undefined);
    await releaseDecoder(decoder);
    // The worker's message does not say why the file could not be opened: ask the file system.
    const missing = await stat(path).then(
      () => false,
      (cause: unknown) => (cause as NodeJS.ErrnoException).code === 'ENOENT',
    );
    if (missing) throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${path}: no such file`, cause: error });
    throw corrupt(path, error, undefined);
  }
}
