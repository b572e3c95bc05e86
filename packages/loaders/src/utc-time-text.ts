/**
 * Times people type for a query: ISO 8601 in UTC unless it names a zone — `2024`, `2024-01`, `2024-01-02`,
 * `2024-01-02T03:04`, `2024-01-02 03:04:05.678`, with `Z` or `+02:00`. Anything else (`Jan 2 2024`, `2024/01/02`,
 * which JavaScript would read in local time) and impossible dates (`2023-02-30`) are refused rather than guessed.
 */
const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/iu;

/** Milliseconds since the epoch of an ISO 8601 text, or `undefined` when it is not one or names no real time. */
export function parseUtcTime(text: string): number | undefined {
  const match = ISO.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // A day past the month's end (2023-02-30) rolls over in Date.UTC: refuse it.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  const ms = utc + Math.floor(Number(`0${fraction || '.0'}`) * 1000);
  if (zone.toUpperCase() === 'Z') return ms;
  const [, sign = '+', zh = '0', zm = '0'] = /^([+-])(\d{2}):?(\d{2})$/u.exec(zone) ?? [];
  return ms - (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
}
