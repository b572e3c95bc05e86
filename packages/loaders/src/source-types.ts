/**
 * The public shape of a loaded source: options, what the loader found in the file, and what it read.
 */
import type * as arrow from 'apache-arrow';
import type { DataKind, TimeWindow } from '@unified/schemas';
import type { UnusedColumn } from './column-mapping.js';
import type { TimeEncoding } from './column-conversion.js';
import type { BadRowPolicy } from './row-issues.js';

/** Container formats the loaders read. */
export type SourceFormat = 'parquet' | 'csv' | 'zip' | 'json';

/** Default rows per record batch. */
export const DEFAULT_BATCH_SIZE = 65_536;

/** Options of {@link openSource}. */
export interface SourceOptions {
  /** The data type the file must hold; without it the type is detected from the columns. */
  readonly kind?: DataKind;
  /** Rows per record batch (the last batch may be shorter). @default 65536 */
  readonly batchSize?: number;
  /** What to do with a row that cannot be read. @default 'error' */
  readonly onBadRow?: BadRowPolicy;
  /** The symbol rows must carry when the file has a symbol column (REST funding JSON); else the first row's. */
  readonly symbol?: string;
  /** Stops reading at the next batch and rejects with an `ABORTED` error. */
  readonly signal?: AbortSignal;
  /** Verify a zip against the `.CHECKSUM` file beside it when there is one. @default true */
  readonly verifyChecksum?: boolean;
  /** The plausible time window (D5). @default plausibleTimeWindow() */
  readonly window?: TimeWindow;
  /**
   * Called after each batch and once with fraction 1 at the end, for a progress bar with rate and ETA. It runs on
   * the reading path, so it should be quick; an exception it throws ends the iteration with that exception.
   */
  readonly onProgress?: (progress: SourceProgress) => void;
  /**
   * Checks each canonical batch before it is handed out (the validator's stream checks: OHLC consistency,
   * negative values) and returns the rows it refuses. A refused row is a bad row like any other: it fails the
   * load naming file, line and the reason (`onBadRow: 'error'`), or is dropped and counted (`'skip'`).
   */
  readonly checkBatch?: (batch: arrow.RecordBatch) => readonly RefusedRow[];
}

/** A row that {@link SourceOptions.checkBatch} refuses: its index in the batch and why. */
export interface RefusedRow {
  readonly index: number;
  readonly reason: string;
  /** The canonical column at fault, if one is: the message then also names the file's own column. */
  readonly column?: string;
}

/** How far reading a source has come, as passed to {@link SourceOptions.onProgress}. */
export interface SourceProgress {
  readonly path: string;
  /** Data rows read so far (loaded plus skipped). */
  readonly rowsRead: number;
  /**
   * Share of the file consumed, 0 to 1, never decreasing: bytes for CSV and zip members (uncompressed), rows of
   * the footer for Parquet, rows for JSON arrays, lines for JSON Lines.
   */
  readonly fraction: number;
}

/** How one canonical field is filled from the source. */
export interface ColumnAssignment {
  /** Source column name (for headerless CSV, the Binance archive name of that position). */
  readonly source: string;
  /** Canonical column(s) it fills, e.g. `trade_price`, or `timestamp, timestamp_us` for an aggtrades time column. */
  readonly field: string;
}

/** What the loader found in a file before reading its rows. */
export interface SourceDescription {
  readonly path: string;
  readonly format: SourceFormat;
  /** Data type the rows are loaded as. */
  readonly kind: DataKind;
  /** The CSV member read from a zip. */
  readonly member?: string;
  /**
   * `verified` when a zip matched its `.CHECKSUM`; `absent` when no checksum file sits beside it; `skipped` when
   * verification was turned off; `not-applicable` for formats without checksums.
   */
  readonly checksum: 'verified' | 'absent' | 'skipped' | 'not-applicable';
  /** Whether a CSV had a header row (headerless files use the Binance archive layout for their column count). */
  readonly header?: boolean;
  /** Source columns in file order. */
  readonly sourceColumns: readonly string[];
  /** Which source column fills which field. */
  readonly columns: readonly ColumnAssignment[];
  /** Source columns not loaded, with the reason. */
  readonly unusedColumns: readonly UnusedColumn[];
  /** Things the user should know (unknown columns, float32 values, a name that disagrees with the content). */
  readonly warnings: readonly string[];
}

/** What reading a source produced (available after the iteration finished). */
export interface SourceSummary {
  /** Data rows read from the file. */
  readonly rowsRead: number;
  /** Rows yielded in canonical batches. */
  readonly rowsLoaded: number;
  /** Rows dropped under `onBadRow: 'skip'`. */
  readonly rowsSkipped: number;
  /** Messages of the first skipped rows. */
  readonly badRows: readonly string[];
  /** How the time column was written: per-value integer units, a Parquet timestamp type, or date-time text. */
  readonly timeEncodings: readonly TimeEncoding[];
  /** The symbol of a source with a symbol column. */
  readonly symbol?: string;
  /** Things found while reading that did not stop it (a last line without a line end, no rows). */
  readonly warnings: readonly string[];
}

/**
 * A source file as canonical record batches. Iterating opens the file, streams it batch by batch and closes
 * it, also when the loop breaks early; each iteration reads the file again.
 */
export interface LoadedSource extends AsyncIterable<arrow.RecordBatch> {
  readonly path: string;
  /** Format, data type and column mapping, read from the file's header or schema without reading all rows. */
  describe(): Promise<SourceDescription>;
  /** Counts of the last completed iteration; `undefined` before one completes. */
  readonly summary: SourceSummary | undefined;
}
