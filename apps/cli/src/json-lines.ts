/**
 * Record batches as JSON lines, one object per row, written as bytes column by column from Arrow's buffers (see
 * `column-writers.ts`). int64 values and decimals are number literals with every digit, never rounded through a
 * double; NaN and Infinity are null, as JSON.stringify writes them.
 */
import type * as arrow from 'apache-arrow';
import { columnWriter, put } from './column-writers.js';

const OPEN = Buffer.from('{');
const CLOSE = Buffer.from('}\n');

/** Rows of a batch as JSON lines (each ending in a newline), with the keys `names` in that order, as UTF-8 bytes. */
export function jsonLines(batch: arrow.RecordBatch, names: readonly string[]): Buffer {
  const rows = batch.numRows;
  if (rows === 0) return Buffer.alloc(0);
  const writers = names.map((name) => columnWriter(batch.getChild(name)!, 'json'));
  // Each key with its colon, and the comma before it but the first: `{"a":`, `,"b":`.
  const keys = names.map((name, c) => Buffer.from(`${c === 0 ? '' : ','}${JSON.stringify(name)}:`));
  const perRow = keys.reduce((n, key) => n + key.length, 0) + OPEN.length + CLOSE.length;
  const out = Buffer.allocUnsafe(writers.reduce((n, w) => n + w.maxBytes, 0) + rows * perRow);
  let at = 0;
  for (let row = 0; row < rows; row++) {
    at = put(OPEN, out, at);
    for (let c = 0; c < writers.length; c++) {
      at = put(keys[c]!, out, at);
      at = writers[c]!.write(row, out, at);
    }
    at = put(CLOSE, out, at);
  }
  // A Buffer drops writes past its end without a word: a wrong bound must fail, never cut the output.
  if (at > out.length) throw new Error(`jsonLines: ${at} bytes written into a buffer of ${out.length}`);
  return out.subarray(0, at);
}
