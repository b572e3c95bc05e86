/**
 * What a `unified/` folder holds, from `metadata.json` and each dataset's `_manifest.json` alone (no data file is
 * opened): per dataset its identity, rows, time range, day partitions, the days missing inside that range, and
 * size on disk — the view freqtrade's `list-data --show-timerange` gives.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_KINDS, type DataKind, TIMEFRAMES, dayNumberOfDate, isHiddenName, parsePartitionPath, utcDayNumber } from '@unified/schemas';
import { type DatasetManifest, MANIFEST_FILE_NAME, readDatasetManifest } from './dataset-manifest.js';
import { METADATA_FILE_NAME, readUnifiedMetadata } from './unified-metadata.js';

/** A run of consecutive UTC days, as day numbers (days since 1970-01-01), both ends inclusive. */
export interface DayRange {
  readonly first: number;
  readonly last: number;
}

/** What `unified info` knows about one dataset. */
export interface DatasetInfo {
  readonly type: DataKind;
  readonly exchange: string;
  readonly symbol: string;
  /** The kline interval; `null` for aggtrades and futures. */
  readonly timeframe: string | null;
  readonly rows: number;
  /** First and last `timestamp`, ms since the epoch; `null` for a dataset without files. */
  readonly minTimestamp: number | null;
  readonly maxTimestamp: number | null;
  /** Day partitions (distinct partition folders). */
  readonly partitions: number;
  /** Days between the first and last partition without a partition; `null` when there is no manifest to tell. */
  readonly missingDays: number | null;
  /** Those days as runs of consecutive days, in order. */
  readonly missingRanges: readonly DayRange[];
  /** Sum of the data files' sizes. */
  readonly bytes: number;
  /** Absolute path of the dataset folder. */
  readonly path: string;
}

/** The gaps between sorted, distinct day numbers. */
export function missingDayRanges(days: readonly number[]): DayRange[] {
  const ranges: DayRange[] = [];
  for (let i = 1; i < days.length; i++) {
    const previous = days[i - 1]!;
    const day = days[i]!;
    if (day > previous + 1) ranges.push({ first: previous + 1, last: day - 1 });
  }
  return ranges;
}

// The UTC day of a partition folder; a folder that does not parse (another writer's layout) is placed on the day
// of its first row.
function partitionDay(kind: DataKind, folder: string, minTimestamp: number): number {
  try {
    return dayNumberOfDate(parsePartitionPath(kind, folder));
  } catch {
    return utcDayNumber(minTimestamp);
  }
}

function manifestFigures(manifest: DatasetManifest): Pick<DatasetInfo, 'rows' | 'minTimestamp' | 'maxTimestamp' | 'partitions' | 'missingDays' | 'missingRanges' | 'bytes'> {
  const { files } = manifest;
  const folders = new Map<string, number>();
  for (const file of files) {
    const folder = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
    if (!folders.has(folder)) folders.set(folder, partitionDay(manifest.kind, folder, file.min_timestamp));
  }
  const days = [...new Set(folders.values())].sort((a, b) => a - b);
  const missingRanges = missingDayRanges(days);
  return {
    rows: files.reduce((n, f) => n + f.rows, 0),
    minTimestamp: files.length === 0 ? null : files.reduce((min, f) => Math.min(min, f.min_timestamp), Infinity),
    maxTimestamp: files.length === 0 ? null : files.reduce((max, f) => Math.max(max, f.max_timestamp), -Infinity),
    partitions: folders.size,
    missingDays: missingRanges.reduce((n, r) => n + r.last - r.first + 1, 0),
    missingRanges,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function subfolders(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).filter((name) => !isHiddenName(name)).sort();
  } catch {
    return [];
  }
}

const timeframeRank = (timeframe: string | null): number => {
  const rank = (TIMEFRAMES as readonly (string | null)[]).indexOf(timeframe);
  return rank === -1 ? TIMEFRAMES.length : rank;
};
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Type (klines, aggtrades, futures), then exchange, symbol and timeframe (shortest interval first). */
export function compareDatasets(a: DatasetInfo, b: DatasetInfo): number {
  return (
    DATA_KINDS.indexOf(a.type) - DATA_KINDS.indexOf(b.type) ||
    compareText(a.exchange, b.exchange) ||
    compareText(a.symbol, b.symbol) ||
    timeframeRank(a.timeframe) - timeframeRank(b.timeframe) ||
    compareText(a.timeframe ?? '', b.timeframe ?? '')
  );
}

/**
 * Every dataset in `unifiedDir`: the entries of `metadata.json`, with rows, range, partitions and size from each
 * dataset's manifest (the list of files as committed), plus dataset folders that have a manifest but no entry.
 * `warn` hears about entries whose manifest is missing or disagrees. Throws `METADATA_INVALID` for a file that is
 * not valid metadata or manifest.
 *
 * @example
 * for (const d of await listDatasets('data_cache/unified')) console.log(d.type, d.symbol, d.rows, d.missingDays);
 */
export async function listDatasets(unifiedDir: string, warn: (message: string) => void = () => undefined): Promise<DatasetInfo[]> {
  const datasets: DatasetInfo[] = [];
  const seen = new Set<string>();
  const metadata = await readUnifiedMetadata(unifiedDir);
  for (const kind of DATA_KINDS) {
    for (const [name, entry] of Object.entries(metadata?.data_types[kind].datasets ?? {})) {
      // The metadata check guarantees that `name` is the dataset's canonical folder name.
      const relativePath = `${kind}/${name}`;
      const path = join(unifiedDir, kind, name);
      seen.add(path);
      const identity = { type: kind, exchange: entry.exchange, symbol: entry.symbol, timeframe: kind === 'klines' ? entry.timeframe : null, path };
      const manifest = await readDatasetManifest(path);
      if (manifest === undefined) {
        warn(`${relativePath}: no ${MANIFEST_FILE_NAME}; rows, range and size are from ${METADATA_FILE_NAME}, missing days unknown`);
        datasets.push({ ...identity, rows: entry.rows, minTimestamp: entry.min_timestamp, maxTimestamp: entry.max_timestamp, partitions: entry.partitions, missingDays: null, missingRanges: [], bytes: entry.bytes });
        continue;
      }
      const figures = manifestFigures(manifest);
      if (figures.rows !== entry.rows || figures.bytes !== entry.bytes) {
        warn(`${relativePath}: ${METADATA_FILE_NAME} says ${entry.rows} rows in ${entry.bytes} bytes, its manifest ${figures.rows} rows in ${figures.bytes} bytes; showing the manifest`);
      }
      datasets.push({ ...identity, ...figures });
    }
  }
  // Datasets written without metadata.json (by the library directly): identity from the manifest.
  for (const kind of DATA_KINDS) {
    for (const name of await subfolders(join(unifiedDir, kind))) {
      const path = join(unifiedDir, kind, name);
      if (seen.has(path) || !(await isDirectory(path))) continue;
      const manifest = await readDatasetManifest(path);
      if (manifest === undefined) continue;
      datasets.push({
        type: manifest.kind,
        exchange: manifest.exchange,
        symbol: manifest.symbol,
        timeframe: manifest.kind === 'klines' ? (manifest.timeframe ?? null) : null,
        path,
        ...manifestFigures(manifest),
      });
    }
  }
  return datasets.sort(compareDatasets);
}

