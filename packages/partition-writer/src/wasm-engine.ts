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

/** Parquet bytes back from the worker and not yet written: past this, no more rows go out until the disk catches up. */
const MAX_UNWRITTEN_BYTES = 32 * 1024 * 1024;

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
  private unwritten = 0;
  private waiting: (() => void)[] = [];
  private failure: UnifiedError | undefined;
  // The sink's writes, in the order the bytes arrive.
  private writing: Promise<void> = Promise.resolve();
  // Whether the worker is done with the file (closed, aborted, failed or gone), and who waits for that.
  private workerDone = false;
  private whenDone: (() => void) | undefined;
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
      crashed: (message) => {
        this.fail(message);
        this.done();
      },
    });
  }

  private onReply(reply: EncoderReply): void {
    switch (reply.type) {
      case 'taken':
        this.inFlight--;
        this.wake();
        return;
      case 'bytes': {
        const chunk = reply.chunk;
        this.unwritten += chunk.byteLength;
        this.writing = this.writing
          .then(() => (this.failure === undefined ? this.sink.write(chunk) : undefined))
          .catch((error: unknown) => this.fail(error))
          .finally(() => {
            this.unwritten -= chunk.byteLength;
            this.wake();
          });
        return;
      }
      case 'closed':
      case 'aborted':
        this.done();
        return;
      case 'failed':
        this.fail(reply.message);
        this.done();
    }
  }

  private wake(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }

  private done(): void {
    this.workerDone = true;
    this.whenDone?.();
  }

  private fail(cause: unknown): void {
    if (this.failure === undefined) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      this.failure = UnifiedError.isInstance(cause) ? cause : new UnifiedError({ code: 'WRITE_FAILED', message: `${this.sink.path}: the Parquet writer failed: ${detail}`, cause });
    }
    this.wake();
  }

  // Ends the file in the worker (finishing it, or dropping it after a failure here) and waits until the worker
  // is done with it, so that it holds nothing for this file afterwards.
  private async end(type: 'close' | 'abort'): Promise<void> {
    if (!this.workerDone) {
      const done = new Promise<void>((resolve) => (this.whenDone = resolve));
      this.thread.post({ type: this.failure === undefined ? type : 'abort', id: this.id });
      await done;
    }
    this.thread.release(this.id);
    await this.writing;
  }

  // The failure, read through a call: it changes while a write waits.
  private stopped(): UnifiedError | undefined {
    return this.failure;
  }

  async write(batch: arrow.RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    // The encoder takes its schema from the first batch and cannot report a later mismatch (it drops the batch).
    if (!sameSchema(this.schema, batch.schema)) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${this.sink.path}: a batch has columns ${describeSchema(batch.schema)}, but the file is ${describeSchema(this.schema)}` });
    }
    while ((this.inFlight >= MAX_IN_FLIGHT || this.unwritten > MAX_UNWRITTEN_BYTES) && this.stopped() === undefined) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const failure = this.stopped();
    if (failure !== undefined) throw failure;
    const ipc = arrow.tableToIPC(new arrow.Table(batch), 'stream');
    this.inFlight++;
    this.thread.post({ type: 'write', id: this.id, ipc }, [ipc.buffer as ArrayBuffer]);
    this.rows += batch.numRows;
  }

  async close(): Promise<{ rows: number; bytes: number; sha256: string }> {
    await this.end('close');
    const failure = this.stopped();
    if (failure !== undefined) {
      await this.sink.abort();
      throw failure;
    }
    const { bytes, sha256 } = await this.sink.finish();
    await assertFooterRows(this.sink.path, this.rows);
    return { rows: this.rows, bytes, sha256 };
  }

  async abort(): Promise<void> {
    await this.end('abort');
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
