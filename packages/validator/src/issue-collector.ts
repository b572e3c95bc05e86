/**
 * Gathers the issues of one validation: every issue is counted, the first `maxPerCode` of each code are kept
 * with their details (a dataset with a million unsorted rows reports a million, and shows the first few).
 */
import { VALIDATION_CHECKS, type ValidationCode, severityOf } from './validation-checks.js';
import type { FoundIssue, ValidationIssue } from './validation-issue.js';

/** Issues kept per code unless told otherwise. */
export const DEFAULT_MAX_ISSUES_PER_CODE = 100;

/** Counts by code, with every code present. */
export type IssueCounts = Record<ValidationCode, number>;

/** Counts of zero for every code. */
export function emptyIssueCounts(): IssueCounts {
  return Object.fromEntries(Object.keys(VALIDATION_CHECKS).map((code) => [code, 0])) as IssueCounts;
}

/** The issues of one validation. */
export class IssueCollector {
  readonly issues: ValidationIssue[] = [];
  readonly counts: IssueCounts = emptyIssueCounts();

  constructor(
    private readonly strict = false,
    private readonly maxPerCode = DEFAULT_MAX_ISSUES_PER_CODE,
  ) {}

  /** Records an issue; its severity follows from its code and `strict`. */
  add(found: FoundIssue): void {
    const n = ++this.counts[found.code];
    if (n <= this.maxPerCode) this.issues.push({ ...found, severity: severityOf(found.code, this.strict) });
  }

  /** Issues of error severity found, counted (not only those kept). */
  get errors(): number {
    return this.total('error');
  }

  get warnings(): number {
    return this.total('warning');
  }

  private total(severity: 'error' | 'warning'): number {
    let n = 0;
    for (const [code, count] of Object.entries(this.counts)) if (severityOf(code as ValidationCode, this.strict) === severity) n += count;
    return n;
  }
}
