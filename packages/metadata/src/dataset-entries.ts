/**
 * `metadata.json` and `_config.json` both hold one entry per dataset, grouped by data type and keyed by the
 * dataset's folder name. A run replaces the entries of the datasets it wrote and keeps every other one.
 */
import { DATA_KINDS, type DataKind } from '@unified/schemas';

/** What every per-dataset entry has: its data type and its folder relative to `unified/` (`klines/binance_BTCUSDT_1m`). */
interface DatasetEntry {
  readonly kind: DataKind;
  readonly path: string;
}

/**
 * The entries per data type after `updates` replaced those of the same dataset in `previous`, keys sorted so
 * that the document is stable.
 */
export function mergeDatasetEntries<T extends DatasetEntry>(
  previous: Readonly<Record<DataKind, { readonly datasets: Readonly<Record<string, T>> }>> | undefined,
  updates: readonly T[],
): Record<DataKind, Record<string, T>> {
  const merged = Object.fromEntries(DATA_KINDS.map((kind) => [kind, { ...(previous?.[kind].datasets ?? {}) }])) as Record<DataKind, Record<string, T>>;
  for (const entry of updates) merged[entry.kind][entry.path.slice(entry.path.indexOf('/') + 1)] = entry;
  const byName = ([a]: [string, T], [b]: [string, T]): number => (a < b ? -1 : a > b ? 1 : 0);
  return Object.fromEntries(DATA_KINDS.map((kind) => [kind, Object.fromEntries(Object.entries(merged[kind]).sort(byName))])) as Record<DataKind, Record<string, T>>;
}
