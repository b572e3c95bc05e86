// One definition per schema; this suite proves that what is derived from it agrees: the Arrow schema, the
// Parquet schema written by parquet-wasm (arrow-rs) and by @dsnp/parquetjs as DuckDB sees it, and the
// TypeScript row types as the values apache-arrow and DuckDB return.
import parquetjs from '@dsnp/parquetjs';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import * as arrow from 'apache-arrow';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as parquetWasm from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { DATASET_SCHEMAS, type DatasetSchema, type FileRowOf } from '../src/index.js';

type AnyFileRow = Record<string, unknown>;
const dir = mkdtempSync(join(tmpdir(), 'unified-schemas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INT64_MAX = 9_223_372_036_854_775_807n;
const INT64_MIN = -9_223_372_036_854_775_808n;

// Three rows per schema: ordinary values, extreme values, and nulls in every nullable column.
function sampleRows(schema: DatasetSchema): AnyFileRow[] {
  const ordinary: Record<string, unknown> = { int64: 1_704_067_200_000n, int32: 8, float64: 42_283.58, bool: true };
  const extreme: Record<string, unknown> = { int64: INT64_MAX, int32: -2_147_483_648, float64: 8.4e-7, bool: false };
  const other: Record<string, unknown> = { int64: INT64_MIN, int32: 2_147_483_647, float64: 1.7976931348623157e308, bool: true };
  return [ordinary, extreme, other].map((values, index) => {
    const row: AnyFileRow = {};
    for (const column of schema.fileColumns) {
      if (column.type === 'string') row[column.name] = column.constant ?? `value-${index}`;
      else if (index === 2 && column.nullable) row[column.name] = null;
      else row[column.name] = values[column.type];
    }
    return row;
  });
}

function toArrowTable(schema: DatasetSchema, rows: AnyFileRow[]): arrow.Table {
  const children = schema.fileArrowSchema.fields.map((field) => arrow.vectorFromArray(rows.map((row) => row[field.name]), field.type).data[0]!);
  const data = arrow.makeData({ type: new arrow.Struct(schema.fileArrowSchema.fields), length: rows.length, nullCount: 0, children });
  return new arrow.Table([new arrow.RecordBatch(schema.fileArrowSchema, data)]);
}

function writeWithParquetWasm(schema: DatasetSchema, rows: AnyFileRow[], path: string): void {
  const wasmTable = parquetWasm.Table.fromIPCStream(arrow.tableToIPC(toArrowTable(schema, rows), 'stream'));
  writeFileSync(path, parquetWasm.writeParquet(wasmTable));
}

async function writeWithParquetjs(schema: DatasetSchema, rows: AnyFileRow[], path: string): Promise<void> {
  const writer = await parquetjs.ParquetWriter.openFile(new parquetjs.ParquetSchema(schema.parquetjsDefinition), path);
  for (const row of rows) await writer.appendRow(row);
  await writer.close();
}

async function duckDbParquetSchema(path: string): Promise<unknown[]> {
  const rows = await queryDuckDb(`SELECT name, type, converted_type, repetition_type FROM parquet_schema(${sqlString(path)}) WHERE type IS NOT NULL`);
  return rows.map((r) => ({ name: r.name, physicalType: r.type, convertedType: r.converted_type, repetition: r.repetition_type }));
}

describe.each(Object.values(DATASET_SCHEMAS))('$kind: derived schemas agree', (schema) => {
  const rows = sampleRows(schema);

  it('parquet-wasm writes exactly the derived Parquet schema, and DuckDB reads the values back', async () => {
    const path = join(dir, `${schema.kind}-wasm.parquet`);
    writeWithParquetWasm(schema, rows, path);
    expect(await duckDbParquetSchema(path)).toEqual(schema.parquetColumns);
    expect(await queryDuckDb(`SELECT * FROM read_parquet(${sqlString(path)})`)).toEqual(rows);
  });

  it('@dsnp/parquetjs writes exactly the same Parquet schema from the derived definition', async () => {
    const parsed = new parquetjs.ParquetSchema(schema.parquetjsDefinition);
    expect(
      parsed.fieldList.map((f) => ({ name: f.name, physicalType: f.primitiveType, convertedType: f.originalType ?? null, repetition: f.repetitionType })),
    ).toEqual(schema.parquetColumns);
    const path = join(dir, `${schema.kind}-parquetjs.parquet`);
    await writeWithParquetjs(schema, rows, path);
    expect(await duckDbParquetSchema(path)).toEqual(schema.parquetColumns);
    expect(await queryDuckDb(`SELECT * FROM read_parquet(${sqlString(path)})`)).toEqual(rows);
  });

  it('reads back through Arrow as rows of the derived TypeScript type', () => {
    const path = join(dir, `${schema.kind}-roundtrip.parquet`);
    writeWithParquetWasm(schema, rows, path);
    const ipc = parquetWasm.readParquet(new Uint8Array(readFileSync(path))).intoIPCStream();
    const table = arrow.tableFromIPC(ipc);
    expect(table.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(
      schema.fileArrowSchema.fields.map((f) => [f.name, String(f.type), f.nullable]),
    );
    const readBack: FileRowOf<typeof schema>[] = table.toArray().map((row: arrow.StructRowProxy) => row.toJSON() as never);
    expect(readBack).toEqual(rows);
  });
});
