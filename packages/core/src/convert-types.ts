/**
 * Options, events and result of `convert`, the seed's Step 1.5 as a library call.
 */
import type { BadRowPolicy } from '@unified/loaders';
import type { ConflictPolicy, ExistingDataPolicy, ParquetCompression, ParquetEngineName } from '@unified/partition-writer';
import type { DataKind } from '@unified/schemas';

/** Options of `convert`. Paths resolve against the working directory. */
export interface ConvertOptions {
  /** Folder holding the sources; the output goes to `<dataDir>/unified/`. @default 'data_cache' */
  readonly dataDir?: string;
  /** Exchange id (D3: lower-cased; `binance`, `binanceusdm`, …). */
  readonly exchange: string;
  /** Symbol (upper-cased). */
  readonly symbol: string;
  /** Kline interval. @default '1m' */
  readonly timeframe?: string;
  /** Convert even when the sources are unchanged since the last run. @default false */
  readonly forceRerun?: boolean;
  /**
   * Parquet encoder, codec, rows per row group and per file. Without a value, a dataset continues with the
   * settings `_config.json` recorded for it, then the defaults recorded there, then the built-in defaults
   * (`wasm`, `snappy`, 1,048,576, 20,000,000).
   */
  readonly engine?: ParquetEngineName;
  readonly compression?: ParquetCompression;
  readonly rowGroupSize?: number;
  readonly maxRowsPerFile?: number;
  /** What to do with day partitions that already hold data. @default 'replace-partitions' */
  readonly existingData?: ExistingDataPolicy;
  /** Rows sharing a natural key but differing. @default 'error' */
  readonly onConflict?: ConflictPolicy;
  /** A row that cannot be read fails the run (`error`, default) or is counted and dropped (`skip`). */
  readonly onBadRow?: BadRowPolicy;
  /** At most this many per-day and archive files per data type; `BLANK_TRAINING_MODE=1` sets 3. */
  readonly maxFiles?: number;
  /**
   * How the consolidated sources are backed up before existing output is replaced (seed): `link` keeps a
   * copy-on-write clone or, where the file system has none, a hard link (no gigabytes copied, but a tool that
   * rewrites the source in place changes it too); `copy` never hard-links; `none` skips the backup.
   * @default 'link'
   */
  readonly backup?: 'link' | 'copy' | 'none';
  /** How long to wait for another run holding a dataset. @default 600_000 (10 minutes) */
  readonly lockTimeoutMs?: number;
  /** Environment for `BLANK_TRAINING_MODE`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Stops the run; nothing is committed. */
  readonly signal?: AbortSignal;
  /** Receives what happens, for progress bars and logs. An exception thrown here fails the run. */
  readonly onEvent?: (event: ConvertEvent) => void;
}

/** A source file as the plan sees it. */
export interface ConvertSource {
  readonly path: string;
  readonly format: string;
  /** `consolidated`, `per-day` or `archive`. */
  readonly role: string;
  readonly reason: string;
  readonly bytes: number;
}

/** What `convert` reports while it runs. */
export type ConvertEvent =
  /** The files chosen for a data type, and those found but not read. */
  | { readonly type: 'plan'; readonly kind: DataKind; readonly sources: readonly ConvertSource[]; readonly skipped: readonly { readonly path: string; readonly reason: string }[] }
  /** A dataset whose sources and settings are those of its last run: not converted again. */
  | { readonly type: 'unchanged'; readonly kind: DataKind; readonly dataset: string }
  /** Reading a data type's sources: started, and after each batch. */
  | {
      readonly type: 'progress';
      readonly kind: DataKind;
      readonly rowsRead: number;
      readonly bytesRead: number;
      readonly bytesTotal: number;
      readonly filesDone: number;
      readonly filesTotal: number;
    }
  /** A data type is read, sorted and staged; nothing is visible yet. */
  | { readonly type: 'staged'; readonly kind: DataKind; readonly dataset: string; readonly rowsRead: number; readonly rowsWritten: number; readonly partitions: number }
  /** Consolidated sources backed up before existing output is replaced (`dir` undefined: the newest backup holds them already). */
  | { readonly type: 'backup'; readonly dir: string | undefined; readonly files: readonly string[]; readonly unchanged: readonly string[] }
  /** The run's datasets, manifests and metadata are committed. */
  | { readonly type: 'committed'; readonly datasets: readonly string[] }
  /** Another run holds a dataset or `unified/`; this run waits for it up to `lockTimeoutMs`. */
  | { readonly type: 'waiting'; readonly dir: string; readonly holder: string; readonly timeoutMs: number }
  /** Something the user should know that does not stop the run (a data type without sources, skipped rows). */
  | { readonly type: 'warning'; readonly kind?: DataKind; readonly message: string };

/** What happened to one dataset. */
export interface ConvertedDataset {
  readonly kind: DataKind;
  /** Folder name (`binance_BTCUSDT_1m`) and absolute path. */
  readonly name: string;
  readonly path: string;
  /** `written`, or `unchanged` when its sources and settings are those of the last run. */
  readonly status: 'written' | 'unchanged';
  readonly sources: readonly ConvertSource[];
  /** This run's counts (zero when unchanged). */
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly duplicatesDropped: number;
  readonly conflictsResolved: number;
  readonly rowsSkipped: number;
  readonly partitionsWritten: number;
  readonly staleFilesRemoved: number;
  /** The dataset after the run: every file, not only this run's. */
  readonly totalRows: number;
  readonly partitions: number;
  readonly files: number;
  readonly bytes: number;
  readonly minTimestamp: number | null;
  readonly maxTimestamp: number | null;
  readonly engine: string;
  readonly compression: string;
}

/** What `convert` did. */
export interface ConvertResult {
  readonly dataDir: string;
  readonly unifiedDir: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** True when every dataset was unchanged and nothing was written. */
  readonly noop: boolean;
  readonly datasets: readonly ConvertedDataset[];
  /** Data types without sources, and why. */
  readonly skipped: readonly { readonly kind: DataKind; readonly reason: string }[];
  /** The backup folder this run created, if any. */
  readonly backup?: { readonly dir: string; readonly files: readonly string[] };
  readonly warnings: readonly string[];
  readonly durationMs: number;
}
