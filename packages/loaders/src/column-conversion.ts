/**
 * Converts raw source columns to canonical column values: float64, int64, int32, bool, epoch microseconds and
 * text. Every value is checked; a value that does not convert is reported through {@link RowIssues} with the
 * file, row, column and value. Nulls stay null (a validity byte of 0), never 0 or "".
 */
import * as arrow from 'apache-arrow';
import { floorDiv } from '@unified/schemas';
import { type RawColumn, isNullAt } from './raw-column.js';
import { type BatchLocation, type RowIssues, quoteValue } from './row-issues.js';
import { parseBooleanText, parseDateTimeText, parseDecimalText, parseIntegerText } from './text-values.js';
import { type TimestampUnit, magnitudeReadingMs } from './timestamp-unit.js';

/** Where conversion errors go. */
export interface ConversionContext {
  readonly location: BatchLocation;
  readonly issues: RowIssues;
}

/** Converted values plus validity (1 = present); `valid` is `null` when every row has a value. */
export interface Converted<T> {
  readonly values: T;
  readonly valid: Uint8Array | null;
}

/** How a time column's values were expressed: an integer unit decided per value, a Parquet type, or text. */
export type TimeEncoding = TimestampUnit | `timestamp[${TimestampUnit}]` | 'date' | 'datetime-text';

const ARROW_UNITS: readonly TimestampUnit[] = ['s', 'ms', 'us', 'ns'];

// Values in one of three shapes, read uniformly: null, a JS value, or a typed-array element.
// An empty string is a missing value too (REST "markPrice": "", a quoted empty CSV field).
function valueAt(column: RawColumn, index: number): unknown {
  if (column.type !== 'arrow') {
    const value = column.values[index];
    return value === undefined || value === '' ? null : value;
  }
  const { data } = column;
  if (isNullAt(data, index)) return null;
  if (arrow.DataType.isBool(data.type)) {
    const bit = data.offset + index;
    return ((data.values as Uint8Array)[bit >> 3]! & (1 << (bit & 7))) !== 0;
  }
  // Arrow JS slices fixed-width value buffers with the data; only bitmaps (validity, booleans) keep the offset.
  return (data.values as ArrayLike<unknown>)[index];
}

class Validity {
  private valid: Uint8Array | null = null;
  constructor(private readonly length: number) {}
  setNull(index: number): void {
    this.valid ??= new Uint8Array(this.length).fill(1);
    this.valid[index] = 0;
  }
  get result(): Uint8Array | null {
    return this.valid;
  }
}

// A missing value: null for an optional column, a bad row for a required one.
function missing(context: ConversionContext, column: RawColumn, index: number, required: boolean, validity: Validity): void {
  if (required) context.issues.reject(context.location, index, `column "${column.name}": value is empty; a value is required`);
  else validity.setNull(index);
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseDecimalText(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
  return undefined;
}

/** A float64 column. Integers beyond 2^53 and non-finite values (NaN, Infinity) are refused. */
export function toFloat64(column: RawColumn, required: boolean, context: ConversionContext): Converted<Float64Array> {
  const length = column.type === 'arrow' ? column.data.length : column.values.length;
  const validity = new Validity(length);
  if (column.type === 'arrow' && arrow.DataType.isFloat(column.data.type) && column.data.type.precision === arrow.Precision.DOUBLE) {
    const source = (column.data.values as Float64Array).subarray(0, length);
    for (let i = 0; i < length; i++) {
      if (isNullAt(column.data, i)) missing(context, column, i, required, validity);
      else if (!Number.isFinite(source[i]!)) context.issues.reject(context.location, i, `column "${column.name}": ${String(source[i])} is not a finite number`);
    }
    return { values: source, valid: validity.result };
  }
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const value = valueAt(column, i);
    if (value === null || value === undefined) {
      missing(context, column, i, required, validity);
      continue;
    }
    const number = numberOf(value);
    if (number === undefined) context.issues.reject(context.location, i, `column "${column.name}": ${quoteValue(value)} is not a number`);
    else values[i] = number;
  }
  return { values, valid: validity.result };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// An integer that fits int64 exactly. Numbers beyond 2^53 are refused: they already lost digits.
function integerOf(value: unknown): number | bigint | undefined {
  let integer: number | bigint | undefined;
  if (typeof value === 'bigint') integer = value;
  else if (typeof value === 'number') integer = Number.isSafeInteger(value) ? value : undefined;
  else if (typeof value === 'string') integer = parseIntegerText(value);
  if (typeof integer === 'bigint' && (integer < INT64_MIN || integer > INT64_MAX)) return undefined;
  return integer;
}

/** An int64 column. Fractions are refused; `123.0` (pandas integers with nulls) is accepted. */
export function toInt64(column: RawColumn, required: boolean, context: ConversionContext): Converted<BigInt64Array> {
  const length = column.type === 'arrow' ? column.data.length : column.values.length;
  const validity = new Validity(length);
  if (column.type === 'arrow' && column.data.values instanceof BigInt64Array && arrow.DataType.isInt(column.data.type)) {
    const source = column.data.values.subarray(0, length);
    for (let i = 0; i < length; i++) if (isNullAt(column.data, i)) missing(context, column, i, required, validity);
    return { values: source, valid: validity.result };
  }
  const values = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    const value = valueAt(column, i);
    if (value === null || value === undefined) {
      missing(context, column, i, required, validity);
      continue;
    }
    const integer = integerOf(value);
    if (integer === undefined) context.issues.reject(context.location, i, `column "${column.name}": ${quoteValue(value)} is not an integer in the 64-bit range`);
    else values[i] = BigInt(integer);
  }
  return { values, valid: validity.result };
}

/** An int32 column (small counts such as funding_interval_hours). */
export function toInt32(column: RawColumn, required: boolean, context: ConversionContext): Converted<Int32Array> {
  const wide = toInt64(column, required, context);
  const values = new Int32Array(wide.values.length);
  for (let i = 0; i < values.length; i++) {
    const value = wide.values[i]!;
    if (value < -2147483648n || value > 2147483647n) {
      context.issues.reject(context.location, i, `column "${column.name}": ${value} is out of the 32-bit integer range`);
    } else values[i] = Number(value);
  }
  return { values, valid: wide.valid };
}

/**
 * A bool column (one byte per row). Text is read with `parse` (default: `True/False`, `true/false`, `1/0`);
 * pass {@link buyerMakerOfSide} for a `side` column.
 */
export function toBool(
  column: RawColumn,
  required: boolean,
  context: ConversionContext,
  parse: (text: string) => boolean | undefined = parseBooleanText,
  expected = 'a boolean (true/false)',
  textOnly = false,
): Converted<Uint8Array> {
  const length = column.type === 'arrow' ? column.data.length : column.values.length;
  const validity = new Validity(length);
  const values = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const value = valueAt(column, i);
    if (value === null || value === undefined) {
      missing(context, column, i, required, validity);
      continue;
    }
    // A `side` is text only: a numeric side (an enum) has no agreed meaning, so it is refused, not guessed.
    const bool =
      typeof value === 'string' ? parse(value)
      : textOnly ? undefined
      : typeof value === 'boolean' ? value
      : value === 0 || value === 0n ? false
      : value === 1 || value === 1n ? true
      : undefined;
    if (bool === undefined) context.issues.reject(context.location, i, `column "${column.name}": ${quoteValue(value)} is not ${expected}`);
    else values[i] = bool ? 1 : 0;
  }
  return { values, valid: validity.result };
}

/** A text column (identity columns such as `symbol`). */
export function toText(column: RawColumn): (string | null)[] {
  const length = column.type === 'arrow' ? column.data.length : column.values.length;
  const out = new Array<string | null>(length);
  for (let i = 0; i < length; i++) {
    const value = valueAt(column, i);
    out[i] = value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** Converted epoch microseconds plus the encodings met in the column. */
export interface ConvertedTimes extends Converted<Float64Array> {
  readonly encodings: ReadonlySet<TimeEncoding>;
}

/**
 * Epoch microseconds (exact safe integers up to year 2255) of a time column. Integer values without a declared
 * unit get their unit per value by magnitude (s, ms, µs, ns); Parquet timestamps use their declared unit; text
 * may also be an ISO / pandas date-time. Every result is checked against the plausible window of D5.
 */
export function toEpochMicros(column: RawColumn, required: boolean, context: ConversionContext): ConvertedTimes {
  const length = column.type === 'arrow' ? column.data.length : column.values.length;
  const validity = new Validity(length);
  const values = new Float64Array(length);
  const encodings = new Set<TimeEncoding>();
  const { minMs, maxMs } = context.issues.window;
  const plausible = (us: number, index: number): number => {
    const ms = Math.floor(us / 1000);
    if (ms < minMs || ms > maxMs) context.issues.rejectTimestamp(context.location, index, column.name, ms);
    return us;
  };
  // The unit under which an integer is plausible; out-of-window values are reported in the unit their number of
  // digits suggests (a 16-digit time of 2101 as 2101 in µs, not as the year 132970 in ms).
  const fromInteger = (value: number | bigint, index: number): number => {
    const raw = typeof value === 'bigint' && value <= 9_007_199_254_740_991n && value >= -9_007_199_254_740_991n ? Number(value) : value;
    if (typeof raw === 'number' && Number.isSafeInteger(raw)) {
      if (raw * 1000 >= minMs && raw * 1000 <= maxMs) return encodings.add('s'), raw * 1_000_000;
      if (raw >= minMs && raw <= maxMs) return encodings.add('ms'), raw * 1000;
      if (raw >= minMs * 1000 && raw <= maxMs * 1000 + 999) return encodings.add('us'), raw;
      context.issues.rejectTimestamp(context.location, index, column.name, magnitudeReadingMs(raw));
      return 0;
    }
    const big = BigInt(raw);
    const ms = Number(floorDiv(big, 1_000_000n));
    if (ms >= minMs && ms <= maxMs) return encodings.add('ns'), Number(floorDiv(big, 1000n));
    context.issues.rejectTimestamp(context.location, index, column.name, ms);
    return 0;
  };

  if (column.type === 'arrow' && arrow.DataType.isTimestamp(column.data.type)) {
    const unit = ARROW_UNITS[column.data.type.unit]!;
    encodings.add(`timestamp[${unit}]`);
    const source = column.data.values as BigInt64Array;
    for (let i = 0; i < length; i++) {
      if (isNullAt(column.data, i)) {
        missing(context, column, i, required, validity);
        continue;
      }
      const raw = source[i]!;
      const us = unit === 'ns' ? Number(floorDiv(raw, 1000n)) : unit === 'us' ? Number(raw) : unit === 'ms' ? Number(raw) * 1000 : Number(raw) * 1_000_000;
      values[i] = plausible(us, i);
    }
    return { values, valid: validity.result, encodings };
  }
  if (column.type === 'arrow' && arrow.DataType.isDate(column.data.type)) {
    encodings.add('date');
    const perValueUs = column.data.type.unit === arrow.DateUnit.DAY ? 86_400_000_000 : 1000;
    for (let i = 0; i < length; i++) {
      const raw = valueAt(column, i);
      if (raw === null) missing(context, column, i, required, validity);
      else values[i] = plausible(Number(raw) * perValueUs, i);
    }
    return { values, valid: validity.result, encodings };
  }
  for (let i = 0; i < length; i++) {
    const value = valueAt(column, i);
    if (value === null || value === undefined) {
      missing(context, column, i, required, validity);
      continue;
    }
    if (typeof value === 'boolean') {
      context.issues.reject(context.location, i, `column "${column.name}": ${quoteValue(value)} is not a timestamp`);
      continue;
    }
    const integer = integerOf(value);
    if (integer !== undefined) {
      values[i] = fromInteger(integer, i);
      continue;
    }
    const text = typeof value === 'string' ? parseDateTimeText(value) : undefined;
    if (text === undefined) {
      context.issues.reject(context.location, i, `column "${column.name}": ${quoteValue(value)} is not a timestamp (integer epoch or ISO date-time)`);
      continue;
    }
    encodings.add('datetime-text');
    values[i] = plausible(text, i);
  }
  return { values, valid: validity.result, encodings };
}
