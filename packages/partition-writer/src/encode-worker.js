// Encodes Parquet with parquet-wasm (arrow-rs) inside a worker thread, so that encoding runs on the second core
// while the main thread reads, converts and routes the next rows. Pure computation: record batches in (Arrow
// IPC), Parquet bytes out; the main thread writes, hashes and fsyncs the bytes. Several files may be open at
// once, each with its own id.
//
// Protocol (messages in order; replies in order per file):
//   { type: 'open', id, properties: { compression, rowGroupSize, createdBy, deltaColumns } }
//   { type: 'write', id, ipc: <IPC stream bytes> }  -> { type: 'taken', id } once the encoder took its rows
//   { type: 'close', id }                          -> { type: 'bytes', id, chunk }* then { type: 'closed', id }
//   { type: 'abort', id }                          -> { type: 'aborted', id }
//   any failure                                    -> { type: 'failed', id, message } (the file is dropped)
// Plain JavaScript so it runs as a worker without a TypeScript loader, from src (tests) and dist alike.
import { parentPort } from 'node:worker_threads';
import * as parquetWasm from 'parquet-wasm';

/** @type {Map<number, { queue: Array<{ batch: unknown, last: boolean }|null>, wake: (() => void)|undefined, done: Promise<void>, aborted: boolean }>} */
const files = new Map();

function writerProperties({ compression, rowGroupSize, createdBy, deltaColumns }) {
  let builder = new parquetWasm.WriterPropertiesBuilder()
    .setCompression(parquetWasm.Compression[compression])
    .setMaxRowGroupSize(rowGroupSize)
    .setStatisticsEnabled(parquetWasm.EnabledStatistics.Page)
    .setCreatedBy(createdBy);
  for (const name of deltaColumns) builder = builder.setColumnDictionaryEnabled(name, false).setColumnEncoding(name, parquetWasm.Encoding.DELTA_BINARY_PACKED);
  return builder.build();
}

const post = (message, transfer = []) => parentPort.postMessage(message, transfer);

function open(id, properties) {
  const file = { queue: [], wake: undefined, done: undefined, aborted: false };
  // Each batch is acknowledged when the encoder pulls it: the main thread keeps only a few in flight.
  const input = new ReadableStream(
    {
      async pull(controller) {
        while (file.queue.length === 0) await new Promise((resolve) => (file.wake = resolve));
        const next = file.queue.shift();
        if (next === null) {
          controller.close();
          return;
        }
        controller.enqueue(next.batch);
        if (next.last) post({ type: 'taken', id });
      },
    },
    { highWaterMark: 0 },
  );
  file.done = (async () => {
    const output = await parquetWasm.transformParquetStream(input, writerProperties(properties));
    const reader = output.getReader();
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      if (file.aborted) continue;
      // Transferred, never copied; a view into a larger buffer (never wasm memory itself) is copied first.
      const bytes = chunk.value.byteOffset === 0 && chunk.value.buffer.byteLength === chunk.value.byteLength ? chunk.value : chunk.value.slice();
      post({ type: 'bytes', id, chunk: bytes }, [bytes.buffer]);
    }
  })();
  files.set(id, file);
}

function push(file, item) {
  file.queue.push(item);
  const wake = file.wake;
  file.wake = undefined;
  wake?.();
}

function fail(id, error) {
  const file = files.get(id);
  files.delete(id);
  if (file !== undefined) {
    file.aborted = true;
    push(file, null);
  }
  post({ type: 'failed', id, message: error instanceof Error ? error.message : String(error) });
  // A trap leaves the encoder's memory in an unknown state: this worker ends (its other files fail with it) and
  // the next file gets a new one.
  if (error instanceof WebAssembly.RuntimeError) process.exit(1);
}

parentPort.on('message', (message) => {
  const { id } = message;
  try {
    if (message.type === 'open') {
      open(id, message.properties);
      files.get(id).done.catch((error) => fail(id, error));
      return;
    }
    const file = files.get(id);
    if (file === undefined) return; // failed before: the failure was reported
    if (message.type === 'write') {
      const table = parquetWasm.Table.fromIPCStream(message.ipc);
      let batches;
      try {
        batches = table.recordBatches();
      } finally {
        table.free();
      }
      if (batches.length === 0) post({ type: 'taken', id });
      batches.forEach((batch, i) => push(file, { batch, last: i === batches.length - 1 }));
    } else if (message.type === 'close') {
      push(file, null);
      file.done.then(
        () => {
          if (files.delete(id)) post({ type: 'closed', id });
        },
        () => undefined, // reported by fail()
      );
    } else if (message.type === 'abort') {
      file.aborted = true;
      files.delete(id);
      push(file, null);
      file.done.finally(() => post({ type: 'aborted', id })).catch(() => undefined);
    }
  } catch (error) {
    fail(id, error);
  }
});
