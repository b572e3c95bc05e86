// The facade: one import for everything the parts offer, plus the converter job that composes them. Each part
// is also usable alone. `export *` keeps the facade complete as the parts grow, and TypeScript rejects any name
// two parts both export (TS2308), so nothing is shadowed silently.
export * from '@unified/schemas';
export * from '@unified/loaders';
export * from '@unified/partition-writer';
export * from '@unified/validator';
export * from '@unified/metadata';
export * from '@unified/sample-data';
export { VERSION } from './version.js';

// The converter job (the seed's Step 1.5)
export { convert } from './convert.js';
export type { ConvertEvent, ConvertOptions, ConvertResult, ConvertSource, ConvertedDataset } from './convert-types.js';
export { runStep } from './run-step.js';
export type { RunStepOptions } from './run-step.js';
export { DEFAULT_CONVERT_LOG_FILE, openConvertLog } from './convert-log.js';
export type { ConvertLog } from './convert-log.js';

// The validation job
export { validate } from './validate.js';
export type { ValidateJobOptions, ValidateJobResult, ValidatedDataset } from './validate.js';
