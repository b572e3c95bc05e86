/**
 * The default engine: parquet-wasm (arrow-rs compiled to WebAssembly). Every codec, dictionary encoding for
 * strings, DELTA_BINARY_PACKED for integer columns (the smallest files measured, product.md), page statistics.
 * Encoding runs in a worker thread (`encode-worker.js`), so it overlaps with reading and converting on the main
 * thread; batches go over as Arrow IPC, a few at a time, and the Parquet bytes come back to be written, hashed
 * and fsynced here. Memory stays at about one row group plus the batches in flight.
 */
import * as arrow from 'apache-arrow';
import { UnifiedError } from '@unified/schemas';
import { type EncoderProperties, type EncoderReply, type EncoderThread, encoderThread } from './encoder-thread.js';
import { FileSink, assertFooterRows } from './file-sink.js';
import { type EncodeOptions, type EngineWriter, type ParquetCompression, type ParquetEngine, assertCompression, PARQUET_COMPRESSIONS } from './parquet-engine.js';
import { describeSchema, sameSchema } from './same-schema.js';

const CODECS: Readonly<Record<ParquetCompression, string>> = {
  snappy: 'SNAPPY',
  zstd: 'ZSTD',
  gzip: 'GZIP',
  brotli: 'BROTLI',
  lz4: 'LZ4_RAW',
  uncompressed: 'UNCOMPRESSED',
};

/** Record batches handed to the worker and not yet taken by its encoder: enough to keep it busy, little memory. */
const MAX_IN_FLIGHT = 3;

function properties(schema: arrow.Schema, options: EncodeOptions): EncoderProperties {
  return {
    compression: CODECS[options.compression],
    rowGroupSize: options.rowGroupSize,
    createdBy: options.createdBy,
    deltaColumns: schema.fields.filter((field) => arrow.DataType.isInt(field.type)).map((field) => field.name),
  };
}

class WasmWriter implements EngineWriter {
  private rows = 0;
  private inFlight = 0;
  private waiting: (() => void)[] = [];
  private failure: UnifiedError | undefined;
  // The sink's writes, in the order the bytes arrive.
  private writing: Promise<void> = Promise.resolve();
  private ended: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private readonly thread: EncoderThread;
  private readonly id: number;

  constructor(
    private readonly sink: FileSink,
    private readonly schema: arrow.Schema,
    options: EncodeOptions,
  ) {
    this.thread = encoderThread();
    this.id = this.thread.open(properties(schema, options), {
      reply: (reply) => this.onReply(reply),
      crashed: (message) => this.fail(message),
    });
  }

  private onReply(reply: EncoderReply): void {
    switch (reply.type) {
      case 'taken':
        this.inFlight--;
        this.waiting.shift()?.();
        return;
      case 'bytes': {
        const chunk = reply.chunk;
        this.writing = this.writing.then(() => (this.failure === undefined ? this.sink.write(chunk) : undefined)).catch((error: unknown) => this.fail(error));
        return;
      }
      case 'closed':
      case 'aborted':
        this.ended?.resolve();
        return;
      case 'failed':
        this.fail(reply.message);
    }
  }

  private fail(cause: unknown): void {
    if (this.failure === undefined) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      this.failure = UnifiedError.isInstance(cause) ? cause : new UnifiedError({ code: 'WRITE_FAILED', message: `${this.sink.path}: the Parquet writer failed: ${detail}`, cause });
    }
    for (const wake of this.waiting.splice(0)) wake();
    this.ended?.reject(this.failure);
  }

  // Resolves when the worker ended the file (closed or aborted), rejects when it failed.
  private end(type: 'close' | 'abort'): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.ended = { resolve, reject };
      if (this.failure !== undefined) reject(this.failure);
      else this.thread.post({ type, id: this.id });
    });
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (batch.numRows === 0) return;
    // The encoder takes its schema from the first batch and cannot report a later mismatch (it drops the batch).
    if (!sameSchema(this.schema, batch.schema)) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${this.sink.path}: a batch has columns ${describeSchema(batch.schema)}, but the file is ${describeSchema(this.schema)}` });
    }
    const ipc = arrow.tableToIPC(new arrow.Table(batch), 'stream');
    this.inFlight++;
    this.thread.post({ type: 'write', id: this.id, ipc }, [ipc.buffer as ArrayBuffer]);
    this.rows += batch.numRows;
    while (this.inFlight > MAX_IN_FLIGHT && this.stopped() === undefined) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const failure = this.stopped();
    if (failure !== undefined) throw failure;
  }

  // The failure, read through a call: it changes while a write waits.
  private stopped(): UnifiedError | undefined {
    return this.failure;
  }

  async close(): Promise<{ rows: number; bytes: number; sha256: string }> {
    try {
      await this.end('close');
      await this.writing;
      if (this.failure !== undefined) throw this.failure;
    } catch (error) {
      this.thread.release(this.id);
      await this.sink.abort();
      throw error;
    }
    this.thread.release(this.id);
    const { bytes, sha256 } = await this.sink.finish();
    await assertFooterRows(this.sink.path, this.rows);
    return { rows: this.rows, bytes, sha256 };
  }

  async abort(): Promise<void> {
    await this.end('abort').catch(() => undefined);
    await this.writing;
    this.thread.release(this.id);
    await this.sink.abort();
  }
}

/** The parquet-wasm engine. */
export const WASM_ENGINE: ParquetEngine = {
  name: 'wasm',
  async open(path, schema, options) {
    assertCompression('wasm', options.compression, PARQUET_COMPRESSIONS);
    return new WasmWriter(await FileSink.create(path), schema, options);
  },
};
