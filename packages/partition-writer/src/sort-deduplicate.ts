/**
 * D7 for one day's rows: deduplicate by the natural key (klines `timestamp`, aggtrades `trade_id`, futures
 * `funding_time`) and sort by the sort key (`timestamp`, then `trade_id`). Rows are numbered in arrival order
 * (existing rows first under `merge`, then input order); that order breaks ties, so the result does not depend
 * on how the input was shuffled, and `keep-last` keeps the row that arrived last.
 */
import type * as arrow from 'apache-arrow';
import { type DataKind, UnifiedError, datasetSchemaFor } from '@unified/schemas';
import { type FlatColumn, rowObject, rowsEqual } from './flat-columns.js';

/** What to do with two rows that share a natural key but differ: fail (default) or keep the later one. */
export type ConflictPolicy = 'error' | 'keep-last';

/** The surviving rows in sorted order, and what was dropped. */
export interface SortedDay {
  readonly order: Uint32Array;
  /** Identical duplicates dropped. */
  readonly duplicates: number;
  /** Conflicting rows replaced by a later one (`keep-last`). */
  readonly conflictsResolved: number;
}

/** A column of int64 values as numbers, exact while every value is below 2^53. */
function keyNumbers(column: FlatColumn, name: string, where: string): Float64Array {
  const values = column.values as BigInt64Array;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const n = Number(values[i]!);
    if (!Number.isSafeInteger(n)) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${where}: ${name} ${values[i]} is beyond ${Number.MAX_SAFE_INTEGER} (2^53 - 1); it cannot be ordered exactly` });
    out[i] = n;
  }
  return out;
}

function describe(schema: arrow.Schema, columns: readonly FlatColumn[], i: number): string {
  // int64 values print as exact integers, not rounded through a double.
  return JSON.stringify(rowObject(schema, columns, i), (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value)).replace(/"(-?\d+)n"/gu, '$1');
}

/**
 * Sorts and deduplicates rows `0..length-1` of `columns` (laid out as the file schema of `kind`). Throws
 * `DUPLICATE_CONFLICT` with both rows when two rows share a key but differ, unless `onConflict` is `keep-last`.
 */
export function sortAndDeduplicate(kind: DataKind, columns: readonly FlatColumn[], length: number, onConflict: ConflictPolicy, where: string): SortedDay {
  const schema = datasetSchemaFor(kind);
  const fileSchema = schema.fileArrowSchema as unknown as arrow.Schema;
  const names = schema.fileColumns.map((c) => c.name);
  const keyName = schema.naturalKey[0]!;
  const key = keyNumbers(columns[names.indexOf(keyName)]!, keyName, where);
  const sortKeys = schema.sortKey.map((name) => (name === keyName ? key : keyNumbers(columns[names.indexOf(name)]!, name, where)));

  // 1. Group by natural key, in arrival order within a group.
  const byKey = new Uint32Array(length);
  for (let i = 0; i < length; i++) byKey[i] = i;
  byKey.sort((a, b) => key[a]! - key[b]! || a - b);
  const keep = new Uint8Array(length);
  let duplicates = 0;
  let conflictsResolved = 0;
  for (let start = 0; start < length; ) {
    let end = start + 1;
    while (end < length && key[byKey[end]!] === key[byKey[start]!]) end++;
    const last = byKey[end - 1]!;
    keep[last] = 1;
    for (let g = start; g < end - 1; g++) {
      const row = byKey[g]!;
      if (rowsEqual(columns, row, last)) duplicates++;
      else if (onConflict === 'keep-last') conflictsResolved++;
      else {
        throw new UnifiedError({
          code: 'DUPLICATE_CONFLICT',
          message:
            `${where}: two ${kind} rows share ${keyName}=${key[row]} but differ: ${describe(fileSchema, columns, row)} ` +
            `and ${describe(fileSchema, columns, last)}; fix the source, or keep the later row with onConflict: 'keep-last' (unified convert --on-conflict keep-last)`,
        });
      }
    }
    start = end;
  }

  // 2. Sort the survivors by the sort key; arrival order breaks ties.
  const order = new Uint32Array(length - duplicates - conflictsResolved);
  let n = 0;
  for (let i = 0; i < length; i++) if (keep[i] === 1) order[n++] = i;
  // The natural key breaks ties of the sort key (futures sort by timestamp, keyed by funding_time), so the order
  // never depends on arrival; survivors have distinct keys.
  const [first, second = key] = sortKeys;
  order.sort((a, b) => first![a]! - first![b]! || second[a]! - second[b]! || key[a]! - key[b]!);
  return { order, duplicates, conflictsResolved };
}
