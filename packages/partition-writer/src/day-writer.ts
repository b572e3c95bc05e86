/**
 * Writes one day's rows, already in final order, into staged part files: re-cut into fixed chunks (so bytes do
 * not depend on input batching), split into `part-1`, `part-2`, ... past the row limit, through one engine.
 */
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { dataFileName } from '@unified/schemas';
import { failpoint } from './failpoints.js';
import { FixedChunks } from './fixed-chunks.js';
import { reportedAs } from './reported-path.js';
import type { EncodeOptions, EngineWriter, ParquetEngine } from './parquet-engine.js';
import type { WrittenFile } from './write-options.js';

/** Rows per batch handed to an engine: a multiple of arrow-rs's write batch size (1024). */
export const ENGINE_CHUNK_ROWS = 65_536;

/** A staged file: where it is now and the name it gets in its partition. */
export interface StagedFile extends WrittenFile {
  readonly stagedPath: string;
}

/** Writes one day's ordered rows to staged files. */
export class DayWriter {
  readonly files: StagedFile[] = [];
  minTimestamp = Infinity;
  maxTimestamp = -Infinity;
  private writer: EngineWriter | undefined;
  private rowsInFile = 0;
  // Time range of the file being written (rows arrive in time order).
  private fileMin = Infinity;
  private fileMax = -Infinity;
  private readonly chunks: FixedChunks;

  /**
   * @param stagingDir where the files are written, under hidden names
   * @param partitionDir where they go when committed: failures name the file there, the one a user knows
   */
  constructor(
    private readonly stagingDir: string,
    private readonly partitionDir: string,
    private readonly prefix: string,
    private readonly engine: ParquetEngine,
    private readonly schema: arrow.Schema,
    private readonly options: EncodeOptions,
    private readonly maxRowsPerFile: number,
  ) {
    this.chunks = new FixedChunks(schema, ENGINE_CHUNK_ROWS);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.files.reduce((n, f) => n + f.rows, 0) + this.rowsInFile;
  }

  /** Appends rows that come after every row appended before. */
  async append(batch: arrow.RecordBatch): Promise<void> {
    if (batch.numRows === 0) return;
    const timestamps = batch.getChild('timestamp')!;
    const first = Number(timestamps.get(0) as bigint);
    const last = Number(timestamps.get(batch.numRows - 1) as bigint);
    if (first < this.minTimestamp) this.minTimestamp = first;
    if (last > this.maxTimestamp) this.maxTimestamp = last;
    let rest = batch;
    while (rest.numRows > 0) {
      const room = this.maxRowsPerFile - this.rowsInFile;
      const take = Math.min(room, rest.numRows);
      if (this.rowsInFile === 0) this.fileMin = Number(rest.getChild('timestamp')!.get(0) as bigint);
      this.fileMax = Number(rest.getChild('timestamp')!.get(take - 1) as bigint);
      for (const chunk of this.chunks.push(take === rest.numRows ? rest : rest.slice(0, take))) await this.writeChunk(chunk);
      this.rowsInFile += take;
      rest = rest.slice(take);
      if (this.rowsInFile === this.maxRowsPerFile) await this.closeFile();
    }
  }

  private async writeChunk(chunk: arrow.RecordBatch): Promise<void> {
    await this.naming(this.files.length, async () => {
      this.writer ??= await this.engine.open(this.stagedPath(this.files.length), this.schema, this.options);
      await this.writer.write(chunk);
    });
  }

  // Runs `step` of file `index`; a failure that names the staged file names the partition's file instead.
  private async naming<T>(index: number, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      throw reportedAs(error, this.stagedPath(index), join(this.partitionDir, dataFileName(index)));
    }
  }

  private stagedPath(index: number): string {
    return join(this.stagingDir, `.${this.prefix}-${dataFileName(index)}.staged`);
  }

  private async closeFile(): Promise<void> {
    for (const chunk of this.chunks.flush()) await this.writeChunk(chunk);
    if (this.writer === undefined) return;
    const writer = this.writer;
    this.writer = undefined;
    const index = this.files.length;
    const encoded = await this.naming(index, () => writer.close());
    this.files.push({ name: dataFileName(index), stagedPath: this.stagedPath(index), ...encoded, minTimestamp: this.fileMin, maxTimestamp: this.fileMax });
    this.rowsInFile = 0;
    failpoint('after-temp-write');
  }

  /** Finishes the last file; on failure the file being written is aborted (removed, its encoder released). */
  async finish(): Promise<StagedFile[]> {
    try {
      await this.closeFile();
    } catch (error) {
      await this.abort().catch(() => undefined);
      throw error;
    }
    return this.files;
  }

  /** Stops and removes the file being written. */
  async abort(): Promise<void> {
    await this.writer?.abort();
    this.writer = undefined;
  }
}
