/**
 * The error {@link assertValidDataset} throws: code `VALIDATION_FAILED`, a one-line message with the counts by
 * code and the first error, and the whole report for programs.
 */
import { UnifiedError } from '@unified/schemas';
import type { ValidationReport } from './validate-dataset.js';
import type { ValidationIssue } from './validation-issue.js';

const MARKER = 'unified.error.ValidationError';
const SYMBOL = Symbol.for(MARKER);

/** Counts of the codes with error-level issues, most frequent first: `unsorted ×3, duplicate_key ×1`. */
export function summarizeErrors(report: Pick<ValidationReport, 'issues' | 'stats'>): string {
  const codes = new Set(report.issues.filter((i) => i.severity === 'error').map((i) => i.code));
  return [...codes]
    .map((code) => [code, report.stats.issueCounts[code]] as const)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
}

/** A dataset failed validation. */
export class ValidationError extends UnifiedError {
  private readonly [SYMBOL] = true;
  /** The full report. */
  readonly report: ValidationReport;
  /** The issues kept (the first of each code). */
  readonly issues: readonly ValidationIssue[];

  constructor(report: ValidationReport) {
    const first = report.issues.find((i) => i.severity === 'error');
    super({
      code: 'VALIDATION_FAILED',
      message: `${report.dataset}: ${report.stats.errors} error${report.stats.errors === 1 ? '' : 's'} (${summarizeErrors(report)})${first === undefined ? '' : `; first: ${first.message}`}`,
    });
    this.name = 'ValidationError';
    this.report = report;
    this.issues = report.issues;
  }

  /** Whether `error` is a {@link ValidationError}, even from another copy of this package. */
  static override isInstance(error: unknown): error is ValidationError {
    return UnifiedError.hasMarker(error, MARKER);
  }
}
