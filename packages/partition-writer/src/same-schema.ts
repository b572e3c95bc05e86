/**
 * Whether two Arrow schemas have the same columns: names, types and order. Types are compared by id and
 * description, since arrow's `compareTypes` depends on argument order for generic types read from IPC.
 */
import type * as arrow from 'apache-arrow';

/** Whether `actual` has the columns of `expected`, in order and of the same types. */
export function sameSchema(expected: arrow.Schema, actual: arrow.Schema): boolean {
  if (expected === actual) return true;
  return (
    expected.fields.length === actual.fields.length &&
    expected.fields.every((f, i) => {
      const g = actual.fields[i];
      return g !== undefined && g.name === f.name && (f.type as arrow.DataType).typeId === (g.type as arrow.DataType).typeId && String(f.type) === String(g.type);
    })
  );
}

/** The columns of `schema`, for messages: `[name: type, ...]`. */
export function describeSchema(schema: arrow.Schema): string {
  return `[${schema.fields.map((f) => `${f.name}: ${String(f.type)}`).join(', ')}]`;
}
