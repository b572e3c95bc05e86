/**
 * `convert`: the seed's Step 1.5. Finds the klines, aggtrades and funding sources of one (exchange, symbol,
 * timeframe) in a data directory and turns each data type into its own Hive-partitioned dataset at its own
 * granularity, then records manifests, `metadata.json` and `_config.json`.
 *
 * The order is what makes it safe:
 * 1. plan and fingerprint the sources; read the metadata (a bad `metadata.json` fails here, before any work);
 * 2. lock each dataset (a second run on the same dataset waits), finish any crashed commit, and leave out the
 *    datasets whose sources and settings are those of their last run (an unchanged run is a no-op);
 * 3. read, sort and stage every dataset — nothing visible changes, so any failure here changes nothing (D9);
 * 4. back up the consolidated sources of datasets about to be replaced;
 * 5. under the lock on `unified/`: stage the manifests, `metadata.json` and `_config.json`, write every
 *    dataset's commit journal, then rename everything into place. From the journals on, a crash is completed
 *    by the next run rather than undone.
 */
import { rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type PlannedSource, type SourcePlan, checkPublishedChecksum, discoverSources } from '@unified/loaders';
import {
  type ConfigDefaults,
  type DatasetConfig,
  type DatasetManifest,
  type DatasetMetadata,
  CONFIG_FILE_NAME,
  type DirectoryLockOptions,
  MANIFEST_FILE_NAME,
  METADATA_FILE_NAME,
  type SourceRecord,
  type UnifiedConfig,
  type UnifiedMetadata,
  type WriteSettings,
  backupSources,
  datasetConfig,
  datasetMetadata,
  readDatasetManifest,
  readUnifiedConfig,
  readUnifiedMetadata,
  stageDatasetManifest,
  stageUnifiedConfig,
  stageUnifiedMetadata,
  updateDatasetManifest,
  updateUnifiedConfig,
  updateUnifiedMetadata,
  withDirectoryLock,
} from '@unified/metadata';
import {
  PARQUET_COMPRESSIONS,
  PARQUET_ENGINES,
  type ParquetCompression,
  type ParquetEngineName,
  type StagedWrite,
  type WriteReport,
  failpoint,
  recoverInterruptedWrites,
  stagePartitions,
} from '@unified/partition-writer';
import {
  BASE_TIMEFRAME,
  type CanonicalDatasetIdentity,
  DATA_KINDS,
  type DataKind,
  type StagedFile,
  UNIFIED_DIR_NAME,
  UnifiedError,
  consolidatedFileName,
  datasetName,
  datasetRelativePath,
  datasetSchemaFor,
  normalizeExchange,
  normalizeSymbol,
  normalizeTimeframe,
  removeTemporaryFiles,
} from '@unified/schemas';
import type { ConvertEvent, ConvertOptions, ConvertResult, ConvertSource, ConvertedDataset } from './convert-types.js';
import { createStreamChecks, reconcileWrite } from '@unified/validator';
import { clearCommitPending, markCommitPending, pendingCommits } from './commit-marker.js';
import { type SourceFingerprint, assertUnchangedSince, fingerprintSources } from './source-fingerprints.js';
import { VERSION } from './version.js';

/** The converter as `metadata.json` names it. */
const CONVERTER = { name: '@unified/core', version: VERSION } as const;

/** Built-in defaults, recorded in `_config.json` on the first run. */
const BUILT_IN_DEFAULTS: ConfigDefaults = {
  timeframe: BASE_TIMEFRAME,
  engine: 'wasm',
  compression: 'snappy',
  row_group_size: 1_048_576,
  max_rows_per_file: 20_000_000,
  existing_data: 'replace-partitions',
  on_conflict: 'error',
};

const DEFAULT_LOCK_TIMEOUT_MS = 600_000;

/** The settings one dataset is written with. */
interface Settings {
  readonly engine: ParquetEngineName;
  readonly compression: ParquetCompression;
  readonly rowGroupSize: number;
  readonly maxRowsPerFile: number;
}

/** One dataset of the run. */
interface DatasetWork {
  readonly kind: DataKind;
  readonly identity: CanonicalDatasetIdentity;
  readonly name: string;
  readonly dir: string;
  readonly planned: readonly PlannedSource[];
  readonly fingerprints: readonly SourceFingerprint[];
  readonly sources: readonly ConvertSource[];
  readonly settings: Settings;
  readonly previousManifest: DatasetManifest | undefined;
  readonly previousEntry: DatasetMetadata | undefined;
}

/** A value recorded in `_config.json` that this version cannot use: the file's problem, not the command line's. */
function recordedOneOf<T extends string>(values: readonly T[], value: string, where: string): T {
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new UnifiedError({ code: 'METADATA_INVALID', message: `${where} must be one of ${values.join(', ')}; got ${JSON.stringify(value)}` });
}

/** Explicit option, then the dataset's recorded settings, then the recorded defaults, then the built-in ones. */
function resolveSettings(options: ConvertOptions, recorded: DatasetConfig | undefined, defaults: ConfigDefaults | undefined, configPath: string): Settings {
  const pick = <K extends keyof WriteSettings>(key: K): WriteSettings[K] => recorded?.[key] ?? defaults?.[key] ?? BUILT_IN_DEFAULTS[key];
  return {
    engine: options.engine ?? recordedOneOf(PARQUET_ENGINES, pick('engine'), `${configPath}: engine`),
    compression: options.compression ?? recordedOneOf(PARQUET_COMPRESSIONS, pick('compression'), `${configPath}: compression`),
    rowGroupSize: options.rowGroupSize ?? pick('row_group_size'),
    maxRowsPerFile: options.maxRowsPerFile ?? pick('max_rows_per_file'),
  };
}

function sameSettings(recorded: DatasetConfig | undefined, settings: Settings, kind: DataKind): boolean {
  return (
    recorded !== undefined &&
    recorded.engine === settings.engine &&
    recorded.compression === settings.compression &&
    recorded.row_group_size === settings.rowGroupSize &&
    recorded.max_rows_per_file === settings.maxRowsPerFile &&
    recorded.schema_version === datasetSchemaFor(kind).version
  );
}

function sameSources(recorded: readonly SourceRecord[], now: readonly SourceFingerprint[]): boolean {
  return recorded.length === now.length && recorded.every((r, i) => r.path === now[i]!.recordedPath && r.size === now[i]!.size && r.sha256 === now[i]!.sha256);
}

/** Whether every file the manifest lists is on disk with its recorded size. */
async function filesPresent(dir: string, manifest: DatasetManifest): Promise<boolean> {
  for (const file of manifest.files) {
    const size = await stat(join(dir, file.path)).then(
      (info) => info.size,
      () => -1,
    );
    if (size !== file.bytes) return false;
  }
  return true;
}

async function assertFolder(path: string): Promise<void> {
  const info = await stat(path).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${path}: ${code === 'ENOENT' ? 'the data directory does not exist' : `cannot open the data directory (${code ?? String(error)})`}`, cause: error });
  });
  if (!info.isDirectory()) throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${path}: not a directory; expected the data directory holding the sources` });
}

/** Removes `dir` and its parents below `stop` while they are empty (folders a failed run created for its locks). */
async function pruneEmptyFolders(dir: string, stop: string): Promise<void> {
  for (let current = dir; current !== stop && current.startsWith(stop); current = dirname(current)) {
    const removed = await rmdir(current).then(
      () => true,
      () => false,
    );
    if (!removed) return;
  }
}

/** `1 archive`, `3 archives`. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Runs `fn` holding the locks of `dirs`, taken in a fixed order so that two runs never wait on each other. */
async function withLocks<T>(dirs: readonly string[], fn: () => Promise<T>, options: (dir: string) => DirectoryLockOptions): Promise<T> {
  const [first, ...rest] = [...dirs].sort();
  if (first === undefined) return fn();
  return withDirectoryLock(first, () => withLocks(rest, fn, options), options(first));
}

function noSourcesReason(kind: DataKind, plan: SourcePlan): string {
  const identity = { kind, exchange: plan.exchange, symbol: plan.symbol, timeframe: plan.timeframe } as const;
  return (
    `no ${kind} sources for ${plan.exchange} ${plan.symbol}${kind === 'klines' ? ` ${plan.timeframe}` : ''} in ${plan.dataDir} ` +
    `(looked for ${consolidatedFileName(identity, 'parquet')} or .csv${kind === 'aggtrades' ? ', per-day files' : ''} and Binance archives)`
  );
}

function sourceRecords(work: DatasetWork, plan: SourcePlan): SourceRecord[] {
  return work.fingerprints.map((f, i) => {
    const report = plan.reports.find((r) => r.source.path === f.path && r.source.kind === work.kind);
    return {
      path: f.recordedPath,
      size: f.size,
      mtime: new Date(f.mtimeMs).toISOString(),
      mtime_ms: f.mtimeMs,
      sha256: f.sha256,
      format: work.planned[i]!.format,
      role: work.planned[i]!.role,
      rows_read: report?.summary.rowsRead ?? 0,
      rows_skipped: report?.summary.rowsSkipped ?? 0,
    };
  });
}

function datasetResult(work: DatasetWork, entry: DatasetMetadata, report: WriteReport | undefined, rowsRead: number, rowsSkipped: number): ConvertedDataset {
  return {
    kind: work.kind,
    name: work.name,
    path: work.dir,
    status: report === undefined ? 'unchanged' : 'written',
    sources: work.sources,
    rowsRead,
    rowsWritten: report?.rowsWritten ?? 0,
    duplicatesDropped: report?.duplicatesDropped ?? 0,
    conflictsResolved: report?.conflictsResolved ?? 0,
    rowsSkipped,
    partitionsWritten: report?.partitions.length ?? 0,
    staleFilesRemoved: report?.staleFilesRemoved.length ?? 0,
    totalRows: entry.rows,
    partitions: entry.partitions,
    files: entry.files,
    bytes: entry.bytes,
    minTimestamp: entry.min_timestamp,
    maxTimestamp: entry.max_timestamp,
    engine: work.settings.engine,
    compression: work.settings.compression,
  };
}

/**
 * Converts the sources of one (exchange, symbol, timeframe) in `dataDir` into `<dataDir>/unified/`. Klines are
 * required; a data type without sources is skipped with a warning. Unchanged sources make it a no-op unless
 * `forceRerun`. Throws a `UnifiedError` naming the file and the problem; a failed run changes nothing under
 * `unified/`.
 *
 * @example
 * const result = await convert({ dataDir: 'data_cache', exchange: 'binance', symbol: 'BTCUSDT' });
 * for (const d of result.datasets) console.log(d.kind, d.status, d.totalRows);
 */
export async function convert(options: ConvertOptions): Promise<ConvertResult> {
  const started = performance.now();
  const emit = (event: ConvertEvent): void => options.onEvent?.(event);
  const warnings: string[] = [];
  const warn = (message: string, kind?: DataKind): void => {
    warnings.push(message);
    emit({ type: 'warning', ...(kind === undefined ? {} : { kind }), message });
  };
  // Identifiers are checked before anything touches the disk.
  const exchange = normalizeExchange(options.exchange);
  const symbol = normalizeSymbol(options.symbol);
  const timeframe = normalizeTimeframe(options.timeframe ?? BASE_TIMEFRAME);
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const { signal, forceRerun = false, existingData = 'replace-partitions', onConflict = 'error', onBadRow = 'error' } = options;
  const dataDir = resolve(options.dataDir ?? 'data_cache');
  const unifiedDir = join(dataDir, UNIFIED_DIR_NAME);
  await assertFolder(dataDir);

  // 1. Plan, fingerprint, read what earlier runs recorded.
  const plan = await discoverSources({ dataDir, exchange, symbol, timeframe, ...(options.maxFiles === undefined ? {} : { maxFiles: options.maxFiles }), ...(options.env === undefined ? {} : { env: options.env }) });
  if (plan.sources.klines.length === 0) {
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${noSourcesReason('klines', plan)}; klines are required, nothing was written` });
  }
  const previousMetadata: UnifiedMetadata | undefined = await readUnifiedMetadata(unifiedDir);
  const previousConfig: UnifiedConfig | undefined = await readUnifiedConfig(unifiedDir);
  const configPath = join(unifiedDir, CONFIG_FILE_NAME);
  const skipped: { kind: DataKind; reason: string }[] = [];
  const works: DatasetWork[] = [];
  for (const kind of DATA_KINDS) {
    const planned = plan.sources[kind];
    const notRead = plan.skipped.filter((s) => s.kind === kind);
    if (planned.length === 0) {
      const reason = noSourcesReason(kind, plan);
      skipped.push({ kind, reason });
      warn(`${kind} skipped: ${reason}`, kind);
      continue;
    }
    const identity: CanonicalDatasetIdentity = kind === 'klines' ? { kind, exchange, symbol, timeframe } : { kind, exchange, symbol };
    const name = datasetName(identity);
    const previousEntry = previousMetadata?.data_types[kind].datasets[name];
    const fingerprints = await fingerprintSources(dataDir, planned.map((p) => p.path), previousEntry?.sources ?? [], signal);
    const sources = planned.map((p, i) => ({ path: p.path, format: p.format, role: p.role, reason: p.reason, bytes: fingerprints[i]!.size }));
    // Archives are checked against their published .CHECKSUM on every run, also when nothing else changed, with
    // the sha256 already known (no second read).
    const unverified: string[] = [];
    for (const [i, p] of planned.entries()) {
      if (p.format === 'zip' && (await checkPublishedChecksum(p.path, fingerprints[i]!.sha256)) === undefined) unverified.push(basename(p.path));
    }
    if (unverified.length > 0) {
      warn(`${kind}: ${count(unverified.length, 'archive')} without a .CHECKSUM beside ${unverified.length === 1 ? 'it' : 'them'} (${unverified.slice(0, 3).join(', ')}${unverified.length > 3 ? ', …' : ''}); integrity not verified`, kind);
    }
    emit({ type: 'plan', kind, sources, skipped: notRead.map(({ path, reason }) => ({ path, reason })) });
    const limited = notRead.filter((s) => s.reason.startsWith('beyond the limit'));
    if (limited.length > 0) warn(`${kind}: ${count(limited.length, 'more file')} not read (${limited[0]!.reason}${plan.maxFiles === undefined ? '' : '; BLANK_TRAINING_MODE or maxFiles'})`, kind);
    works.push({
      kind,
      identity,
      name,
      dir: join(unifiedDir, datasetRelativePath(identity)),
      planned,
      fingerprints,
      sources,
      // Provisional: decided again from what is recorded once the dataset is locked.
      settings: resolveSettings(options, previousConfig?.data_types[kind].datasets[name], previousConfig?.defaults, configPath),
      previousManifest: undefined,
      previousEntry,
    });
  }

  const unifiedExisted = await stat(unifiedDir).then(
    () => true,
    () => false,
  );
  const lockOptions = (dir: string): DirectoryLockOptions => ({
    timeoutMs: lockTimeoutMs,
    ...(signal === undefined ? {} : { signal }),
    onWait: (holder) => emit({ type: 'waiting', dir, holder: `process ${holder.pid} on ${holder.host} since ${holder.since}`, timeoutMs: lockTimeoutMs }),
  });
  try {
    return await withLocks(works.map((w) => w.dir), async () => {
      // 2. Finish crashed commits; leave out what is unchanged.
      // What another run may have committed while this one waited for the locks counts, not what was read before.
      const lockedMetadata = await readUnifiedMetadata(unifiedDir);
      const lockedConfig = await readUnifiedConfig(unifiedDir);
      // Datasets whose data a dead run committed before their metadata: their metadata cannot be trusted.
      const halfCommitted = await pendingCommits(unifiedDir);
      const results = new Map<DataKind, ConvertedDataset>();
      const todo: DatasetWork[] = [];
      for (const early of works) {
        // Under the lock no other write to the dataset can be under way: finish any commit left behind, also one
        // this process failed to finish, and remove manifests staged by a run that died.
        await recoverInterruptedWrites(early.dir, { exclusive: true });
        await removeTemporaryFiles(early.dir, MANIFEST_FILE_NAME);
        const manifest = await readDatasetManifest(early.dir);
        const recorded = lockedConfig?.data_types[early.kind].datasets[early.name];
        const entry = lockedMetadata?.data_types[early.kind].datasets[early.name];
        const work: DatasetWork = { ...early, previousEntry: entry, settings: resolveSettings(options, recorded, lockedConfig?.defaults, configPath) };
        const unchanged =
          !forceRerun &&
          !halfCommitted.has(datasetRelativePath(work.identity)) &&
          entry !== undefined &&
          manifest !== undefined &&
          sameSources(entry.sources, work.fingerprints) &&
          sameSettings(recorded, work.settings, work.kind) &&
          // A run that skipped bad rows or resolved conflicts is not a stand-in for a stricter one: check again.
          !(entry.last_run.rows_skipped > 0 && onBadRow === 'error') &&
          !(entry.last_run.conflicts_resolved > 0 && onConflict === 'error') &&
          manifest.rows === entry.rows &&
          manifest.files.length === entry.files &&
          (await filesPresent(work.dir, manifest));
        if (unchanged) {
          emit({ type: 'unchanged', kind: work.kind, dataset: work.name });
          results.set(work.kind, datasetResult(work, entry, undefined, 0, 0));
        } else {
          todo.push({ ...work, previousManifest: manifest });
        }
      }
      if (todo.length === 0) {
        return { dataDir, unifiedDir, exchange, symbol, timeframe, noop: true, datasets: [...results.values()], skipped, warnings, durationMs: performance.now() - started };
      }

      // 3. Read, sort and stage every dataset; nothing visible changes.
      const staged: { work: DatasetWork; write: StagedWrite; started: number }[] = [];
      const stagedFiles: StagedFile[] = [];
      // Set once every journal is written: from then on a failure is completed by the next run, not undone.
      const progress = { committing: false, committed: false };
      try {
        for (const work of todo) {
          signal?.throwIfAborted();
          const stagingStarted = performance.now();
          const sizes = new Map(work.fingerprints.map((f) => [f.path, f.size]));
          const bytesTotal = work.fingerprints.reduce((n, f) => n + f.size, 0);
          let bytesDone = 0;
          let filesDone = 0;
          let rowsDone = 0;
          let currentPath: string | undefined;
          let currentRows = 0;
          emit({ type: 'progress', kind: work.kind, rowsRead: 0, bytesRead: 0, bytesTotal, filesDone: 0, filesTotal: work.planned.length });
          // The validator's cheap checks on the stream: a row breaking a value rule is a bad row (file and line).
          const checks = createStreamChecks(work.kind === 'klines' ? { kind: work.kind, timeframe } : { kind: work.kind });
          const batches = plan.batches(work.kind, {
            onBadRow,
            checkBatch: checks.checkBatch,
            // Every zip was checked against its .CHECKSUM with the sha256 fingerprinted above (and a file that
            // changes since fails assertUnchangedSince): the reader need not hash it a second time.
            verifyChecksum: false,
            ...(signal === undefined ? {} : { signal }),
            onProgress: ({ path, rowsRead, fraction }) => {
              if (currentPath !== undefined && path !== currentPath) {
                bytesDone += sizes.get(currentPath) ?? 0;
                filesDone++;
                rowsDone += currentRows;
              }
              currentPath = path;
              currentRows = rowsRead;
              const size = sizes.get(path) ?? 0;
              emit({ type: 'progress', kind: work.kind, rowsRead: rowsDone + rowsRead, bytesRead: bytesDone + Math.round(fraction * size), bytesTotal, filesDone: filesDone + (fraction >= 1 ? 1 : 0), filesTotal: work.planned.length });
            },
          });
          const write = await stagePartitions(batches, {
            outputDir: unifiedDir,
            dataset: work.identity,
            engine: work.settings.engine,
            compression: work.settings.compression,
            rowGroupSize: work.settings.rowGroupSize,
            maxRowsPerFile: work.settings.maxRowsPerFile,
            onConflict,
            existingData,
            ...(signal === undefined ? {} : { signal }),
          });
          staged.push({ work, write, started: stagingStarted });
          const reports = plan.reports.filter((r) => r.source.kind === work.kind);
          for (const r of reports) for (const w of r.summary.warnings) warn(w, work.kind);
          const rowsSkipped = reports.reduce((n, r) => n + r.summary.rowsSkipped, 0);
          if (rowsSkipped > 0) warn(`${work.kind}: ${count(rowsSkipped, 'bad row')} skipped (first: ${reports.flatMap((r) => r.summary.badRows)[0] ?? '?'})`, work.kind);
          for (const w of checks.warnings()) warn(`${work.kind}: ${count(w.count, 'row')} with ${w.code} (first: ${w.first})`, work.kind);
          // Reconciliation before anything is committed: every row read is written or accounted for.
          const unaccounted = reconcileWrite({
            rowsLoaded: reports.reduce((n, r) => n + r.summary.rowsLoaded, 0),
            rowsIn: write.report.rowsIn,
            rowsWritten: write.report.rowsWritten,
            duplicatesDropped: write.report.duplicatesDropped,
            conflictsResolved: write.report.conflictsResolved,
            merged: existingData === 'merge',
            partitions: write.report.partitions,
          });
          if (unaccounted.length > 0) {
            throw new UnifiedError({ code: 'VALIDATION_FAILED', message: `${work.name}: row_count_mismatch: ${unaccounted.join('; ')}; nothing was committed` });
          }
          emit({ type: 'staged', kind: work.kind, dataset: work.name, rowsRead: reports.reduce((n, r) => n + r.summary.rowsRead, 0), rowsWritten: write.report.rowsWritten, partitions: write.report.partitions.length });
        }
        await assertUnchangedSince(todo.flatMap((w) => w.fingerprints));

        // 4. Back up the consolidated sources of datasets about to be replaced.
        let backup: ConvertResult['backup'];
        const replacing = todo.filter((w) => (w.previousManifest?.files.length ?? 0) > 0);
        const consolidated = replacing.flatMap((w) => w.fingerprints.filter((_, i) => w.planned[i]!.role === 'consolidated'));
        const backupMode = options.backup ?? 'link';
        if (backupMode !== 'none' && consolidated.length > 0) {
          const made = await backupSources({
            dataDir,
            sources: consolidated.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size, mtimeMs: f.mtimeMs })),
            reason: `before replacing ${replacing.map((w) => datasetRelativePath(w.identity)).join(', ')}`,
            hardLinks: backupMode === 'link',
          });
          for (const lost of made.overwritten) {
            warn(`the backup of ${lost.source} in ${lost.backup} was a hard link and changed when the source was rewritten in place; it no longer holds what its _backup.json records (use backup 'copy' to keep independent copies)`);
          }
          emit({ type: 'backup', dir: made.dir, files: made.files.map((f) => f.source), unchanged: made.unchanged });
          if (made.dir !== undefined) backup = { dir: made.dir, files: made.files.map((f) => f.source) };
        }

        // 5. Metadata and commit, under the lock on unified/ (other datasets' runs update it too).
        signal?.throwIfAborted();
        return await withDirectoryLock(
          unifiedDir,
          async () => {
            for (const name of [METADATA_FILE_NAME, CONFIG_FILE_NAME]) await removeTemporaryFiles(unifiedDir, name);
            const metadataNow = await readUnifiedMetadata(unifiedDir);
            const configNow = await readUnifiedConfig(unifiedDir);
            const now = new Date();
            const entries: DatasetMetadata[] = [];
            const configs: DatasetConfig[] = [];
            for (const { work, write, started: stagingStarted } of staged) {
              const report = write.report;
              const written = report.partitions.flatMap((p) =>
                p.files.map((f) => ({ path: `${p.path}/${f.name}`, rows: f.rows, bytes: f.bytes, min_timestamp: f.minTimestamp, max_timestamp: f.maxTimestamp, sha256: f.sha256 })),
              );
              const manifest = updateDatasetManifest(work.previousManifest, work.identity, report.partitions.map((p) => p.path), written);
              stagedFiles.push(await stageDatasetManifest(work.dir, manifest));
              const sources = sourceRecords(work, plan);
              entries.push(
                datasetMetadata({
                  identity: work.identity,
                  manifest,
                  sources,
                  run: {
                    at: now.toISOString(),
                    engine: work.settings.engine,
                    compression: work.settings.compression,
                    existing_data: existingData,
                    rows_read: sources.reduce((n, s) => n + s.rows_read, 0),
                    rows_written: report.rowsWritten,
                    duplicates_dropped: report.duplicatesDropped,
                    conflicts_resolved: report.conflictsResolved,
                    rows_skipped: sources.reduce((n, s) => n + s.rows_skipped, 0),
                    partitions_written: report.partitions.length,
                    duration_ms: Math.round(performance.now() - stagingStarted),
                  },
                }),
              );
              configs.push(
                datasetConfig(work.identity, {
                  engine: work.settings.engine,
                  compression: work.settings.compression,
                  row_group_size: work.settings.rowGroupSize,
                  max_rows_per_file: work.settings.maxRowsPerFile,
                }),
              );
            }
            stagedFiles.push(await stageUnifiedMetadata(unifiedDir, updateUnifiedMetadata(metadataNow, entries, { converter: CONVERTER, now })));
            stagedFiles.push(await stageUnifiedConfig(unifiedDir, updateUnifiedConfig(configNow, configs, BUILT_IN_DEFAULTS)));
            signal?.throwIfAborted();

            // The commit point: every journal is written before the first rename, and the marker says that the
            // metadata of these datasets is about to be replaced.
            const committing = staged.map(({ work }) => datasetRelativePath(work.identity));
            await markCommitPending(unifiedDir, committing);
            try {
              for (const { write } of staged) await write.prepareCommit();
            } catch (error) {
              await clearCommitPending(unifiedDir, committing);
              throw error;
            }
            progress.committing = true;
            const reports = new Map<DataKind, WriteReport>();
            for (const { work, write } of staged) reports.set(work.kind, await write.commit());
            failpoint('before-metadata-rename');
            for (const file of stagedFiles) await file.commit();
            await clearCommitPending(unifiedDir, committing);
            progress.committed = true;
            emit({ type: 'committed', datasets: staged.map(({ work }) => datasetRelativePath(work.identity)) });

            for (const [i, { work }] of staged.entries()) {
              const entry = entries[i]!;
              results.set(work.kind, datasetResult(work, entry, reports.get(work.kind), entry.last_run.rows_read, entry.last_run.rows_skipped));
            }
            const datasets = DATA_KINDS.flatMap((kind) => results.get(kind) ?? []);
            return { dataDir, unifiedDir, exchange, symbol, timeframe, noop: false, datasets, skipped, ...(backup === undefined ? {} : { backup }), warnings, durationMs: performance.now() - started };
          },
          lockOptions(unifiedDir),
        );
      } catch (error) {
        if (progress.committed) throw error;
        if (progress.committing) {
          throw new UnifiedError({
            code: 'WRITE_FAILED',
            message: `the commit of ${staged.map(({ work }) => datasetRelativePath(work.identity)).join(', ')} was interrupted (${(error as Error).message}); the next run completes the data commit and converts these datasets again to bring their metadata up to date`,
            cause: error,
          });
        }
        for (const file of stagedFiles) await file.discard();
        for (const { write } of staged) await write.discard();
        throw error;
      }
    }, lockOptions);
  } finally {
    // Folders created only to hold a lock are removed again (a failed or no-op run leaves no trace).
    for (const work of works) await pruneEmptyFolders(work.dir, unifiedExisted ? unifiedDir : dataDir);
  }
}
