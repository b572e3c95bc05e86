// The whole job
export { generateSampleData } from './generate-sample-data.js';
export type { SampleDataResult, SampleFile } from './generate-sample-data.js';
export { resolveSampleDataOptions } from './sample-data-options.js';
export type { ResolvedSampleDataOptions, SampleDataOptions, SampleDataProgress } from './sample-data-options.js';

// Generators: Arrow record batches in the Python pipeline's column layout
export { generateKlineBatches, klineRowCount } from './generate-klines.js';
export type { KlineGeneratorOptions } from './generate-klines.js';
export { generateAggtradeBatches, generateAggtradeDayBatches, rowsOfDay } from './generate-aggtrades.js';
export type { AggtradeGeneratorOptions, DayBatch } from './generate-aggtrades.js';
export { FUNDING_INTERVAL_HOURS, fundingRowCount, generateFundingBatches } from './generate-funding.js';
export type { FundingGeneratorOptions } from './generate-funding.js';
export type { GeneratorOptions } from './generator-options.js';
export { SAMPLE_TIMESTAMP_ENCODINGS, storedTimeToMs } from './timestamp-encoding.js';
export type { SampleTimestampEncoding } from './timestamp-encoding.js';

// Writers
export { SAMPLE_COMPRESSIONS, writeParquetFile } from './write-parquet-file.js';
export type { ParquetFileOptions, SampleCompression, WriteFileResult } from './write-parquet-file.js';
export { writeCsvFile } from './write-csv-file.js';
export type { CsvFileOptions } from './write-csv-file.js';
export { formatPythonFloat } from './python-float.js';
export { createRandom } from './random.js';
export type { Random } from './random.js';
