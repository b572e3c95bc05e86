// Test helpers: canonical rows with nulls and extreme values, as record batches, and the dataset as DuckDB
// reads it back with hive partitioning.
import * as arrow from 'apache-arrow';
import { type DataKind, datasetSchemaFor } from '@unified/schemas';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';

export type Row = Record<string, unknown>;

const DAY = 86_400_000;
export const START = Date.UTC(2024, 1, 28); // spans the leap day

/** A record batch of `kind`'s file schema holding `rows`. */
export function batchOf(kind: DataKind, rows: readonly Row[]): arrow.RecordBatch {
  const schema = datasetSchemaFor(kind).fileArrowSchema as unknown as arrow.Schema;
  const children = schema.fields.map((field) => arrow.vectorFromArray(rows.map((r) => r[field.name] ?? null), field.type as arrow.DataType).data[0]!);
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/** Deterministic pseudo-random numbers. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 2 ** 32;
  };
}

/** `n` rows of `kind` over `days` days from {@link START}, in order, with nulls and extreme values. */
export function sortedRows(kind: DataKind, n: number, days = 3, seed = 1): Row[] {
  const next = random(seed);
  const rows: Row[] = [];
  const step = Math.floor((days * DAY) / n);
  for (let i = 0; i < n; i++) {
    // The first and last row of each day sit on its boundaries.
    const t = START + i * step + (i === n - 1 ? step - 1 : 0);
    const extreme = i % 97 === 5;
    const price = extreme ? 1.7976931348623157e308 : i % 89 === 7 ? 5e-324 : Math.round(next() * 1e10) / 1e4;
    if (kind === 'klines') {
      rows.push({
        timestamp: BigInt(t), open: price, high: price, low: price, close: price, volume: next() * 100,
        close_time: i % 11 === 0 ? null : BigInt(t + 59_999), quote_volume: i % 13 === 0 ? null : next() * 1e6,
        trade_count: i % 17 === 0 ? null : BigInt(Math.floor(next() * 1e6)), taker_buy_base_volume: i % 7 === 0 ? null : -next(),
        taker_buy_quote_volume: null,
      });
    } else if (kind === 'aggtrades') {
      rows.push({
        timestamp: BigInt(t), timeframe: '1m', trade_price: price, trade_quantity: next(), trade_is_buyer_maker: next() < 0.5,
        trade_id: BigInt(i === n - 1 ? Number.MAX_SAFE_INTEGER : 1_000_000 + i), timestamp_us: BigInt(t) * 1000n + BigInt(i % 1000),
        first_trade_id: i % 5 === 0 ? null : i % 41 === 0 ? -(2n ** 63n) : BigInt(i * 3), last_trade_id: i % 5 === 0 ? null : 2n ** 63n - 1n,
        is_best_match: i % 3 === 0 ? null : true, normal_quantity: i % 2 === 0 ? null : next(),
      });
    } else {
      rows.push({
        timestamp: BigInt(t), timeframe: '1m', funding_rate: (next() - 0.5) / 1000, funding_time: BigInt(t),
        funding_interval_hours: i % 4 === 0 ? null : 8, mark_price: i % 3 === 0 ? null : price,
      });
    }
  }
  return rows;
}

/** The rows in `size`-row batches. */
export async function* batches(kind: DataKind, rows: readonly Row[], size = 1000): AsyncGenerator<arrow.RecordBatch> {
  for (let i = 0; i < rows.length; i += size) yield batchOf(kind, rows.slice(i, i + size));
  await Promise.resolve();
}

/** A deterministic shuffle. */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const next = random(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export { treeHashes } from '@unified/vitest-config/files';

/** Every row of a dataset as DuckDB reads it with hive partitioning, in file then row order. */
export async function duckRows(datasetDir: string): Promise<Row[]> {
  return queryDuckDb(
    `SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet(${sqlString(`${datasetDir}/**/*.parquet`)}, hive_partitioning=true, filename=true, file_row_number=true) ORDER BY year, month, day, filename, file_row_number`,
  );
}
