import { describe, expect, it } from 'vitest';
import { parseUtcTime } from './utc-time-text.js';

describe('parseUtcTime', () => {
  it.each<[string, number]>([
    ['2024', Date.UTC(2024, 0, 1)],
    ['2024-02', Date.UTC(2024, 1, 1)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
    ['2024-01-02T03:04', Date.UTC(2024, 0, 2, 3, 4)],
    ['2024-01-02 03:04:05.678', Date.UTC(2024, 0, 2, 3, 4, 5, 678)],
    ['2024-01-02T03:04:05Z', Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02T03:04:05+02:00', Date.UTC(2024, 0, 2, 1, 4, 5)],
    ['2024-01-02T03:04-0130', Date.UTC(2024, 0, 2, 4, 34)],
  ])('%s', (text, ms) => {
    expect(parseUtcTime(text)).toBe(ms);
  });

  it.each(['2023-02-29', '2023-11-31', '2024-13-01', '2024-01-02T25:00', 'Jan 2 2024', '2024/01/02', '', 'yesterday'])('refuses %s', (text) => {
    expect(parseUtcTime(text)).toBeUndefined();
  });
});
