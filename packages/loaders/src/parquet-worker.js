// Decodes one Parquet file at a time with parquet-wasm, inside a worker thread. A corrupt file can make the
// decoder trap ("RuntimeError: unreachable") from inside an async task, where no caller can catch it; here
// the trap ends only this worker, and the loader reports the file as corrupt. Decoding here also overlaps with
// the conversion on the main thread.
//
// Protocol (one request at a time, one reply each):
//   { type: 'open', path }                      -> { type: 'opened', schema: <IPC bytes>, numRows, rowGroupRows }
//   { type: 'stream', batchSize, columns[, rowGroups] } -> { type: 'streaming' }
//   { type: 'next' }                            -> { type: 'batch', ipc: <IPC bytes> } | { type: 'end' }
//   { type: 'close' }                           -> { type: 'closed' }
//   any failure                                 -> { type: 'error', message }
// Plain JavaScript so it runs as a worker without a TypeScript loader, from src (tests) and dist alike.
import { openAsBlob } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { ParquetFile } from 'parquet-wasm';

let file = null;
let reader = null;

async function close() {
  const open = reader;
  reader = null;
  if (open !== null) await open.cancel().catch(() => undefined);
  if (file !== null) file.free();
  file = null;
}

async function handle(message) {
  switch (message.type) {
    case 'open': {
      await close();
      file = await ParquetFile.fromFile(await openAsBlob(message.path));
      const schema = file.schema().intoIPCStream();
      const metadata = file.metadata();
      const rowGroupRows = metadata.rowGroups().map((group) => group.numRows());
      return [{ type: 'opened', schema, numRows: metadata.fileMetadata().numRows(), rowGroupRows }, [schema.buffer]];
    }
    case 'stream': {
      const options = { batchSize: message.batchSize, columns: message.columns };
      if (message.rowGroups !== undefined) options.rowGroups = message.rowGroups;
      const stream = await file.stream(options);
      reader = stream.getReader();
      return [{ type: 'streaming' }, []];
    }
    case 'next': {
      const next = await reader.read();
      if (next.done) return [{ type: 'end' }, []];
      const ipc = next.value.intoIPCStream();
      return [{ type: 'batch', ipc }, [ipc.buffer]];
    }
    case 'close':
      await close();
      return [{ type: 'closed' }, []];
    default:
      throw new Error(`unknown request ${JSON.stringify(message.type)}`);
  }
}

parentPort.on('message', (message) => {
  handle(message).then(
    ([reply, transfer]) => parentPort.postMessage(reply, transfer),
    (error) => parentPort.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
