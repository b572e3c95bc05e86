/**
 * `unified query --filter EXPR`: one filter term in a form people type — `year=2024`, `month>=3`,
 * `timestamp<1704067200000`, `symbol in (BTCUSDT,ETHUSDT)`, `day not in (1,2)` — turned into the
 * `[column, op, value]` term the reader takes. Values stay text; the reader converts them to the column's type.
 */
import { InvalidArgumentError } from 'commander';
import type { FilterTerm } from '@unified/core';

const COMPARISON = /^\s*([A-Za-z_][\w]*)\s*(>=|<=|!=|==|=|<|>)\s*(.*?)\s*$/u;
const MEMBERSHIP = /^\s*([A-Za-z_][\w]*)\s+(not\s+in|in)\s*\((.*)\)\s*$/iu;

/** Removes one pair of matching quotes around a value. */
function unquote(value: string): string {
  const trimmed = value.trim();
  return /^(['"]).*\1$/u.test(trimmed) && trimmed.length >= 2 ? trimmed.slice(1, -1) : trimmed;
}

/** Parses one expression; throws commander's InvalidArgumentError (a usage error) saying what was expected. */
export function parseFilterExpression(text: string): FilterTerm {
  const membership = MEMBERSHIP.exec(text);
  if (membership !== null) {
    const [, column = '', op = '', list = ''] = membership;
    // Commas inside quotes belong to the value: `s in ('a,b', c)`.
    const values = [...list.matchAll(/\s*('[^']*'|"[^"]*"|[^,]*)\s*(?:,|$)/gu)].map((m) => m[1] ?? '').slice(0, -1).map(unquote);
    if (list.trim() === '') throw new InvalidArgumentError(`"${text}": the list is empty`);
    if (values.some((v) => v === '')) throw new InvalidArgumentError(`"${text}": empty value in the list`);
    return [column, op.toLowerCase().replace(/\s+/u, ' ') as 'in' | 'not in', values];
  }
  const comparison = COMPARISON.exec(text);
  if (comparison !== null) {
    const [, column = '', op = '', value = ''] = comparison;
    if (value === '') throw new InvalidArgumentError(`"${text}": no value after "${op}"`);
    return [column, op as FilterTerm[1], unquote(value)];
  }
  throw new InvalidArgumentError(`"${text}" is not a filter; expected COLUMN OP VALUE with OP one of = == != < <= > >=, or COLUMN in (A,B) / COLUMN not in (A,B)`);
}

/** Commander collector for a repeatable `--filter`. */
export function collectFilter(value: string, previous: FilterTerm[] = []): FilterTerm[] {
  return [...previous, parseFilterExpression(value)];
}
