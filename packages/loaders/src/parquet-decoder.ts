/**
 * The main-thread side of `parquet-worker.js`: sends one request at a time and turns the worker's replies,
 * errors and traps into promises. The worker holds the process open only while a request is pending. One idle
 * decoder is kept and reused by the next Parquet source, so reading hundreds of per-day files does not start hundreds of
 * workers.
 */
import { Worker } from 'node:worker_threads';

/** A reply of the worker. */
export type DecoderReply =
  | { readonly type: 'opened'; readonly schema: Uint8Array; readonly numRows: number; readonly rowGroupRows: readonly number[] }
  | { readonly type: 'streaming' | 'end' | 'closed' }
  | { readonly type: 'batch'; readonly ipc: Uint8Array }
  | { readonly type: 'error'; readonly message: string };

/** A request to the worker. */
export type DecoderRequest =
  | { readonly type: 'open'; readonly path: string }
  | { readonly type: 'stream'; readonly batchSize: number; readonly columns: readonly string[]; readonly rowGroups?: readonly number[] }
  | { readonly type: 'next' | 'close' };

/** Raised when the worker failed: `trapped` when the decoder crashed rather than reporting an error. */
export class DecoderFailure extends Error {
  readonly trapped: boolean;
  constructor(message: string, trapped: boolean) {
    super(message);
    this.trapped = trapped;
  }
}

const WORKER_URL = new URL('./parquet-worker.js', import.meta.url);

/** One worker thread decoding Parquet. */
export class ParquetDecoder {
  private readonly worker: Worker;
  private pending: { resolve: (reply: DecoderReply) => void; reject: (error: Error) => void } | undefined;
  private failure: DecoderFailure | undefined;

  constructor() {
    this.worker = new Worker(WORKER_URL);
    this.worker.unref();
    this.worker.on('message', (reply: DecoderReply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (reply.type === 'error') pending?.reject(new DecoderFailure(reply.message, false));
      else pending?.resolve(reply);
    });
    this.worker.on('error', (error: Error) => this.fail(new DecoderFailure(`the decoder crashed (${error.message})`, true)));
    this.worker.on('exit', (code) => this.fail(new DecoderFailure(`the decoder stopped (exit code ${code})`, true)));
  }

  /** Whether the worker is still usable. */
  get healthy(): boolean {
    return this.failure === undefined;
  }

  private fail(failure: DecoderFailure): void {
    this.failure ??= failure;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.failure);
  }

  /** Sends `request` and waits for its reply. Only one request may be outstanding. */
  request(request: DecoderRequest): Promise<DecoderReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined) return Promise.reject(new Error('ParquetDecoder: a request is already pending'));
    // The worker keeps the process alive only while it works on a request: an iterator the caller abandons
    // mid-file must not hold the process open.
    this.worker.ref();
    return new Promise<DecoderReply>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    }).finally(() => this.worker.unref());
  }

  /** Stops the worker. */
  async terminate(): Promise<void> {
    this.failure ??= new DecoderFailure('the decoder was stopped', false);
    await this.worker.terminate();
  }
}

let idle: ParquetDecoder | undefined;

/** A decoder for one source: the idle one if there is one, else a new worker. */
export function acquireDecoder(): ParquetDecoder {
  const decoder = idle?.healthy === true ? idle : new ParquetDecoder();
  idle = undefined;
  return decoder;
}

/** Returns a decoder after use: kept idle for the next source when healthy and none is idle, else stopped. */
export async function releaseDecoder(decoder: ParquetDecoder): Promise<void> {
  if (decoder.healthy && idle === undefined) {
    idle = decoder;
    return;
  }
  await decoder.terminate();
}
