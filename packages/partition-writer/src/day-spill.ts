/**
 * Rows of one UTC day kept on disk until the day is sorted: Arrow IPC streams appended to one file, each with a
 * length prefix. Used when the input is not in time order, so memory holds a small buffer per day, not the day.
 */
import { appendFile, readFile } from 'node:fs/promises';
import * as arrow from 'apache-arrow';

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
    const ipc = arrow.tableToIPC(new arrow.Table(this.buffered), 'stream');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(ipc.byteLength));
    await appendFile(this.path, Buffer.concat([prefix, ipc]));
    this.buffered = [];
    this.bufferedRows = 0;
  }

  /** Every spilled row, in the order added. */
  async readAll(): Promise<arrow.RecordBatch[]> {
    await this.flush();
    const bytes = await readFile(this.path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    const batches: arrow.RecordBatch[] = [];
    for (let at = 0; at < bytes.length; ) {
      const length = Number(bytes.readBigUInt64LE(at));
      batches.push(...arrow.tableFromIPC(bytes.subarray(at + 8, at + 8 + length)).batches);
      at += 8 + length;
    }
    return batches;
  }
}
