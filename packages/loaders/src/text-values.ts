/**
 * Strict parsers for values written as text (CSV fields, REST JSON strings). `Number()` alone is too lenient
 * for market data — it reads `""` and `" "` as 0, `"0x10"` as 16 and `"1,5"` as NaN without saying so — so
 * each parser accepts exactly the spellings the sources use and returns `undefined` for anything else; the
 * caller turns that into an error naming file, row, column and value.
 *
 * Numbers are parsed by the engine's correctly rounded decimal-to-double conversion, so a price string maps to
 * the nearest double and prints back as the same shortest decimal.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/u;
const INTEGER = /^[+-]?\d+$/u;
const INTEGRAL_FLOAT = /^([+-]?\d+)\.0*$/u;

/** A finite decimal number (`42283.58`, `-0.0001`, `8.4E-7`), or `undefined` for anything else (NaN, inf, `1,5`). */
export function parseDecimalText(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * An integer (`1735776000000`), also in the `123.0` form pandas writes for integer columns that hold nulls;
 * `undefined` for fractions and anything else. Beyond 2^53 the value is exact as a bigint.
 */
export function parseIntegerText(text: string): number | bigint | undefined {
  // Fast path: up to 15 plain digits (ids, counts, ms and µs times) are exact as a number.
  if (text.length > 0 && text.length <= 15) {
    let value = 0;
    let i = 0;
    for (; i < text.length; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === text.length) return value;
  }
  let digits = text;
  if (!INTEGER.test(digits)) {
    const integral = INTEGRAL_FLOAT.exec(text);
    if (integral === null) return undefined;
    digits = integral[1]!;
  }
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : BigInt(digits);
}

const TRUE_TEXT = new Set(['true', 'True', 'TRUE', '1']);
const FALSE_TEXT = new Set(['false', 'False', 'FALSE', '0']);

/** `True/False` (spot archives, pandas), `true/false` (futures archives), `TRUE/FALSE`, `1/0`; else `undefined`. */
export function parseBooleanText(text: string): boolean | undefined {
  if (TRUE_TEXT.has(text)) return true;
  if (FALSE_TEXT.has(text)) return false;
  return undefined;
}

/** Which side took liquidity, as trade files with a `side` column say it: `sell` means the buyer was the maker. */
export function buyerMakerOfSide(text: string): boolean | undefined {
  const side = text.toLowerCase();
  if (side === 'sell') return true;
  if (side === 'buy') return false;
  return undefined;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/u;

/**
 * Microseconds since the epoch of an ISO-8601 / pandas date-time text (`2024-01-01 00:00:00+00:00`,
 * `2024-01-01T00:00:00.123456Z`, `2024-01-01`), or `undefined`. Text without an offset is UTC (naive pandas
 * datetimes). Digits past the microsecond are floored.
 */
export function parseDateTimeText(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, offH = '0', offM = '0'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}
