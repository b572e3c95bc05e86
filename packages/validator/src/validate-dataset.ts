/**
 * `validateDataset`: every check of a dataset folder in one streaming pass over its files, plus the manifest
 * and metadata.json, and (with `sources`) reconciliation against the source files. `assertValidDataset` is
 * the throwing twin.
 */
import { access } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { openParquetFile } from '@unified/loaders';
import { type DatasetManifest, type DatasetMetadata, readDatasetManifest, readUnifiedMetadata } from '@unified/metadata';
import { type DataKind, type Timeframe, UnifiedError, datasetSchemaFor, isDataKind, isTimeframe, plausibleTimeWindow } from '@unified/schemas';
import { type DataFileEntry, walkDatasetTree } from './dataset-tree.js';
import { DEFAULT_MAX_ISSUES_PER_CODE, IssueCollector, type IssueCounts } from './issue-collector.js';
import { type OverlapZone, duplicatesAcross, overlapZones } from './key-uniqueness.js';
import { KIND_RULES } from './kind-rules.js';
import { checkAgainstManifest, checkAgainstMetadata } from './manifest-check.js';
import { numberColumn } from './column-values.js';
import { DatasetRowChecks } from './row-checks.js';
import { checkFileSchema } from './schema-check.js';
import { type SourceReconciliation, reconcileSources } from './source-reconciliation.js';
import { ValidationError } from './validation-error.js';
import type { ValidationIssue } from './validation-issue.js';

/** Options of {@link validateDataset}. */
export interface ValidateOptions {
  /** The data type; by default from the manifest, the parent folder name or the columns. */
  readonly kind?: DataKind;
  /** The klines interval; by default from the manifest or the partition path. */
  readonly timeframe?: Timeframe;
  /** Warnings count as errors. @default false */
  readonly strict?: boolean;
  /** Issues kept with their details per code (all are counted). @default 100 */
  readonly maxIssuesPerCode?: number;
  /** Hash every data file against the manifest's sha256. @default true */
  readonly checksums?: boolean;
  /** Reconcile with the sources recorded in metadata.json: re-read them, count, and verify a sample. @default false */
  readonly sources?: boolean;
  /** Source rows sampled and looked up in the output. @default 1000 */
  readonly sampleSize?: number;
  /** Seed of the sample, so a run can be repeated. @default 1 */
  readonly seed?: number;
  /** Funding interval for rows without `funding_interval_hours`; by default the dataset's most common spacing. */
  readonly fundingIntervalHours?: number;
  /** How far a funding time may stray from its cadence. @default 60000 (one minute) */
  readonly fundingToleranceMs?: number;
  /** "Now" for the plausible window (D5). @default Date.now() */
  readonly now?: number;
  readonly signal?: AbortSignal;
  /** Called after each data file. */
  readonly onProgress?: (progress: ValidationProgress) => void;
}

/** Progress of a validation. */
export interface ValidationProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly rows: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** What a validation looked at. */
export interface ValidationStats {
  readonly kind: DataKind;
  readonly timeframe: Timeframe | null;
  readonly files: number;
  readonly partitions: number;
  readonly rows: number;
  readonly bytes: number;
  readonly minTimestamp: number | null;
  readonly maxTimestamp: number | null;
  /** Issues found per code, including those not kept in `issues`. */
  readonly issueCounts: IssueCounts;
  readonly errors: number;
  readonly warnings: number;
  readonly klineGaps: number;
  readonly missingCandles: number;
  readonly tradeIdGaps: number;
  readonly missingTradeIds: number;
  /** Temporary files of an interrupted run (ignored; the next conversion removes them). */
  readonly temporaryFiles: number;
  /** Whether `_manifest.json` and the metadata.json entry were there to check against. */
  readonly manifest: boolean;
  readonly metadata: boolean;
  readonly checksums: boolean;
  /** Reconciliation with the sources, when asked for. */
  readonly sources: SourceReconciliation | null;
  readonly durationMs: number;
  readonly rowsPerSecond: number;
}

/** The result of {@link validateDataset}. */
export interface ValidationReport {
  /** No error-level issue (warnings allowed unless `strict`). */
  readonly ok: boolean;
  /** Absolute path of the dataset folder. */
  readonly dataset: string;
  /** The first issues of each code, in the order found. */
  readonly issues: readonly ValidationIssue[];
  readonly stats: ValidationStats;
}

async function detectKind(root: string, manifest: DatasetManifest | undefined, first: DataFileEntry | undefined): Promise<DataKind> {
  if (manifest !== undefined) return manifest.kind;
  const parent = basename(dirname(root));
  if (isDataKind(parent)) return parent;
  if (first !== undefined) {
    const file = await openParquetFile(first.path);
    try {
      const names = new Set(file.schema.fields.map((f) => f.name));
      if (names.has('trade_id') || names.has('trade_price')) return 'aggtrades';
      if (names.has('funding_rate')) return 'futures';
      if (names.has('open') && names.has('close')) return 'klines';
    } finally {
      await file.close();
    }
  }
  throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${root}: cannot tell the data type (no _manifest.json, parent folder not klines/aggtrades/futures); pass kind` });
}

/**
 * Validates one dataset folder (`<dataDir>/unified/aggtrades/binance_BTCUSDT`) and reports every issue with a
 * stable code and severity. It never throws for a defect of the data, only when the folder cannot be read or
 * the options are wrong; use {@link assertValidDataset} to throw on errors.
 *
 * @example
 * const report = await validateDataset('data_cache/unified/klines/binance_BTCUSDT_1m');
 * if (!report.ok) for (const issue of report.issues) console.log(issue.code, issue.message);
 */
export async function validateDataset(path: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const started = performance.now();
  const root = resolve(path);
  const { strict = false, checksums = true, signal } = options;
  const issues = new IssueCollector(strict, options.maxIssuesPerCode ?? DEFAULT_MAX_ISSUES_PER_CODE);
  try {
    await access(root);
  } catch (error) {
    throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${root}: no such dataset folder`, cause: error });
  }
  const manifest = await readDatasetManifest(root);
  const unifiedDir = dirname(dirname(root));
  let metadataEntry: DatasetMetadata | undefined;
  const kindHint = options.kind ?? manifest?.kind;
  // A first walk needs the kind for partition paths: settle it from the manifest, folder or first file.
  const kind = kindHint ?? (await detectKind(root, manifest, (await walkDatasetTree(root, 'klines', new IssueCollector())).dataFiles[0]));
  const tree = await walkDatasetTree(root, kind, issues);
  try {
    const metadata = await readUnifiedMetadata(unifiedDir);
    const candidate = metadata?.data_types[kind].datasets[basename(root)];
    if (candidate !== undefined && resolve(unifiedDir, candidate.path) === root) metadataEntry = candidate;
  } catch {
    // A metadata.json that does not parse is the metadata's problem (METADATA_INVALID on the next run), not this dataset's.
  }
  const fromPath = tree.dataFiles.find((f) => f.values?.timeframe !== undefined)?.values?.timeframe;
  const timeframeText = options.timeframe ?? manifest?.timeframe ?? fromPath;
  const timeframe = kind === 'klines' && timeframeText !== undefined && isTimeframe(timeframeText) ? timeframeText : undefined;
  const identity = manifest ?? (tree.dataFiles[0]?.values === undefined ? undefined : { exchange: tree.dataFiles[0].values.exchange, symbol: tree.dataFiles[0].values.symbol });

  const rowChecks = new DatasetRowChecks(
    {
      kind,
      timeframe,
      window: plausibleTimeWindow(options.now),
      fundingIntervalHours: options.fundingIntervalHours,
      fundingToleranceMs: options.fundingToleranceMs ?? 60_000,
    },
    issues,
    root,
  );
  const footerRows = new Map<string, number>();
  const bytesTotal = tree.dataFiles.reduce((n, f) => n + f.bytes, 0);
  let bytesDone = 0;
  const readable: DataFileEntry[] = [];
  for (const [i, entry] of tree.dataFiles.entries()) {
    signal?.throwIfAborted();
    const where = { dataset: root, partition: entry.partition, file: entry.file };
    if (entry.values !== undefined && identity !== undefined) {
      const expected: Record<string, string | undefined> = { exchange: identity.exchange, symbol: identity.symbol, timeframe: kind === 'klines' ? timeframe : undefined };
      for (const [key, value] of Object.entries(expected)) {
        const actual = (entry.values as unknown as Record<string, string | undefined>)[key];
        if (value !== undefined && actual !== undefined && actual !== value) {
          issues.add({ code: 'partition_mismatch', ...where, expected: `${key}=${value}`, actual: `${key}=${actual}`, message: `${entry.file}: ${key}=${actual} in a dataset of ${key}=${value}` });
        }
      }
    }
    let file;
    try {
      file = await openParquetFile(entry.path);
    } catch (error) {
      if (!UnifiedError.isInstance(error) || error.code !== 'SOURCE_CORRUPT') throw error;
      issues.add({ code: 'unreadable_file', ...where, reason: error.message, message: `${entry.file}: ${error.message.replace(`${entry.path}: `, '')}` });
      bytesDone += entry.bytes;
      options.onProgress?.({ filesDone: i + 1, filesTotal: tree.dataFiles.length, rows: rowChecks.stats.rows, bytesDone, bytesTotal });
      continue;
    }
    try {
      const usable = checkFileSchema(file.schema, kind, where, issues);
      footerRows.set(entry.file, file.numRows);
      rowChecks.beginFile(entry, i, usable);
      const columns = (datasetSchemaFor(kind).fileColumns as readonly { name: string }[]).map((c) => c.name).filter((name) => usable.has(name));
      try {
        for await (const batch of file.batches({ columns, ...(signal === undefined ? {} : { signal }) })) rowChecks.checkBatch(batch);
        readable.push(entry);
      } catch (error) {
        if (!UnifiedError.isInstance(error) || error.code !== 'SOURCE_CORRUPT') throw error;
        issues.add({ code: 'unreadable_file', ...where, reason: error.message, message: `${entry.file}: its footer reads but its data does not: ${error.message.replace(`${entry.path}: `, '')}` });
      }
      rowChecks.endFile();
    } finally {
      await file.close();
    }
    bytesDone += entry.bytes;
    options.onProgress?.({ filesDone: i + 1, filesTotal: tree.dataFiles.length, rows: rowChecks.stats.rows, bytesDone, bytesTotal });
  }
  rowChecks.finish();
  await crossFileDuplicates(root, kind, tree.dataFiles, overlapZones(rowChecks.keySpans), issues, signal);

  const observed = { files: tree.dataFiles, rows: footerRows, minTimestamp: rowChecks.stats.minTimestamp, maxTimestamp: rowChecks.stats.maxTimestamp };
  if (manifest !== undefined) await checkAgainstManifest(root, manifest, observed, checksums, issues, signal);
  if (metadataEntry !== undefined) checkAgainstMetadata(root, metadataEntry, observed, issues);
  const sources =
    options.sources === true
      ? await reconcileSources(root, kind, metadataEntry, dirname(unifiedDir), issues, { sampleSize: options.sampleSize ?? 1000, seed: options.seed ?? 1, ...(signal === undefined ? {} : { signal }) })
      : null;

  const durationMs = performance.now() - started;
  const { rows } = rowChecks.stats;
  return {
    ok: issues.errors === 0,
    dataset: root,
    issues: issues.issues,
    stats: {
      kind,
      timeframe: timeframe ?? null,
      files: tree.dataFiles.length,
      partitions: new Set(tree.dataFiles.map((f) => f.partition)).size,
      rows,
      bytes: bytesTotal,
      minTimestamp: rowChecks.stats.minTimestamp,
      maxTimestamp: rowChecks.stats.maxTimestamp,
      issueCounts: issues.counts,
      errors: issues.errors,
      warnings: issues.warnings,
      klineGaps: rowChecks.stats.klineGaps,
      missingCandles: rowChecks.stats.missingCandles,
      tradeIdGaps: rowChecks.stats.tradeIdGaps,
      missingTradeIds: rowChecks.stats.missingTradeIds,
      temporaryFiles: tree.temporaryFiles.length,
      manifest: manifest !== undefined,
      metadata: metadataEntry !== undefined,
      checksums: checksums && manifest !== undefined,
      sources,
      durationMs,
      rowsPerSecond: durationMs > 0 ? Math.round((rows * 1000) / durationMs) : 0,
    },
  };
}

/** Keys shared by files inside zones their key spans both cover: only those keys of those files are read again. */
async function crossFileDuplicates(root: string, kind: DataKind, files: readonly DataFileEntry[], zones: readonly OverlapZone[], issues: IssueCollector, signal: AbortSignal | undefined): Promise<void> {
  const column = KIND_RULES[kind].key;
  for (const zone of zones) {
    const keyed: { file: number; keys: Float64Array; rows: Uint32Array }[] = [];
    for (const index of zone.files) {
      const reader = await openParquetFile(files[index]!.path);
      try {
        // Only the keys inside the zone are kept, with their rows: memory follows the overlap, not the files.
        const keys: number[] = [];
        const rows: number[] = [];
        let offset = 0;
        for await (const batch of reader.batches({ columns: [column], ...(signal === undefined ? {} : { signal }) })) {
          const values = numberColumn(batch, column);
          for (let i = 0; values !== undefined && i < values.values.length; i++) {
            const v = values.values[i]!;
            if (v >= zone.first && v <= zone.last && (values.valid === undefined || values.valid(i))) {
              keys.push(v);
              rows.push(offset + i);
            }
          }
          offset += batch.numRows;
        }
        keyed.push({ file: index, keys: Float64Array.from(keys), rows: Uint32Array.from(rows) });
      } finally {
        await reader.close();
      }
    }
    for (const dup of duplicatesAcross(keyed)) {
      const entry = files[dup.file]!;
      const other = files[dup.firstFile]!;
      issues.add({ code: 'duplicate_key', dataset: root, partition: entry.partition, file: entry.file, row: dup.row, column, key: dup.key, otherFile: other.file, message: `${entry.file} row ${dup.row}: ${column} ${dup.key} is also in ${other.file}` });
    }
  }
}

/**
 * {@link validateDataset}, throwing a {@link ValidationError} (code `VALIDATION_FAILED`) that carries the issues
 * when there is an error-level issue; resolves to the report otherwise.
 *
 * @example
 * await assertValidDataset('data_cache/unified/aggtrades/binance_BTCUSDT', { strict: true });
 */
export async function assertValidDataset(path: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const report = await validateDataset(path, options);
  if (!report.ok) throw new ValidationError(report);
  return report;
}
