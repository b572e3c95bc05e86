/**
 * The main-thread side of `encode-worker.js`: a small pool of worker threads (one on two cores, two on more),
 * shared by every file the wasm engine writes in this process and started on first use. A file goes to the
 * worker with the fewest open files, so a day that is finishing encodes beside the next one. Replies are
 * routed to the file they belong to by id. A worker holds the process open only while it has an open file; if
 * it crashes (a trap in the encoder), its open files fail and the next file starts a new worker.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** How the worker encodes one file. */
export interface EncoderProperties {
  /** A `parquet-wasm` `Compression` member name (`SNAPPY`, `ZSTD`, ...). */
  readonly compression: string;
  readonly rowGroupSize: number;
  readonly createdBy: string;
  /** Columns written with DELTA_BINARY_PACKED and no dictionary. */
  readonly deltaColumns: readonly string[];
}

/** A reply of the worker about one file. */
export type EncoderReply =
  | { readonly type: 'taken' | 'closed' | 'aborted'; readonly id: number }
  | { readonly type: 'bytes'; readonly id: number; readonly chunk: Uint8Array }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** What an open file hears from the worker. */
export interface EncoderListener {
  reply(reply: EncoderReply): void;
  /** The worker died; `message` says how. */
  crashed(message: string): void;
}

const WORKER_URL = new URL('./encode-worker.js', import.meta.url);

/** The encoding worker thread. */
export class EncoderThread {
  private readonly worker: Worker;
  private readonly listeners = new Map<number, EncoderListener>();
  private nextId = 1;
  private failure: string | undefined;

  constructor() {
    this.worker = new Worker(WORKER_URL);
    this.worker.unref();
    this.worker.on('message', (reply: EncoderReply) => this.listeners.get(reply.id)?.reply(reply));
    this.worker.on('error', (error: Error) => this.crash(`the Parquet encoder crashed (${error.message})`));
    this.worker.on('exit', (code) => this.crash(`the Parquet encoder stopped (exit code ${code})`));
  }

  /** Whether new files may use this worker. */
  get healthy(): boolean {
    return this.failure === undefined;
  }

  /** Files open in this worker. */
  get openFiles(): number {
    return this.listeners.size;
  }

  private crash(message: string): void {
    this.failure ??= message;
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    for (const listener of listeners) listener.crashed(this.failure);
  }

  /** Opens a file in the worker; its replies go to `listener` until {@link release}. */
  open(properties: EncoderProperties, listener: EncoderListener): number {
    const id = this.nextId++;
    if (this.failure !== undefined) {
      queueMicrotask(() => listener.crashed(this.failure!));
      return id;
    }
    if (this.listeners.size === 0) this.worker.ref();
    this.listeners.set(id, listener);
    this.worker.postMessage({ type: 'open', id, properties });
    return id;
  }

  /** Sends a message about file `id`, transferring `transfer`. */
  post(message: { readonly type: 'write'; readonly id: number; readonly ipc: Uint8Array } | { readonly type: 'close' | 'abort'; readonly id: number }, transfer: ArrayBuffer[] = []): void {
    if (this.failure === undefined) this.worker.postMessage(message, transfer);
  }

  /** Stops routing replies to file `id`; the worker no longer holds the process open once no file is open. */
  release(id: number): void {
    if (this.listeners.delete(id) && this.listeners.size === 0) this.worker.unref();
  }
}

/**
 * Encoding workers per process: one beside the main thread and the decoder on two cores (a second one was no
 * faster there and held 50 MB more), two on more cores, so that a finishing day encodes beside the next.
 */
const POOL_SIZE = availableParallelism() > 2 ? 2 : 1;

const pool: EncoderThread[] = [];

/** The encoding worker for a new file: the least busy one, started on first use and again after a crash. */
export function encoderThread(): EncoderThread {
  for (let i = 0; i < pool.length; i++) if (!pool[i]!.healthy) pool.splice(i--, 1);
  const idle = pool.find((thread) => thread.openFiles === 0);
  if (idle !== undefined) return idle;
  if (pool.length < POOL_SIZE) {
    const thread = new EncoderThread();
    pool.push(thread);
    return thread;
  }
  return pool.reduce((best, thread) => (thread.openFiles < best.openFiles ? thread : best));
}

/** Files open in the encoding workers of this process (for tests: none once every write ended). */
export function openEncoderFiles(): number {
  return pool.reduce((n, thread) => n + thread.openFiles, 0);
}
