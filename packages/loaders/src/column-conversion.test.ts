import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { toEpochMicros } from './column-conversion.js';
import { rawColumnOfArrow } from './raw-column.js';
import { RowIssues } from './row-issues.js';

const MS = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const location = { path: 'trades.parquet', rowNumber: (index: number) => index + 1 };

function convert(values: readonly bigint[], policy: 'error' | 'skip' = 'skip', window?: { minMs: number; maxMs: number }) {
  const issues = new RowIssues(policy, window);
  issues.beginBatch(values.length);
  const column = rawColumnOfArrow('time', arrow.vectorFromArray(BigInt64Array.from(values)).data[0]!);
  return { times: toEpochMicros(column, true, { location, issues }), issues };
}

describe('toEpochMicros on int64 epochs', () => {
  it('decides the unit of every value, also when it changes from row to row', () => {
    const s = BigInt(Math.floor(MS / 1000));
    const values = [BigInt(MS), BigInt(MS + 1), s, BigInt(MS) * 1000n + 9n, BigInt(MS + 2), BigInt(MS) * 1_000_000n + 123_456n, BigInt(MS + 3)];
    const { times, issues } = convert(values);
    expect([...times.values]).toEqual([MS * 1000, (MS + 1) * 1000, Number(s) * 1_000_000, MS * 1000 + 9, (MS + 2) * 1000, MS * 1000 + 123, (MS + 3) * 1000]);
    expect([...times.encodings].sort()).toEqual(['ms', 'ns', 's', 'us']);
    expect(times.millis).toBeUndefined();
    expect(issues.skipped).toBe(0);
  });

  it('hands the source values on as the milliseconds when every value is in milliseconds', () => {
    const { times } = convert([BigInt(MS), BigInt(MS + 5)]);
    expect(times.encodings).toEqual(new Set(['ms']));
    expect([...times.millis!]).toEqual([BigInt(MS), BigInt(MS + 5)]);
  });

  it('rejects a value no unit makes plausible, between good ones, naming file and row', () => {
    const { times, issues } = convert([BigInt(MS), 12_345n, BigInt(MS + 1)]);
    expect(issues.skipped).toBe(1);
    expect(issues.badRows()).toEqual(Uint8Array.of(0, 1, 0));
    expect(times.values[2]).toBe((MS + 1) * 1000);
    expect(() => convert([BigInt(MS), 12_345n], 'error')).toThrow(/trades\.parquet.*row 2|trades\.parquet:2/u);
  });

  it('decides every value in full when a custom window makes the units overlap, seconds first', () => {
    // From 1970-01-12 to far future: 5_000_000 is plausible both as seconds and as milliseconds.
    const window = { minMs: 1_000_000, maxMs: 4_000_000_000_000 };
    const { times } = convert([5_000_000_000n, 5_000_000n], 'skip', window);
    expect([...times.values]).toEqual([5_000_000_000 * 1000, 5_000_000 * 1_000_000]);
    expect(times.encodings).toEqual(new Set(['ms', 's']));
  });
});
