/**
 * A dataset schema is the single definition of one data type: its columns in canonical order, which of them
 * are partition keys (and in what path order), its natural key (D7) and its sort order. Everything else —
 * the Arrow schemas, the Parquet schemas and the TypeScript row types — is derived from it, so they cannot
 * disagree.
 */
import type * as arrow from 'apache-arrow';
import { toArrowSchema } from './arrow-schema.js';
import type { ArrowColumnTypes, ColumnSpec, ColumnValueTypes, PartitionKey } from './column-spec.js';
import type { DataKind } from './data-kind.js';
import { UnifiedError } from './errors/unified-error.js';
import { type ParquetColumnSpec, type ParquetjsFieldDefinition, toParquetColumns, toParquetjsDefinition } from './parquet-schema.js';

/** What a schema definition states; {@link defineDatasetSchema} derives the rest. */
export interface DatasetSchemaDefinition<Kind extends DataKind, Columns extends readonly ColumnSpec[]> {
  /** The data type. */
  readonly kind: Kind;
  /** Bumped on any change to columns or types; recorded in `_config.json`. */
  readonly version: number;
  /** One line on what a row is. */
  readonly description: string;
  /** All columns in canonical order: the seed's columns in the seed's order, then D5/D6 extras. */
  readonly columns: Columns;
  /** Partition keys in directory order (D1). Each must be a `partition` column. */
  readonly partitionKeys: readonly PartitionKey[];
  /** Columns whose values identify a row; duplicates by this key are merged (D7). */
  readonly naturalKey: readonly Columns[number]['name'][];
  /** Sort order of rows within a partition file (D7). */
  readonly sortKey: readonly Columns[number]['name'][];
}

/** A dataset schema: its definition plus everything derived from it. */
export interface DatasetSchema<Kind extends DataKind = DataKind, Columns extends readonly ColumnSpec[] = readonly ColumnSpec[]>
  extends DatasetSchemaDefinition<Kind, Columns> {
  /** Columns stored in each Parquet file (everything but the partition keys), in canonical order. */
  readonly fileColumns: readonly ColumnSpec[];
  /** Partition columns in directory order. */
  readonly partitionColumns: readonly ColumnSpec[];
  /** Arrow schema of the dataset as a reader returns it: every column, canonical order, partition columns typed per D1. */
  readonly arrowSchema: arrow.Schema<ArrowTypeMapOf<Columns>>;
  /** Arrow schema of the columns stored in each Parquet file. */
  readonly fileArrowSchema: arrow.Schema<FileArrowTypeMapOf<Columns>>;
  /** Parquet description of each file column (physical type, converted type, repetition). */
  readonly parquetColumns: readonly ParquetColumnSpec[];
  /** `@dsnp/parquetjs` schema definition of the file columns. */
  readonly parquetjsDefinition: Readonly<Record<string, ParquetjsFieldDefinition>>;
}

type AnyColumns = readonly ColumnSpec[];
type NullIfNullable<C extends ColumnSpec> = C['nullable'] extends true ? null : never;
type FileColumnOf<C extends ColumnSpec> = C['role'] extends 'partition' ? never : C;

/** The apache-arrow type map of all columns (usable as `arrow.Table<ArrowTypeMapOf<…>>`). */
export type ArrowTypeMapOf<Columns extends AnyColumns> = {
  [C in Columns[number] as C['name']]: ArrowColumnTypes[C['type']];
};

/** The apache-arrow type map of the file columns. */
export type FileArrowTypeMapOf<Columns extends AnyColumns> = {
  [C in Columns[number] as FileColumnOf<C>['name']]: ArrowColumnTypes[C['type']];
};

/** A row of a dataset as a reader returns it: every column, `null` only where the column is nullable. */
export type RowOf<S extends DatasetSchema> = {
  [C in S['columns'][number] as C['name']]: ColumnValueTypes[C['type']] | NullIfNullable<C>;
};

/** A row as stored in a Parquet file: {@link RowOf} without the partition columns. */
export type FileRowOf<S extends DatasetSchema> = {
  [C in S['columns'][number] as FileColumnOf<C>['name']]: ColumnValueTypes[C['type']] | NullIfNullable<C>;
};

/** Names of all columns of a schema. */
export type ColumnNameOf<S extends DatasetSchema> = S['columns'][number]['name'];

function invalid(kind: string, reason: string): never {
  throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `schema "${kind}": ${reason}` });
}

function checkDefinition(definition: DatasetSchemaDefinition<DataKind, AnyColumns>): void {
  const names = new Set<string>();
  for (const column of definition.columns) {
    if (names.has(column.name)) invalid(definition.kind, `column "${column.name}" is declared twice`);
    names.add(column.name);
  }
  const partitionNames = definition.columns.filter((c) => c.role === 'partition').map((c) => c.name);
  const keys = [...definition.partitionKeys];
  if (partitionNames.length !== keys.length || !keys.every((key) => partitionNames.includes(key))) {
    invalid(definition.kind, `partition keys [${keys.join(', ')}] must be exactly the partition columns [${partitionNames.join(', ')}]`);
  }
  for (const name of [...definition.naturalKey, ...definition.sortKey]) {
    const column = definition.columns.find((c) => c.name === name);
    if (column === undefined) invalid(definition.kind, `key column "${name}" is not a column`);
    if (column.role === 'partition') invalid(definition.kind, `key column "${name}" must be stored in the file`);
    if (column.nullable) invalid(definition.kind, `key column "${name}" must not be nullable`);
  }
  if (definition.naturalKey.length === 0) invalid(definition.kind, 'a natural key is required');
}

/**
 * Defines a dataset schema and derives its Arrow and Parquet forms. Throws (`INVALID_ARGUMENT`) when the
 * definition is inconsistent: a duplicate column, partition keys that do not match the partition columns, or
 * a key column that is nullable or not stored in the file.
 */
export function defineDatasetSchema<const Kind extends DataKind, const Columns extends AnyColumns>(
  definition: DatasetSchemaDefinition<Kind, Columns>,
): DatasetSchema<Kind, Columns> {
  checkDefinition(definition);
  const fileColumns = definition.columns.filter((column) => column.role === 'data');
  const partitionColumns = definition.partitionKeys.map((key) => {
    const column = definition.columns.find((c) => c.name === key);
    if (column === undefined) return invalid(definition.kind, `partition key "${key}" is not a column`);
    return column;
  });
  return Object.freeze({
    ...definition,
    fileColumns: Object.freeze(fileColumns),
    partitionColumns: Object.freeze(partitionColumns),
    arrowSchema: toArrowSchema(definition.columns) as arrow.Schema<ArrowTypeMapOf<Columns>>,
    fileArrowSchema: toArrowSchema(fileColumns) as arrow.Schema<FileArrowTypeMapOf<Columns>>,
    parquetColumns: toParquetColumns(fileColumns),
    parquetjsDefinition: toParquetjsDefinition(fileColumns),
  });
}
