/**
 * Record batches as CSV (RFC 4180) lines, written as bytes column by column from Arrow's buffers. A day of
 * trades is a million rows of sixteen columns; formatting each cell through a JS string cost most of
 * `unified query`'s time in garbage collection. Integers are written digit by digit (int64 exact: through a
 * number below 2^53, from the bigint beyond), text is copied as bytes (quoted only where needed), floats go
 * through `String(number)` once per distinct run of values. Other types fall back to their cell text.
 */
import * as arrow from 'apache-arrow';
import { int64ToNumbers } from '@unified/core';
import { columnValues, csvField } from './query-output.js';

/** One column's cells: the most bytes they take together, and a writer of row `row` at `at`. */
interface ColumnWriter {
  readonly maxBytes: number;
  write(row: number, out: Buffer, at: number): number;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const MINUS = 0x2d;
const ZERO = 0x30;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

// Whether row `row` of `data` is null; `undefined` when no row is.
function nullTest(data: arrow.Data): ((row: number) => boolean) | undefined {
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return undefined;
  return (row) => ((bitmap[(data.offset + row) >> 3]! >> ((data.offset + row) & 7)) & 1) === 0;
}

// Digits of 0 <= value < 10^8, `width` of them with leading zeros when `width` > 0.
function writeSmall(value: number, width: number, out: Buffer, at: number): number {
  let digits = 1;
  for (let v = value; v >= 10; v = (v / 10) | 0) digits++;
  const count = Math.max(digits, width);
  let v = value;
  for (let i = at + count - 1; i >= at; i--) {
    const q = (v / 10) | 0;
    out[i] = ZERO + v - q * 10;
    v = q;
  }
  return at + count;
}

/** A safe integer in decimal. */
function writeInteger(value: number, out: Buffer, at: number): number {
  let v = value;
  let i = at;
  if (v < 0) {
    out[i++] = MINUS;
    v = -v;
  }
  if (v < 100_000_000) return writeSmall(v, 0, out, i);
  // Eight digits at a time in 32-bit arithmetic: a safe integer has at most 16.
  const high = Math.floor(v / 100_000_000);
  return writeSmall(v - high * 100_000_000, 8, out, writeSmall(high, 0, out, i));
}

function writeAscii(text: string, out: Buffer, at: number): number {
  for (let k = 0; k < text.length; k++) out[at + k] = text.charCodeAt(k);
  return at + text.length;
}

function integerWriter(data: arrow.Data, length: number): ColumnWriter {
  const raw = data.values as BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
  const isNull = nullTest(data);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    const numbers = raw instanceof BigInt64Array ? int64ToNumbers(raw, length) : undefined;
    return {
      maxBytes: 20 * length,
      write(row, out, at) {
        if (isNull?.(row) === true) return at;
        const number = numbers === undefined ? Number.NaN : numbers[row]!;
        return Number.isSafeInteger(number) ? writeInteger(number, out, at) : writeAscii(String(raw[row]!), out, at);
      },
    };
  }
  return {
    maxBytes: 11 * length,
    write: (row, out, at) => (isNull?.(row) === true ? at : writeInteger(raw[row]!, out, at)),
  };
}

function floatWriter(data: arrow.Data): ColumnWriter {
  const values = data.values as Float64Array | Float32Array;
  const isNull = nullTest(data);
  let last = Number.NaN;
  let text = 'NaN';
  return {
    // The longest JS number text: "-0.0000012345678901234567" (25; "-1.2345678901234567e-308" is 24).
    maxBytes: 25 * data.length,
    write(row, out, at) {
      if (isNull?.(row) === true) return at;
      const value = values[row]!;
      if (value !== last) {
        last = value;
        text = String(value);
      }
      return writeAscii(text, out, at);
    },
  };
}

function boolWriter(data: arrow.Data): ColumnWriter {
  const bits = data.values as Uint8Array;
  const isNull = nullTest(data);
  return {
    maxBytes: 5 * data.length,
    write(row, out, at) {
      if (isNull?.(row) === true) return at;
      const bit = data.offset + row;
      const word = (bits[bit >> 3]! >> (bit & 7)) & 1 ? TRUE : FALSE;
      word.copy(out, at);
      return at + word.length;
    },
  };
}

function needsQuotes(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const b = bytes[k]!;
    if (b === QUOTE || b === COMMA || b === NEWLINE || b === 0x0d) return true;
  }
  return false;
}

function utf8Writer(data: arrow.Data, length: number): ColumnWriter {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const isNull = nullTest(data);
  const anyQuotes = needsQuotes(bytes, offsets[0]!, offsets[length]!);
  return {
    // Quoting at most doubles every byte and adds two.
    maxBytes: 2 * (offsets[length]! - offsets[0]!) + 2 * length,
    write(row, out, at) {
      if (isNull?.(row) === true) return at;
      const start = offsets[row]!;
      const end = offsets[row + 1]!;
      if (!anyQuotes || !needsQuotes(bytes, start, end)) {
        for (let k = start; k < end; k++) out[at++] = bytes[k]!;
        return at;
      }
      out[at++] = QUOTE;
      for (let k = start; k < end; k++) {
        if (bytes[k] === QUOTE) out[at++] = QUOTE;
        out[at++] = bytes[k]!;
      }
      out[at++] = QUOTE;
      return at;
    },
  };
}

// Any other type: its cell text, quoted as needed, encoded per cell.
function textWriter(vector: arrow.Vector): ColumnWriter {
  const value = columnValues(vector);
  const cells = Array.from({ length: vector.length }, (_, row) => Buffer.from(csvField(value(row))));
  return { maxBytes: cells.reduce((n, cell) => n + cell.length, 0), write: (row, out, at) => at + cells[row]!.copy(out, at) };
}

function columnWriter(vector: arrow.Vector): ColumnWriter {
  const data = vector.data[0] as arrow.Data | undefined;
  if (data === undefined || vector.data.length !== 1) return textWriter(vector);
  const type = data.type;
  if (arrow.DataType.isInt(type)) return integerWriter(data, vector.length);
  if (arrow.DataType.isFloat(type) && type.precision !== arrow.Precision.HALF) return floatWriter(data);
  if (arrow.DataType.isBool(type)) return boolWriter(data);
  if (arrow.DataType.isUtf8(type)) return utf8Writer(data, vector.length);
  return textWriter(vector);
}

/** Rows of a batch as CSV lines (each ending in a newline), columns `names` in that order. */
export function csvLines(batch: arrow.RecordBatch, names: readonly string[]): string {
  const rows = batch.numRows;
  if (rows === 0) return '';
  const writers = names.map((name) => columnWriter(batch.getChild(name)!));
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
  return out.toString('utf8', 0, at);
}
