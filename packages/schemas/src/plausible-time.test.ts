import { describe, expect, it } from 'vitest';
import { TimestampRangeError } from './errors/timestamp-range-error.js';
import { PLAUSIBLE_START_MS, assertPlausibleTimestamp, isPlausibleTimestamp, plausibleTimeWindow } from './plausible-time.js';

const NOW = Date.UTC(2026, 10, 24, 12);

describe('plausible time window (D5)', () => {
  const window = plausibleTimeWindow(NOW);

  it('runs from 2009-01-01 to now + 2 days, inclusive', () => {
    expect(window).toEqual({ minMs: Date.UTC(2009, 0, 1), maxMs: NOW + 2 * 86_400_000 });
    expect(isPlausibleTimestamp(PLAUSIBLE_START_MS, window)).toBe(true);
    expect(isPlausibleTimestamp(PLAUSIBLE_START_MS - 1, window)).toBe(false);
    expect(isPlausibleTimestamp(window.maxMs, window)).toBe(true);
    expect(isPlausibleTimestamp(window.maxMs + 1, window)).toBe(false);
  });

  it('catches the classic unit bugs', () => {
    const tradeMs = 1_767_225_600_039; // 2026-01-01T00:00:00.039Z
    expect(isPlausibleTimestamp(tradeMs, window)).toBe(true);
    expect(isPlausibleTimestamp(Math.floor(tradeMs / 1e6), window)).toBe(false); // ms read as ns -> 1970
    expect(isPlausibleTimestamp(tradeMs * 1000, window)).toBe(false); // µs read as ms -> year 57970
    expect(isPlausibleTimestamp(Math.floor(tradeMs / 1000), window)).toBe(false); // seconds read as ms -> 1970
  });

  it('throws an error that names file, row, column and value, with the date it would have been', () => {
    let caught: unknown;
    try {
      assertPlausibleTimestamp(1_704_067, { path: 'data_cache/klines.csv', row: 12, column: 'open_time', window });
    } catch (error) {
      caught = error;
    }
    expect(TimestampRangeError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'TIMESTAMP_OUT_OF_RANGE', path: 'data_cache/klines.csv', row: 12, column: 'open_time', timestampMs: 1_704_067 });
    expect((caught as Error).message).toBe(
      'data_cache/klines.csv:12: column "open_time" 1704067 (1970-01-01T00:28:24.067Z) is outside the plausible window ' +
        '2009-01-01T00:00:00.000Z .. 2026-11-26T12:00:00.000Z; check the timestamp unit',
    );
  });

  it('still describes the value when a bound is not a date', () => {
    expect(() => assertPlausibleTimestamp(Number.NaN, { window: { minMs: 0, maxMs: Number.POSITIVE_INFINITY } })).toThrow(
      'timestamp NaN is outside the plausible window 1970-01-01T00:00:00.000Z .. Infinity',
    );
  });

  it('does not throw inside the window', () => {
    expect(() => assertPlausibleTimestamp(Date.UTC(2024, 0, 1), { window })).not.toThrow();
  });
});
