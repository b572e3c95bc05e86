/**
 * Finds the data files of a Hive-partitioned dataset, pruning as it descends: a `key=value` folder whose value
 * (or whose time span, for `year`/`month`/`day`) no conjunction of the filter can match is never listed, so a
 * one-day query on ten years of days lists a handful of folders, not thousands. Works on any hive layout
 * (ours, DuckDB's `PARTITION_BY`, pyarrow's `write_dataset`); names starting with `.` or `_` are not data (D4).
 * Symbolic links are followed only while they stay inside the dataset folder; one that leads out is refused.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UnifiedError, assertInsideDirectory, parsePartitionSegment } from '@unified/schemas';
import { type CompiledFilter, type CompiledTerm, type ComparableKind, matches, timestampBounds } from './dataset-filter.js';

/** Partition keys with the types of decision D1; any other key compares as text. */
export const PARTITION_KEY_KINDS: ReadonlyMap<string, ComparableKind> = new Map([
  ['exchange', 'string'],
  ['symbol', 'string'],
  ['timeframe', 'string'],
  ['year', 'number'],
  ['month', 'number'],
  ['day', 'number'],
]);

/** One data file and the partition values of its folders. */
export interface DatasetFile {
  readonly path: string;
  /** `key → value` from the folders, as text. */
  readonly partition: ReadonlyMap<string, string>;
}

/** What the walk saw, for an explain output. */
export interface WalkStats {
  /** Partition folders listed, and those skipped without listing. */
  foldersListed: number;
  foldersPruned: number;
}

/** The folder name DuckDB, pyarrow and Spark give a partition whose value is null. */
export const NULL_PARTITION_VALUE = '__HIVE_DEFAULT_PARTITION__';

/** The value of a partition key as its kind compares it; `null` for the null partition. */
export function partitionValue(key: string, text: string): number | string | null {
  if (text === NULL_PARTITION_VALUE) return null;
  return (PARTITION_KEY_KINDS.get(key) ?? 'string') === 'number' ? Number(text) : text;
}

/** `[from, to)` in ms of the calendar span a partial year/month/day path covers; `undefined` without a year. */
function spanOf(partition: ReadonlyMap<string, string>): { from: number; to: number } | undefined {
  const year = partition.get('year');
  if (year === undefined || !/^\d+$/u.test(year) || [partition.get('month'), partition.get('day')].some((v) => v !== undefined && !/^\d+$/u.test(v))) return undefined;
  const y = Number(year);
  const month = partition.get('month');
  if (month === undefined) return { from: Date.UTC(y, 0, 1), to: Date.UTC(y + 1, 0, 1) };
  const m = Number(month) - 1;
  const day = partition.get('day');
  if (day === undefined) return { from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1) };
  const d = Number(day);
  return { from: Date.UTC(y, m, d), to: Date.UTC(y, m, d + 1) };
}

/** Whether a conjunction can still hold for rows under a folder with these partition values. */
export function conjunctionMayHold(terms: readonly CompiledTerm[], partition: ReadonlyMap<string, string>): boolean {
  for (const term of terms) {
    const text = partition.get(term.column);
    if (text !== undefined && !matches(term, partitionValue(term.column, text))) return false;
  }
  const span = spanOf(partition);
  if (span !== undefined) {
    const { from, to } = timestampBounds(terms);
    if (from >= span.to || to <= span.from) return false;
  }
  return true;
}

/** Whether any conjunction of `filter` can hold under a folder with these partition values. */
export function partitionMayMatch(filter: CompiledFilter, partition: ReadonlyMap<string, string>): boolean {
  return filter.length === 0 || filter.some((terms) => conjunctionMayHold(terms, partition));
}

/**
 * Every visible `.parquet` file under `root` whose folders the filter does not rule out, in path order with
 * numeric order for numeric values (`month=2` before `month=10`, D2).
 */
export async function findDatasetFiles(root: string, filter: CompiledFilter, stats: WalkStats, atMost = Infinity): Promise<DatasetFile[]> {
  const out: DatasetFile[] = [];
  const walk = async (dir: string, partition: ReadonlyMap<string, string>): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UnifiedError({ code: 'SOURCE_NOT_FOUND', message: `${dir}: ${code === 'ENOENT' ? 'no such dataset folder' : `cannot list the folder (${code ?? String(error)})`}`, cause: error });
    }
    stats.foldersListed++;
    const folders: { name: string; key: string; value: string }[] = [];
    const names = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name, 'en', { numeric: true });
    for (const entry of entries.sort(names)) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      let isFile = entry.isFile();
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        // A link is followed only while it stays inside the dataset: a reader never reads what it was not given.
        await assertInsideDirectory(root, join(dir, entry.name), 'the dataset entry', 'INVALID_PARTITION_PATH');
        const target = await stat(join(dir, entry.name)).catch(() => undefined);
        isFile = target?.isFile() === true;
        isDirectory = target?.isDirectory() === true;
      }
      if (isFile && entry.name.endsWith('.parquet')) {
        if (out.length < atMost) out.push({ path: join(dir, entry.name), partition });
      } else if (isDirectory) {
        // A folder that is not key=value (notes, a checkpoint) is not part of the dataset, as DuckDB sees it.
        let segment;
        try {
          segment = parsePartitionSegment(entry.name, join(dir, entry.name));
        } catch {
          continue;
        }
        folders.push({ name: entry.name, ...segment });
      }
    }
    const order = (a: { key: string; value: string }, b: { key: string; value: string }): number => {
      const x = partitionValue(a.key, a.value) ?? '';
      const y = partitionValue(b.key, b.value) ?? '';
      return a.key < b.key ? -1 : a.key > b.key ? 1 : x < y ? -1 : x > y ? 1 : 0;
    };
    for (const folder of folders.sort(order)) {
      if (out.length >= atMost) return;
      const next = new Map(partition).set(folder.key, folder.value);
      if (!partitionMayMatch(filter, next)) {
        stats.foldersPruned++;
        continue;
      }
      await walk(join(dir, folder.name), next);
    }
  };
  await walk(root, new Map());
  return out;
}
