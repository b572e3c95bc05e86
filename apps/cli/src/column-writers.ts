/**
 * The cells of one column written as bytes straight from Arrow's buffers, for CSV (RFC 4180) and JSON lines. A
 * day of trades is a million rows of sixteen columns; formatting each cell through a JS string cost most of
 * `unified query`'s time in garbage collection. Integers are written digit by digit (int64 exact: through a
 * number below 2^53, from the bigint beyond), text is copied as bytes (quoted and escaped only where needed),
 * floats go through `String(number)` once per distinct run of values. Other types fall back to their cell text.
 *
 * The dialects differ only in nulls (CSV: nothing, JSON: `null`), non-finite floats (JSON: `null`, as
 * `JSON.stringify` gives), text (CSV quotes a field holding a quote, comma or line break, doubling quotes; JSON
 * always quotes, escaping quotes, backslashes and control characters) and the fallback (decimals and int64 as
 * exact number literals in JSON).
 */
import * as arrow from 'apache-arrow';
import { int64ToNumbers } from '@unified/core';
import { columnValues, csvField } from './query-output.js';

/** How cells are written: as CSV fields or JSON values. */
export type TextDialect = 'csv' | 'json';

/** One column's cells: the most bytes they take together, and a writer of row `row` at `at` (returns the end). */
export interface ColumnWriter {
  readonly maxBytes: number;
  write(row: number, out: Buffer, at: number): number;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
const HEX = '0123456789abcdef';

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

/**
 * Copies `bytes` into `out` at `at` and returns the end. Throws when they do not fit, where `Buffer#copy` would
 * silently copy less: a wrong size bound must fail, never cut the output.
 */
export function put(bytes: Uint8Array, out: Buffer, at: number): number {
  out.set(bytes, at);
  return at + bytes.length;
}

function writeAscii(text: string, out: Buffer, at: number): number {
  for (let k = 0; k < text.length; k++) out[at + k] = text.charCodeAt(k);
  return at + text.length;
}

// What a null cell is written as: nothing in CSV, `null` in JSON.
function nullWriter(dialect: TextDialect): (out: Buffer, at: number) => number {
  if (dialect === 'csv') return (_out, at) => at;
  return (out, at) => put(NULL, out, at);
}

function integerWriter(data: arrow.Data, length: number, dialect: TextDialect): ColumnWriter {
  const raw = data.values as BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array;
  const isNull = nullTest(data);
  const writeNull = nullWriter(dialect);
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    const numbers = raw instanceof BigInt64Array ? int64ToNumbers(raw, length) : undefined;
    return {
      maxBytes: 20 * length,
      write(row, out, at) {
        if (isNull?.(row) === true) return writeNull(out, at);
        const number = numbers === undefined ? Number.NaN : numbers[row]!;
        return Number.isSafeInteger(number) ? writeInteger(number, out, at) : writeAscii(String(raw[row]!), out, at);
      },
    };
  }
  return {
    maxBytes: 11 * length,
    write: (row, out, at) => (isNull?.(row) === true ? writeNull(out, at) : writeInteger(raw[row]!, out, at)),
  };
}

function floatWriter(data: arrow.Data, dialect: TextDialect): ColumnWriter {
  const values = data.values as Float64Array | Float32Array;
  const isNull = nullTest(data);
  const writeNull = nullWriter(dialect);
  const json = dialect === 'json';
  let last = Number.NaN;
  let text = 'NaN';
  return {
    // The longest JS number text: "-0.0000012345678901234567" (25; "-1.2345678901234567e-308" is 24).
    maxBytes: 25 * data.length,
    write(row, out, at) {
      if (isNull?.(row) === true) return writeNull(out, at);
      const value = values[row]!;
      // JSON has no NaN or Infinity: JSON.stringify writes them as null.
      if (json && !Number.isFinite(value)) return put(NULL, out, at);
      if (value !== last) {
        last = value;
        text = String(value);
      }
      return writeAscii(text, out, at);
    },
  };
}

function boolWriter(data: arrow.Data, dialect: TextDialect): ColumnWriter {
  const bits = data.values as Uint8Array;
  const isNull = nullTest(data);
  const writeNull = nullWriter(dialect);
  return {
    maxBytes: 5 * data.length,
    write(row, out, at) {
      if (isNull?.(row) === true) return writeNull(out, at);
      const bit = data.offset + row;
      return put((bits[bit >> 3]! >> (bit & 7)) & 1 ? TRUE : FALSE, out, at);
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

function needsEscapes(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) {
    const b = bytes[k]!;
    if (b === QUOTE || b === BACKSLASH || b < 0x20) return true;
  }
  return false;
}

// A byte of a JSON string: quotes and backslashes escaped, control characters as JSON.stringify writes them.
function writeJsonByte(b: number, out: Buffer, at: number): number {
  if (b === QUOTE || b === BACKSLASH) {
    out[at] = BACKSLASH;
    out[at + 1] = b;
    return at + 2;
  }
  if (b >= 0x20) {
    out[at] = b;
    return at + 1;
  }
  const short = b === 0x08 ? 'b' : b === 0x09 ? 't' : b === 0x0a ? 'n' : b === 0x0c ? 'f' : b === 0x0d ? 'r' : undefined;
  if (short !== undefined) return writeAscii(`\\${short}`, out, at);
  return writeAscii(`\\u00${HEX[b >> 4]!}${HEX[b & 15]!}`, out, at);
}

function utf8Writer(data: arrow.Data, length: number, dialect: TextDialect): ColumnWriter {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const isNull = nullTest(data);
  const writeNull = nullWriter(dialect);
  const textBytes = offsets[length]! - offsets[0]!;
  if (dialect === 'json') {
    const anyEscapes = needsEscapes(bytes, offsets[0]!, offsets[length]!);
    return {
      // A control byte takes six (\u001f); quotes around each value; `null` for a null.
      maxBytes: 6 * textBytes + 4 * length,
      write(row, out, at) {
        if (isNull?.(row) === true) return writeNull(out, at);
        const start = offsets[row]!;
        const end = offsets[row + 1]!;
        out[at++] = QUOTE;
        if (!anyEscapes) for (let k = start; k < end; k++) out[at++] = bytes[k]!;
        else for (let k = start; k < end; k++) at = writeJsonByte(bytes[k]!, out, at);
        out[at++] = QUOTE;
        return at;
      },
    };
  }
  const anyQuotes = needsQuotes(bytes, offsets[0]!, offsets[length]!);
  return {
    // Quoting at most doubles every byte and adds two.
    maxBytes: 2 * textBytes + 2 * length,
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

// A cell of any other type as JSON: decimals (exact text) and int64 as number literals with every digit.
function jsonValue(value: unknown, isDecimal: boolean): string {
  if (typeof value === 'bigint' || (isDecimal && typeof value === 'string')) return String(value);
  return JSON.stringify(value ?? null);
}

// Any other type: its cell text (CSV: quoted as needed; JSON: as a JSON value), encoded per cell.
function textWriter(vector: arrow.Vector, dialect: TextDialect): ColumnWriter {
  const value = columnValues(vector);
  const isDecimal = arrow.DataType.isDecimal(vector.type as arrow.DataType);
  const text = dialect === 'csv' ? (row: number) => csvField(value(row)) : (row: number) => jsonValue(value(row), isDecimal);
  const cells = Array.from({ length: vector.length }, (_, row) => Buffer.from(text(row)));
  return { maxBytes: cells.reduce((n, cell) => n + cell.length, 0), write: (row, out, at) => put(cells[row]!, out, at) };
}

/**
 * The writer of the cells of `vector` in `dialect`.
 *
 * @example
 * const writer = columnWriter(batch.getChild('trade_price')!, 'json');
 * const out = Buffer.allocUnsafe(writer.maxBytes);
 * const end = writer.write(0, out, 0); // out.toString('utf8', 0, end) === '41994.52'
 */
export function columnWriter(vector: arrow.Vector, dialect: TextDialect): ColumnWriter {
  const data = vector.data[0] as arrow.Data | undefined;
  if (data === undefined || vector.data.length !== 1) return textWriter(vector, dialect);
  const type = data.type;
  if (arrow.DataType.isInt(type)) return integerWriter(data, vector.length, dialect);
  if (arrow.DataType.isFloat(type) && type.precision !== arrow.Precision.HALF) return floatWriter(data, dialect);
  if (arrow.DataType.isBool(type)) return boolWriter(data, dialect);
  if (arrow.DataType.isUtf8(type)) return utf8Writer(data, vector.length, dialect);
  return textWriter(vector, dialect);
}
