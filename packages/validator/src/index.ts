// Checks
export { VALIDATION_CHECKS, severityOf } from './validation-checks.js';
export type { ValidationCode, ValidationSeverity } from './validation-checks.js';
export { findOhlcInconsistencies } from './find-ohlc-inconsistencies.js';
export type { OhlcColumns, OhlcInconsistency, OhlcRule } from './find-ohlc-inconsistencies.js';
