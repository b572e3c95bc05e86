/**
 * The narrow seam between container formats (CSV, Parquet, JSON, zip) and the canonical conversion: a format
 * reader opens a file, says which columns it has, and yields raw batches of only the columns asked for.
 */
import type { ColumnMapping } from './column-mapping.js';
import type { RawColumn } from './raw-column.js';
import type { BatchLocation, RowIssues } from './row-issues.js';
import type { SourceDescription, SourceFormat } from './source-types.js';

/** One batch of raw source columns, indexed like the source's columns (`undefined` where not read). */
export interface RawBatch {
  readonly columns: readonly (RawColumn | undefined)[];
  readonly length: number;
  readonly location: BatchLocation;
  /** Share of the source consumed once this batch was read, 0 to 1, when the format can tell. */
  readonly progress?: number;
}

/** What a format reader found when it opened a file. */
export interface OpenedFormat {
  readonly format: SourceFormat;
  /** Column names in file order. */
  readonly columns: readonly string[];
  /** A data type the layout itself implies (headerless Binance CSV), used when the caller gives none. */
  readonly impliedKind?: SourceDescription['kind'];
  readonly header?: boolean;
  readonly member?: string;
  readonly checksum: SourceDescription['checksum'];
  readonly warnings: readonly string[];
  /** Raw batches of the mapped columns. Rows that cannot even be split into fields go to `issues`. */
  batches(mapping: ColumnMapping): AsyncIterable<RawBatch>;
  /** Releases file handles; safe to call twice. */
  close(): Promise<void>;
}

/** `done / total` clamped to 0..1 for {@link RawBatch.progress}; `undefined` when the total is unknown or zero. */
export function fractionOf(done: number, total: number | undefined): number | undefined {
  if (total === undefined || !(total > 0)) return undefined;
  return Math.min(1, Math.max(0, done / total));
}

/** Opens `path` in one format. */
export type FormatOpener = (path: string, context: FormatContext) => Promise<OpenedFormat>;

/** What a format reader needs besides the path. */
export interface FormatContext {
  readonly batchSize: number;
  readonly verifyChecksum: boolean;
  readonly issues: RowIssues;
}
