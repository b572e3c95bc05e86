/**
 * One finding of a validation: a stable `code`, its severity, a message for people, and where it is. Location
 * fields, from coarse to fine: `dataset` (always), `partition` (the folder relative to the dataset), `file`
 * (relative to the dataset), `row` (0-based within the file) and `key` (the natural key value). Each code adds
 * the facts a program needs, so the union is discriminated on `code`.
 */
import type { ValidationCode, ValidationSeverity } from './validation-checks.js';

/** Where an issue is; only `dataset` is always present. */
export interface IssueLocation {
  /** Absolute path of the dataset folder. */
  readonly dataset: string;
  /** Partition folder relative to the dataset (`exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=1`). */
  readonly partition?: string;
  /** File relative to the dataset, `/`-separated. */
  readonly file?: string;
  /** 0-based row within the file. */
  readonly row?: number;
  /** The natural key of the row (timestamp, trade id or funding time). */
  readonly key?: number | string;
}

interface Base<C extends ValidationCode> extends IssueLocation {
  readonly code: C;
  readonly severity: ValidationSeverity;
  /** One line naming the place and what was expected. */
  readonly message: string;
}

/** A column missing, extra, of another type or nullability; or a null in a required column. */
export interface SchemaMismatchIssue extends Base<'schema_mismatch'> {
  readonly column: string;
  readonly expected: string;
  readonly actual: string;
}

/** A row outside its partition's day, a partition value that differs from the dataset, or a malformed path. */
export interface PartitionMismatchIssue extends Base<'partition_mismatch'> {
  readonly expected: string;
  readonly actual: string;
}

/** A row before the row above it in timestamp (then trade id) order. */
export interface UnsortedIssue extends Base<'unsorted'> {
  readonly timestamp: number;
  readonly previousTimestamp: number;
}

/** A natural key seen twice: `file`/`row` is the second sighting, `otherFile` the first when it is another file. */
export interface DuplicateKeyIssue extends Base<'duplicate_key'> {
  readonly column: string;
  readonly key: number | string;
  readonly otherFile?: string;
}

/** Candles missing between two candles: `from` is the first missing open time, `missing` how many. */
export interface KlineGapIssue extends Base<'kline_gap'> {
  readonly from: number;
  readonly to: number;
  readonly missing: number;
}

/** An open time off the timeframe grid, or a close time other than open + interval − 1 ms. */
export interface KlineMisalignedIssue extends Base<'kline_misaligned'> {
  readonly timestamp: number;
  readonly column: 'timestamp' | 'close_time';
  readonly expected: number;
  readonly actual: number;
}

/** A candle whose prices contradict each other. */
export interface OhlcInconsistentIssue extends Base<'ohlc_inconsistent'> {
  readonly rule: 'low_above_high' | 'low_above_open_or_close' | 'high_below_open_or_close';
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** A negative price, quantity or volume, or a non-finite number. */
export interface NegativeValueIssue extends Base<'negative_value'> {
  readonly column: string;
  /** The value; NaN and ±Infinity as text, since JSON has no such numbers. */
  readonly value: number | string;
}

/** Aggregate trade ids that do not follow each other: `from`..`to` (inclusive) are missing, or ids went back. */
export interface TradeIdGapIssue extends Base<'trade_id_gap'> {
  readonly from: number;
  readonly to: number;
  /** Ids missing; 0 when the ids went backwards. */
  readonly missing: number;
}

/** Two funding events further apart (or closer) than their interval, beyond the tolerance. */
export interface FundingIrregularIssue extends Base<'funding_irregular'> {
  readonly timestamp: number;
  readonly previousTimestamp: number;
  readonly expectedMs: number;
  readonly actualMs: number;
}

/** A time outside the plausible window (D5). */
export interface TimestampOutOfRangeIssue extends Base<'timestamp_out_of_range'> {
  readonly column: string;
  readonly value: number;
}

/** A file in the dataset that is neither data nor a hidden sidecar. */
export type StrayFileIssue = Base<'stray_file'>;

/** What a count was checked against. */
export type CountSource = 'file' | 'manifest' | 'metadata' | 'source' | 'last_run';

/** Counts that disagree: `expected` from `against`, `actual` from what is on disk (or re-read). */
export interface RowCountMismatchIssue extends Base<'row_count_mismatch'> {
  readonly against: CountSource;
  /** The source file (as metadata.json records it), for a count of a source. */
  readonly source?: string;
  readonly expected: number;
  readonly actual: number;
}

/** A data file that cannot be read as Parquet. */
export interface UnreadableFileIssue extends Base<'unreadable_file'> {
  readonly reason: string;
}

/** A file (or source) whose bytes differ from what was recorded. */
export interface ChecksumMismatchIssue extends Base<'checksum_mismatch'> {
  readonly against: 'manifest' | 'metadata';
  /** The source file (as metadata.json records it), for a source changed or gone since conversion. */
  readonly source?: string;
  readonly expected: string;
  readonly actual: string;
}

/** A sampled source row that the output lacks or holds with another value. */
export interface SampleMismatchIssue extends Base<'sample_mismatch'> {
  readonly source: string;
  /** The source's line or row number. */
  readonly sourceRow: number;
  /** The first column that differs; absent when the row is missing. */
  readonly column?: string;
  readonly expected?: string;
  readonly actual?: string;
}

/** Any finding, discriminated on `code`. */
export type ValidationIssue =
  | SchemaMismatchIssue
  | PartitionMismatchIssue
  | UnsortedIssue
  | DuplicateKeyIssue
  | KlineGapIssue
  | KlineMisalignedIssue
  | OhlcInconsistentIssue
  | NegativeValueIssue
  | TradeIdGapIssue
  | FundingIrregularIssue
  | TimestampOutOfRangeIssue
  | StrayFileIssue
  | RowCountMismatchIssue
  | UnreadableFileIssue
  | ChecksumMismatchIssue
  | SampleMismatchIssue;

/** The issue of `code`. */
export type IssueOf<C extends ValidationCode> = Extract<ValidationIssue, { code: C }>;

/** What a check reports: the issue without the severity, which the collector assigns. */
export type FoundIssue = ValidationIssue extends infer I ? (I extends ValidationIssue ? Omit<I, 'severity'> : never) : never;
