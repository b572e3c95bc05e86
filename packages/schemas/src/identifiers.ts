/**
 * Identifier rules (D3). Exchange, symbol and timeframe end up in directory names, so each is checked to be a
 * safe path segment before anything touches the disk, then put in canonical form: exchange lower case
 * (ccxt ids such as `binance`, `binanceusdm`, `binancecoinm`), symbol upper case, timeframe as listed.
 *
 * Non-goal: knowing which symbols an exchange lists.
 */
import { IdentifierError, type IdentifierField, type IdentifierRule } from './errors/identifier-error.js';
import { TIMEFRAMES, type Timeframe, isTimeframe } from './timeframes.js';

/** Longest identifier accepted, in characters. */
export const IDENTIFIER_MAX_LENGTH = 64;

/**
 * Longest identifier accepted, in UTF-8 bytes: keeps `exchange_SYMBOL_timeframe` folder names well under the
 * 255-byte file-name limit of common file systems even for symbols in non-Latin scripts.
 */
export const IDENTIFIER_MAX_BYTES = 100;

/** Why an identifier was rejected. */
export interface IdentifierIssue {
  readonly field: IdentifierField;
  readonly value: string;
  readonly rule: IdentifierRule;
  /** One line: field, value, rule and what is expected. */
  readonly message: string;
}

/** Result of {@link validateIdentifier}: the canonical value, or the first rule broken. */
export type IdentifierResult = { readonly success: true; readonly value: string } | { readonly success: false; readonly issue: IdentifierIssue };

// Characters as a user counts them in a file name: code points, not UTF-16 units.
function codePointCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

// Each check names its rule; the first that fails is reported. Order matters: specific rules come before the
// catch-all character set, so "a/b" is reported as a path separator rather than as a bad character.
const CHECKS: readonly {
  readonly rule: IdentifierRule;
  readonly fails: (value: string, field: IdentifierField) => boolean;
  readonly expected: (field: IdentifierField) => string;
}[] = [
  { rule: 'empty', fails: (v) => v.length === 0, expected: () => 'must not be empty' },
  {
    rule: 'too_long',
    fails: (v) => codePointCount(v) > IDENTIFIER_MAX_LENGTH || Buffer.byteLength(v, 'utf8') > IDENTIFIER_MAX_BYTES,
    expected: () => `must be at most ${IDENTIFIER_MAX_LENGTH} characters and ${IDENTIFIER_MAX_BYTES} bytes in UTF-8`,
  },
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  { rule: 'control_character', fails: (v) => /[\u0000-\u001f\u007f-\u009f]/u.test(v), expected: () => 'must not contain NUL or other control characters' },
  { rule: 'whitespace', fails: (v) => /\s/u.test(v), expected: () => 'must not contain whitespace' },
  { rule: 'path_separator', fails: (v) => /[/\\]/u.test(v), expected: () => "must not contain '/' or '\\'" },
  { rule: 'parent_reference', fails: (v) => v.includes('..'), expected: () => "must not contain '..'" },
  {
    rule: 'equals_sign',
    fails: (v) => v.includes('='),
    expected: () => "must not contain '=' (it separates key and value in partition directories)",
  },
  {
    rule: 'underscore',
    fails: (v, field) => field !== 'symbol' && v.includes('_'),
    expected: () => "must not contain '_' (it separates the parts of dataset folder names; only symbols may contain it)",
  },
  {
    rule: 'hidden_prefix',
    fails: (v) => v.startsWith('.'),
    expected: () => "must not start with '.' (readers skip such names)",
  },
  {
    rule: 'character_set',
    fails: (v, field) => !(field === 'symbol' ? /^[\p{L}\p{N}._-]+$/u : /^[\p{L}\p{N}.-]+$/u).test(v),
    expected: (field) => `may contain only letters, digits, '-', '.'${field === 'symbol' ? " and '_'" : ''}`,
  },
];

function issue(field: IdentifierField, value: string, rule: IdentifierRule, expected: string): IdentifierResult {
  // A long value is shortened in the message, so a pasted blob cannot flood the terminal.
  const shown = value.length > 48 ? `${value.slice(0, 45)}...` : value;
  return { success: false, issue: { field, value, rule, message: `invalid ${field} ${JSON.stringify(shown)}${shown === value ? '' : ` (${value.length} characters)`}: ${expected} (rule: ${rule})` } };
}

function canonical(field: IdentifierField, value: string): string {
  if (field === 'exchange') return value.toLowerCase();
  if (field === 'symbol') return value.toUpperCase();
  return value;
}

/**
 * Checks an exchange, symbol or timeframe against the identifier rules and returns its canonical form.
 * Rules: not `empty`; at most 64 characters and 100 UTF-8 bytes (`too_long`); no `control_character` (NUL included), `whitespace`,
 * `path_separator` (`/`, `\`), `parent_reference` (`..`) or `equals_sign`; `underscore` only in symbols;
 * no leading `.` (`hidden_prefix`); otherwise only letters, digits, `-` and `.` (`character_set`). A timeframe
 * must also be one of {@link TIMEFRAMES} (`unknown_timeframe`). Values are compared after Unicode NFC.
 *
 * @example
 * validateIdentifier('symbol', 'btcusd_perp') // { success: true, value: 'BTCUSD_PERP' }
 * validateIdentifier('exchange', 'bin/ance')  // { success: false, issue: { rule: 'path_separator', ... } }
 */
export function validateIdentifier(field: IdentifierField, value: string): IdentifierResult {
  if (typeof value !== 'string') return issue(field, String(value), 'empty', 'must be a string');
  const normalized = value.normalize('NFC');
  // The canonical form is checked too: case mapping can change a value's length or characters
  // ('İ' lower-cases to 'i' plus a combining dot; 'ﬁ' upper-cases to 'FI').
  const canonicalForm = canonical(field, normalized).normalize('NFC');
  for (const check of CHECKS) {
    if (check.fails(normalized, field)) return issue(field, value, check.rule, check.expected(field));
    if (check.fails(canonicalForm, field)) {
      return issue(field, value, check.rule, `${check.expected(field)}, also in its canonical form ${JSON.stringify(canonicalForm)}`);
    }
  }
  if (field === 'timeframe' && !isTimeframe(normalized)) {
    const lower = normalized.toLowerCase();
    const hint = isTimeframe(lower) && lower !== normalized ? ` (did you mean "${lower}"?)` : '';
    return issue(field, value, 'unknown_timeframe', `must be one of ${TIMEFRAMES.join(' ')}${hint}`);
  }
  return { success: true, value: canonicalForm };
}

/** Like {@link validateIdentifier}, but returns the canonical value or throws an {@link IdentifierError}. */
export function assertIdentifier(field: IdentifierField, value: string): string {
  const result = validateIdentifier(field, value);
  if (!result.success) throw new IdentifierError(result.issue);
  return result.value;
}

/** The canonical (lower-case) exchange id, or throws an {@link IdentifierError}. */
export function normalizeExchange(value: string): string {
  return assertIdentifier('exchange', value);
}

/** The canonical (upper-case) symbol, or throws an {@link IdentifierError}. */
export function normalizeSymbol(value: string): string {
  return assertIdentifier('symbol', value);
}

/** The timeframe if supported (case-sensitive: `1m` minute, `1M` month), or throws an {@link IdentifierError}. */
export function normalizeTimeframe(value: string): Timeframe {
  return assertIdentifier('timeframe', value) as Timeframe;
}
