// Validating a dataset
export { assertValidDataset, validateDataset } from './validate-dataset.js';
export type { ValidateOptions, ValidationProgress, ValidationReport, ValidationStats } from './validate-dataset.js';
export { ValidationError, summarizeErrors } from './validation-error.js';
export type { SourceReconciliation } from './source-reconciliation.js';

// Issues
export { VALIDATION_CHECKS, severityOf } from './validation-checks.js';
export type { ValidationCode, ValidationSeverity } from './validation-checks.js';
export { DEFAULT_MAX_ISSUES_PER_CODE } from './issue-collector.js';
export type { IssueCounts } from './issue-collector.js';
export type {
  ChecksumMismatchIssue,
  CountSource,
  DuplicateKeyIssue,
  FundingIrregularIssue,
  IssueLocation,
  IssueOf,
  KlineGapIssue,
  KlineMisalignedIssue,
  NegativeValueIssue,
  OhlcInconsistentIssue,
  PartitionMismatchIssue,
  RowCountMismatchIssue,
  SampleMismatchIssue,
  SchemaMismatchIssue,
  StrayFileIssue,
  TimestampOutOfRangeIssue,
  TradeIdGapIssue,
  UnreadableFileIssue,
  UnsortedIssue,
  ValidationIssue,
} from './validation-issue.js';

// Checks on a conversion's stream
export { createStreamChecks, describeFinding } from './stream-checks.js';
export type { StreamCheckOptions, StreamChecks, StreamWarning } from './stream-checks.js';
export { checkValues, candleOpenTime } from './value-checks.js';
export type { ValueFinding } from './value-checks.js';
export { findOhlcInconsistencies } from './find-ohlc-inconsistencies.js';
export type { OhlcColumns, OhlcInconsistency, OhlcRule } from './find-ohlc-inconsistencies.js';
export { KIND_RULES } from './kind-rules.js';
export type { KindRules } from './kind-rules.js';
export { reconcileWrite } from './reconcile-write.js';
export type { StagedCounts } from './reconcile-write.js';
