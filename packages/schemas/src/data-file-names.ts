/**
 * File names inside a dataset directory. Data files are `part-<n>.parquet`. Anything else there starts with
 * `_` or `.` (D4) so pyarrow, Spark and DuckDB globs skip it; temporary files start with `.` and never end in
 * `.parquet` (D9), so no reader ever sees a half-written file.
 */
import { UnifiedError } from './errors/unified-error.js';

const DATA_FILE = /^part-(0|[1-9][0-9]*)\.parquet$/u;

/** Name of the `index`-th data file of a partition: `part-0.parquet`, `part-1.parquet`, ... */
export function dataFileName(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `data file index must be a non-negative integer, got ${index}` });
  }
  return `part-${index}.parquet`;
}

/** The index of a data file name (`part-3.parquet` → 3), or `null` if `name` is not a data file name. */
export function parseDataFileName(name: string): number | null {
  const match = DATA_FILE.exec(name);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** Whether a file or folder name is hidden from dataset readers (starts with `_` or `.`, D4). */
export function isHiddenName(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

/**
 * Temporary name for a file being written (D9): `.part-0.parquet.tmp-<token>`. Hidden, and never ending in
 * `.parquet`. `token` distinguishes writers (e.g. the process id).
 */
export function temporaryFileName(finalName: string, token: string | number): string {
  return `.${finalName}.tmp-${token}`;
}

/** Whether `name` is a temporary file left by {@link temporaryFileName} (e.g. after a crash). */
export function isTemporaryFileName(name: string): boolean {
  return name.startsWith('.') && /\.tmp-[^/\\]+$/u.test(name);
}
