import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { dataColumn, partitionColumn } from './column-spec.js';
import { defineDatasetSchema } from './dataset-schema.js';
import { UnifiedError } from './errors/unified-error.js';
import { AGGTRADES_SCHEMA } from './schemas/aggtrades.js';
import { DATASET_SCHEMAS } from './schemas/dataset-schemas.js';
import { FUTURES_SCHEMA } from './schemas/futures.js';
import { KLINES_SCHEMA } from './schemas/klines.js';

// The seed's schemas, column for column (docs: step1_5_unified_data_converter.md, "Schema Design").
const SEED = {
  klines: [
    ['timestamp', 'int64'], ['exchange', 'string'], ['symbol', 'string'], ['timeframe', 'string'],
    ['open', 'float64'], ['high', 'float64'], ['low', 'float64'], ['close', 'float64'], ['volume', 'float64'],
    ['year', 'int16'], ['month', 'int8'], ['day', 'int8'],
  ],
  aggtrades: [
    ['timestamp', 'int64'], ['exchange', 'string'], ['symbol', 'string'], ['timeframe', 'string'],
    ['trade_price', 'float64'], ['trade_quantity', 'float64'], ['trade_is_buyer_maker', 'bool'], ['trade_id', 'int64'],
    ['year', 'int16'], ['month', 'int8'], ['day', 'int8'],
  ],
  futures: [
    ['timestamp', 'int64'], ['exchange', 'string'], ['symbol', 'string'], ['timeframe', 'string'],
    ['funding_rate', 'float64'], ['funding_time', 'int64'], ['year', 'int16'], ['month', 'int8'], ['day', 'int8'],
  ],
} as const;

// Extra columns of D5/D6, all after the seed's columns.
const EXTRAS = {
  klines: ['close_time', 'quote_volume', 'trade_count', 'taker_buy_base_volume', 'taker_buy_quote_volume'],
  aggtrades: ['timestamp_us', 'first_trade_id', 'last_trade_id', 'is_best_match', 'normal_quantity'],
  futures: ['funding_interval_hours', 'mark_price'],
} as const;

describe.each(Object.values(DATASET_SCHEMAS))('$kind schema', (schema) => {
  it("starts with the seed's columns, in the seed's order and types, none nullable", () => {
    const seed = SEED[schema.kind];
    expect(schema.columns.slice(0, seed.length).map((c) => [c.name, c.type])).toEqual(seed);
    expect(schema.columns.slice(0, seed.length).every((c) => !c.nullable)).toBe(true);
  });

  it('keeps the extra source fields after them (D5, D6)', () => {
    const extras = schema.columns.slice(SEED[schema.kind].length);
    expect(extras.map((c) => c.name)).toEqual(EXTRAS[schema.kind]);
    for (const column of extras) {
      expect(column.role).toBe('data');
      // timestamp_us is derived from every source (D5), so it is always present; D6 fields may be missing.
      expect(column.nullable).toBe(column.origin === 'D6');
    }
  });

  it('stores every non-partition column in the file and partition keys in the path only (D1)', () => {
    const partitionNames = schema.partitionColumns.map((c) => c.name);
    expect(partitionNames).toEqual(schema.partitionKeys);
    expect(schema.fileColumns.map((c) => c.name)).toEqual(schema.columns.map((c) => c.name).filter((n) => !partitionNames.includes(n as never)));
    expect(schema.partitionColumns.map((c) => c.type)).toEqual(
      schema.partitionKeys.map((key) => ({ exchange: 'string', symbol: 'string', timeframe: 'string', year: 'int16', month: 'int8', day: 'int8' })[key]),
    );
  });

  it('derives Arrow schemas field for field from the definition', () => {
    const expectedType = { int64: arrow.Int64, int32: arrow.Int32, int16: arrow.Int16, int8: arrow.Int8, float64: arrow.Float64, bool: arrow.Bool, string: arrow.Utf8 };
    for (const [fields, columns] of [
      [schema.arrowSchema.fields, schema.columns],
      [schema.fileArrowSchema.fields, schema.fileColumns],
    ] as const) {
      expect(fields.map((f) => f.name)).toEqual(columns.map((c) => c.name));
      fields.forEach((field, i) => {
        const column = columns[i]!;
        expect(field.type).toBeInstanceOf(expectedType[column.type]);
        expect(field.nullable).toBe(column.nullable);
      });
    }
  });

  it('derives Parquet schemas for both engines from the file columns', () => {
    expect(schema.parquetColumns.map((c) => c.name)).toEqual(schema.fileColumns.map((c) => c.name));
    expect(Object.keys(schema.parquetjsDefinition)).toEqual(schema.fileColumns.map((c) => c.name));
  });
});

describe('canonical keys (D7)', () => {
  it('keys klines by timestamp, aggtrades by trade id, funding by funding time', () => {
    expect(KLINES_SCHEMA.naturalKey).toEqual(['timestamp']);
    expect(AGGTRADES_SCHEMA.naturalKey).toEqual(['trade_id']);
    expect(AGGTRADES_SCHEMA.sortKey).toEqual(['timestamp', 'trade_id']);
    expect(FUTURES_SCHEMA.naturalKey).toEqual(['funding_time']);
  });

  it('gives aggtrades and futures the constant base timeframe 1m in the file (D1)', () => {
    for (const schema of [AGGTRADES_SCHEMA, FUTURES_SCHEMA]) {
      const timeframe = schema.fileColumns.find((c) => c.name === 'timeframe');
      expect(timeframe?.constant).toBe('1m');
    }
    expect(KLINES_SCHEMA.fileColumns.some((c) => c.name === 'timeframe')).toBe(false);
  });
});

describe('defineDatasetSchema', () => {
  const ts = dataColumn('timestamp', 'int64', { description: 't' });
  const exchange = partitionColumn('exchange', 'string', 'e');

  function rejects(definition: Parameters<typeof defineDatasetSchema>[0], message: RegExp): void {
    expect(() => defineDatasetSchema(definition)).toThrow(message);
    try {
      defineDatasetSchema(definition);
    } catch (error) {
      expect(UnifiedError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    }
  }

  it('rejects a column declared twice', () => {
    rejects({ kind: 'klines', version: 1, description: '', columns: [ts, ts], partitionKeys: [], naturalKey: ['timestamp'], sortKey: [] }, /declared twice/);
  });

  it('rejects partition keys that are not exactly the partition columns', () => {
    rejects({ kind: 'klines', version: 1, description: '', columns: [ts, exchange], partitionKeys: [], naturalKey: ['timestamp'], sortKey: [] }, /partition keys/);
    rejects({ kind: 'klines', version: 1, description: '', columns: [ts], partitionKeys: ['exchange'], naturalKey: ['timestamp'], sortKey: [] }, /partition keys/);
  });

  it('rejects a nullable, partition or unknown key column', () => {
    const nullable = dataColumn('id', 'int64', { description: 'i', nullable: true });
    rejects({ kind: 'klines', version: 1, description: '', columns: [ts, nullable], partitionKeys: [], naturalKey: ['id'], sortKey: [] }, /must not be nullable/);
    rejects({ kind: 'klines', version: 1, description: '', columns: [ts, exchange], partitionKeys: ['exchange'], naturalKey: ['exchange'], sortKey: [] }, /stored in the file/);
    rejects({ kind: 'klines', version: 1, description: '', columns: [ts], partitionKeys: [], naturalKey: ['nope'], sortKey: [] }, /not a column/);
    rejects({ kind: 'klines', version: 1, description: '', columns: [ts], partitionKeys: [], naturalKey: [], sortKey: [] }, /natural key is required/);
  });
});
