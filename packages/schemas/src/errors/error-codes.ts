/**
 * Error codes shared by every unified package. A code says what kind of failure happened; the CLI maps codes
 * to exit codes (usage errors exit 2, everything else 1, an abort 130).
 *
 * Scope: the stable vocabulary of failures. Non-goal: messages; each error carries its own.
 */
export const UNIFIED_ERROR_CODES = {
  /** An option or argument is missing or has a value outside what it accepts (a usage error). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** An exchange, symbol or timeframe is not a safe, valid identifier (D3). A usage error. */
  INVALID_IDENTIFIER: 'INVALID_IDENTIFIER',
  /** A partition directory name is not `key=value`, is out of order, or holds an invalid value. */
  INVALID_PARTITION_PATH: 'INVALID_PARTITION_PATH',
  /** A timestamp lies outside the plausible window (D5): almost always a wrong time unit. */
  TIMESTAMP_OUT_OF_RANGE: 'TIMESTAMP_OUT_OF_RANGE',
  /** A source file or directory does not exist or cannot be opened. */
  SOURCE_NOT_FOUND: 'SOURCE_NOT_FOUND',
  /** A source file is corrupt, truncated, empty, or not in the format its name or content claims. */
  SOURCE_CORRUPT: 'SOURCE_CORRUPT',
  /** A source's columns cannot be mapped to any canonical schema. */
  SOURCE_UNMAPPABLE: 'SOURCE_UNMAPPABLE',
  /** A row of a source cannot be parsed (short row, non-numeric value, invalid boolean, ...). */
  BAD_ROW: 'BAD_ROW',
  /** An archive's sha256 differs from the checksum published beside it. */
  CHECKSUM_MISMATCH: 'CHECKSUM_MISMATCH',
  /** Two rows share a natural key (D7) but differ in another column. */
  DUPLICATE_CONFLICT: 'DUPLICATE_CONFLICT',
  /** A partition the run would write already exists and the caller asked not to replace it. */
  PARTITION_EXISTS: 'PARTITION_EXISTS',
  /** Writing output failed (disk full, permissions, rename across devices, ...). */
  WRITE_FAILED: 'WRITE_FAILED',
  /** Another run holds the lock on the output directory and did not release it in time. */
  LOCK_TIMEOUT: 'LOCK_TIMEOUT',
  /** A dataset failed validation with at least one error-level issue. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** `metadata.json`, `_config.json` or a `_manifest.json` is unreadable or inconsistent. */
  METADATA_INVALID: 'METADATA_INVALID',
  /** The operation was aborted through its `AbortSignal` (or SIGINT/SIGTERM in the CLI). */
  ABORTED: 'ABORTED',
  /** An unexpected failure: a bug. The `cause` holds the original error. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the {@link UNIFIED_ERROR_CODES}. */
export type UnifiedErrorCode = keyof typeof UNIFIED_ERROR_CODES;

/** Codes that mean the caller asked for something invalid (exit code 2 in the CLI), as opposed to a failed run. */
export const USAGE_ERROR_CODES: ReadonlySet<UnifiedErrorCode> = new Set<UnifiedErrorCode>([
  'INVALID_ARGUMENT',
  'INVALID_IDENTIFIER',
]);

/** Whether `value` is one of the {@link UNIFIED_ERROR_CODES}. */
export function isUnifiedErrorCode(value: unknown): value is UnifiedErrorCode {
  return typeof value === 'string' && Object.hasOwn(UNIFIED_ERROR_CODES, value);
}
