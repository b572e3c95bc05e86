/**
 * Options and report of {@link writePartitions}.
 */
import type { DatasetIdentity } from '@unified/schemas';
import type { ParquetCompression, ParquetEngineName } from './parquet-engine.js';
import type { ConflictPolicy } from './sort-deduplicate.js';

/**
 * What to do with partitions that already hold data:
 * - `replace-partitions` (default): replace exactly the day partitions this run writes;
 * - `error`: refuse (`PARTITION_EXISTS`) if any of them holds data, before anything is committed;
 * - `merge`: union with their existing rows, deduplicated by the natural key (new rows win under `keep-last`).
 */
export type ExistingDataPolicy = 'replace-partitions' | 'error' | 'merge';

/** Options of `writePartitions`. */
export interface WritePartitionsOptions {
  /** The `unified/` folder; the dataset goes to `<outputDir>/<kind>/<dataset name>/`. */
  readonly outputDir: string;
  /** Which dataset the rows belong to. */
  readonly dataset: DatasetIdentity;
  /** Parquet encoder. @default 'wasm' */
  readonly engine?: ParquetEngineName;
  /** Codec. @default 'snappy' */
  readonly compression?: ParquetCompression;
  /** Rows per row group. @default 1_048_576 */
  readonly rowGroupSize?: number;
  /** A day holding more rows is split into `part-0`, `part-1`, .... @default 20_000_000 */
  readonly maxRowsPerFile?: number;
  /** Rows sharing a natural key but differing. @default 'error' */
  readonly onConflict?: ConflictPolicy;
  /** @default 'replace-partitions' */
  readonly existingData?: ExistingDataPolicy;
  /** Stops the write; nothing is committed. */
  readonly signal?: AbortSignal;
}

/** One data file written. */
export interface WrittenFile {
  /** `part-0.parquet`, ... */
  readonly name: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  /** First and last `timestamp` in the file, ms since the epoch. */
  readonly minTimestamp: number;
  readonly maxTimestamp: number;
}

/** One day partition written. */
export interface PartitionReport {
  /** Partition folder relative to the dataset folder (`exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=1`). */
  readonly path: string;
  readonly files: readonly WrittenFile[];
  readonly rows: number;
  readonly bytes: number;
  /** Milliseconds since the epoch. */
  readonly minTimestamp: number;
  readonly maxTimestamp: number;
  /** Identical duplicates dropped (D7). */
  readonly duplicatesDropped: number;
  /** Conflicting rows replaced by a later one under `keep-last`. */
  readonly conflictsResolved: number;
}

/** What `writePartitions` did. */
export interface WriteReport {
  /** Absolute path of the dataset folder. */
  readonly datasetDir: string;
  readonly engine: ParquetEngineName;
  readonly compression: ParquetCompression;
  /** Rows received. */
  readonly rowsIn: number;
  /** Rows in the committed files (including existing rows kept under `merge`). */
  readonly rowsWritten: number;
  readonly duplicatesDropped: number;
  readonly conflictsResolved: number;
  /** Partitions written, in day order. */
  readonly partitions: readonly PartitionReport[];
  /** Files from an earlier run removed from the written partitions (relative to the dataset folder). */
  readonly staleFilesRemoved: readonly string[];
}

/** What a staged write will commit: the {@link WriteReport} without the stale files, known only at commit. */
export type StagedReport = Omit<WriteReport, 'staleFilesRemoved'>;

/** A write whose files are staged but not yet visible (see `stagePartitions`). */
export interface StagedWrite {
  /** Absolute path of the dataset folder. */
  readonly datasetDir: string;
  /** The partitions and counts the commit makes visible. */
  readonly report: StagedReport;
  /**
   * Writes the commit journal, so that a crash from now on is rolled forward (completed) by the next write to
   * the dataset instead of discarded. Idempotent; `commit` does it when it was not done.
   */
  prepareCommit(): Promise<void>;
  /** Renames the staged files into their partitions and removes the partitions' stale files. */
  commit(): Promise<WriteReport>;
  /** Removes the staged files; the dataset stays as it was. Does nothing after `commit`. */
  discard(): Promise<void>;
}
