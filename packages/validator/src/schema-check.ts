/**
 * The `schema_mismatch` check on one file: every column of the canonical file schema present with its type and
 * nullability, and no other column. Partition keys live in the path (D1), so a file that also stores them is
 * reported too.
 */
import * as arrow from 'apache-arrow';
import { type DataKind, datasetSchemaFor } from '@unified/schemas';
import type { IssueCollector } from './issue-collector.js';

/** The Parquet-level type name of an Arrow type: string types compare equal however they are laid out. */
function typeName(type: arrow.DataType): string {
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) return 'Utf8';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- arrow's DataType.toString names the type: Int64, Float64, Bool
  return String(type);
}

function describe(field: arrow.Field): string {
  return `${typeName(field.type as arrow.DataType)}${field.nullable ? ' (nullable)' : ' (required)'}`;
}

/**
 * Reports each difference between `schema` and the canonical file schema of `kind`, and returns the canonical
 * columns the file holds with the right type (the row checks read only those).
 */
export function checkFileSchema(schema: arrow.Schema, kind: DataKind, where: { dataset: string; partition: string; file: string }, issues: IssueCollector): Set<string> {
  const canonical = datasetSchemaFor(kind).fileArrowSchema as unknown as arrow.Schema;
  const usable = new Set<string>();
  for (const expected of canonical.fields) {
    const actual = schema.fields.find((f) => f.name === expected.name);
    if (actual === undefined) {
      issues.add({ code: 'schema_mismatch', ...where, column: expected.name, expected: describe(expected), actual: 'missing', message: `${where.file}: column "${expected.name}" is missing; the ${kind} schema has it as ${describe(expected)}` });
      continue;
    }
    const sameType = typeName(actual.type as arrow.DataType) === typeName(expected.type as arrow.DataType);
    if (sameType) usable.add(expected.name);
    if (!sameType || actual.nullable !== expected.nullable) {
      issues.add({ code: 'schema_mismatch', ...where, column: expected.name, expected: describe(expected), actual: describe(actual), message: `${where.file}: column "${expected.name}" is ${describe(actual)}; the ${kind} schema has ${describe(expected)}` });
    }
  }
  for (const extra of schema.fields) {
    if (canonical.fields.some((f) => f.name === extra.name)) continue;
    issues.add({ code: 'schema_mismatch', ...where, column: extra.name, expected: 'absent', actual: describe(extra), message: `${where.file}: column "${extra.name}" (${describe(extra)}) is not in the ${kind} schema` });
  }
  return usable;
}
