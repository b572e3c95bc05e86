/**
 * `<dataDir>/unified/_config.json`: what a later collection or incremental run needs to continue a dataset
 * consistently — its identity and layout, and the settings its files were written with (engine, codec, row
 * group and file sizes, schema version) — plus the defaults for datasets not converted yet. A run that is given
 * no explicit setting continues with the dataset's recorded one, so re-runs keep writing the same bytes.
 */
import { join } from 'node:path';
import { type CanonicalDatasetIdentity, DATA_KINDS, type DataKind, type StagedFile, datasetRelativePath, datasetSchemaFor } from '@unified/schemas';
import { readJsonFile, stageJsonFile } from './json-file.js';
import { mergeDatasetEntries } from './dataset-entries.js';
import { invalid, isObject } from './json-checks.js';

/** File name of the configuration inside `unified/` (underscore: not data, D4). */
export const CONFIG_FILE_NAME = '_config.json';

/** Version of the configuration format. */
export const CONFIG_FORMAT_VERSION = 1;

/** How files are written. */
export interface WriteSettings {
  /** Parquet encoder (`wasm`, `parquetjs`). */
  readonly engine: string;
  /** Parquet codec (`snappy`, `zstd`, …). */
  readonly compression: string;
  readonly row_group_size: number;
  readonly max_rows_per_file: number;
}

/** Settings for datasets without an entry of their own. */
export interface ConfigDefaults extends WriteSettings {
  /** Kline interval when none is given. */
  readonly timeframe: string;
  /** What a run does with partitions that already hold data. */
  readonly existing_data: string;
  /** What a run does with rows that share a key but differ. */
  readonly on_conflict: string;
}

/** One dataset's settings. */
export interface DatasetConfig extends WriteSettings {
  readonly kind: DataKind;
  readonly exchange: string;
  readonly symbol: string;
  /** The kline interval; `null` for aggtrades and futures. */
  readonly timeframe: string | null;
  /** Folder relative to `unified/`. */
  readonly path: string;
  /** Partition keys in directory order. */
  readonly partitioning: readonly string[];
  readonly natural_key: readonly string[];
  readonly sort_key: readonly string[];
  readonly schema_version: number;
}

/** The whole `_config.json`. */
export interface UnifiedConfig {
  readonly format_version: number;
  readonly defaults: ConfigDefaults;
  readonly data_types: Readonly<Record<DataKind, { readonly datasets: Readonly<Record<string, DatasetConfig>> }>>;
}

/** The configuration entry of a dataset written with `settings`. */
export function datasetConfig(identity: CanonicalDatasetIdentity, settings: WriteSettings): DatasetConfig {
  const schema = datasetSchemaFor(identity.kind);
  return {
    kind: identity.kind,
    exchange: identity.exchange,
    symbol: identity.symbol,
    timeframe: identity.kind === 'klines' ? identity.timeframe : null,
    path: datasetRelativePath(identity),
    partitioning: [...schema.partitionKeys],
    natural_key: [...schema.naturalKey],
    sort_key: [...schema.sortKey],
    schema_version: schema.version,
    engine: settings.engine,
    compression: settings.compression,
    row_group_size: settings.row_group_size,
    max_rows_per_file: settings.max_rows_per_file,
  };
}

/**
 * The configuration after a run: `datasets` replace the entries of the same dataset, the others are kept, and
 * the defaults already recorded win over `defaults` (a user may have edited them).
 */
export function updateUnifiedConfig(previous: UnifiedConfig | undefined, datasets: readonly DatasetConfig[], defaults: ConfigDefaults): UnifiedConfig {
  const entries = mergeDatasetEntries(previous?.data_types, datasets);
  return {
    format_version: CONFIG_FORMAT_VERSION,
    defaults: { ...defaults, ...(previous?.defaults ?? {}) },
    data_types: Object.fromEntries(DATA_KINDS.map((kind) => [kind, { datasets: entries[kind] }])) as UnifiedConfig['data_types'],
  };
}

/** Refuses write settings a run could not use, naming the key (a hand edit gone wrong). */
function checkSettings(path: string, where: string, value: Record<string, unknown>): void {
  for (const key of ['engine', 'compression'] as const) {
    if (value[key] !== undefined && (typeof value[key] !== 'string' || value[key] === '')) invalid(path, `${where}.${key} must be a name, got ${JSON.stringify(value[key])}`);
  }
  for (const key of ['row_group_size', 'max_rows_per_file'] as const) {
    const n = value[key];
    if (n !== undefined && !(typeof n === 'number' && Number.isSafeInteger(n) && n >= 1)) invalid(path, `${where}.${key} must be a positive integer, got ${JSON.stringify(n)}`);
  }
}

/** Reads and checks `<unifiedDir>/_config.json`, or `undefined` when there is none. Throws `METADATA_INVALID`. */
export async function readUnifiedConfig(unifiedDir: string): Promise<UnifiedConfig | undefined> {
  const path = join(unifiedDir, CONFIG_FILE_NAME);
  const value = await readJsonFile(path);
  if (value === undefined) return undefined;
  if (!isObject(value)) invalid(path, 'not a JSON object');
  if (value['format_version'] !== CONFIG_FORMAT_VERSION) invalid(path, `format_version is ${JSON.stringify(value['format_version'])}, expected ${CONFIG_FORMAT_VERSION}`);
  if (!isObject(value['defaults'])) invalid(path, 'defaults must be an object');
  checkSettings(path, 'defaults', value['defaults']);
  const dataTypes = value['data_types'];
  if (!isObject(dataTypes)) invalid(path, 'data_types must be an object');
  for (const kind of DATA_KINDS) {
    const type = dataTypes[kind];
    if (!isObject(type) || !isObject(type['datasets'])) invalid(path, `data_types.${kind}.datasets must be an object`);
    for (const [name, dataset] of Object.entries(type['datasets'])) {
      if (!isObject(dataset) || dataset['kind'] !== kind) invalid(path, `data_types.${kind}.datasets.${name} needs kind "${kind}"`);
      checkSettings(path, `data_types.${kind}.datasets.${name}`, dataset);
    }
  }
  return value as unknown as UnifiedConfig;
}

/** Writes `<unifiedDir>/_config.json` under a temporary name; `commit()` makes it visible (D9). */
export function stageUnifiedConfig(unifiedDir: string, config: UnifiedConfig): Promise<StagedFile> {
  return stageJsonFile(join(unifiedDir, CONFIG_FILE_NAME), config);
}
