/**
 * The commit of a run, written down before the first rename (`_commit.json` in the staging folder) so that a
 * crash half-way through it can be rolled forward: the next run finishes the renames and stale-file removals of
 * a dead run's journal instead of deleting its staged files, so no partition is left with new and old parts mixed.
 */
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertInsideDirectory, isHiddenName, isTemporaryFileName, UnifiedError, writeFileAtomically } from '@unified/schemas';
import { failpoint } from './failpoints.js';

/** Name of the journal inside a staging folder. */
export const COMMIT_JOURNAL = '_commit.json';

/** What one partition's commit does. */
export interface JournalPartition {
  /** Partition folder relative to the dataset folder. */
  readonly dir: string;
  /** Staged file names (inside the staging folder) and the data file names they become. */
  readonly files: readonly { readonly staged: string; readonly name: string }[];
}

/** Writes the journal (atomically, fsynced) before anything is renamed. */
export async function writeJournal(stagingDir: string, partitions: readonly JournalPartition[]): Promise<void> {
  await writeFileAtomically(join(stagingDir, COMMIT_JOURNAL), (temp) => writeFile(temp, JSON.stringify({ version: 1, partitions })));
}

/** The journal of a staging folder, or `undefined` when it has none (the run died before committing). */
export async function readJournal(stagingDir: string): Promise<readonly JournalPartition[] | undefined> {
  let text: string;
  try {
    text = await readFile(join(stagingDir, COMMIT_JOURNAL), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as { partitions?: JournalPartition[] };
  if (!Array.isArray(parsed.partitions)) throw new UnifiedError({ code: 'METADATA_INVALID', message: `${join(stagingDir, COMMIT_JOURNAL)}: not a commit journal` });
  return parsed.partitions;
}

/** Whether a partition folder entry is data: any visible .parquet file (ours are `part-N.parquet`; DuckDB writes
 * `data_0.parquet`, pyarrow `<uuid>-0.parquet`). */
export function isDataFile(name: string): boolean {
  return name.endsWith('.parquet') && !isHiddenName(name);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Carries out a journal: renames each staged file that is still staged into its partition, then removes the
 * partition's other data files and temporary files. Safe to run again after a crash. Returns the removed files
 * (relative to the dataset folder).
 */
export async function applyJournal(datasetDir: string, stagingDir: string, partitions: readonly JournalPartition[]): Promise<string[]> {
  const removed: string[] = [];
  for (const [i, partition] of partitions.entries()) {
    if (i > 0) failpoint('between-partitions');
    const dir = join(datasetDir, partition.dir);
    // A partition folder that is a symbolic link out of the dataset is refused, not written through.
    await assertInsideDirectory(datasetDir, dir, 'the partition folder', 'WRITE_FAILED');
    await mkdir(dir, { recursive: true });
    for (const file of partition.files) {
      const staged = join(stagingDir, file.staged);
      if (await exists(staged)) {
        await rename(staged, join(dir, file.name));
        failpoint('after-rename');
      }
    }
    failpoint('before-stale-removal');
    const keep = new Set(partition.files.map((f) => f.name));
    for (const name of await readdir(dir)) {
      if ((isDataFile(name) && !keep.has(name)) || isTemporaryFileName(name)) {
        await rm(join(dir, name), { force: true });
        removed.push(`${partition.dir}/${name}`);
      }
    }
  }
  return removed;
}
