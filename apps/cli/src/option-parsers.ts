/** Parsers for option values: a bad value is a usage error (exit 2) that says what was expected. */
import { InvalidArgumentError } from 'commander';

/** An integer from `min` to `max`, allowing `_` separators (`10_000_000`). */
export function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const normalized = value.replaceAll('_', '');
    const parsed = Number(normalized);
    if (!/^-?\d+$/u.test(normalized) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return parsed;
  };
}

/** A comma-separated list of values from `allowed`, without duplicates. */
export function listOption<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = value.split(',').map((item) => item.trim());
    const bad = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (bad.length > 0 || items.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${allowed.join(', ')}`);
    return [...new Set(items)] as T[];
  };
}

/** A non-empty text value (e.g. a path: `--out ''` would otherwise mean the current directory). */
export function nonEmptyOption(what: string): (value: string) => string {
  return (value) => {
    if (value.trim() === '') throw new InvalidArgumentError(`expected ${what}, got an empty value`);
    return value;
  };
}

/** {@link listOption}, repeatable: `--type klines --type aggtrades,futures` collects all three, without duplicates. */
export function repeatableListOption<T extends string>(allowed: readonly T[]): (value: string, previous?: T[]) => T[] {
  const parse = listOption(allowed);
  return (value, previous) => [...new Set([...(previous ?? []), ...parse(value)])];
}
