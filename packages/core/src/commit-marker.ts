/**
 * `unified/.commit-pending.json`: the datasets whose data a run is committing before their metadata. Written
 * (under the lock on `unified/`) before the first data file is renamed, cleared once metadata.json, _config.json
 * and the manifests are renamed too. A run that dies in between leaves it behind, and the next run converts the
 * listed datasets again instead of trusting metadata that describes the data before the crash.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from '@unified/metadata';

/** File name of the marker inside `unified/` (hidden, D4). */
export const COMMIT_MARKER_FILE_NAME = '.commit-pending.json';

/** The datasets (paths relative to `unified/`) whose commit a run began and did not finish. */
export async function pendingCommits(unifiedDir: string): Promise<Set<string>> {
  try {
    const value = (await readJsonFile(join(unifiedDir, COMMIT_MARKER_FILE_NAME))) as { datasets?: unknown } | undefined;
    return new Set(Array.isArray(value?.datasets) ? value.datasets.filter((d): d is string => typeof d === 'string') : []);
  } catch {
    // A marker that cannot be read was being written when its run died: that run renamed nothing yet.
    return new Set();
  }
}

/** Adds `datasets` to the marker (keeping those a dead run left). Call under the lock on `unified/`. */
export async function markCommitPending(unifiedDir: string, datasets: readonly string[]): Promise<void> {
  const pending = await pendingCommits(unifiedDir);
  for (const name of datasets) pending.add(name);
  await writeJsonFile(join(unifiedDir, COMMIT_MARKER_FILE_NAME), { datasets: [...pending].sort() });
}

/** Removes `datasets` from the marker, and the marker when none is left. Call under the lock on `unified/`. */
export async function clearCommitPending(unifiedDir: string, datasets: readonly string[]): Promise<void> {
  const pending = await pendingCommits(unifiedDir);
  for (const name of datasets) pending.delete(name);
  if (pending.size === 0) await rm(join(unifiedDir, COMMIT_MARKER_FILE_NAME), { force: true });
  else await writeJsonFile(join(unifiedDir, COMMIT_MARKER_FILE_NAME), { datasets: [...pending].sort() });
}
