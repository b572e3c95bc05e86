/**
 * int64 columns to JS numbers and back without a BigInt per value. Reading a `BigInt64Array` element allocates
 * a BigInt; going through the two 32-bit halves of each value is about four times faster and leaves nothing
 * for the garbage collector, which matters on columns of millions of timestamps and trade ids.
 *
 * Numbers are exact for |value| < 2^53 (every timestamp and trade id we store); beyond that they are the
 * correctly rounded double, which `Number.isSafeInteger` rejects, as `Number(bigint)` would give.
 */

// The halves trick reads the platform's byte order; every platform Node supports today is little-endian.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_32 = 4_294_967_296;

/**
 * The first `length` values of `values` as numbers.
 *
 * @example
 * int64ToNumbers(BigInt64Array.of(1704067200000n, -1n)) // Float64Array [1704067200000, -1]
 */
export function int64ToNumbers(values: BigInt64Array, length = values.length): Float64Array {
  const out = new Float64Array(length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < length; i++) out[i] = Number(values[i]!);
    return out;
  }
  const halves = new Int32Array(values.buffer, values.byteOffset, length * 2);
  for (let i = 0, j = 0; i < length; i++, j += 2) out[i] = halves[j + 1]! * TWO_32 + (halves[j]! >>> 0);
  return out;
}

/**
 * Integral numbers (|value| < 2^63) as int64 values; `map` is applied to each first (for example a unit change).
 *
 * @example
 * numbersToInt64(Float64Array.of(1704067200000123, -1), (us) => Math.floor(us / 1000)) // BigInt64Array [1704067200000n, -1n]
 */
export function numbersToInt64(values: ArrayLike<number>, map?: (value: number) => number): BigInt64Array {
  const length = values.length;
  const out = new BigInt64Array(length);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < length; i++) out[i] = BigInt(map === undefined ? values[i]! : map(values[i]!));
    return out;
  }
  const halves = new Int32Array(out.buffer, 0, length * 2);
  for (let i = 0, j = 0; i < length; i++, j += 2) {
    const value = map === undefined ? values[i]! : map(values[i]!);
    const high = Math.floor(value / TWO_32);
    // Int32Array stores modulo 2^32: the low half as unsigned bits, the high half as two's complement.
    halves[j] = value - high * TWO_32;
    halves[j + 1] = high;
  }
  return out;
}

/**
 * The first row at or after `from` whose int64 value is negative, or -1: a test of each value's sign word,
 * without converting any value.
 *
 * @example
 * nextNegativeInt64(BigInt64Array.of(5n, -2n, 7n, -1n), 2) // 3
 */
export function nextNegativeInt64(values: BigInt64Array, from = 0): number {
  if (!LITTLE_ENDIAN) {
    for (let i = from; i < values.length; i++) if (values[i]! < 0n) return i;
    return -1;
  }
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = from; i < values.length; i++) if (halves[2 * i + 1]! < 0) return i;
  return -1;
}

// |value| ≤ 2^53 − 1 holds exactly when the high word is in [-2^21, 2^21 − 1], except -2^53 itself
// (high word -2^21, low word 0).
const SAFE_HIGH = 2_097_152;

/**
 * The first row at or after `from` whose int64 value is beyond `Number.MAX_SAFE_INTEGER` (2^53 − 1) in
 * magnitude, or -1: such a value has no exact number, so it cannot be ordered or compared as one. A test of
 * each value's high word, without converting any value.
 *
 * @example
 * nextUnsafeInt64(BigInt64Array.of(1n, 2n ** 53n, 3n)) // 1
 */
export function nextUnsafeInt64(values: BigInt64Array, from = 0): number {
  if (!LITTLE_ENDIAN) {
    for (let i = from; i < values.length; i++) {
      const value = values[i]!;
      if (value > 9_007_199_254_740_991n || value < -9_007_199_254_740_991n) return i;
    }
    return -1;
  }
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  for (let i = from; i < values.length; i++) {
    const high = halves[2 * i + 1]!;
    if (high >= SAFE_HIGH || high < -SAFE_HIGH || (high === -SAFE_HIGH && halves[2 * i] === 0)) return i;
  }
  return -1;
}
