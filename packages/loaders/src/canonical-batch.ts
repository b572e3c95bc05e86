/**
 * Assembles one canonical record batch (the file columns of `@unified/schemas`, in canonical order) from the
 * raw source columns of a batch: converts each mapped field, derives `timestamp` / `timestamp_us` /
 * `funding_time` from the source's time column, fills the constant `timeframe`, and drops rows marked bad.
 */
import * as arrow from 'apache-arrow';
import { BASE_TIMEFRAME, type ColumnSpec, type DataKind, datasetSchemaFor, nextUnsafeInt64, numbersToInt64 } from '@unified/schemas';
import type { ColumnMapping, MappedField } from './column-mapping.js';
import {
  type ConversionContext,
  type Converted,
  type ConvertedTimes,
  type TimeEncoding,
  toBool,
  toEpochMicros,
  toFloat64,
  toInt32,
  toInt64,
  toText,
} from './column-conversion.js';
import type { RawColumn } from './raw-column.js';
import { quoteValue } from './row-issues.js';
import { buyerMakerOfSide } from './text-values.js';

/** State kept across the batches of one source. */
export interface SourceState {
  /** The symbol every row must carry when the source has a symbol column (the caller's, else the first seen). */
  symbol: string | undefined;
  /** How the time column's values were written, over all batches so far. */
  readonly timeEncodings: Set<TimeEncoding>;
}

type AnyConverted = Converted<Float64Array | BigInt64Array | Int32Array | Uint8Array>;

function validityBits(valid: Uint8Array | null, keep: Uint32Array | null): { bitmap: Uint8Array | undefined; nullCount: number } {
  if (valid === null) return { bitmap: undefined, nullCount: 0 };
  const length = keep === null ? valid.length : keep.length;
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  for (let i = 0; i < length; i++) {
    if (valid[keep === null ? i : keep[i]!] === 1) bitmap[i >> 3]! |= 1 << (i & 7);
    else nullCount++;
  }
  return { bitmap, nullCount };
}

function select<T extends Float64Array | BigInt64Array | Int32Array | Uint8Array>(values: T, keep: Uint32Array | null): T {
  if (keep === null) return values;
  const out = new (values.constructor as new (length: number) => T)(keep.length);
  for (let i = 0; i < keep.length; i++) out[i] = values[keep[i]!]!;
  return out;
}

function columnData(spec: ColumnSpec, converted: AnyConverted | undefined, length: number, keep: Uint32Array | null): arrow.Data {
  const type = spec.type;
  if (converted === undefined) {
    // A nullable column the source does not carry: all null, over a zeroed value buffer of the right size
    // (Arrow readers such as arrow-rs require the buffer even when every slot is null).
    const nulls = { length, nullCount: length, nullBitmap: new Uint8Array(Math.ceil(length / 8)) };
    if (type === 'float64') return arrow.makeData({ type: new arrow.Float64(), data: new Float64Array(length), ...nulls });
    if (type === 'int32') return arrow.makeData({ type: new arrow.Int32(), data: new Int32Array(length), ...nulls });
    if (type === 'bool') return arrow.makeData({ type: new arrow.Bool(), data: new Uint8Array(Math.ceil(length / 8)), ...nulls });
    return arrow.makeData({ type: new arrow.Int64(), data: new BigInt64Array(length), ...nulls });
  }
  const { bitmap, nullCount } = validityBits(converted.valid, keep);
  const values = select(converted.values, keep);
  const base = { length, nullCount, ...(bitmap === undefined ? {} : { nullBitmap: bitmap }) };
  switch (type) {
    case 'float64':
      return arrow.makeData({ type: new arrow.Float64(), data: values as Float64Array, ...base });
    case 'int32':
      return arrow.makeData({ type: new arrow.Int32(), data: values as Int32Array, ...base });
    case 'bool': {
      const bytes = values as Uint8Array;
      const bits = new Uint8Array(Math.ceil(length / 8));
      for (let i = 0; i < length; i++) if (bytes[i] === 1) bits[i >> 3]! |= 1 << (i & 7);
      return arrow.makeData({ type: new arrow.Bool(), data: bits, ...base });
    }
    default:
      return arrow.makeData({ type: new arrow.Int64(), data: values as BigInt64Array, ...base });
  }
}

// The constant text column's buffers, shared by every batch (Arrow data is never written to once built).
const constantTexts = new Map<string, { offsets: Int32Array; data: Uint8Array }>();

function constantText(value: string, length: number): arrow.Data<arrow.Utf8> {
  let cached = constantTexts.get(value);
  if (cached === undefined || cached.offsets.length <= length) {
    const bytes = new TextEncoder().encode(value);
    const rows = Math.max(length, 2 * ((cached?.offsets.length ?? 0) - 1), 65_536);
    const offsets = new Int32Array(rows + 1);
    for (let i = 0; i <= rows; i++) offsets[i] = i * bytes.length;
    const data = new Uint8Array(bytes.length * rows);
    for (let i = 0; i < rows; i++) data.set(bytes, i * bytes.length);
    cached = { offsets, data };
    constantTexts.set(value, cached);
  }
  const offsets = cached.offsets.subarray(0, length + 1);
  return arrow.makeData({ type: new arrow.Utf8(), length, nullCount: 0, valueOffsets: offsets, data: cached.data.subarray(0, offsets[length]) });
}

// Epoch microseconds to floored milliseconds, as int64.
function millisOf(times: Converted<Float64Array>): Converted<BigInt64Array> {
  return { values: numbersToInt64(times.values, (us) => Math.floor(us / 1000)), valid: times.valid };
}

function microsOf(times: Converted<Float64Array>): Converted<BigInt64Array> {
  return { values: numbersToInt64(times.values), valid: times.valid };
}

function convertField(field: MappedField, raw: RawColumn, context: ConversionContext, state: SourceState): AnyConverted | undefined {
  const { spec } = field;
  switch (spec.type) {
    case 'float64':
      return toFloat64(raw, spec.required, context);
    case 'int64':
      return toInt64(raw, spec.required, context);
    case 'int32':
      return toInt32(raw, spec.required, context);
    case 'bool':
      return toBool(raw, spec.required, context);
    case 'side':
      return toBool(raw, false, context, buyerMakerOfSide, 'a side (buy or sell)', true);
    case 'time': {
      const times = toEpochMicros(raw, spec.required, context);
      if (spec.field === 'time') for (const encoding of times.encodings) state.timeEncodings.add(encoding);
      return times;
    }
    case 'text': {
      checkSymbol(raw, context, state);
      return undefined;
    }
  }
}

function checkSymbol(raw: RawColumn, context: ConversionContext, state: SourceState): void {
  const symbols = toText(raw);
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i]?.toUpperCase();
    if (symbol === undefined || symbol === '') continue;
    state.symbol ??= symbol;
    if (symbol !== state.symbol) {
      context.issues.reject(context.location, i, `column "${raw.name}": symbol ${quoteValue(symbols[i])} differs from ${quoteValue(state.symbol)}; one source holds one symbol`);
    }
  }
}

// Keys are sorted, deduplicated and validated as numbers downstream, exact up to 2^53 - 1. A larger integer
// key (an id column; times are range-checked on their own) is refused here, where its file and line are known.
function checkKeysExact(keys: readonly string[], mapping: ColumnMapping, converted: ReadonlyMap<string, AnyConverted>, context: ConversionContext): void {
  for (const name of keys) {
    const key = converted.get(name);
    const field = mapping.fields.find((f) => f.spec.field === name);
    if (key === undefined || field === undefined || !(key.values instanceof BigInt64Array)) continue;
    const { values, valid } = key;
    for (let i = nextUnsafeInt64(values); i >= 0; i = nextUnsafeInt64(values, i + 1)) {
      if (valid === null || valid[i] !== 0) {
        context.issues.reject(context.location, i, `column "${field.source}": ${values[i]} is beyond ${Number.MAX_SAFE_INTEGER} (2^53 - 1), the largest ${name} kept exact`);
      }
    }
  }
}

/**
 * The canonical batch of `kind` for raw columns (indexed like the source's columns), or `null` when every row
 * was dropped as bad. `kept` maps each row of the batch to its raw row (`null`: the same rows).
 */
export function assembleCanonicalBatch(
  mapping: ColumnMapping,
  raws: readonly (RawColumn | undefined)[],
  length: number,
  context: ConversionContext,
  state: SourceState,
): { readonly batch: arrow.RecordBatch; readonly kept: Uint32Array | null } | null {
  const kind: DataKind = mapping.kind;
  const schema = datasetSchemaFor(kind);
  context.issues.beginBatch(length);
  const converted = new Map<string, AnyConverted>();
  for (const field of mapping.fields) {
    const raw = raws[field.index];
    if (raw === undefined) continue;
    const result = convertField(field, raw, context, state);
    if (result !== undefined) converted.set(field.spec.field, result);
  }
  checkKeysExact(schema.naturalKey, mapping, converted, context);
  const time = converted.get('time') as ConvertedTimes | undefined;
  if (time !== undefined) {
    const millis = time.millis === undefined ? millisOf(time) : { values: time.millis, valid: time.valid };
    converted.set('timestamp', millis);
    if (kind === 'aggtrades') converted.set('timestamp_us', microsOf(time));
    if (kind === 'futures') converted.set('funding_time', millis);
  }
  const closeTime = converted.get('close_time') as ConvertedTimes | undefined;
  if (closeTime !== undefined) converted.set('close_time', closeTime.millis === undefined ? millisOf(closeTime) : { values: closeTime.millis, valid: closeTime.valid });
  if (kind === 'aggtrades' && !converted.has('trade_is_buyer_maker')) {
    const side = converted.get('side');
    if (side !== undefined) converted.set('trade_is_buyer_maker', side);
  }
  // A row without a buyer-maker flag (null side or flag) cannot be stored: the column is required.
  const maker = converted.get('trade_is_buyer_maker');
  if (kind === 'aggtrades' && maker?.valid != null) {
    const source = mapping.fields.find((f) => f.spec.field === 'trade_is_buyer_maker' || f.spec.field === 'side')!;
    maker.valid.forEach((valid, i) => {
      if (valid === 0) context.issues.reject(context.location, i, `column "${source.source}": value is empty; a value is required`);
    });
  }

  const bad = context.issues.badRows();
  let keep: Uint32Array | null = null;
  let rows = length;
  if (bad !== null) {
    keep = new Uint32Array(length);
    rows = 0;
    for (let i = 0; i < length; i++) if (bad[i] === 0) keep[rows++] = i;
    keep = keep.subarray(0, rows);
    if (rows === 0) return null;
  }
  const children = schema.fileColumns.map((spec) =>
    spec.name === 'timeframe' ? constantText(BASE_TIMEFRAME, rows) : columnData(spec, converted.get(spec.name), rows, keep),
  );
  const arrowSchema = schema.fileArrowSchema as unknown as arrow.Schema;
  return { batch: new arrow.RecordBatch(arrowSchema, arrow.makeData({ type: new arrow.Struct(arrowSchema.fields), length: rows, nullCount: 0, children })), kept: keep };
}
