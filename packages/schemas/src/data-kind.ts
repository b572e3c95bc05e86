/** The three data types unified converts, by the seed's names (`futures` holds funding rates). */
export const DATA_KINDS = ['klines', 'aggtrades', 'futures'] as const;

/** One of {@link DATA_KINDS}. */
export type DataKind = (typeof DATA_KINDS)[number];

/** Whether `value` is a {@link DataKind}. */
export function isDataKind(value: unknown): value is DataKind {
  return typeof value === 'string' && (DATA_KINDS as readonly string[]).includes(value);
}
