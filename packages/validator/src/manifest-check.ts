/**
 * `row_count_mismatch` and `checksum_mismatch` against what the converter recorded: each data file against its
 * `_manifest.json` entry (rows from the footer, size, sha256), the manifest's total, and the dataset's entry in
 * `metadata.json` (rows, files, bytes, time range). A dataset without a manifest (written by another tool) skips
 * this part, and says so in the stats; one that does not parse or contradicts itself (its files do not add up to
 * its total) fails the validation with `METADATA_INVALID` naming it, as every reader of it does.
 */
import { sha256OfFile } from '@unified/loaders';
import type { DatasetManifest, DatasetMetadata } from '@unified/metadata';
import type { DataFileEntry } from './dataset-tree.js';
import type { IssueCollector } from './issue-collector.js';
import { formatTime } from './time-text.js';

/** What the data files hold, as read. */
export interface ObservedFiles {
  readonly files: readonly DataFileEntry[];
  /** Rows of each readable file, from its footer, by relative path. */
  readonly rows: ReadonlyMap<string, number>;
  readonly minTimestamp: number | null;
  readonly maxTimestamp: number | null;
}

/** Checks the files against the manifest (and hashes them when `checksums`). */
export async function checkAgainstManifest(dataset: string, manifest: DatasetManifest, observed: ObservedFiles, checksums: boolean, issues: IssueCollector, signal?: AbortSignal): Promise<void> {
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  for (const entry of observed.files) {
    signal?.throwIfAborted();
    const where = { dataset, partition: entry.partition, file: entry.file };
    const expected = listed.get(entry.file);
    const rows = observed.rows.get(entry.file);
    if (expected === undefined) {
      issues.add({ code: 'row_count_mismatch', ...where, against: 'manifest', expected: 0, actual: rows ?? 0, message: `${entry.file}: a data file the manifest does not list (${rows ?? '?'} rows readers will count twice or wrongly)` });
      continue;
    }
    listed.delete(entry.file);
    if (rows !== undefined && rows !== expected.rows) {
      issues.add({ code: 'row_count_mismatch', ...where, against: 'manifest', expected: expected.rows, actual: rows, message: `${entry.file}: ${rows} rows, the manifest says ${expected.rows}` });
    }
    if (entry.bytes !== expected.bytes) {
      issues.add({ code: 'checksum_mismatch', ...where, against: 'manifest', expected: `${expected.bytes} bytes`, actual: `${entry.bytes} bytes`, message: `${entry.file}: ${entry.bytes} bytes, the manifest says ${expected.bytes}` });
    } else if (checksums) {
      const sha256 = await sha256OfFile(entry.path);
      if (sha256 !== expected.sha256) {
        issues.add({ code: 'checksum_mismatch', ...where, against: 'manifest', expected: expected.sha256, actual: sha256, message: `${entry.file}: sha256 ${sha256.slice(0, 12)}…, the manifest says ${expected.sha256.slice(0, 12)}…; the file changed after it was written` });
      }
    }
  }
  for (const missing of listed.values()) {
    const partition = missing.path.slice(0, missing.path.lastIndexOf('/'));
    issues.add({ code: 'row_count_mismatch', dataset, partition, file: missing.path, against: 'manifest', expected: missing.rows, actual: 0, message: `${missing.path}: listed in the manifest with ${missing.rows} rows, but not on disk` });
  }
}

/** Checks the observed totals against the dataset's entry in metadata.json. */
export function checkAgainstMetadata(dataset: string, entry: DatasetMetadata, observed: ObservedFiles, issues: IssueCollector): void {
  const rows = [...observed.rows.values()].reduce((n, r) => n + r, 0);
  const bytes = observed.files.reduce((n, f) => n + f.bytes, 0);
  const partitions = new Set(observed.files.map((f) => f.partition)).size;
  const compare = (what: string, expected: number, actual: number, show: (n: number) => string = String): void => {
    if (expected === actual) return;
    issues.add({ code: 'row_count_mismatch', dataset, against: 'metadata', expected, actual, message: `${what}: ${show(actual)} on disk, metadata.json says ${show(expected)}` });
  };
  compare('rows', entry.rows, rows);
  compare('data files', entry.files, observed.files.length);
  compare('partitions', entry.partitions, partitions);
  if (entry.bytes !== bytes) {
    issues.add({ code: 'checksum_mismatch', dataset, against: 'metadata', expected: `${entry.bytes} bytes`, actual: `${bytes} bytes`, message: `data files: ${bytes} bytes on disk, metadata.json says ${entry.bytes}` });
  }
  if (observed.minTimestamp !== null && entry.min_timestamp !== null) compare('first timestamp', entry.min_timestamp, observed.minTimestamp, formatTime);
  if (observed.maxTimestamp !== null && entry.max_timestamp !== null) compare('last timestamp', entry.max_timestamp, observed.maxTimestamp, formatTime);
  const run = entry.last_run;
  const accounted = run.rows_written + run.duplicates_dropped + run.conflicts_resolved + run.rows_skipped;
  if (run.existing_data !== 'merge' && run.rows_read !== accounted) {
    issues.add({
      code: 'row_count_mismatch',
      dataset,
      against: 'last_run',
      expected: run.rows_read,
      actual: accounted,
      message: `last run: ${run.rows_read} rows read, but ${run.rows_written} written + ${run.duplicates_dropped} duplicates + ${run.conflicts_resolved} conflicts + ${run.rows_skipped} skipped = ${accounted}`,
    });
  }
}
