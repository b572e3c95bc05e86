/**
 * Re-cuts a stream of rows into batches of exactly `size` rows (the last one shorter). An engine's page and
 * row-group boundaries depend on the batches it is given (arrow-rs, for nullable columns); feeding it a fixed
 * grid makes the file's bytes depend on its rows alone, so shuffled input, sorted input and a re-run all
 * produce byte-identical files (D7).
 */
import type * as arrow from 'apache-arrow';
import { concatBatches } from './flat-columns.js';

/** Batches of exactly `size` rows out of batches of any size. */
export class FixedChunks {
  private pieces: arrow.RecordBatch[] = [];
  private rows = 0;

  constructor(
    private readonly schema: arrow.Schema,
    private readonly size: number,
  ) {}

  /** Adds rows; returns the full chunks now available. */
  push(batch: arrow.RecordBatch): arrow.RecordBatch[] {
    const out: arrow.RecordBatch[] = [];
    let rest = batch;
    while (rest.numRows > 0) {
      const take = Math.min(this.size - this.rows, rest.numRows);
      this.pieces.push(take === rest.numRows ? rest : rest.slice(0, take));
      this.rows += take;
      rest = rest.slice(take);
      if (this.rows === this.size) out.push(this.drain());
    }
    return out;
  }

  /** The remaining rows as one (short) chunk, if any. */
  flush(): arrow.RecordBatch[] {
    return this.rows === 0 ? [] : [this.drain()];
  }

  private drain(): arrow.RecordBatch {
    const pieces = this.pieces;
    this.pieces = [];
    this.rows = 0;
    return pieces.length === 1 ? pieces[0]! : concatBatches(this.schema, pieces);
  }
}
