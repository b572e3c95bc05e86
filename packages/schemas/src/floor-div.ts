/**
 * Floor division of bigints (BigInt `/` truncates toward zero): the day, millisecond or microsecond that
 * contains a timestamp, also before 1970.
 *
 * @example
 * floorDiv(-1n, 1000n) // -1n, where -1n / 1000n is 0n
 */
export function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return (value % divisor !== 0n) && (value < 0n) !== (divisor < 0n) ? quotient - 1n : quotient;
}
