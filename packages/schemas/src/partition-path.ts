/**
 * Hive partition paths: `exchange=binance/symbol=BTCUSDT/timeframe=1m/year=2024/month=1/day=1` (D1, D2).
 * Values are written as they are when they only contain letters, digits and `-._~`, and percent-encoded
 * (UTF-8, upper-case hex) otherwise, which is what DuckDB and pyarrow decode. Month and day are never padded.
 */
import type { DataKind } from './data-kind.js';
import { type DatasetIdentity, canonicalDatasetIdentity } from './dataset-identity.js';
import { PartitionPathError } from './errors/partition-path-error.js';
import { assertIdentifier, validateIdentifier } from './identifiers.js';
import type { PartitionKey } from './column-spec.js';
import { DATASET_SCHEMAS } from './schemas/dataset-schemas.js';
import type { Timeframe } from './timeframes.js';
import { isValidUtcDate, utcDateOf } from './utc-date.js';

/** The partition of one row: the values of a dataset's partition keys. `timeframe` is set for klines only. */
export interface PartitionValues {
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe?: Timeframe;
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const SAFE_CHAR = /[\p{L}\p{N}\-._~]/u;
const KEY = /^[a-z_][a-z0-9_]*$/u;
const CANONICAL_UINT = /^(0|[1-9][0-9]*)$/u;

/** Percent-encodes every character of `value` that is not a letter, digit, `-`, `.`, `_` or `~`. */
export function encodePartitionValue(value: string): string {
  let out = '';
  for (const char of value) {
    out += SAFE_CHAR.test(char) ? char : encodeURIComponent(char).replace(/[!'()*]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}

/** Decodes a partition value written by {@link encodePartitionValue}, DuckDB or pyarrow. Returns `null` if malformed. */
export function decodePartitionValue(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

/** One `key=value` directory name. */
export function encodePartitionSegment(key: string, value: string | number): string {
  return `${key}=${typeof value === 'number' ? String(value) : encodePartitionValue(value)}`;
}

/** Splits and decodes a `key=value` directory name. Throws {@link PartitionPathError} if it is not one. */
export function parsePartitionSegment(segment: string, path: string = segment): { readonly key: string; readonly value: string } {
  const at = segment.indexOf('=');
  if (at <= 0) throw new PartitionPathError({ path, segment, reason: 'expected key=value' });
  const key = segment.slice(0, at);
  if (!KEY.test(key)) throw new PartitionPathError({ path, segment, reason: `"${key}" is not a partition key name` });
  const value = decodePartitionValue(segment.slice(at + 1));
  if (value === null) throw new PartitionPathError({ path, segment, reason: 'malformed percent-encoding' });
  return { key, value };
}

/**
 * The partition of a row with `timestampMs` in a dataset: canonical identifiers plus the UTC date (D1).
 *
 * @example
 * partitionValuesOf({ kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' }, Date.UTC(2024, 1, 29, 23, 59))
 * // { exchange: 'binance', symbol: 'BTCUSDT', year: 2024, month: 2, day: 29 }
 */
export function partitionValuesOf(identity: DatasetIdentity, timestampMs: number): PartitionValues {
  const canonical = canonicalDatasetIdentity(identity);
  const date = utcDateOf(timestampMs);
  return canonical.kind === 'klines'
    ? { exchange: canonical.exchange, symbol: canonical.symbol, timeframe: canonical.timeframe, ...date }
    : { exchange: canonical.exchange, symbol: canonical.symbol, ...date };
}

/**
 * The partition directory of `values` relative to the dataset folder, keys in the schema's order. Identifiers
 * are checked (throws `IdentifierError`) and written in canonical form (D3), and the date must exist, so the
 * path always parses back with {@link parsePartitionPath}.
 */
export function partitionPath(kind: DataKind, values: PartitionValues): string {
  if (!isValidUtcDate(values)) {
    throw new PartitionPathError({ path: '', reason: `year=${values.year}/month=${values.month}/day=${values.day} is not a calendar date` });
  }
  return DATASET_SCHEMAS[kind].partitionKeys
    .map((key) => {
      const value = values[key];
      if (value === undefined) throw new PartitionPathError({ path: '', reason: `a ${kind} partition needs "${key}"` });
      return encodePartitionSegment(key, typeof value === 'string' ? assertIdentifier(key as 'exchange' | 'symbol' | 'timeframe', value) : value);
    })
    .join('/');
}

function parseUint(path: string, segment: string, value: string): number {
  if (!CANONICAL_UINT.test(value)) {
    throw new PartitionPathError({ path, segment, reason: `expected an unpadded decimal integer, got "${value}"` });
  }
  return Number(value);
}

/**
 * Parses a partition directory (relative to the dataset folder, `/` or `\` separated) of data type `kind`:
 * the keys must be the schema's partition keys in order, identifiers must pass the identifier rules, and
 * year/month/day must be an unpadded real date. Throws {@link PartitionPathError} naming the segment.
 * Identifiers are returned as written (not re-cased), so a foreign dataset's path reads back as it is.
 */
export function parsePartitionPath(kind: DataKind, path: string): PartitionValues {
  const segments = path.split(/[/\\]/u).filter((s) => s.length > 0);
  const keys: readonly PartitionKey[] = DATASET_SCHEMAS[kind].partitionKeys;
  if (segments.length !== keys.length) {
    throw new PartitionPathError({ path, reason: `expected ${keys.length} segments (${keys.map((k) => `${k}=`).join('/')}), got ${segments.length}` });
  }
  const raw: Partial<Record<PartitionKey, string>> = {};
  const numbers: Partial<Record<'year' | 'month' | 'day', number>> = {};
  segments.forEach((segment, index) => {
    const expectedKey = keys[index];
    const { key, value } = parsePartitionSegment(segment, path);
    if (key !== expectedKey) throw new PartitionPathError({ path, segment, reason: `expected key "${String(expectedKey)}" here, got "${key}"` });
    if (key === 'year' || key === 'month' || key === 'day') {
      numbers[key] = parseUint(path, segment, value);
    } else {
      const result = validateIdentifier(key, value);
      if (!result.success) throw new PartitionPathError({ path, segment, reason: result.issue.message });
      raw[key] = value;
    }
  });
  const date = { year: numbers.year ?? NaN, month: numbers.month ?? NaN, day: numbers.day ?? NaN };
  if (!isValidUtcDate(date)) {
    throw new PartitionPathError({ path, reason: `year=${date.year}/month=${date.month}/day=${date.day} is not a calendar date` });
  }
  const base = { exchange: raw.exchange ?? '', symbol: raw.symbol ?? '', ...date };
  return raw.timeframe === undefined ? base : { ...base, timeframe: raw.timeframe as Timeframe };
}
