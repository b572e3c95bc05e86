/**
 * Column specifications: the atoms every dataset schema is built from. A spec states a column's name, logical
 * type, nullability, where it lives (in the file or in the partition path) and why it exists.
 *
 * Non-goal: encodings and compression, which are the writer's choice.
 */
import type * as arrow from 'apache-arrow';

/** Logical column types used by the canonical schemas. */
export const COLUMN_TYPES = ['int64', 'int32', 'int16', 'int8', 'float64', 'bool', 'string'] as const;

/** One of {@link COLUMN_TYPES}. */
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** The JavaScript value of each {@link ColumnType}, as apache-arrow returns it (`int64` is a `bigint`). */
export interface ColumnValueTypes {
  int64: bigint;
  int32: number;
  int16: number;
  int8: number;
  float64: number;
  bool: boolean;
  string: string;
}

/** The apache-arrow data type of each {@link ColumnType}. */
export interface ArrowColumnTypes {
  int64: arrow.Int64;
  int32: arrow.Int32;
  int16: arrow.Int16;
  int8: arrow.Int8;
  float64: arrow.Float64;
  bool: arrow.Bool;
  string: arrow.Utf8;
}

/** Where a column lives: in each Parquet file (`data`) or only in the `key=value` directory path (`partition`, D1). */
export type ColumnRole = 'data' | 'partition';

/** Why a column exists: the seed's schema, the trade-time precision of D5, or a source field kept by D6. */
export type ColumnOrigin = 'seed' | 'D5' | 'D6';

/** Names of the columns that can be partition keys (D1). */
export type PartitionKey = 'exchange' | 'symbol' | 'timeframe' | 'year' | 'month' | 'day';

/** One column of a canonical schema. */
export interface ColumnSpec<
  Name extends string = string,
  Type extends ColumnType = ColumnType,
  Nullable extends boolean = boolean,
  Role extends ColumnRole = ColumnRole,
> {
  /** Column name, as in the seed (snake_case). */
  readonly name: Name;
  /** Logical type; the Arrow and Parquet types derive from it. */
  readonly type: Type;
  /** Whether the column may hold nulls. Seed columns never do; the extra source fields of D6 may. */
  readonly nullable: Nullable;
  /** Whether the column is stored in the file or only in the partition path. */
  readonly role: Role;
  /** Why the column exists. */
  readonly origin: ColumnOrigin;
  /** For columns that hold one fixed value in a dataset (the `1m` timeframe of aggtrades and futures, D1). */
  readonly constant?: string;
  /** What the column holds, with its unit. */
  readonly description: string;
}

/** Options of {@link dataColumn}. */
export interface DataColumnOptions<Nullable extends boolean> {
  /** What the column holds, with its unit. */
  readonly description: string;
  /** Whether nulls are allowed. @default false */
  readonly nullable?: Nullable;
  /** Why the column exists. @default 'seed' */
  readonly origin?: ColumnOrigin;
  /** A fixed value every row of a dataset carries. */
  readonly constant?: string;
}

/**
 * Declares a column stored in the Parquet files.
 *
 * @example
 * dataColumn('close_time', 'int64', { nullable: true, origin: 'D6', description: 'Close time, ms' })
 */
export function dataColumn<const Name extends string, const Type extends ColumnType, const Nullable extends boolean = false>(
  name: Name,
  type: Type,
  options: DataColumnOptions<Nullable>,
): ColumnSpec<Name, Type, Nullable, 'data'> {
  return Object.freeze({
    name,
    type,
    nullable: (options.nullable ?? false) as Nullable,
    role: 'data' as const,
    origin: options.origin ?? 'seed',
    description: options.description,
    ...(options.constant === undefined ? {} : { constant: options.constant }),
  });
}

/** Declares a partition column: present in the directory path only, never null, given back by readers (D1). */
export function partitionColumn<const Name extends PartitionKey, const Type extends ColumnType>(
  name: Name,
  type: Type,
  description: string,
): ColumnSpec<Name, Type, false, 'partition'> {
  return Object.freeze({ name, type, nullable: false as const, role: 'partition' as const, origin: 'seed' as const, description });
}
