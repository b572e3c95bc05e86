/**
 * The files of a dataset folder as a validator sees them: data files with their partition, temporary files a
 * crashed run left (ignored; the next run removes them), and what does not belong: stray files and malformed
 * partition folders.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type DataKind, type PartitionValues, dayNumberOfDate, isHiddenName, isTemporaryFileName, parseDataFileName, parsePartitionPath, parsePartitionSegment } from '@unified/schemas';
import type { IssueCollector } from './issue-collector.js';

/** A Parquet data file of the dataset. */
export interface DataFileEntry {
  /** Absolute path. */
  readonly path: string;
  /** Relative to the dataset folder, `/`-separated. */
  readonly file: string;
  /** Its folder relative to the dataset folder. */
  readonly partition: string;
  /** The parsed partition path; `undefined` when it does not parse (reported as partition_mismatch). */
  readonly values: PartitionValues | undefined;
  readonly bytes: number;
}

/** What the walk found. */
export interface DatasetTree {
  /** In partition order (days ascending), then by part number. */
  readonly dataFiles: readonly DataFileEntry[];
  /** Temporary files (`.part-0.parquet.tmp-…`), relative to the dataset folder. */
  readonly temporaryFiles: readonly string[];
}

function sortKey(entry: DataFileEntry): [number, number, string] {
  const name = entry.file.slice(entry.file.lastIndexOf('/') + 1);
  return [entry.values === undefined ? Number.MAX_SAFE_INTEGER : dayNumberOfDate(entry.values), parseDataFileName(name) ?? Number.MAX_SAFE_INTEGER, entry.file];
}

/** Walks `root`, reporting stray files and malformed folders into `issues`. */
export async function walkDatasetTree(root: string, kind: DataKind, issues: IssueCollector): Promise<DatasetTree> {
  const dataFiles: DataFileEntry[] = [];
  const temporaryFiles: string[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const path = join(dir, entry.name);
      if (isHiddenName(entry.name)) {
        if (entry.isFile() && isTemporaryFileName(entry.name)) temporaryFiles.push(rel);
        continue;
      }
      if (entry.isDirectory()) {
        try {
          parsePartitionSegment(entry.name, rel);
        } catch {
          issues.add({ code: 'partition_mismatch', dataset: root, partition: rel, expected: 'a key=value folder', actual: entry.name, message: `${rel}: folder "${entry.name}" is not a key=value partition; readers skip it and its files` });
          continue;
        }
        await walk(path, rel);
      } else if (entry.isFile() && entry.name.endsWith('.parquet')) {
        let values: PartitionValues | undefined;
        try {
          values = parsePartitionPath(kind, relative);
        } catch (error) {
          issues.add({ code: 'partition_mismatch', dataset: root, partition: relative, file: rel, expected: `a ${kind} partition path`, actual: relative === '' ? '(dataset root)' : relative, message: `${rel}: ${(error as Error).message}` });
        }
        dataFiles.push({ path, file: rel, partition: relative, values, bytes: (await stat(path)).size });
      } else {
        issues.add({ code: 'stray_file', dataset: root, file: rel, ...(relative === '' ? {} : { partition: relative }), message: `${rel}: not a data file (*.parquet) nor a hidden sidecar (_name or .name); some readers will trip over it` });
      }
    }
  };
  await walk(root, '');
  const keyed = dataFiles.map((entry) => ({ entry, key: sortKey(entry) }));
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || (a.key[2] < b.key[2] ? -1 : a.key[2] > b.key[2] ? 1 : 0));
  return { dataFiles: keyed.map((k) => k.entry), temporaryFiles };
}
