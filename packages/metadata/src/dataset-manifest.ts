/**
 * `_manifest.json` in each dataset folder (underscore, D4): every data file with its rows, bytes, time range and
 * sha256, so a reader or the validator can check the files against what was written. No wall-clock time goes in,
 * so a re-run with the same data writes the same bytes.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type StagedFile, isDataKind, type DataKind } from '@unified/schemas';
import { readJsonFile, stageJsonFile } from './json-file.js';
import { invalid, isCount } from './json-checks.js';

/** File name of the manifest inside a dataset folder. */
export const MANIFEST_FILE_NAME = '_manifest.json';

/** Version of the manifest format. */
export const MANIFEST_FORMAT_VERSION = 1;

/** One data file of a dataset. */
export interface ManifestFile {
  /** Path relative to the dataset folder, `/`-separated (`exchange=binance/…/day=1/part-0.parquet`). */
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** Milliseconds since the epoch, UTC. */
  readonly min_timestamp: number;
  readonly max_timestamp: number;
  readonly sha256: string;
}

/** The manifest of one dataset. */
export interface DatasetManifest {
  readonly format_version: number;
  readonly kind: DataKind;
  readonly exchange: string;
  readonly symbol: string;
  /** Klines only. */
  readonly timeframe?: string;
  /** Total rows over all files. */
  readonly rows: number;
  /** Every data file, ordered by path. */
  readonly files: readonly ManifestFile[];
}

function checkFile(path: string, file: unknown, i: number): ManifestFile {
  const f = file as Partial<Record<keyof ManifestFile, unknown>> | null;
  const where = `files[${i}]`;
  if (f === null || typeof f !== 'object') invalid(path, `${where} is not an object`);
  if (typeof f.path !== 'string' || f.path === '' || f.path.startsWith('/') || f.path.split('/').includes('..')) invalid(path, `${where}.path must be a relative path inside the dataset`);
  for (const key of ['rows', 'bytes'] as const) if (!isCount(f[key])) invalid(path, `${where}.${key} must be a non-negative integer`);
  for (const key of ['min_timestamp', 'max_timestamp'] as const) if (typeof f[key] !== 'number' || !Number.isSafeInteger(f[key])) invalid(path, `${where}.${key} must be an integer of milliseconds`);
  if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/u.test(f.sha256)) invalid(path, `${where}.sha256 must be 64 hex digits`);
  return f as ManifestFile;
}

/** A manifest for `files` (sorted by path; rows summed). */
export function datasetManifest(identity: { kind: DataKind; exchange: string; symbol: string; timeframe?: string }, files: readonly ManifestFile[]): DatasetManifest {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    format_version: MANIFEST_FORMAT_VERSION,
    kind: identity.kind,
    exchange: identity.exchange,
    symbol: identity.symbol,
    ...(identity.kind === 'klines' && identity.timeframe !== undefined ? { timeframe: identity.timeframe } : {}),
    rows: sorted.reduce((n, f) => n + f.rows, 0),
    files: sorted,
  };
}

/** Writes `<datasetDir>/_manifest.json` atomically (creating the folder if needed). */
export async function writeDatasetManifest(datasetDir: string, manifest: DatasetManifest): Promise<void> {
  const staged = await stageDatasetManifest(datasetDir, manifest);
  await staged.commit();
}

/** {@link writeDatasetManifest} in two steps: written under a temporary name now, made visible by `commit()`. */
export async function stageDatasetManifest(datasetDir: string, manifest: DatasetManifest): Promise<StagedFile> {
  await mkdir(datasetDir, { recursive: true });
  return stageJsonFile(join(datasetDir, MANIFEST_FILE_NAME), manifest);
}

/** Reads and checks `<datasetDir>/_manifest.json`, or `undefined` when there is none. Throws `METADATA_INVALID`. */
export async function readDatasetManifest(datasetDir: string): Promise<DatasetManifest | undefined> {
  const path = join(datasetDir, MANIFEST_FILE_NAME);
  const value = (await readJsonFile(path)) as Partial<Record<keyof DatasetManifest, unknown>> | null | undefined;
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') invalid(path, 'not a JSON object');
  if (value.format_version !== MANIFEST_FORMAT_VERSION) invalid(path, `format_version ${JSON.stringify(value.format_version)} is not ${MANIFEST_FORMAT_VERSION}`);
  if (!isDataKind(value.kind)) invalid(path, `kind ${JSON.stringify(value.kind)} is not klines, aggtrades or futures`);
  if (typeof value.exchange !== 'string' || typeof value.symbol !== 'string') invalid(path, 'exchange and symbol must be strings');
  if (!Array.isArray(value.files)) invalid(path, 'files must be an array');
  const files = value.files.map((file: unknown, i) => checkFile(path, file, i));
  const rows = files.reduce((n, f) => n + f.rows, 0);
  if (value.rows !== rows) invalid(path, `rows ${JSON.stringify(value.rows)} is not the sum of its files' rows (${rows})`);
  return value as DatasetManifest;
}

/**
 * The manifest after a run that rewrote the partitions `replaced` (folders relative to the dataset): files of
 * other partitions are kept from `previous`, the replaced partitions' files are `written`.
 */
export function updateDatasetManifest(previous: DatasetManifest | undefined, identity: Parameters<typeof datasetManifest>[0], replaced: readonly string[], written: readonly ManifestFile[]): DatasetManifest {
  const gone = new Set(replaced);
  const kept = (previous?.files ?? []).filter((file) => !gone.has(file.path.slice(0, file.path.lastIndexOf('/'))));
  return datasetManifest(identity, [...kept, ...written]);
}
