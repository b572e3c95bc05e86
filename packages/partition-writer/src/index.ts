// Writing partitions
export { recoverInterruptedWrites, stagePartitions, writePartitions } from './write-partitions.js';
export type {
  ExistingDataPolicy,
  PartitionReport,
  StagedReport,
  StagedWrite,
  WritePartitionsOptions,
  WriteReport,
  WrittenFile,
} from './write-options.js';
export type { ConflictPolicy } from './sort-deduplicate.js';

// Single files
export { writeBatchesToParquet } from './write-batches-to-parquet.js';
export type { WriteBatchesToParquetOptions } from './write-batches-to-parquet.js';

// Engines
export { PARQUET_COMPRESSIONS, PARQUET_ENGINES } from './parquet-engine.js';
export type { EncodedFile, ParquetCompression, ParquetEngineName } from './parquet-engine.js';

// Crash testing
export { FAILPOINTS, failpoint } from './failpoints.js';
export type { Failpoint } from './failpoints.js';

// Day splitting
export { dayRuns } from './day-runs.js';
export type { DayRun } from './day-runs.js';
