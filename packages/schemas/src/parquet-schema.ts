/**
 * Parquet schemas derived from column specs, in two forms: a library-neutral description (physical type,
 * converted type, repetition) that matches what DuckDB's `parquet_schema()` reports for files written by
 * either engine, and the schema definition object that `@dsnp/parquetjs` takes (`new ParquetSchema(def)`).
 *
 * `int64` columns carry no logical type: `timestamp` is a plain INT64 of milliseconds (D5).
 */
import type { ColumnSpec, ColumnType } from './column-spec.js';

/** Parquet physical types used by the canonical schemas. */
export type ParquetPhysicalType = 'INT64' | 'INT32' | 'DOUBLE' | 'BOOLEAN' | 'BYTE_ARRAY';

/** Parquet converted (legacy logical) types used by the canonical schemas. */
export type ParquetConvertedType = 'INT_16' | 'INT_8' | 'UTF8';

/** One column of a Parquet file, as DuckDB's `parquet_schema()` and parquet-tools describe it. */
export interface ParquetColumnSpec {
  readonly name: string;
  readonly physicalType: ParquetPhysicalType;
  /** `null` when the column has no converted type (int64, int32, double, boolean). */
  readonly convertedType: ParquetConvertedType | null;
  readonly repetition: 'REQUIRED' | 'OPTIONAL';
}

/** A field of a `@dsnp/parquetjs` schema definition. */
export interface ParquetjsFieldDefinition {
  readonly type: 'INT64' | 'INT32' | 'INT_16' | 'INT_8' | 'DOUBLE' | 'BOOLEAN' | 'UTF8';
  readonly optional?: true;
}

const PHYSICAL: Readonly<Record<ColumnType, readonly [ParquetPhysicalType, ParquetConvertedType | null]>> = {
  int64: ['INT64', null],
  int32: ['INT32', null],
  int16: ['INT32', 'INT_16'],
  int8: ['INT32', 'INT_8'],
  float64: ['DOUBLE', null],
  bool: ['BOOLEAN', null],
  string: ['BYTE_ARRAY', 'UTF8'],
};

const PARQUETJS: Readonly<Record<ColumnType, ParquetjsFieldDefinition['type']>> = {
  int64: 'INT64',
  int32: 'INT32',
  int16: 'INT_16',
  int8: 'INT_8',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  string: 'UTF8',
};

/** The Parquet description of a list of file columns, in order. */
export function toParquetColumns(columns: readonly ColumnSpec[]): readonly ParquetColumnSpec[] {
  return columns.map((column) => {
    const [physicalType, convertedType] = PHYSICAL[column.type];
    return Object.freeze({
      name: column.name,
      physicalType,
      convertedType,
      repetition: column.nullable ? ('OPTIONAL' as const) : ('REQUIRED' as const),
    });
  });
}

/**
 * The `@dsnp/parquetjs` schema definition of a list of file columns: pass it to `new ParquetSchema(def)`.
 *
 * @example
 * new ParquetSchema(toParquetjsDefinition(KLINES_SCHEMA.fileColumns))
 */
export function toParquetjsDefinition(columns: readonly ColumnSpec[]): Readonly<Record<string, ParquetjsFieldDefinition>> {
  const definition: Record<string, ParquetjsFieldDefinition> = {};
  for (const column of columns) {
    definition[column.name] = column.nullable ? { type: PARQUETJS[column.type], optional: true } : { type: PARQUETJS[column.type] };
  }
  return Object.freeze(definition);
}
