// Errors
export { UNIFIED_ERROR_CODES, USAGE_ERROR_CODES, isUnifiedErrorCode } from './errors/error-codes.js';
export type { UnifiedErrorCode } from './errors/error-codes.js';
export { UnifiedError } from './errors/unified-error.js';
export type { UnifiedErrorOptions } from './errors/unified-error.js';
export { IdentifierError } from './errors/identifier-error.js';
export type { IdentifierErrorOptions, IdentifierField, IdentifierRule } from './errors/identifier-error.js';
export { PartitionPathError } from './errors/partition-path-error.js';
export type { PartitionPathErrorOptions } from './errors/partition-path-error.js';
export { TimestampRangeError } from './errors/timestamp-range-error.js';
export type { TimestampLocation, TimestampRangeErrorOptions } from './errors/timestamp-range-error.js';
export { toUnifiedError } from './errors/to-unified-error.js';

// Schemas
export { DATA_KINDS, isDataKind } from './data-kind.js';
export type { DataKind } from './data-kind.js';
export { COLUMN_TYPES, dataColumn, partitionColumn } from './column-spec.js';
export type {
  ArrowColumnTypes,
  ColumnOrigin,
  ColumnRole,
  ColumnSpec,
  ColumnType,
  ColumnValueTypes,
  DataColumnOptions,
  PartitionKey,
} from './column-spec.js';
export { defineDatasetSchema } from './dataset-schema.js';
export type {
  ArrowTypeMapOf,
  ColumnNameOf,
  DatasetSchema,
  DatasetSchemaDefinition,
  FileArrowTypeMapOf,
  FileRowOf,
  RowOf,
} from './dataset-schema.js';
export { toArrowSchema, toArrowType } from './arrow-schema.js';
export { toParquetColumns, toParquetjsDefinition } from './parquet-schema.js';
export type {
  ParquetColumnSpec,
  ParquetConvertedType,
  ParquetPhysicalType,
  ParquetjsFieldDefinition,
} from './parquet-schema.js';
export { KLINES_SCHEMA } from './schemas/klines.js';
export { AGGTRADES_SCHEMA } from './schemas/aggtrades.js';
export { FUTURES_SCHEMA } from './schemas/futures.js';
export { DATASET_SCHEMAS, datasetSchemaFor } from './schemas/dataset-schemas.js';
export type { AggtradesRow, DatasetSchemaOf, FuturesRow, KlinesRow } from './schemas/dataset-schemas.js';

// Identifiers, naming and paths
export {
  IDENTIFIER_MAX_BYTES,
  IDENTIFIER_MAX_LENGTH,
  assertIdentifier,
  normalizeExchange,
  normalizeSymbol,
  normalizeTimeframe,
  validateIdentifier,
} from './identifiers.js';
export type { IdentifierIssue, IdentifierResult } from './identifiers.js';
export { UNIFIED_DIR_NAME, canonicalDatasetIdentity, datasetName, datasetRelativePath } from './dataset-identity.js';
export type { CanonicalDatasetIdentity, DatasetIdentity } from './dataset-identity.js';
export { BACKUP_DIR_NAME, consolidatedFileName, perDayAggtradesDir, perDayAggtradesFileName } from './source-file-names.js';
export type { SourceFileFormat } from './source-file-names.js';
export {
  dataFileName,
  isHiddenName,
  isTemporaryFileName,
  parseDataFileName,
  temporaryFileName,
} from './data-file-names.js';
export { fileSystemReason } from './file-system-reason.js';
export { removeTemporaryFiles, stageFileAtomically, writeFileAtomically } from './write-file-atomically.js';
export type { StagedFile } from './write-file-atomically.js';
export {
  decodePartitionValue,
  encodePartitionSegment,
  encodePartitionValue,
  parsePartitionPath,
  parsePartitionSegment,
  partitionPath,
  partitionValuesOf,
} from './partition-path.js';
export type { PartitionValues } from './partition-path.js';

// Time
export { floorDiv } from './floor-div.js';
export { int64ToNumbers, nextNegativeInt64, nextUnsafeInt64, numbersToInt64 } from './int64-numbers.js';
export {
  BASE_TIMEFRAME,
  TIMEFRAMES,
  TIMEFRAME_DURATION_MS,
  candleCloseTime,
  isTimeframe,
  nextCandleOpenTime,
  timeframeDurationMs,
} from './timeframes.js';
export type { Timeframe } from './timeframes.js';
export {
  MS_PER_DAY,
  dateOfDayNumber,
  dayNumberOfDate,
  daysInMonth,
  formatUtcDate,
  isLeapYear,
  isValidUtcDate,
  utcDateOf,
  utcDayBounds,
  utcDayNumber,
  utcDayStart,
} from './utc-date.js';
export type { UtcDate, UtcDayBounds } from './utc-date.js';
export {
  PLAUSIBLE_FUTURE_MARGIN_MS,
  PLAUSIBLE_START_MS,
  assertPlausibleTimestamp,
  isPlausibleTimestamp,
  plausibleTimeWindow,
} from './plausible-time.js';
export type { AssertPlausibleOptions, TimeWindow } from './plausible-time.js';

// Processes
export { PROCESS_STARTED_MS, isProcessAlive } from './process-identity.js';
export { assertInsideDirectory, isInsideDirectory, realLocation } from './path-containment.js';
