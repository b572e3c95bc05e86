// The facade: one import for everything the parts offer. It holds no logic of its own; each part is also
// usable alone. `export *` keeps the facade complete as the parts grow, and TypeScript rejects any name two
// parts both export (TS2308), so nothing is shadowed silently.
export * from '@unified/schemas';
export * from '@unified/loaders';
export * from '@unified/partition-writer';
export * from '@unified/validator';
export * from '@unified/metadata';
export * from '@unified/sample-data';
export { VERSION } from './version.js';
