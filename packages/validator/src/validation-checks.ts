/**
 * The checks of a dataset validation, each with a stable code and a default severity. Errors fail a
 * validation; warnings are reported (real exchanges have maintenance gaps) and become errors under `strict`.
 */

/** How bad an issue is. */
export type ValidationSeverity = 'error' | 'warning';

/** Every check, by code: its default severity and what it detects. */
export const VALIDATION_CHECKS = {
  schema_mismatch: { severity: 'error', detects: "a file's columns or types differ from the canonical schema" },
  partition_mismatch: { severity: 'error', detects: "a row outside its partition's day, or a malformed partition path" },
  unsorted: { severity: 'error', detects: 'rows not in timestamp (then trade id) order within a file' },
  duplicate_key: { severity: 'error', detects: 'a natural key (klines timestamp, aggtrades trade_id, futures funding_time) that appears twice' },
  ohlc_inconsistent: { severity: 'error', detects: 'low above open or close, high below them, or low above high' },
  negative_value: { severity: 'error', detects: 'a negative price, quantity or volume, or a non-finite number' },
  timestamp_out_of_range: { severity: 'error', detects: 'a time outside the plausible window (2009-01-01 to now + 2 days): a unit bug' },
  row_count_mismatch: { severity: 'error', detects: 'row counts that disagree: data files against the manifest and metadata, output against sources' },
  unreadable_file: { severity: 'error', detects: 'a data file that is not a complete, readable Parquet file (truncated, damaged)' },
  checksum_mismatch: { severity: 'error', detects: 'a data file whose size or sha256 differs from the manifest, or a source changed since conversion' },
  kline_gap: { severity: 'warning', detects: 'candles missing inside the dataset range' },
  kline_misaligned: { severity: 'warning', detects: 'an open time off the timeframe grid, or close_time not open + interval - 1' },
  trade_id_gap: { severity: 'warning', detects: 'aggregate trade ids that jump (missing trades)' },
  funding_irregular: { severity: 'warning', detects: 'funding times off their cadence beyond the tolerance' },
  stray_file: { severity: 'warning', detects: 'a file in a dataset that is neither data nor a `_`/`.` sidecar' },
  sample_mismatch: { severity: 'error', detects: 'a sampled source row that is missing from the output or differs in a column' },
} as const satisfies Readonly<Record<string, { readonly severity: ValidationSeverity; readonly detects: string }>>;

/** The code of a check. */
export type ValidationCode = keyof typeof VALIDATION_CHECKS;

/** Severity of `code`, with warnings raised to errors when `strict`. */
export function severityOf(code: ValidationCode, strict = false): ValidationSeverity {
  return strict ? 'error' : VALIDATION_CHECKS[code].severity;
}
