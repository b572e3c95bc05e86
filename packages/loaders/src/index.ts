// Opening sources
export { openSource, detectSourceFormat } from './open-source.js';
export { DEFAULT_BATCH_SIZE } from './source-types.js';
export type {
  ColumnAssignment,
  LoadedSource,
  SourceDescription,
  SourceFormat,
  SourceOptions,
  SourceProgress,
  RefusedRow,
  SourceSummary,
} from './source-types.js';
export { MAX_REPORTED_BAD_ROWS } from './row-issues.js';
export type { BadRowPolicy } from './row-issues.js';
export type { TimeEncoding } from './column-conversion.js';
export { HEADERLESS_LAYOUTS, KIND_FIELDS, canonicalTargets, mapColumns } from './column-mapping.js';
export type { ColumnMapping, FieldSpec, MappedField, UnusedColumn } from './column-mapping.js';
export { MAX_JSON_ARRAY_BYTES } from './json-format.js';
export { checkPublishedChecksum, readChecksumSidecar, sha256OfFile, verifyChecksumSidecar } from './checksum-sidecar.js';
export type { ChecksumCheck, PublishedChecksum } from './checksum-sidecar.js';
export { sourceNameHint } from './source-name-hints.js';
export type { SourceNameHint } from './source-name-hints.js';

// Text values
export { buyerMakerOfSide, parseBooleanText, parseDateTimeText, parseDecimalText, parseIntegerText } from './text-values.js';

// Timestamp units
export { TIMESTAMP_UNITS, detectTimestampUnit, plausibleEpochMs, toEpochMs, toEpochUs } from './timestamp-unit.js';
export type { TimestampUnit } from './timestamp-unit.js';

// Inspecting and discovering
export { inspectSource } from './inspect-source.js';
export type { InspectedTimestampUnit, SourceInspection } from './inspect-source.js';
export { BLANK_TRAINING_MAX_FILES, discoverSources } from './discover-sources.js';
export type { DiscoverOptions, PlannedSource, SkippedSource, SourcePlan, SourceReport, SourceRole } from './discover-sources.js';

// Reading partitioned datasets back
export { readPartitionedDataset, scanPartitionedDataset } from './scan-partitioned-dataset.js';
export type { DatasetReadOptions, DatasetScan, ScanStats, TimeBound } from './scan-partitioned-dataset.js';
export { FILTER_OPS } from './dataset-filter.js';
export type { DatasetFilter, FilterOp, FilterScalar, FilterTerm } from './dataset-filter.js';
export { openParquetFile } from './parquet-file-reader.js';
export type { ParquetBatchOptions, ParquetFileReader } from './parquet-file-reader.js';
