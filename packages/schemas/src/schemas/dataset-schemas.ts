import type { DataKind } from '../data-kind.js';
import type { RowOf } from '../dataset-schema.js';
import { AGGTRADES_SCHEMA } from './aggtrades.js';
import { FUTURES_SCHEMA } from './futures.js';
import { KLINES_SCHEMA } from './klines.js';

/** The canonical schema of each data type. */
export const DATASET_SCHEMAS = Object.freeze({
  klines: KLINES_SCHEMA,
  aggtrades: AGGTRADES_SCHEMA,
  futures: FUTURES_SCHEMA,
});

/** The type of the canonical schema of data type `K`. */
export type DatasetSchemaOf<K extends DataKind> = (typeof DATASET_SCHEMAS)[K];

/** A row of the klines dataset as a reader returns it. */
export type KlinesRow = RowOf<typeof KLINES_SCHEMA>;
/** A row of the aggtrades dataset as a reader returns it. */
export type AggtradesRow = RowOf<typeof AGGTRADES_SCHEMA>;
/** A row of the futures (funding) dataset as a reader returns it. */
export type FuturesRow = RowOf<typeof FUTURES_SCHEMA>;

/** The canonical schema of a data type. */
export function datasetSchemaFor<K extends DataKind>(kind: K): DatasetSchemaOf<K> {
  return DATASET_SCHEMAS[kind];
}
