/**
 * Filters on a partitioned dataset in pyarrow's forms: a list of `[column, op, value]` terms (all must hold), or a
 * list of such lists (any of them must hold: an OR of ANDs). Values compare with the column's type, so `year`
 * 2024 equals the path's "2024" and `month` 1 never matches `month=10`. Nulls match no comparison (as in SQL,
 * DuckDB and pyarrow). The same terms decide three things: which partition folders can hold matches, which row
 * groups can (from their min/max statistics), and which rows do.
 */
import { UnifiedError } from '@unified/schemas';
import { parseUtcTime } from './utc-time-text.js';

/** Comparison operators, as pyarrow accepts them. */
export const FILTER_OPS = ['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'not in'] as const;

/** One of {@link FILTER_OPS}. */
export type FilterOp = (typeof FILTER_OPS)[number];

/** A value a term compares with. */
export type FilterScalar = string | number | bigint | boolean | Date;

/** `[column, op, value]`; `in` and `not in` take a list. */
export type FilterTerm = readonly [column: string, op: FilterOp, value: FilterScalar | readonly FilterScalar[]];

/** Terms that must all hold, or a list of such lists of which one must hold. */
export type DatasetFilter = readonly FilterTerm[] | readonly (readonly FilterTerm[])[];

/** How a column's values compare: as numbers, strings or booleans. */
export type ComparableKind = 'number' | 'string' | 'boolean';

/** A checked term: its value(s) converted to the column's kind. */
export interface CompiledTerm {
  readonly column: string;
  readonly op: FilterOp;
  /** One value, or the list of `in` / `not in`. */
  readonly values: readonly Comparable[];
  readonly kind: ComparableKind;
  /** The values as exact integers, when every one is an integer (for int64 and timestamp columns). */
  readonly integers?: readonly bigint[];
}

/** A value as filters compare it. */
export type Comparable = number | bigint | string | boolean;

/** An OR of ANDs of compiled terms; an empty list matches everything. */
export type CompiledFilter = readonly (readonly CompiledTerm[])[];

function bad(message: string): never {
  throw new UnifiedError({ code: 'INVALID_ARGUMENT', message });
}

const isTerm = (value: unknown): boolean => Array.isArray(value) && value.length === 3 && typeof value[0] === 'string' && typeof value[1] === 'string';

function convert(value: FilterScalar, kind: ComparableKind, column: string): number | string | boolean {
  switch (kind) {
    case 'number': {
      let n = value instanceof Date ? value.getTime() : typeof value === 'bigint' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
      // A time column compared with a date: `timestamp < 2024-01-02` means its milliseconds.
      if (Number.isNaN(n) && typeof value === 'string') n = parseUtcTime(value) ?? NaN;
      if (Number.isNaN(n)) bad(`filter on "${column}": ${JSON.stringify(String(value))} is not a number or an ISO 8601 time`);
      return n;
    }
    case 'string':
      if (typeof value !== 'string' && !(value instanceof Date)) bad(`filter on "${column}": ${String(value)} is a ${typeof value}; the column holds text`);
      return value instanceof Date ? value.toISOString() : value;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return bad(`filter on "${column}": ${JSON.stringify(String(value))} is not true or false`);
  }
}

/** The filter as an OR of ANDs (a single list of terms becomes one conjunction). Throws on a malformed filter. */
export function filterConjunctions(filter: DatasetFilter | undefined): readonly (readonly FilterTerm[])[] {
  if (filter === undefined || filter.length === 0) return [];
  const conjunctions = (isTerm(filter[0]) ? [filter] : filter) as readonly (readonly FilterTerm[])[];
  for (const terms of conjunctions) {
    if (!Array.isArray(terms) || !terms.every(isTerm)) bad(`a filter must be [column, op, value] terms, or a list of lists of them; got ${JSON.stringify(terms, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  }
  return conjunctions;
}

/**
 * Checks the conjunctions against the columns a dataset has (`kindOf`: how a column compares, `undefined` when
 * there is no such column; `columns` lists them for the message) and converts the values. An unknown column or
 * operator, a list where one value belongs or a value of the wrong type is an `INVALID_ARGUMENT` error naming
 * it — never silently ignored.
 */
export function compileFilter(
  conjunctions: readonly (readonly FilterTerm[])[],
  kindOf: (column: string) => ComparableKind | undefined,
  columns: readonly string[],
): CompiledFilter {
  return conjunctions.map((terms) => {
    return terms.map(([column, op, value]) => {
      if (!(FILTER_OPS as readonly string[]).includes(op)) bad(`filter on "${column}": unknown operator ${JSON.stringify(op)}; expected one of ${FILTER_OPS.join(', ')}`);
      const kind = kindOf(column);
      if (kind === undefined) bad(`filter on "${column}": no such column; the dataset has ${columns.join(', ')}`);
      const list = op === 'in' || op === 'not in';
      if (list !== Array.isArray(value)) bad(`filter on "${column}": ${list ? `"${op}" takes a list of values` : `"${op}" takes one value, not a list`}`);
      const raw = list ? (value as readonly FilterScalar[]) : [value as FilterScalar];
      const values = raw.map((v) => convert(v, kind, column));
      const integers = kind === 'number' ? raw.map(exactInteger) : [];
      return { column, op, values, kind, ...(kind === 'number' && integers.every((n) => n !== undefined) ? { integers: integers } : {}) };
    });
  });
}

/** The exact integer a filter value stands for (`"9007199254740993"` keeps every digit), if it is one. */
function exactInteger(value: FilterScalar): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? BigInt(value.getTime()) : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/u.test(value)) return BigInt(value.trim());
  const time = typeof value === 'string' ? parseUtcTime(value) : undefined;
  return time === undefined ? undefined : BigInt(time);
}

/** `term` with exact integer values, for comparing with bigint column values; `undefined` if it has none. */
export function integerTerm(term: CompiledTerm, scale = 1n): CompiledTerm | undefined {
  return term.integers === undefined ? undefined : { ...term, values: term.integers.map((n) => n * scale) };
}

/**
 * Text compares by UTF-8 bytes, as Parquet statistics and DuckDB order it (JavaScript's `<` compares UTF-16
 * units, which orders characters beyond U+FFFF before U+E000–U+FFFF). Everything else by value.
 */
function compare(x: Comparable, v: Comparable): number {
  if (typeof x === 'string' && typeof v === 'string') {
    if (x === v) return 0;
    return Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(v, 'utf8'));
  }
  return x < v ? -1 : x > v ? 1 : 0;
}

const VALUE_SETS = new WeakMap<CompiledTerm, ReadonlySet<Comparable>>();

/** The values of an `in` / `not in` term as a set, built once per term: a lookup stays O(1) for long lists. */
function valueSet(term: CompiledTerm): ReadonlySet<Comparable> {
  let set = VALUE_SETS.get(term);
  if (set === undefined) {
    set = new Set(term.values);
    VALUE_SETS.set(term, set);
  }
  return set;
}

/** Whether `x` satisfies the term (false for null). */
export function matches(term: CompiledTerm, x: Comparable | null): boolean {
  if (x === null) return false;
  const v = term.values[0]!;
  if (typeof x === 'string' && term.op !== 'in' && term.op !== 'not in' && term.op !== '=' && term.op !== '==' && term.op !== '!=') {
    const order = compare(x, v);
    return term.op === '<' ? order < 0 : term.op === '<=' ? order <= 0 : term.op === '>' ? order > 0 : order >= 0;
  }
  switch (term.op) {
    case '=':
    case '==':
      return x === v;
    case '!=':
      return x !== v;
    case '<':
      return x < v;
    case '<=':
      return x <= v;
    case '>':
      return x > v;
    case '>=':
      return x >= v;
    case 'in':
      return valueSet(term).has(x);
    case 'not in':
      return !valueSet(term).has(x);
  }
}

/**
 * Whether some value in `[min, max]` (or a null, when `hasNulls`, which matches nothing) could satisfy the term:
 * `false` only when no row of a row group with these statistics can match.
 */
export function mayMatchRange(term: CompiledTerm, min: Comparable, max: Comparable): boolean {
  const v = term.values[0]!;
  const within = (value: Comparable): boolean => compare(value, min) >= 0 && compare(value, max) <= 0;
  switch (term.op) {
    case '=':
    case '==':
      return within(v);
    case '!=':
      return !(min === v && max === v);
    case '<':
      return compare(min, v) < 0;
    case '<=':
      return compare(min, v) <= 0;
    case '>':
      return compare(max, v) > 0;
    case '>=':
      return compare(max, v) >= 0;
    case 'in':
      return term.values.some(within);
    case 'not in':
      return !(min === max && term.values.includes(min));
  }
}

/** The `[from, to)` millisecond bounds a conjunction's terms put on `timestamp` (`-Infinity`/`Infinity` when none). */
export function timestampBounds(terms: readonly CompiledTerm[]): { from: number; to: number } {
  let from = -Infinity;
  let to = Infinity;
  for (const term of terms) {
    if (term.column !== 'timestamp' || term.kind !== 'number') continue;
    const v = Number(term.values[0]);
    if (term.op === '>=' || term.op === '=' || term.op === '==') from = Math.max(from, v);
    if (term.op === '>') from = Math.max(from, Math.floor(v) + 1);
    if (term.op === '<') to = Math.min(to, v);
    if (term.op === '<=' || term.op === '=' || term.op === '==') to = Math.min(to, Math.floor(v) + 1);
    if (term.op === 'in' && term.values.length > 0) {
      from = Math.max(from, Math.min(...term.values.map(Number)));
      to = Math.min(to, Math.max(...term.values.map(Number)) + 1);
    }
  }
  return { from, to };
}
