/**
 * Rows of one UTC day kept on disk until the day is sorted: Arrow IPC streams appended to one file, each with a
 * length prefix. Used when the input is not in time order, so memory holds a small buffer per day, not the day.
 */
import { appendFile, open } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { concatBatches } from './flat-columns.js';

/** A day's spilled rows. */
export class DaySpill {
  private buffered: arrow.RecordBatch[] = [];
  private bufferedRows = 0;
  /** Rows spilled so far (buffered or on disk). */
  rows = 0;

  constructor(readonly path: string) {}

  /** Rows held in memory, not yet on disk. */
  get inMemory(): number {
    return this.bufferedRows;
  }

  /** Adds rows; they go to disk at the next {@link flush}. */
  add(batch: arrow.RecordBatch): void {
    this.buffered.push(batch);
    this.bufferedRows += batch.numRows;
    this.rows += batch.numRows;
  }

  /** Writes the buffered rows to the spill file. */
  async flush(): Promise<void> {
    if (this.buffered.length === 0) return;
    // Copy the rows into one compact batch first: Arrow's IPC writer writes a slice's whole source bitmaps, so
    // spilling many one-row slices of a large batch would write that batch again and again.
    const compact = concatBatches(this.buffered[0]!.schema, this.buffered);
    const ipc = arrow.tableToIPC(new arrow.Table(compact), 'stream');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(ipc.byteLength));
    await appendFile(this.path, Buffer.concat([prefix, ipc]));
    this.buffered = [];
    this.bufferedRows = 0;
  }

  /** Every spilled row, in the order added, read one message at a time (a day may exceed any one buffer). */
  async readAll(): Promise<arrow.RecordBatch[]> {
    await this.flush();
    if (this.rows === 0) return [];
    const handle = await open(this.path, 'r');
    try {
      const { size } = await handle.stat();
      const batches: arrow.RecordBatch[] = [];
      const prefix = Buffer.alloc(8);
      for (let at = 0; at < size; ) {
        await handle.read(prefix, 0, 8, at);
        const length = Number(prefix.readBigUInt64LE(0));
        const body = Buffer.alloc(length);
        await handle.read(body, 0, length, at + 8);
        batches.push(...arrow.tableFromIPC(body).batches);
        at += 8 + length;
      }
      return batches;
    } finally {
      await handle.close();
    }
  }
}
