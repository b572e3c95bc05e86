import { describe, expect, it } from 'vitest';
import { int64ToNumbers, nextNegativeInt64, nextUnsafeInt64, numbersToInt64 } from './int64-numbers.js';

const EDGES = [0n, 1n, -1n, 4_294_967_295n, 4_294_967_296n, -4_294_967_296n, -4_294_967_297n, 1_704_067_200_000n, 1_704_067_200_000_123n, -86_400_001n, 9_007_199_254_740_991n, -9_007_199_254_740_991n];

describe('int64ToNumbers', () => {
  it('gives Number(value) for every value below 2^53, negative ones included', () => {
    expect([...int64ToNumbers(BigInt64Array.from(EDGES))]).toEqual(EDGES.map(Number));
  });

  it('reads only the first `length` values and honours a view into a larger buffer', () => {
    const all = BigInt64Array.from(EDGES);
    const view = all.subarray(3, 6);
    expect([...int64ToNumbers(view)]).toEqual(EDGES.slice(3, 6).map(Number));
    expect([...int64ToNumbers(all, 2)]).toEqual([0, 1]);
  });

  it('gives values beyond 2^53 as unsafe numbers, as Number(bigint) does', () => {
    const big = [2n ** 53n + 1n, 2n ** 62n + 12345n, -(2n ** 63n)];
    const numbers = int64ToNumbers(BigInt64Array.from(big));
    expect([...numbers]).toEqual(big.map(Number));
    expect([...numbers].some(Number.isSafeInteger)).toBe(false);
  });
});

describe('numbersToInt64', () => {
  it('round-trips every safe integer edge', () => {
    expect([...numbersToInt64(EDGES.map(Number))]).toEqual(EDGES);
  });

  it('applies the map first (microseconds to floored milliseconds, also before 1970)', () => {
    expect([...numbersToInt64(Float64Array.of(1_704_067_200_000_999, -1, -1000, -1001), (us) => Math.floor(us / 1000))]).toEqual([1_704_067_200_000n, -1n, -1n, -2n]);
  });

  it('agrees with BigInt() on a million random safe integers', () => {
    const values = Float64Array.from({ length: 1_000_000 }, (_, i) => Math.floor(Math.sin(i + 1) * 2 ** 52) * (i % 2 ? 1 : 2));
    const out = numbersToInt64(values);
    for (let i = 0; i < values.length; i++) if (out[i] !== BigInt(values[i]!)) expect.unreachable(`${values[i]} became ${out[i]}`);
  });
});

describe('nextNegativeInt64', () => {
  it('finds each negative value in turn, whatever its size, and -1 after the last', () => {
    const values = BigInt64Array.of(0n, -1n, 4_294_967_296n, -4_294_967_297n, 2n ** 62n, -(2n ** 63n), 1n);
    const found: number[] = [];
    for (let row = nextNegativeInt64(values); row >= 0; row = nextNegativeInt64(values, row + 1)) found.push(row);
    expect(found).toEqual([1, 3, 5]);
    expect(nextNegativeInt64(values.subarray(2, 3))).toBe(-1);
    expect(nextNegativeInt64(values.subarray(3))).toBe(0);
  });
});

describe('nextUnsafeInt64', () => {
  it('finds exactly the values Number.isSafeInteger rejects, at the edges of 2^53 and 2^32', () => {
    const max = 2n ** 53n - 1n;
    const values = BigInt64Array.of(max, max + 1n, -max, -max - 1n, 2n ** 63n - 1n, -(2n ** 63n), 4_294_967_295n, -4_294_967_296n, -(2n ** 52n), 0n, 2n ** 53n + 4_294_967_295n);
    const found: number[] = [];
    for (let row = nextUnsafeInt64(values); row >= 0; row = nextUnsafeInt64(values, row + 1)) found.push(row);
    expect(found).toEqual([...values].flatMap((value, row) => (Number.isSafeInteger(Number(value)) && BigInt(Number(value)) === value ? [] : [row])));
    expect(found).toEqual([1, 3, 4, 5, 10]);
    expect(nextUnsafeInt64(values.subarray(5, 6))).toBe(0);
    expect(nextUnsafeInt64(values.subarray(6, 10))).toBe(-1);
  });
});
