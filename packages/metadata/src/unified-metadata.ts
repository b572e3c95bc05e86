/**
 * `<dataDir>/unified/metadata.json`: one document for every dataset in a `unified/` folder (several symbols,
 * timeframes and exchanges), grouped by data type as the seed's tests read it (`data_types.klines.rows`). Each
 * dataset entry says what it holds (rows, partitions, files, time range, columns, partitioning) and what it was
 * made from (the sources with size, mtime and sha256, and the counts of the run that wrote it).
 *
 * Runs on different datasets each replace only their own entries: read, change and write it while holding the
 * lock on `unified/` (`withDirectoryLock`).
 */
import { join } from 'node:path';
import {
  type CanonicalDatasetIdentity,
  type ColumnType,
  DATA_KINDS,
  type DataKind,
  type StagedFile,
  datasetName,
  datasetRelativePath,
  datasetSchemaFor,
  isDataKind,
} from '@unified/schemas';
import type { DatasetManifest } from './dataset-manifest.js';
import { readJsonFile, stageJsonFile } from './json-file.js';
import { mergeDatasetEntries } from './dataset-entries.js';
import { invalid, isCount, isObject } from './json-checks.js';

/** File name of the metadata document inside `unified/`. */
export const METADATA_FILE_NAME = 'metadata.json';

/** Version of the metadata format. */
export const METADATA_FORMAT_VERSION = 1;

/** A column: name, logical type and whether it may be null. */
export interface ColumnDescription {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

/** A source file a dataset was converted from, as it was when it was read. */
export interface SourceRecord {
  /** Relative to the data directory (`/`-separated) when inside it, else absolute. */
  readonly path: string;
  readonly size: number;
  /** Last modification, ISO 8601, and the same in milliseconds. */
  readonly mtime: string;
  readonly mtime_ms: number;
  readonly sha256: string;
  /** `parquet`, `csv`, `zip` or `json`. */
  readonly format: string;
  /** `consolidated`, `per-day` or `archive`. */
  readonly role: string;
  /** Data rows read from the file, and those dropped as bad under a skip policy. */
  readonly rows_read: number;
  readonly rows_skipped: number;
}

/** The run that last wrote a dataset. */
export interface RunRecord {
  /** When it committed, ISO 8601. */
  readonly at: string;
  readonly engine: string;
  readonly compression: string;
  readonly existing_data: string;
  /** Rows read from all sources (before deduplication). */
  readonly rows_read: number;
  /** Rows written to the partitions this run replaced. */
  readonly rows_written: number;
  /** Identical duplicates dropped (D7), conflicts resolved under keep-last, bad rows skipped. */
  readonly duplicates_dropped: number;
  readonly conflicts_resolved: number;
  readonly rows_skipped: number;
  /** Day partitions this run wrote. */
  readonly partitions_written: number;
  readonly duration_ms: number;
}

/** One dataset's entry. */
export interface DatasetMetadata {
  readonly kind: DataKind;
  readonly exchange: string;
  readonly symbol: string;
  /** The kline interval; `null` for aggtrades and futures. */
  readonly timeframe: string | null;
  /** Folder relative to `unified/` (`klines/binance_BTCUSDT_1m`). */
  readonly path: string;
  /** Version of the data type's schema the files follow. */
  readonly schema_version: number;
  /** Totals over every file of the dataset (not only what the last run wrote). */
  readonly rows: number;
  readonly partitions: number;
  readonly files: number;
  readonly bytes: number;
  /** First and last `timestamp`, ms since the epoch (UTC); `null` when the dataset is empty. */
  readonly min_timestamp: number | null;
  readonly max_timestamp: number | null;
  /** Hive partitioning (D1): the keys in directory order, with the types a reader gives them. */
  readonly partitioning: { readonly flavor: 'hive'; readonly keys: readonly ColumnDescription[] };
  /** Columns stored in each file, in order. */
  readonly columns: readonly ColumnDescription[];
  readonly sources: readonly SourceRecord[];
  readonly last_run: RunRecord;
}

/** The datasets of one data type. */
export interface DataTypeMetadata {
  /** Rows over all of the type's datasets. */
  readonly rows: number;
  /** By dataset folder name (`binance_BTCUSDT_1m`). */
  readonly datasets: Readonly<Record<string, DatasetMetadata>>;
}

/** The whole `metadata.json`. */
export interface UnifiedMetadata {
  readonly format_version: number;
  readonly converter: { readonly name: string; readonly version: string };
  /** ISO 8601: when the document was first written, and last changed. */
  readonly created: string;
  readonly updated: string;
  readonly data_types: Readonly<Record<DataKind, DataTypeMetadata>>;
}

/** What {@link datasetMetadata} builds an entry from. */
export interface DatasetMetadataInput {
  readonly identity: CanonicalDatasetIdentity;
  /** The dataset's manifest after the run: the totals come from it. */
  readonly manifest: DatasetManifest;
  readonly sources: readonly SourceRecord[];
  readonly run: RunRecord;
}

const describeColumn = ({ name, type, nullable }: ColumnDescription): ColumnDescription => ({ name, type, nullable });

/** The metadata entry of one dataset, its totals computed from its manifest. */
export function datasetMetadata({ identity, manifest, sources, run }: DatasetMetadataInput): DatasetMetadata {
  const schema = datasetSchemaFor(identity.kind);
  const files = manifest.files;
  const partitions = new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf('/'))));
  return {
    kind: identity.kind,
    exchange: identity.exchange,
    symbol: identity.symbol,
    timeframe: identity.kind === 'klines' ? identity.timeframe : null,
    path: datasetRelativePath(identity),
    schema_version: schema.version,
    rows: manifest.rows,
    partitions: partitions.size,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    min_timestamp: files.length === 0 ? null : Math.min(...files.map((f) => f.min_timestamp)),
    max_timestamp: files.length === 0 ? null : Math.max(...files.map((f) => f.max_timestamp)),
    partitioning: { flavor: 'hive', keys: schema.partitionColumns.map(describeColumn) },
    columns: schema.fileColumns.map(describeColumn),
    sources,
    last_run: run,
  };
}

/**
 * The document after a run: `datasets` replace the entries of the same dataset, every other entry is kept,
 * and the per-type row totals are recomputed. Dataset keys are sorted so the document is stable.
 */
export function updateUnifiedMetadata(
  previous: UnifiedMetadata | undefined,
  datasets: readonly DatasetMetadata[],
  options: { readonly converter: { readonly name: string; readonly version: string }; readonly now: Date },
): UnifiedMetadata {
  const now = options.now.toISOString();
  const entries = mergeDatasetEntries(previous?.data_types, datasets);
  const dataTypes = Object.fromEntries(
    DATA_KINDS.map((kind) => [kind, { rows: Object.values(entries[kind]).reduce((n, d) => n + d.rows, 0), datasets: entries[kind] }]),
  ) as Record<DataKind, DataTypeMetadata>;
  return { format_version: METADATA_FORMAT_VERSION, converter: options.converter, created: previous?.created ?? now, updated: now, data_types: dataTypes };
}

function checkDataset(path: string, kind: DataKind, name: string, value: unknown): void {
  const where = `data_types.${kind}.datasets.${name}`;
  if (!isObject(value)) invalid(path, `${where} is not an object`);
  if (value['kind'] !== kind) invalid(path, `${where}.kind is ${JSON.stringify(value['kind'])}, expected "${kind}"`);
  for (const key of ['rows', 'partitions', 'files', 'bytes'] as const) if (!isCount(value[key])) invalid(path, `${where}.${key} must be a non-negative integer`);
  if (typeof value['exchange'] !== 'string' || typeof value['symbol'] !== 'string') invalid(path, `${where}: exchange and symbol must be strings`);
  const identity = kind === 'klines' ? { kind, exchange: value['exchange'], symbol: value['symbol'], timeframe: String(value['timeframe']) } : { kind, exchange: value['exchange'], symbol: value['symbol'] };
  let expectedName: string;
  try {
    expectedName = datasetName(identity);
  } catch (error) {
    return invalid(path, `${where}: ${(error as Error).message}`);
  }
  if (expectedName !== name) invalid(path, `${where} describes ${expectedName}`);
  if (!Array.isArray(value['sources'])) invalid(path, `${where}.sources must be an array`);
  (value['sources'] as unknown[]).forEach((source, i) => {
    if (!isObject(source) || typeof source['path'] !== 'string' || typeof source['sha256'] !== 'string' || !isCount(source['size'])) {
      invalid(path, `${where}.sources[${i}] needs a path, a size and a sha256`);
    }
  });
}

/**
 * Reads and checks `<unifiedDir>/metadata.json`, or `undefined` when there is none. A file that is not this
 * format (another tool's `metadata.json`, a hand edit gone wrong) is refused with `METADATA_INVALID` naming the
 * file and the first problem, so that no run builds on it or overwrites it unnoticed.
 */
export async function readUnifiedMetadata(unifiedDir: string): Promise<UnifiedMetadata | undefined> {
  const path = join(unifiedDir, METADATA_FILE_NAME);
  const value = await readJsonFile(path);
  if (value === undefined) return undefined;
  if (!isObject(value)) invalid(path, 'not a JSON object');
  if (value['format_version'] !== METADATA_FORMAT_VERSION) {
    invalid(path, `format_version is ${JSON.stringify(value['format_version'])}, expected ${METADATA_FORMAT_VERSION}; if another tool wrote this file, move it away`);
  }
  const dataTypes = value['data_types'];
  if (!isObject(dataTypes)) invalid(path, 'data_types must be an object');
  for (const kind of Object.keys(dataTypes)) if (!isDataKind(kind)) invalid(path, `data_types.${kind} is not a data type`);
  for (const kind of DATA_KINDS) {
    const type = dataTypes[kind];
    if (!isObject(type) || !isObject(type['datasets'])) invalid(path, `data_types.${kind}.datasets must be an object`);
    let rows = 0;
    for (const [name, dataset] of Object.entries(type['datasets'])) {
      checkDataset(path, kind, name, dataset);
      rows += (dataset as DatasetMetadata).rows;
    }
    if (type['rows'] !== rows) invalid(path, `data_types.${kind}.rows is ${JSON.stringify(type['rows'])}, not the sum of its datasets' rows (${rows})`);
  }
  return value as unknown as UnifiedMetadata;
}

/**
 * Writes `<unifiedDir>/metadata.json` under a temporary name; `commit()` makes it visible (D9).
 *
 * @example
 * const metadata = updateUnifiedMetadata(await readUnifiedMetadata(dir), [entry], { converter, now: new Date() });
 * const staged = await stageUnifiedMetadata(dir, metadata);
 * await staged.commit();
 */
export function stageUnifiedMetadata(unifiedDir: string, metadata: UnifiedMetadata): Promise<StagedFile> {
  return stageJsonFile(join(unifiedDir, METADATA_FILE_NAME), metadata);
}
