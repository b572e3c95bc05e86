import * as arrow from 'apache-arrow';
import type { ColumnSpec, ColumnType } from './column-spec.js';

/** A new apache-arrow data type instance for a {@link ColumnType}. */
export function toArrowType(type: ColumnType): arrow.DataType {
  switch (type) {
    case 'int64':
      return new arrow.Int64();
    case 'int32':
      return new arrow.Int32();
    case 'int16':
      return new arrow.Int16();
    case 'int8':
      return new arrow.Int8();
    case 'float64':
      return new arrow.Float64();
    case 'bool':
      return new arrow.Bool();
    case 'string':
      return new arrow.Utf8();
  }
}

/** The apache-arrow schema of a list of columns, in the given order, with their nullability. */
export function toArrowSchema(columns: readonly ColumnSpec[]): arrow.Schema {
  return new arrow.Schema(columns.map((column) => new arrow.Field(column.name, toArrowType(column.type), column.nullable)));
}
