/**
 * Exact UTC calendar arithmetic on integer millisecond timestamps, with no Date objects and no local time.
 * Day numbers are days since 1970-01-01 (negative before it). The conversions are Howard Hinnant's
 * `days_from_civil` / `civil_from_days` algorithms, exact for the whole proleptic Gregorian calendar.
 */
import { UnifiedError } from './errors/unified-error.js';

/** Milliseconds in a UTC day (UTC has no DST; leap seconds are not represented in Unix time). */
export const MS_PER_DAY = 86_400_000;

/** A UTC calendar date; `month` is 1-12 and `day` 1-31, as in partition paths. */
export interface UtcDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A half-open time range in milliseconds: `startMs <= t < endMs`. */
export interface UtcDayBounds {
  readonly startMs: number;
  readonly endMs: number;
}

function requireInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${name} must be a safe integer, got ${value}` });
  }
}

/** Whether `year` is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `month must be an integer 1-12, got ${month}` });
  }
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether `{ year, month, day }` is a real calendar date. */
export function isValidUtcDate({ year, month, day }: UtcDate): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Day number (days since 1970-01-01 UTC) of the day containing `timestampMs`. */
export function utcDayNumber(timestampMs: number): number {
  requireInteger('timestampMs', timestampMs);
  return Math.floor(timestampMs / MS_PER_DAY);
}

/** Start (00:00:00.000 UTC) of the day containing `timestampMs`. */
export function utcDayStart(timestampMs: number): number {
  return utcDayNumber(timestampMs) * MS_PER_DAY;
}

/** Day number of a calendar date. Throws `INVALID_ARGUMENT` for a date that does not exist (2023-02-29). */
export function dayNumberOfDate(date: UtcDate): number {
  if (!isValidUtcDate(date)) {
    throw new UnifiedError({
      code: 'INVALID_ARGUMENT',
      message: `not a calendar date: ${date.year}-${date.month}-${date.day}`,
    });
  }
  const y = date.month <= 2 ? date.year - 1 : date.year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (date.month + (date.month > 2 ? -3 : 9)) + 2) / 5) + date.day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Calendar date of a day number. */
export function dateOfDayNumber(dayNumber: number): UtcDate {
  requireInteger('dayNumber', dayNumber);
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** UTC year, month (1-12) and day of `timestampMs`: the values of its `year=/month=/day=` partition. */
export function utcDateOf(timestampMs: number): UtcDate {
  return dateOfDayNumber(utcDayNumber(timestampMs));
}

/** The half-open millisecond range `[00:00 UTC, next 00:00 UTC)` of a calendar date. */
export function utcDayBounds(date: UtcDate): UtcDayBounds {
  const startMs = dayNumberOfDate(date) * MS_PER_DAY;
  return { startMs, endMs: startMs + MS_PER_DAY };
}

/** `YYYY-MM-DD` of a calendar date (zero-padded, for file names and messages; partition paths are not padded). */
export function formatUtcDate({ year, month, day }: UtcDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
