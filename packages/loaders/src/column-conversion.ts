/**
 * Converts raw source columns to canonical column values: float64, int64, int32, bool, epoch microseconds and
 * text. Every value is checked; a value that does not convert is reported through {@link RowIssues} with the
 * file, row, column and value. Nulls stay null (a validity byte of 0), never 0 or "".
 */
import * as arrow from 'apache-arrow';
import { floorDiv, int64ToNumbers } from '@unified/schemas';
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

const UNIT_S = 1;
const UNIT_MS = 2;
const UNIT_US = 4;
const UNIT_NS = 8;
const INTEGER_UNITS: readonly (readonly [number, TimestampUnit])[] = [
  [UNIT_S, 's'],
  [UNIT_MS, 'ms'],
  [UNIT_US, 'us'],
  [UNIT_NS, 'ns'],
];

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
    const nulls = column.data.nullCount > 0;
    for (let i = 0; i < length; i++) {
      const value = source[i]!;
      // `value - value` is 0 for every finite number, NaN for NaN and ±Infinity (and for a null slot's garbage).
      if (value - value === 0 && !nulls) continue;
      if (nulls && isNullAt(column.data, i)) missing(context, column, i, required, validity);
      else if (!Number.isFinite(value)) context.issues.reject(context.location, i, `column "${column.name}": ${String(value)} is not a finite number`);
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
    if (column.data.nullCount > 0) for (let i = 0; i < length; i++) if (isNullAt(column.data, i)) missing(context, column, i, required, validity);
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
  if (column.type === 'arrow' && arrow.DataType.isBool(column.data.type) && !textOnly) {
    // Arrow booleans are bits: unpacked straight, no value per row.
    const { data } = column;
    const bits = data.values as Uint8Array;
    for (let i = 0; i < length; i++) {
      const bit = data.offset + i;
      if (data.nullCount > 0 && isNullAt(data, i)) missing(context, column, i, required, validity);
      else values[i] = (bits[bit >> 3]! >> (bit & 7)) & 1;
    }
    return { values, valid: validity.result };
  }
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
  /** The source's own int64 values when they are exactly the milliseconds of `values` (reused, not rebuilt). */
  readonly millis?: BigInt64Array;
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
  // Units met by integers, as bits (a Set insertion per value is measurable on millions of rows).
  let integerUnits = 0;
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
      if (raw * 1000 >= minMs && raw * 1000 <= maxMs) return (integerUnits |= UNIT_S), raw * 1_000_000;
      if (raw >= minMs && raw <= maxMs) return (integerUnits |= UNIT_MS), raw * 1000;
      if (raw >= minMs * 1000 && raw <= maxMs * 1000 + 999) return (integerUnits |= UNIT_US), raw;
      context.issues.rejectTimestamp(context.location, index, column.name, magnitudeReadingMs(raw));
      return 0;
    }
    const big = BigInt(raw);
    const ms = Number(floorDiv(big, 1_000_000n));
    if (ms >= minMs && ms <= maxMs) return (integerUnits |= UNIT_NS), Number(floorDiv(big, 1000n));
    context.issues.rejectTimestamp(context.location, index, column.name, ms);
    return 0;
  };
  const result = (): ConvertedTimes => {
    for (const [bit, unit] of INTEGER_UNITS) if ((integerUnits & bit) !== 0) encodings.add(unit);
    return { values, valid: validity.result, encodings };
  };

  if (column.type === 'arrow' && arrow.DataType.isTimestamp(column.data.type)) {
    const unit = ARROW_UNITS[column.data.type.unit]!;
    encodings.add(`timestamp[${unit}]`);
    const source = column.data.values as BigInt64Array;
    // Nanoseconds exceed 2^53 and need exact division; the other units are safe integers as numbers.
    const numbers = unit === 'ns' ? undefined : int64ToNumbers(source, length);
    const scale = unit === 'us' ? 1 : unit === 'ms' ? 1000 : 1_000_000;
    for (let i = 0; i < length; i++) {
      if (column.data.nullCount > 0 && isNullAt(column.data, i)) {
        missing(context, column, i, required, validity);
        continue;
      }
      values[i] = plausible(numbers === undefined ? Number(floorDiv(source[i]!, 1000n)) : numbers[i]! * scale, i);
    }
    return result();
  }
  if (column.type === 'arrow' && arrow.DataType.isInt(column.data.type)) {
    // Integer epochs (the usual Parquet source): read as numbers in one pass, the unit decided per value.
    const source = column.data.values as BigInt64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | BigUint64Array;
    const numbers = source instanceof BigInt64Array ? int64ToNumbers(source, length) : source instanceof BigUint64Array ? undefined : source;
    // The units' windows do not overlap, so a value inside the window of the unit met last has that unit:
    // one range check per row in the usual case, the full decision only when the unit changes.
    const windows = [
      { lo: Math.ceil(minMs / 1000), hi: Math.floor(maxMs / 1000), scale: 1_000_000 },
      { lo: minMs, hi: maxMs, scale: 1000 },
      { lo: minMs * 1000, hi: maxMs * 1000 + 999, scale: 1 },
    ];
    // (A custom window spanning more than a factor of 1000 makes them overlap: then every value is decided in full.)
    const disjoint = windows[0]!.hi < windows[1]!.lo && windows[1]!.hi < windows[2]!.lo;
    let lo = 1;
    let hi = 0;
    let scale = 0;
    for (let i = 0; i < length; i++) {
      if (column.data.nullCount > 0 && isNullAt(column.data, i)) {
        missing(context, column, i, required, validity);
        continue;
      }
      const number = numbers === undefined ? Number.NaN : numbers[i]!;
      if (number >= lo && number <= hi) {
        values[i] = number * scale;
        continue;
      }
      // Beyond 2^53 (nanoseconds, or garbage) the exact value decides.
      values[i] = fromInteger(Number.isSafeInteger(number) ? number : (source[i] as bigint), i);
      const window = disjoint ? windows.find((w) => number >= w.lo && number <= w.hi) : undefined;
      if (window !== undefined) ({ lo, hi, scale } = window);
    }
    // Milliseconds throughout and no nulls: the source's int64 values are the canonical timestamps as they are
    // (a rejected row is dropped with its batch row, whatever it holds).
    const millis = integerUnits === UNIT_MS && source instanceof BigInt64Array && column.data.nullCount === 0 ? source.subarray(0, length) : undefined;
    return { ...result(), ...(millis === undefined ? {} : { millis }) };
  }
  if (column.type === 'arrow' && arrow.DataType.isDate(column.data.type)) {
    encodings.add('date');
    const perValueUs = column.data.type.unit === arrow.DateUnit.DAY ? 86_400_000_000 : 1000;
    for (let i = 0; i < length; i++) {
      const raw = valueAt(column, i);
      if (raw === null) missing(context, column, i, required, validity);
      else values[i] = plausible(Number(raw) * perValueUs, i);
    }
    return result();
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
  return result();
}
