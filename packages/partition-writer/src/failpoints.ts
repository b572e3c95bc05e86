/**
 * Failpoints for crash tests: when `UNIFIED_FAILPOINT` names one of these points, the process kills itself
 * with SIGKILL exactly there, so a test can check what a crash at that moment leaves behind.
 */

/** Where the writer can be made to crash, in the order a run passes them. */
export const FAILPOINTS = [
  /** After the first batch of the input was taken in (reading has begun, nothing is staged yet). */
  'mid-read',
  /** After the first partition file was written and fsynced in the staging folder. */
  'after-temp-write',
  /** After every file was staged, before the first rename into a partition. */
  'before-rename',
  /** After the first file was renamed into its partition. */
  'after-rename',
  /** After a partition's new files are in place, before its stale files are removed. */
  'before-stale-removal',
  /** After the first partition was committed completely, before the next one (a run with several partitions). */
  'between-partitions',
  /** After every dataset's data was committed, before metadata.json, _config.json and the manifests are renamed (the converter). */
  'before-metadata-rename',
] as const;

/** One of {@link FAILPOINTS}. */
export type Failpoint = (typeof FAILPOINTS)[number];

/** Kills the process (SIGKILL) when `UNIFIED_FAILPOINT` is `name`. */
export function failpoint(name: Failpoint): void {
  if (process.env['UNIFIED_FAILPOINT'] === name) process.kill(process.pid, 'SIGKILL');
}
