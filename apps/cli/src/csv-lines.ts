/**
 * Record batches as CSV (RFC 4180) lines, written as bytes column by column from Arrow's buffers (see
 * `column-writers.ts` for how each type is written and why).
 */
import type * as arrow from 'apache-arrow';
import { columnWriter } from './column-writers.js';

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Rows of a batch as CSV lines (each ending in a newline), columns `names` in that order, as UTF-8 bytes. */
export function csvLines(batch: arrow.RecordBatch, names: readonly string[]): Buffer {
  const rows = batch.numRows;
  if (rows === 0) return Buffer.alloc(0);
  const writers = names.map((name) => columnWriter(batch.getChild(name)!, 'csv'));
  const out = Buffer.allocUnsafe(writers.reduce((n, w) => n + w.maxBytes, 0) + rows * names.length);
  let at = 0;
  for (let row = 0; row < rows; row++) {
    for (let c = 0; c < writers.length; c++) {
      if (c > 0) out[at++] = COMMA;
      at = writers[c]!.write(row, out, at);
    }
    out[at++] = NEWLINE;
  }
  // A Buffer drops writes past its end without a word: a wrong bound must fail, never cut the output.
  if (at > out.length) throw new Error(`csvLines: ${at} bytes written into a buffer of ${out.length}`);
  return out.subarray(0, at);
}
