// validateDataset, check by check: a tiny clean dataset of each kind (written by our engine, with a manifest
// computed here) reports nothing at all, and each planted defect fires exactly its code, with its location,
// its details and its severity, and no other code. Then reconciliation with the sources, assertValidDataset,
// and the conversion-time helpers (reconcileWrite, createStreamChecks).
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { openSource } from '@unified/loaders';
import { runRecordOf } from './run-record.js';
import { type ManifestFile, type RunRecord, datasetManifest, datasetMetadata, updateUnifiedMetadata, writeDatasetManifest, writeJsonFile } from '@unified/metadata';
import { type ParquetCompression, writeBatchesToParquet, writePartitions } from '@unified/partition-writer';
import { type DataKind, datasetSchemaFor } from '@unified/schemas';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import {
  type IssueCounts,
  type StagedCounts,
  VALIDATION_CHECKS,
  type ValidationCode,
  ValidationError,
  type ValidationReport,
  assertValidDataset,
  createStreamChecks,
  reconcileWrite,
  validateDataset,
} from '../src/index.js';
import { FileKeys, overlapZones } from '../src/key-uniqueness.js';

type Row = Record<string, unknown>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const JAN1 = Date.UTC(2024, 0, 1);
const FIRST_TRADE_ID = 1_000_001;

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'unified-validate-'));
  temps.push(dir);
  return dir;
}

const iso = (ms: number): string => new Date(ms).toISOString();
// Asymmetric matchers, typed as what they are to the object they sit in.
const containing = (text: string): unknown => expect.stringContaining(text) as unknown;
const anyString = expect.any(String) as unknown;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

// ---------------------------------------------------------------------------------------------------------
// Clean rows of each kind
// ---------------------------------------------------------------------------------------------------------

/** 1m candles from 2024-01-01 23:30 to 2024-01-03 01:29: 30 + 1440 + 90 rows over three days, some nulls. */
function klineRows(): Row[] {
  const rows: Row[] = [];
  const first = JAN1 + 23 * HOUR + 30 * MINUTE;
  for (let i = 0; i < 26 * 60; i++) {
    const t = first + i * MINUTE;
    const open = 42_000 + (i % 50) * 1.25;
    const close = open + ((i % 7) - 3) * 0.5;
    const volume = 1 + (i % 13) * 0.25;
    rows.push({
      timestamp: BigInt(t),
      open,
      high: Math.max(open, close) + 0.75,
      low: Math.min(open, close) - 0.5,
      close,
      volume,
      close_time: BigInt(t + MINUTE - 1),
      quote_volume: volume * close,
      trade_count: i % 17 === 0 ? null : BigInt(10 + (i % 40)),
      taker_buy_base_volume: volume / 2,
      taker_buy_quote_volume: i % 5 === 0 ? null : (volume / 2) * close,
    });
  }
  return rows;
}

/** 120 aggregate trades with consecutive ids over two days; every 6th shares the millisecond of the one before. */
function aggtradeRows(): Row[] {
  const rows: Row[] = [];
  let t = JAN1 + 6 * HOUR;
  for (let i = 0; i < 120; i++) {
    if (i % 6 !== 5) t += 17 * MINUTE + 321;
    const quantity = 0.001 * (1 + (i % 9));
    rows.push({
      timestamp: BigInt(t),
      timeframe: '1m',
      trade_price: 42_000 + (i % 11) * 0.01,
      trade_quantity: quantity,
      trade_is_buyer_maker: i % 3 === 0,
      trade_id: BigInt(FIRST_TRADE_ID + i),
      timestamp_us: BigInt(t) * 1000n + BigInt((i * 37) % 1000),
      first_trade_id: BigInt(5_000_000 + 2 * i),
      last_trade_id: BigInt(5_000_000 + 2 * i + (i % 2)),
      is_best_match: i % 4 === 0 ? null : true,
      normal_quantity: i % 3 === 0 ? null : quantity,
    });
  }
  return rows;
}

/** Funding every 8 h (with the 0-2 ms jitter of real archives) over three days: 9 events. */
function fundingRows(): Row[] {
  const rows: Row[] = [];
  for (let k = 0; k < 9; k++) {
    const t = JAN1 + k * 8 * HOUR + (k % 3);
    rows.push({ timestamp: BigInt(t), timeframe: '1m', funding_rate: 0.0001 * ((k % 5) - 2), funding_time: BigInt(t), funding_interval_hours: 8, mark_price: 42_000 + k * 10.123456 });
  }
  return rows;
}

const CLEAN_ROWS: Readonly<Record<DataKind, () => Row[]>> = { klines: klineRows, aggtrades: aggtradeRows, futures: fundingRows };

// ---------------------------------------------------------------------------------------------------------
// Writing datasets
// ---------------------------------------------------------------------------------------------------------

const fileSchema = (kind: DataKind): arrow.Schema => datasetSchemaFor(kind).fileArrowSchema;

/** One record batch of `schema` holding `rows` (missing values as null). */
function batchOf(schema: arrow.Schema, rows: readonly Row[]): arrow.RecordBatch {
  // Sliced to the rows: arrow's builders pad value buffers to 64 bytes (see the padded-buffer test below).
  const children = schema.fields.map((field) => arrow.vectorFromArray(rows.map((r) => r[field.name] ?? null), field.type as arrow.DataType).data[0]!.slice(0, rows.length));
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: rows.length, nullCount: 0, children }));
}

/** The file schema of `kind` with `name` changed (`type` undefined: dropped) or a column appended. */
function schemaWith(kind: DataKind, name: string, type: arrow.DataType | undefined, nullable = false): arrow.Schema {
  const fields = fileSchema(kind).fields;
  if (type === undefined) return new arrow.Schema(fields.filter((f) => f.name !== name));
  const changed = fields.some((f) => f.name === name) ? fields.map((f) => (f.name === name ? new arrow.Field(name, type, nullable) : f)) : [...fields, new arrow.Field(name, type, nullable)];
  return new arrow.Schema(changed);
}

interface Part {
  /** Relative to the dataset folder. */
  readonly file: string;
  readonly partition: string;
  rows: Row[];
}

interface Dataset {
  /** The data directory (`<tmp>`); the dataset is `<tmp>/unified/<kind>/<name>`. */
  readonly tmp: string;
  readonly dir: string;
  readonly kind: DataKind;
  readonly compression: ParquetCompression;
  /** The day files, in day order. */
  readonly parts: Part[];
}

const datasetNameOf = (kind: DataKind): string => (kind === 'klines' ? 'binance_BTCUSDT_1m' : 'binance_BTCUSDT');

/** The partition folder of a row at `ms`, spelled out as the layout prescribes (D1, D2). */
function partitionOf(kind: DataKind, ms: number, symbol = 'BTCUSDT'): string {
  const d = new Date(ms);
  return `exchange=binance/symbol=${symbol}/${kind === 'klines' ? 'timeframe=1m/' : ''}year=${d.getUTCFullYear()}/month=${d.getUTCMonth() + 1}/day=${d.getUTCDate()}`;
}

async function writeRows(ds: Dataset, file: string, rows: readonly Row[], schema = fileSchema(ds.kind)): Promise<void> {
  const path = join(ds.dir, file);
  mkdirSync(dirname(path), { recursive: true });
  await writeBatchesToParquet([batchOf(schema, rows)], path, { compression: ds.compression });
}

/** Rewrites day file `index` with `rows` (and an optional other schema). */
async function rewritePart(ds: Dataset, index: number, rows: Row[], schema?: arrow.Schema): Promise<Part> {
  const part = ds.parts[index]!;
  part.rows = rows;
  await writeRows(ds, part.file, rows, schema);
  return part;
}

/** Manifest entries for `files`, computed from the files: sha256 and size of the bytes, rows and time range by DuckDB. */
async function manifestEntries(ds: Dataset, files: readonly string[], unreadable: readonly string[] = []): Promise<ManifestFile[]> {
  const readable = files.filter((f) => !unreadable.includes(f));
  const facts =
    readable.length === 0
      ? []
      : await queryDuckDb(
          `SELECT filename, count(*)::BIGINT AS n, min(timestamp)::BIGINT AS lo, max(timestamp)::BIGINT AS hi
           FROM read_parquet([${readable.map((f) => sqlString(join(ds.dir, f))).join(', ')}], filename = true, union_by_name = true) GROUP BY filename`,
        );
  return files.map((file) => {
    const bytes = readFileSync(join(ds.dir, file));
    const fact = facts.find((f) => f['filename'] === join(ds.dir, file));
    // An unreadable file keeps what was written into it.
    const rows = fact === undefined ? ds.parts.find((p) => p.file === file)!.rows : undefined;
    const times = rows?.map((r) => Number(r['timestamp'])) ?? [];
    return {
      path: file,
      rows: fact === undefined ? rows!.length : Number(fact['n']),
      bytes: bytes.length,
      min_timestamp: fact === undefined ? Math.min(...times) : Number(fact['lo']),
      max_timestamp: fact === undefined ? Math.max(...times) : Number(fact['hi']),
      sha256: sha256(bytes),
    };
  });
}

/** Writes `_manifest.json` for `files` (default: the day files), optionally edited before it is written. */
async function writeManifest(ds: Dataset, options: { files?: readonly string[]; unreadable?: readonly string[]; edit?: (files: ManifestFile[]) => ManifestFile[] } = {}): Promise<void> {
  const entries = await manifestEntries(ds, options.files ?? ds.parts.map((p) => p.file), options.unreadable);
  const identity = { kind: ds.kind, exchange: 'binance', symbol: 'BTCUSDT', ...(ds.kind === 'klines' ? { timeframe: '1m' } : {}) };
  await writeDatasetManifest(ds.dir, datasetManifest(identity, (options.edit ?? ((f) => f))(entries)));
}

/** A clean dataset of `kind` (one `part-0.parquet` per day) with its manifest. */
async function createDataset(kind: DataKind, options: { rows?: Row[]; manifest?: boolean; compression?: ParquetCompression } = {}): Promise<Dataset> {
  const tmp = tempDir();
  const dir = join(tmp, 'unified', kind, datasetNameOf(kind));
  const byPartition = new Map<string, Row[]>();
  for (const row of options.rows ?? CLEAN_ROWS[kind]()) {
    const partition = partitionOf(kind, Number(row['timestamp']));
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), row]);
  }
  const parts = [...byPartition].map(([partition, rows]) => ({ partition, file: `${partition}/part-0.parquet`, rows }));
  const ds: Dataset = { tmp, dir, kind, compression: options.compression ?? 'snappy', parts };
  for (const part of parts) await writeRows(ds, part.file, part.rows);
  if (options.manifest ?? true) await writeManifest(ds);
  return ds;
}

/** Copies a file through DuckDB (which writes every column OPTIONAL), rows in file order, optionally with columns replaced. */
async function rewriteWithDuckDb(ds: Dataset, file: string, replace?: string): Promise<void> {
  const path = join(ds.dir, file);
  const copy = `${path}.duckdb`;
  const select = `* EXCLUDE (file_row_number)${replace === undefined ? '' : ` REPLACE (${replace})`}`;
  await queryDuckDb(`COPY (SELECT ${select} FROM read_parquet(${sqlString(path)}, hive_partitioning = false, file_row_number = true) ORDER BY file_row_number) TO ${sqlString(copy)} (FORMAT parquet)`);
  renameSync(copy, path);
}

// ---------------------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------------------

const CODES = Object.keys(VALIDATION_CHECKS) as ValidationCode[];

function counts(found: Partial<IssueCounts> = {}): IssueCounts {
  return { ...(Object.fromEntries(CODES.map((code) => [code, 0])) as IssueCounts), ...found };
}

/** Exactly these codes fired (counted and kept), and `ok` follows from their severities. */
function expectOnly(report: ValidationReport, found: Partial<IssueCounts>): void {
  expect(report.stats.issueCounts).toEqual(counts(found));
  expect(report.issues.map((i) => i.code).sort()).toEqual(Object.entries(found).flatMap(([code, n]) => Array<string>(n).fill(code)).sort());
  const errors = Object.entries(found).filter(([code]) => VALIDATION_CHECKS[code as ValidationCode].severity === 'error').reduce((n, [, c]) => n + c, 0);
  expect({ ok: report.ok, errors: report.stats.errors, warnings: report.stats.warnings }).toEqual({ ok: errors === 0, errors, warnings: Object.values(found).reduce((n, c) => n + c, 0) - errors });
}

/** A warning: reported, `ok` stays true; under `strict` the same issues are errors and `ok` is false. */
async function expectWarningOnlyUnlessStrict(ds: Dataset, report: ValidationReport, code: ValidationCode): Promise<void> {
  expect(VALIDATION_CHECKS[code].severity).toBe('warning');
  expect(report.ok).toBe(true);
  expect(report.issues.every((i) => i.severity === 'warning')).toBe(true);
  const strict = await validateDataset(ds.dir, { strict: true });
  expect(strict.ok).toBe(false);
  expect(strict.issues).toEqual(report.issues.map((i) => ({ ...i, severity: 'error' })));
  expect([strict.stats.errors, strict.stats.warnings]).toEqual([report.stats.warnings, 0]);
}

// ---------------------------------------------------------------------------------------------------------
// Clean data
// ---------------------------------------------------------------------------------------------------------

describe('a clean dataset', () => {
  const KINDS = [
    ['klines', { files: 3, rows: 1560, min: JAN1 + 23.5 * HOUR, max: JAN1 + 23.5 * HOUR + 1559 * MINUTE, timeframe: '1m' }],
    ['aggtrades', { files: 2, rows: 120, min: Number(aggtradeRows()[0]!['timestamp']), max: Number(aggtradeRows()[119]!['timestamp']), timeframe: null }],
    ['futures', { files: 3, rows: 9, min: JAN1, max: JAN1 + 64 * HOUR + 2, timeframe: null }],
  ] as const;

  it.each(KINDS)('of %s validates with no issue of any code', async (kind, expected) => {
    const ds = await createDataset(kind);
    const report = await validateDataset(ds.dir);
    expect(report.ok).toBe(true);
    expect(report.issues).toEqual([]);
    expect(report.stats.issueCounts).toEqual(counts());
    expect(Object.values(report.stats.issueCounts).every((n) => n === 0)).toBe(true);
    expect(report.dataset).toBe(ds.dir);
    expect(report.stats).toMatchObject({
      kind,
      timeframe: expected.timeframe,
      files: expected.files,
      partitions: expected.files,
      rows: expected.rows,
      minTimestamp: expected.min,
      maxTimestamp: expected.max,
      errors: 0,
      warnings: 0,
      klineGaps: 0,
      missingCandles: 0,
      tradeIdGaps: 0,
      missingTradeIds: 0,
      temporaryFiles: 0,
      manifest: true,
      metadata: false,
      checksums: true,
      sources: null,
    });
    expect(report.stats.bytes).toBe(ds.parts.reduce((n, p) => n + statSync(join(ds.dir, p.file)).size, 0));
    // Strict changes nothing on clean data.
    expect((await validateDataset(ds.dir, { strict: true })).issues).toEqual([]);
  });

  it('without a manifest skips the manifest checks and says so', async () => {
    const ds = await createDataset('aggtrades', { manifest: false });
    const report = await validateDataset(ds.dir);
    expect(report.issues).toEqual([]);
    expect(report.stats).toMatchObject({ kind: 'aggtrades', manifest: false, checksums: false, rows: 120 });
  });

  it('ignores hidden sidecars and counts the temporary files of an interrupted run', async () => {
    const ds = await createDataset('futures');
    writeFileSync(join(ds.dir, '_SUCCESS'), '');
    writeFileSync(join(ds.dir, ds.parts[0]!.partition, '.part-0.parquet.tmp-12345'), 'half a file');
    const report = await validateDataset(ds.dir);
    expect(report.issues).toEqual([]);
    expect(report.stats.temporaryFiles).toBe(1);
  });

  it('reports progress after each data file', async () => {
    const ds = await createDataset('futures');
    const progress: number[] = [];
    await validateDataset(ds.dir, { onProgress: (p) => progress.push(p.filesDone) });
    expect(progress).toEqual([1, 2, 3]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// One test per code
// ---------------------------------------------------------------------------------------------------------

describe('schema_mismatch', () => {
  it('fires for each required column of a file DuckDB wrote (every column OPTIONAL)', async () => {
    const ds = await createDataset('futures');
    const part = ds.parts[1]!;
    await rewriteWithDuckDb(ds, part.file);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { schema_mismatch: 4 });
    const where = { severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, message: containing(part.file) };
    expect(report.issues).toEqual([
      { code: 'schema_mismatch', ...where, column: 'timestamp', expected: 'Int64 (required)', actual: 'Int64 (nullable)' },
      { code: 'schema_mismatch', ...where, column: 'timeframe', expected: 'Utf8 (required)', actual: 'Utf8 (nullable)' },
      { code: 'schema_mismatch', ...where, column: 'funding_rate', expected: 'Float64 (required)', actual: 'Float64 (nullable)' },
      { code: 'schema_mismatch', ...where, column: 'funding_time', expected: 'Int64 (required)', actual: 'Int64 (nullable)' },
    ]);
  });

  it('fires for a column of another type, and the column is not read', async () => {
    const ds = await createDataset('futures');
    const part = await rewritePart(ds, 2, ds.parts[2]!.rows.map((r) => ({ ...r, funding_interval_hours: BigInt(r['funding_interval_hours'] as number) })), schemaWith('futures', 'funding_interval_hours', new arrow.Int64(), true));
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { schema_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'schema_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, column: 'funding_interval_hours', expected: 'Int32 (nullable)', actual: 'Int64 (nullable)', message: containing('"funding_interval_hours" is Int64 (nullable)') },
    ]);
  });

  it('fires for a missing column', async () => {
    const ds = await createDataset('klines');
    const part = await rewritePart(ds, 0, ds.parts[0]!.rows, schemaWith('klines', 'volume', undefined));
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { schema_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'schema_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, column: 'volume', expected: 'Float64 (required)', actual: 'missing', message: containing('column "volume" is missing') },
    ]);
  });

  it('fires for an extra column (a partition key stored in the file)', async () => {
    const ds = await createDataset('aggtrades');
    const part = await rewritePart(ds, 1, ds.parts[1]!.rows.map((r) => ({ ...r, year: 2024 })), schemaWith('aggtrades', 'year', new arrow.Int16()));
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { schema_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'schema_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, column: 'year', expected: 'absent', actual: 'Int16 (required)', message: containing('"year"') },
    ]);
  });

  it('fires for a null in a required column, naming its row', async () => {
    const ds = await createDataset('klines');
    const part = ds.parts[1]!;
    const t = Number(part.rows[5]!['timestamp']);
    await rewriteWithDuckDb(ds, part.file, `CASE WHEN timestamp = ${t} THEN NULL ELSE volume END AS volume`);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    // timestamp, open, high, low, close, volume are OPTIONAL in the DuckDB file; and volume holds a null.
    expectOnly(report, { schema_mismatch: 7 });
    expect(report.issues.filter((i) => i.code === 'schema_mismatch' && i.actual === 'null')).toEqual([
      { code: 'schema_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: 5, column: 'volume', expected: 'a value in every row', actual: 'null', message: containing(`${part.file} row 5: "volume" is null`) },
    ]);
  });
});

describe('a null in a required column is a schema_mismatch, and its slot is never read as a value', () => {
  // The reader leaves the next row's open in the null's slot: it must not be checked as a price.
  it('a null open', async () => {
    const ds = await createDataset('klines');
    const part = ds.parts[1]!;
    await rewriteWithDuckDb(ds, part.file, `CASE WHEN timestamp = ${Number(part.rows[5]!['timestamp'])} THEN NULL ELSE open END AS open`);
    await writeManifest(ds);
    expectOnly(await validateDataset(ds.dir), { schema_mismatch: 7 });
  });

  // The slot of a null time (0 in the last row) must not count as 1970-01-01, out of order.
  it('a null timestamp', async () => {
    const ds = await createDataset('aggtrades');
    const part = ds.parts[1]!;
    await rewriteWithDuckDb(ds, part.file, `CASE WHEN trade_id = ${Number(part.rows.at(-1)!['trade_id'])} THEN NULL ELSE timestamp END AS timestamp`);
    await writeManifest(ds);
    expectOnly(await validateDataset(ds.dir), { schema_mismatch: 8 });
  });

  // The slot of a null id must not be read as an id; the id it lost is then rightly missing from the sequence.
  it('a null trade id', async () => {
    const ds = await createDataset('aggtrades');
    const part = ds.parts[1]!;
    const lost = Number(part.rows[5]!['trade_id']);
    await rewriteWithDuckDb(ds, part.file, `CASE WHEN trade_id = ${lost} THEN NULL ELSE trade_id END AS trade_id`);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { schema_mismatch: 8, trade_id_gap: 1 });
    expect(report.issues.find((i) => i.code === 'trade_id_gap')).toMatchObject({ from: lost, to: lost, missing: 1, row: 6 });
  });
});

describe('partition_mismatch', () => {
  it('fires for a row on the wrong day for its partition', async () => {
    const ds = await createDataset('klines');
    // The last candle of Jan 1 moves into the file of Jan 2 (still in time order, nothing lost).
    const moved = ds.parts[0]!.rows.at(-1)!;
    await rewritePart(ds, 0, ds.parts[0]!.rows.slice(0, -1));
    const part = await rewritePart(ds, 1, [moved, ...ds.parts[1]!.rows]);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { partition_mismatch: 1 });
    const t = Number(moved['timestamp']);
    expect(report.issues).toEqual([
      { code: 'partition_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: 0, key: t, expected: 'a timestamp on 2024-01-02', actual: iso(t), message: containing("outside the partition's day 2024-01-02") },
    ]);
  });

  it('fires for a folder that is not key=value, and its files are not read', async () => {
    const ds = await createDataset('aggtrades');
    mkdirSync(join(ds.dir, 'notes'));
    writeFileSync(join(ds.dir, 'notes', 'todo.txt'), 'check the gaps');
    const report = await validateDataset(ds.dir);
    expectOnly(report, { partition_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'partition_mismatch', severity: 'error', dataset: ds.dir, partition: 'notes', expected: 'a key=value folder', actual: 'notes', message: containing('notes: folder "notes" is not a key=value partition') },
    ]);
  });

  it('fires for a partition of another symbol than the dataset', async () => {
    const ds = await createDataset('klines');
    const last = ds.parts[2]!;
    const file = `${partitionOf('klines', JAN1 + 48 * HOUR, 'ETHUSDT')}/part-0.parquet`;
    mkdirSync(dirname(join(ds.dir, file)), { recursive: true });
    renameSync(join(ds.dir, last.file), join(ds.dir, file));
    ds.parts[2] = { ...last, file, partition: dirname(file) };
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { partition_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'partition_mismatch', severity: 'error', dataset: ds.dir, partition: dirname(file), file, expected: 'symbol=BTCUSDT', actual: 'symbol=ETHUSDT', message: containing('symbol=ETHUSDT in a dataset of symbol=BTCUSDT') },
    ]);
  });

  it('fires for a data file outside any partition', async () => {
    const ds = await createDataset('futures');
    const last = ds.parts[2]!;
    renameSync(join(ds.dir, last.file), join(ds.dir, 'part-0.parquet'));
    ds.parts[2] = { ...last, file: 'part-0.parquet', partition: '' };
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { partition_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'partition_mismatch', severity: 'error', dataset: ds.dir, partition: '', file: 'part-0.parquet', expected: 'a futures partition path', actual: '(dataset root)', message: containing('part-0.parquet') },
    ]);
  });
});

describe('unsorted', () => {
  it('fires for a trade before the one above it in time', async () => {
    const ds = await createDataset('aggtrades');
    const rows = ds.parts[0]!.rows.map((r) => ({ ...r }));
    const ts = rows.map((r) => Number(r['timestamp']));
    const j = ts.findIndex((t, i) => i > 0 && ts[i - 1]! < t && t < ts[i + 1]! && ts[i + 1]! < ts[i + 2]!);
    // Trade j is stamped a millisecond after trade j + 1; ids stay consecutive.
    rows[j] = { ...rows[j]!, timestamp: BigInt(ts[j + 1]! + 1), timestamp_us: BigInt(ts[j + 1]! + 1) * 1000n };
    const part = await rewritePart(ds, 0, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { unsorted: 1 });
    expect(report.issues).toEqual([
      { code: 'unsorted', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: j + 1, key: ts[j + 1], timestamp: ts[j + 1], previousTimestamp: ts[j + 1]! + 1, message: containing(`${part.file} row ${j + 1}: timestamp`) },
    ]);
  });

  it('fires for trades of the same millisecond out of id order', async () => {
    const ds = await createDataset('aggtrades');
    const rows = ds.parts[0]!.rows.map((r) => ({ ...r }));
    // Rows 4 and 5 share a millisecond (every 6th trade does); their ids are swapped.
    expect(rows[5]!['timestamp']).toBe(rows[4]!['timestamp']);
    [rows[4], rows[5]] = [{ ...rows[4]!, trade_id: rows[5]!['trade_id'] }, { ...rows[5]!, trade_id: rows[4]!['trade_id'] }];
    const part = await rewritePart(ds, 0, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    // The ids going back is trade_id_gap's own finding of the same rows (counted in the next test).
    expect(CODES.filter((code) => report.stats.issueCounts[code] > 0)).toEqual(['unsorted', 'trade_id_gap']);
    const t = Number(rows[5]['timestamp']);
    expect(report.issues.filter((i) => i.code === 'unsorted')).toEqual([
      { code: 'unsorted', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: 5, key: t, timestamp: t, previousTimestamp: t, message: containing(`trade_id ${FIRST_TRADE_ID + 4} after ${FIRST_TRADE_ID + 5} at the same time`) },
    ]);
    expect(report.issues).toContainEqual({ code: 'trade_id_gap', severity: 'warning', dataset: ds.dir, partition: part.partition, file: part.file, row: 5, key: FIRST_TRADE_ID + 4, from: FIRST_TRADE_ID + 4, to: FIRST_TRADE_ID + 5, missing: 0, message: containing('ids go back in time order') });
  });

  // Ids 3, 5, 4, 6 are all there: none is missing, the step back is reported once.
  it('reports no trade id as missing when two ids are swapped', async () => {
    const ds = await createDataset('aggtrades');
    const rows = ds.parts[0]!.rows.map((r) => ({ ...r }));
    [rows[4], rows[5]] = [{ ...rows[4]!, trade_id: rows[5]!['trade_id'] }, { ...rows[5]!, trade_id: rows[4]!['trade_id'] }];
    await rewritePart(ds, 0, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expect(report.stats.missingTradeIds).toBe(0);
    expectOnly(report, { unsorted: 1, trade_id_gap: 1 });
  });

  // Two swapped candles are all there: no gap.
  it('fires alone for two swapped candles (no candle is missing)', async () => {
    const ds = await createDataset('klines');
    const rows = [...ds.parts[1]!.rows];
    [rows[100], rows[101]] = [rows[101]!, rows[100]!];
    await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    expectOnly(await validateDataset(ds.dir), { unsorted: 1 });
  });

  // Two swapped funding events are all there: no irregular cadence.
  it('fires alone for two swapped funding events (no event is missing)', async () => {
    const ds = await createDataset('futures');
    const rows = [...ds.parts[1]!.rows];
    [rows[0], rows[1]] = [rows[1]!, rows[0]!];
    await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    expectOnly(await validateDataset(ds.dir), { unsorted: 1 });
  });
});

describe('findings of the review, kept fixed', () => {
  it('finds duplicates across files after an unreadable file, naming the right files', async () => {
    const ds = await createDataset('klines', { manifest: false });
    writeFileSync(join(ds.dir, ds.parts[0]!.file), 'not parquet at all');
    const copy = ds.parts[2]!.file.replace('part-0', 'part-1');
    await writeRows(ds, copy, ds.parts[2]!.rows);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { unreadable_file: 1, duplicate_key: ds.parts[2]!.rows.length });
    expect(report.issues.find((i) => i.code === 'duplicate_key')).toMatchObject({ file: copy, row: 0, otherFile: ds.parts[2]!.file });
  });

  it('does not pull every file into the cross-file check for one stray key', () => {
    const day = (first: number, n: number, stray?: number): FileKeys => {
      const keys = new FileKeys();
      keys.add(Float64Array.from({ length: n }, (_, i) => first + i));
      if (stray !== undefined) keys.add([stray]);
      return keys;
    };
    const spans = [day(1000, 500, 1e12).spans(), day(1500, 500).spans(), day(2000, 500).spans()];
    expect(spans[0]).toEqual([{ first: 1000, last: 1499 }, { first: 1e12, last: 1e12 }]);
    expect(overlapZones(spans)).toEqual([]);
    // A real overlap is found, and only its keys are compared.
    expect(overlapZones([...spans, day(1990, 20).spans()])).toEqual([
      { first: 1990, last: 1999, files: [1, 3] },
      { first: 2000, last: 2009, files: [2, 3] },
    ]);
  });

  it('checks order within each file: another writer may split a partition into files in any order', async () => {
    const ds = await createDataset('aggtrades', { manifest: false });
    const part = ds.parts[1]!;
    const half = Math.floor(part.rows.length / 2);
    await writeRows(ds, part.file, part.rows.slice(half));
    await writeRows(ds, part.file.replace('part-0', 'part-1'), part.rows.slice(0, half));
    expectOnly(await validateDataset(ds.dir), {});
  });

  it('reports trade ids of a day below the days before once, as going back', async () => {
    const ds = await createDataset('aggtrades', { manifest: false });
    const day2 = ds.parts[1]!;
    await rewritePart(ds, 1, day2.rows.map((r) => ({ ...r, trade_id: (r['trade_id'] as bigint) - 1_000_000n })));
    const report = await validateDataset(ds.dir);
    expectOnly(report, { trade_id_gap: 1 });
    expect(report.issues[0]).toMatchObject({ file: day2.file, row: 0, missing: 0, message: containing('ids go back in time order') });
    expect(report.stats.missingTradeIds).toBe(0);
  });

  it('follows a funding interval change in data without an interval column', async () => {
    const rows: Row[] = [];
    let t = JAN1;
    for (let k = 0; k < 42; k++) {
      rows.push({ timestamp: BigInt(t), timeframe: '1m', funding_rate: 0.0001, funding_time: BigInt(t), funding_interval_hours: null, mark_price: 42_000 });
      t += (k < 11 ? 8 : 4) * HOUR;
    }
    const ds = await createDataset('futures', { rows });
    expectOnly(await validateDataset(ds.dir), {});
    // A missing event is still found.
    const gap = await createDataset('futures', { rows: rows.filter((_, k) => k !== 30) });
    expectOnly(await validateDataset(gap.dir), { funding_irregular: 1 });
  });

  it('treats a sampled source row that lost a key conflict by policy as dropped, not as a mismatch', async () => {
    const tmp = tempDir();
    const identity = { kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' } as const;
    const candles = klineRows().slice(0, 20);
    const line = (r: Row, close = r['close']): string => [r['timestamp'], r['open'], r['high'], r['low'], close, r['volume']].join(',');
    const csv = ['timestamp,open,high,low,close,volume', ...candles.map((r) => line(r)), line(candles[3]!, Number(candles[3]!['close']) + 0.25)].join('\n');
    writeFileSync(join(tmp, 'source.csv'), `${csv}\n`);
    const source = openSource(join(tmp, 'source.csv'), { kind: 'klines' });
    const report = await writePartitions(source, { outputDir: join(tmp, 'unified'), dataset: identity, onConflict: 'keep-last' });
    expect(report.conflictsResolved).toBe(1);
    const ds: Dataset = { tmp, dir: report.datasetDir, kind: 'klines', compression: 'snappy', parts: [] };
    const manifest = datasetManifest(identity, await manifestEntries(ds, report.partitions.flatMap((p) => p.files.map((f) => `${p.path}/${f.name}`))));
    await writeDatasetManifest(ds.dir, manifest);
    const stat = statSync(join(tmp, 'source.csv'));
    const sources = [{ path: 'source.csv', size: stat.size, mtime: stat.mtime.toISOString(), mtime_ms: stat.mtimeMs, sha256: sha256(readFileSync(join(tmp, 'source.csv'))), format: 'csv', role: 'consolidated', rows_read: 21, rows_skipped: 0 }];
    const entry = datasetMetadata({ identity, manifest, sources, run: runRecordOf(report, 21, iso(JAN1)) });
    await writeJsonFile(join(tmp, 'unified', 'metadata.json'), updateUnifiedMetadata(undefined, [entry], { converter: { name: 'unified', version: '0.0.0' }, now: new Date(JAN1) }));
    const validated = await validateDataset(ds.dir, { sources: true });
    expectOnly(validated, {});
    expect(validated.stats.sources).toMatchObject({ sampled: 21, verified: 20, droppedByPolicy: 1 });
  });
});

describe('duplicate_key', () => {
  it('fires across files: a trade id in the files of two days, naming the other file', async () => {
    const ds = await createDataset('aggtrades');
    const [day1, day2] = ds.parts as [Part, Part];
    const lastId = day1.rows.at(-1)!['trade_id'] as bigint;
    // Day 2 starts with another sighting of day 1's last trade id, at day 2's first millisecond (still in order).
    await rewritePart(ds, 1, [{ ...day2.rows[0]!, trade_id: lastId }, ...day2.rows]);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { duplicate_key: 1 });
    expect(report.issues).toEqual([
      { code: 'duplicate_key', severity: 'error', dataset: ds.dir, partition: day2.partition, file: day2.file, row: 0, column: 'trade_id', key: Number(lastId), otherFile: day1.file, message: containing(`is also in ${day1.file}`) },
    ]);
  });

  it('fires for a candle twice in a row of a sorted file', async () => {
    const ds = await createDataset('klines');
    const rows = ds.parts[1]!.rows;
    const part = await rewritePart(ds, 1, [...rows.slice(0, 11), rows[10]!, ...rows.slice(11)]);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { duplicate_key: 1 });
    const t = Number(rows[10]!['timestamp']);
    expect(report.issues).toEqual([
      { code: 'duplicate_key', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: 11, column: 'timestamp', key: t, message: containing(`${iso(t)} appears more than once in the file`) },
    ]);
  });

  it('fires inside one unsorted file (a candle repeated at its end)', async () => {
    const ds = await createDataset('klines');
    const rows = ds.parts[1]!.rows;
    const part = await rewritePart(ds, 1, [...rows, rows[100]!]);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    // The repeated candle is also out of order: unsorted is the second, genuine finding.
    expectOnly(report, { duplicate_key: 1, unsorted: 1 });
    const t = Number(rows[100]!['timestamp']);
    expect(report.issues.find((i) => i.code === 'duplicate_key')).toEqual({ code: 'duplicate_key', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: 1440, column: 'timestamp', key: t, message: anyString });
    expect(report.issues.find((i) => i.code === 'unsorted')).toMatchObject({ row: 1440, key: t, previousTimestamp: Number(rows[1439]!['timestamp']) });
  });
});

describe('ohlc_inconsistent', () => {
  it.each([
    ['high_below_open_or_close', (r: Row) => ({ ...r, high: Math.min(r['open'] as number, r['close'] as number) - 0.25 })],
    ['low_above_open_or_close', (r: Row) => ({ ...r, low: Math.max(r['open'] as number, r['close'] as number) + 0.25 })],
    ['low_above_high', (r: Row) => ({ ...r, open: 100, close: 100, high: 101, low: 102 })],
  ] as const)('fires for %s', async (rule, plant) => {
    const ds = await createDataset('klines');
    const rows = [...ds.parts[1]!.rows];
    rows[200] = plant(rows[200]!);
    const part = await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { ohlc_inconsistent: 1 });
    const { open, high, low, close } = rows[200] as { open: number; high: number; low: number; close: number };
    expect(report.issues).toEqual([
      { code: 'ohlc_inconsistent', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: 200, key: Number(rows[200]['timestamp']), rule, open, high, low, close, message: containing(rule.replaceAll('_', ' ')) },
    ]);
  });
});

describe('negative_value', () => {
  it('fires for NaN in a price and a negative quantity', async () => {
    const ds = await createDataset('aggtrades');
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    rows[3]!['trade_price'] = NaN;
    rows[7]!['trade_quantity'] = -0.5;
    const part = await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { negative_value: 2 });
    const where = { severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file };
    expect(report.issues).toEqual([
      { code: 'negative_value', ...where, row: 3, key: Number(rows[3]!['timestamp']), column: 'trade_price', value: 'NaN', message: containing('numbers must be finite') },
      { code: 'negative_value', ...where, row: 7, key: Number(rows[7]!['timestamp']), column: 'trade_quantity', value: -0.5, message: containing('it may not be negative') },
    ]);
  });

  it('fires for a negative mark price and an infinite funding rate (a negative rate is fine)', async () => {
    const ds = await createDataset('futures');
    expect(ds.parts.flatMap((p) => p.rows).some((r) => (r['funding_rate'] as number) < 0)).toBe(true);
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    rows[0]!['mark_price'] = -1;
    rows[2]!['funding_rate'] = Infinity;
    const part = await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { negative_value: 2 });
    expect(report.issues.map((i) => [i.file, i.row, i.key, i.code === 'negative_value' ? [i.column, i.value] : null])).toEqual([
      [part.file, 0, Number(rows[0]!['timestamp']), ['mark_price', -1]],
      [part.file, 2, Number(rows[2]!['timestamp']), ['funding_rate', 'Infinity']],
    ]);
  });
});

describe('timestamp_out_of_range', () => {
  it('fires for a funding time in seconds', async () => {
    const ds = await createDataset('futures');
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    const seconds = Math.floor(Number(rows[1]!['funding_time']) / 1000);
    rows[1]!['funding_time'] = BigInt(seconds);
    const part = await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { timestamp_out_of_range: 1 });
    expect(report.issues).toEqual([
      { code: 'timestamp_out_of_range', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, row: 1, column: 'funding_time', value: seconds, message: containing('a wrong time unit?') },
    ]);
  });

  it('fires for a trade time in seconds, which is also outside its day and out of order', async () => {
    const ds = await createDataset('aggtrades');
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    const last = rows.length - 1;
    const seconds = Math.floor(Number(rows[last]!['timestamp']) / 1000);
    rows[last]!['timestamp'] = BigInt(seconds);
    const part = await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { timestamp_out_of_range: 1, partition_mismatch: 1, unsorted: 1 });
    expect(report.issues.find((i) => i.code === 'timestamp_out_of_range')).toEqual({
      code: 'timestamp_out_of_range',
      severity: 'error',
      dataset: ds.dir,
      partition: part.partition,
      file: part.file,
      row: last,
      column: 'timestamp',
      value: seconds,
      message: containing(`${part.file} row ${last}: timestamp ${seconds} is 1970-01-`),
    });
    expect(report.stats.minTimestamp).toBe(seconds);
  });

  it('follows the plausible window of `now` (up to two days ahead)', async () => {
    const ds = await createDataset('futures');
    const last = JAN1 + 64 * HOUR + 2;
    expect((await validateDataset(ds.dir, { now: last - 2 * 24 * HOUR })).issues).toEqual([]);
    const report = await validateDataset(ds.dir, { now: last - 2 * 24 * HOUR - 1 });
    expectOnly(report, { timestamp_out_of_range: 2 });
    expect(report.issues.map((i) => [i.file, i.row, i.code === 'timestamp_out_of_range' ? [i.column, i.value] : null])).toEqual([
      [ds.parts[2]!.file, 2, ['timestamp', last]],
      [ds.parts[2]!.file, 2, ['funding_time', last]],
    ]);
  });
});

describe('row_count_mismatch', () => {
  it('fires for a manifest entry with wrong rows', async () => {
    const ds = await createDataset('aggtrades');
    await writeManifest(ds, { edit: (files) => files.map((f, i) => (i === 1 ? { ...f, rows: f.rows + 1 } : f)) });
    const report = await validateDataset(ds.dir);
    expectOnly(report, { row_count_mismatch: 1 });
    const part = ds.parts[1]!;
    expect(report.issues).toEqual([
      { code: 'row_count_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, against: 'manifest', expected: part.rows.length + 1, actual: part.rows.length, message: containing(`${part.rows.length} rows, the manifest says ${part.rows.length + 1}`) },
    ]);
  });

  it('fires for a data file the manifest does not list', async () => {
    const ds = await createDataset('futures');
    await writeManifest(ds, { files: ds.parts.slice(0, 2).map((p) => p.file) });
    const report = await validateDataset(ds.dir);
    expectOnly(report, { row_count_mismatch: 1 });
    const part = ds.parts[2]!;
    expect(report.issues).toEqual([
      { code: 'row_count_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, against: 'manifest', expected: 0, actual: 3, message: containing('a data file the manifest does not list') },
    ]);
  });

  it('fires for a listed file that is not on disk', async () => {
    const ds = await createDataset('futures');
    const part = ds.parts[2]!;
    unlinkSync(join(ds.dir, part.file));
    const report = await validateDataset(ds.dir);
    expectOnly(report, { row_count_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'row_count_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, against: 'manifest', expected: 3, actual: 0, message: containing('but not on disk') },
    ]);
  });

  it('a manifest whose total disagrees with its files is refused as invalid, not reported', async () => {
    const ds = await createDataset('futures');
    const path = join(ds.dir, '_manifest.json');
    writeFileSync(path, JSON.stringify({ ...(JSON.parse(readFileSync(path, 'utf8')) as object), rows: 10 }));
    await expect(validateDataset(ds.dir)).rejects.toMatchObject({ code: 'METADATA_INVALID' });
  });
});

describe('unreadable_file', () => {
  it('fires for a truncated part-0.parquet', async () => {
    const ds = await createDataset('aggtrades');
    const part = ds.parts[1]!;
    const path = join(ds.dir, part.file);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    // The manifest knows the truncated bytes: only readability is at fault.
    await writeManifest(ds, { unreadable: [part.file] });
    const report = await validateDataset(ds.dir);
    expectOnly(report, { unreadable_file: 1 });
    expect(report.issues).toEqual([
      { code: 'unreadable_file', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, reason: containing(path), message: containing(`${part.file}: not a readable Parquet file`) },
    ]);
    expect(report.stats).toMatchObject({ files: 2, rows: ds.parts[0]!.rows.length });
  });

  it('fires for a file whose footer reads but whose data pages do not', async () => {
    const ds = await createDataset('aggtrades');
    const part = ds.parts[1]!;
    const path = join(ds.dir, part.file);
    const bytes = readFileSync(path);
    // Garbage over the header of the first data page (right after "PAR1"); footer and page indexes stay whole.
    bytes.fill(0xa5, 4, 44);
    writeFileSync(path, bytes);
    await writeManifest(ds, { unreadable: [part.file] });
    const report = await validateDataset(ds.dir);
    expectOnly(report, { unreadable_file: 1 });
    expect(report.issues).toEqual([
      { code: 'unreadable_file', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, reason: anyString, message: containing(`${part.file}: its footer reads but its data does not`) },
    ]);
  });
});

describe('checksum_mismatch', () => {
  it('fires for a byte flipped in a data page, the size and the manifest unchanged', async () => {
    const ds = await createDataset('futures', { compression: 'uncompressed' });
    const part = ds.parts[1]!;
    const path = join(ds.dir, part.file);
    const bytes = readFileSync(path);
    const before = sha256(bytes);
    // The first copy of a mark price is in the data (or dictionary) page; its lowest mantissa byte changes.
    const at = bytes.indexOf(Buffer.from(new Float64Array([part.rows[1]!['mark_price'] as number]).buffer));
    expect(at).toBeGreaterThan(4);
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(path, bytes);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { checksum_mismatch: 1 });
    const after = sha256(bytes);
    expect(report.issues).toEqual([
      { code: 'checksum_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, against: 'manifest', expected: before, actual: after, message: containing('the file changed after it was written') },
    ]);
    // Without hashing the change goes unnoticed: the size is the same.
    const unhashed = await validateDataset(ds.dir, { checksums: false });
    expect(unhashed.issues).toEqual([]);
    expect(unhashed.stats.checksums).toBe(false);
  });

  it('fires for a file whose size differs from the manifest', async () => {
    const ds = await createDataset('klines');
    const part = ds.parts[0]!;
    const size = statSync(join(ds.dir, part.file)).size;
    await writeManifest(ds, { edit: (files) => files.map((f) => (f.path === part.file ? { ...f, bytes: f.bytes + 1 } : f)) });
    const report = await validateDataset(ds.dir, { checksums: false });
    expectOnly(report, { checksum_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'checksum_mismatch', severity: 'error', dataset: ds.dir, partition: part.partition, file: part.file, against: 'manifest', expected: `${size + 1} bytes`, actual: `${size} bytes`, message: containing(`${size} bytes, the manifest says ${size + 1}`) },
    ]);
  });
});

describe('kline_gap', () => {
  it('fires for candles missing inside a file, with from, to and missing (a warning)', async () => {
    const ds = await createDataset('klines');
    const rows = ds.parts[1]!.rows;
    const part = await rewritePart(ds, 1, [...rows.slice(0, 300), ...rows.slice(303)]);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { kline_gap: 1 });
    const ts = (i: number): number => Number(rows[i]!['timestamp']);
    expect(report.issues).toEqual([
      { code: 'kline_gap', severity: 'warning', dataset: ds.dir, partition: part.partition, file: part.file, row: 300, key: ts(303), from: ts(300), to: ts(302), missing: 3, message: containing(`3 1m candles missing from ${iso(ts(300))} to ${iso(ts(302))}`) },
    ]);
    expect(report.stats).toMatchObject({ klineGaps: 1, missingCandles: 3 });
    await expectWarningOnlyUnlessStrict(ds, report, 'kline_gap');
  });

  it('fires for candles missing across a day boundary, at the first row of the next file', async () => {
    const ds = await createDataset('klines');
    const [day1, day2] = ds.parts as [Part, Part];
    const from = Number(day1.rows.at(-2)!['timestamp']);
    await rewritePart(ds, 0, day1.rows.slice(0, -2));
    await rewritePart(ds, 1, day2.rows.slice(3));
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { kline_gap: 1 });
    expect(report.issues).toEqual([
      { code: 'kline_gap', severity: 'warning', dataset: ds.dir, partition: day2.partition, file: day2.file, row: 0, key: from + 5 * MINUTE, from, to: from + 4 * MINUTE, missing: 5, message: anyString },
    ]);
  });
});

describe('kline_misaligned', () => {
  it('fires for a close_time off by one (a warning)', async () => {
    const ds = await createDataset('klines');
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    const t = Number(rows[42]!['timestamp']);
    rows[42]!['close_time'] = BigInt(t + MINUTE);
    const part = await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { kline_misaligned: 1 });
    expect(report.issues).toEqual([
      { code: 'kline_misaligned', severity: 'warning', dataset: ds.dir, partition: part.partition, file: part.file, row: 42, key: t, column: 'close_time', timestamp: t, expected: t + MINUTE - 1, actual: t + MINUTE, message: containing(`should be ${iso(t + MINUTE - 1)} for 1m candles`) },
    ]);
    await expectWarningOnlyUnlessStrict(ds, report, 'kline_misaligned');
  });

  it('fires for an open time off the minute grid', async () => {
    const ds = await createDataset('klines');
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    const t = Number(rows[42]!['timestamp']);
    rows[42]!['timestamp'] = BigInt(t + 1000);
    const part = await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { kline_misaligned: 1 });
    expect(report.issues).toEqual([
      { code: 'kline_misaligned', severity: 'warning', dataset: ds.dir, partition: part.partition, file: part.file, row: 42, key: t + 1000, column: 'timestamp', timestamp: t + 1000, expected: t, actual: t + 1000, message: anyString },
    ]);
  });
});

describe('trade_id_gap', () => {
  it('fires for missing aggregate trade ids, with from, to and missing (a warning)', async () => {
    const ds = await createDataset('aggtrades');
    const rows = ds.parts[1]!.rows;
    const part = await rewritePart(ds, 1, [...rows.slice(0, 10), ...rows.slice(13)]);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { trade_id_gap: 1 });
    const id = (i: number): number => Number(rows[i]!['trade_id']);
    expect(report.issues).toEqual([
      { code: 'trade_id_gap', severity: 'warning', dataset: ds.dir, partition: part.partition, file: part.file, row: 10, key: id(13), from: id(10), to: id(12), missing: 3, message: containing(`3 aggregate trade ids missing: ${id(10)}..${id(12)}`) },
    ]);
    expect(report.stats).toMatchObject({ tradeIdGaps: 1, missingTradeIds: 3 });
    await expectWarningOnlyUnlessStrict(ds, report, 'trade_id_gap');
  });
});

describe('funding_irregular', () => {
  it('fires for a missing funding event (a warning)', async () => {
    const ds = await createDataset('futures');
    const rows = ds.parts[1]!.rows;
    const part = await rewritePart(ds, 1, [rows[0]!, rows[2]!]);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { funding_irregular: 1 });
    const [before, after] = [Number(rows[0]!['timestamp']), Number(rows[2]!['timestamp'])];
    expect(report.issues).toEqual([
      { code: 'funding_irregular', severity: 'warning', dataset: ds.dir, partition: part.partition, file: part.file, row: 1, key: after, timestamp: after, previousTimestamp: before, expectedMs: 8 * HOUR, actualMs: after - before, message: containing('(1 event missing?)') },
    ]);
    await expectWarningOnlyUnlessStrict(ds, report, 'funding_irregular');
  });

  it('fires for an event off the hour, and for the one after it', async () => {
    const ds = await createDataset('futures');
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    const late = Number(rows[1]!['timestamp']) + 5 * MINUTE;
    Object.assign(rows[1]!, { timestamp: BigInt(late), funding_time: BigInt(late) });
    await rewritePart(ds, 1, rows);
    await writeManifest(ds);
    const report = await validateDataset(ds.dir);
    expectOnly(report, { funding_irregular: 2 });
    expect(report.issues.map((i) => [i.row, i.key, i.message.includes('300 s off the hour'), i.message.includes('early')])).toEqual([
      [1, late, true, false],
      [2, Number(rows[2]!['timestamp']), false, true],
    ]);
  });
});

describe('stray_file', () => {
  it('fires for a README.txt in the dataset and a CSV in a partition (warnings)', async () => {
    const ds = await createDataset('klines');
    writeFileSync(join(ds.dir, 'README.txt'), 'from the exchange archive');
    const part = ds.parts[1]!;
    writeFileSync(join(ds.dir, part.partition, 'part-0.csv'), 'open_time,open\n');
    const report = await validateDataset(ds.dir);
    expectOnly(report, { stray_file: 2 });
    expect(report.issues).toEqual(
      expect.arrayContaining([
        { code: 'stray_file', severity: 'warning', dataset: ds.dir, file: 'README.txt', message: containing('README.txt: not a data file') },
        { code: 'stray_file', severity: 'warning', dataset: ds.dir, partition: part.partition, file: `${part.partition}/part-0.csv`, message: anyString },
      ]),
    );
    await expectWarningOnlyUnlessStrict(ds, report, 'stray_file');
  });
});

// ---------------------------------------------------------------------------------------------------------
// Reconciliation with the sources (sample_mismatch, row_count_mismatch and checksum_mismatch against them)
// ---------------------------------------------------------------------------------------------------------

describe('reconciliation with the sources', () => {
  const SOURCE = 'sources/BTCUSDT-1m-2024-01.csv';
  const IDENTITY = { kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' } as const;

  interface Converted {
    readonly tmp: string;
    readonly dir: string;
    readonly rowsRead: number;
    readonly run: RunRecord;
    readonly files: string[];
  }

  /** 60 candles in a Binance archive CSV (header), from 2024-01-01 23:30 into Jan 2. */
  function sourceCsv(): string {
    const lines = ['open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore'];
    for (const row of klineRows().slice(0, 60)) {
      const t = Number(row['timestamp']);
      lines.push([t, row['open'], row['high'], row['low'], row['close'], row['volume'], t + MINUTE - 1, 12.5, 10, 0.5, 6.25, 0].join(','));
    }
    return `${lines.join('\n')}\n`;
  }

  /** Writes manifest and metadata.json from the files on disk (what `unified convert` records). */
  async function record(c: Converted, edit: (source: { rows_read: number }) => { rows_read: number } = (s) => s): Promise<void> {
    const ds: Dataset = { tmp: c.tmp, dir: c.dir, kind: 'klines', compression: 'snappy', parts: [] };
    const manifest = datasetManifest(IDENTITY, await manifestEntries(ds, c.files));
    await writeDatasetManifest(c.dir, manifest);
    const path = join(c.tmp, SOURCE);
    const stat = statSync(path);
    const source = { path: SOURCE, size: stat.size, mtime: stat.mtime.toISOString(), mtime_ms: stat.mtimeMs, sha256: sha256(readFileSync(path)), format: 'csv', role: 'consolidated', ...edit({ rows_read: c.rowsRead }), rows_skipped: 0 };
    const entry = datasetMetadata({ identity: IDENTITY, manifest, sources: [source], run: c.run });
    await writeJsonFile(join(c.tmp, 'unified', 'metadata.json'), updateUnifiedMetadata(undefined, [entry], { converter: { name: 'unified', version: '0.0.0' }, now: new Date(JAN1) }));
  }

  async function convert(): Promise<Converted> {
    const tmp = tempDir();
    mkdirSync(join(tmp, 'sources'));
    writeFileSync(join(tmp, SOURCE), sourceCsv());
    const source = openSource(join(tmp, SOURCE), { kind: 'klines' });
    const report = await writePartitions(source, { outputDir: join(tmp, 'unified'), dataset: IDENTITY });
    const rowsRead = source.summary!.rowsRead;
    const run = runRecordOf(report, rowsRead, iso(JAN1));
    const c = { tmp, dir: report.datasetDir, rowsRead, run, files: report.partitions.flatMap((p) => p.files.map((f) => `${p.path}/${f.name}`)) };
    await record(c);
    return c;
  }

  /** Rewrites a data file through the engine with `change` applied to its rows (read back by DuckDB). */
  async function changeRows(c: Converted, file: string, change: (rows: Row[]) => Row[]): Promise<void> {
    const path = join(c.dir, file);
    const rows = await queryDuckDb(`SELECT * FROM read_parquet(${sqlString(path)}, hive_partitioning = false) ORDER BY timestamp`);
    await writeBatchesToParquet([batchOf(fileSchema('klines'), change(rows))], path);
  }

  it('verifies every sampled row of a clean conversion', async () => {
    const c = await convert();
    expect(c.files).toHaveLength(2);
    const report = await validateDataset(c.dir, { sources: true });
    expect(report.issues).toEqual([]);
    expect(report.stats.metadata).toBe(true);
    expect(report.stats.sources).toEqual({ files: 1, filesRead: 1, rowsRead: 60, rowsSkipped: 0, sampled: 60, verified: 60, droppedByPolicy: 0 });
    // A smaller sample, seeded: the same rows each time.
    const small = await validateDataset(c.dir, { sources: true, sampleSize: 7, seed: 3 });
    expect(small.stats.sources).toMatchObject({ sampled: 7, verified: 7, droppedByPolicy: 0 });
    expect(small.issues).toEqual([]);
  });

  it('sample_mismatch names the column of a value changed in a data file', async () => {
    const c = await convert();
    await changeRows(c, c.files[1]!, (rows) => rows.map((r, i) => (i === 4 ? { ...r, volume: (r['volume'] as number) + 0.5 } : r)));
    await record(c);
    const report = await validateDataset(c.dir, { sources: true });
    expectOnly(report, { sample_mismatch: 1 });
    const row = klineRows()[34]!;
    expect(report.issues).toEqual([
      {
        code: 'sample_mismatch',
        severity: 'error',
        dataset: c.dir,
        key: Number(row['timestamp']),
        source: SOURCE,
        sourceRow: 35,
        column: 'volume',
        expected: String(row['volume']),
        actual: String((row['volume'] as number) + 0.5),
        message: containing(`has volume ${(row['volume'] as number) + 0.5} in the output, ${String(row['volume'])} in the source`),
      },
    ]);
    expect(report.stats.sources).toMatchObject({ sampled: 60, verified: 59, droppedByPolicy: 0 });
  });

  it('sample_mismatch reports a source row missing from the output', async () => {
    const c = await convert();
    await changeRows(c, c.files[1]!, (rows) => rows.slice(0, -1));
    await record(c);
    const report = await validateDataset(c.dir, { sources: true });
    expectOnly(report, { sample_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'sample_mismatch', severity: 'error', dataset: c.dir, key: Number(klineRows()[59]!['timestamp']), source: SOURCE, sourceRow: 60, message: containing('is not in the output') },
    ]);
  });

  it('checksum_mismatch when the source changed since the conversion (a row appended)', async () => {
    const c = await convert();
    const recorded = sha256(readFileSync(join(c.tmp, SOURCE)));
    appendFileSync(join(c.tmp, SOURCE), `${JAN1 + 24.5 * HOUR},1,1,1,1,1,${JAN1 + 24.5 * HOUR + MINUTE - 1},1,1,1,1,0\n`);
    const report = await validateDataset(c.dir, { sources: true });
    expectOnly(report, { checksum_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'checksum_mismatch', severity: 'error', dataset: c.dir, source: SOURCE, against: 'metadata', expected: recorded, actual: sha256(readFileSync(join(c.tmp, SOURCE))), message: containing(`source ${SOURCE}: changed since the conversion`) },
    ]);
    expect(report.stats.sources).toEqual({ files: 1, filesRead: 0, rowsRead: 0, rowsSkipped: 0, sampled: 0, verified: 0, droppedByPolicy: 0 });
  });

  it('checksum_mismatch when the source is gone', async () => {
    const c = await convert();
    unlinkSync(join(c.tmp, SOURCE));
    const report = await validateDataset(c.dir, { sources: true });
    expectOnly(report, { checksum_mismatch: 1 });
    expect(report.issues[0]).toMatchObject({ code: 'checksum_mismatch', against: 'metadata', actual: 'missing' });
  });

  it('row_count_mismatch when re-reading the source gives other counts than recorded', async () => {
    const c = await convert();
    await record(c, () => ({ rows_read: 61 }));
    const report = await validateDataset(c.dir, { sources: true });
    expectOnly(report, { row_count_mismatch: 1 });
    expect(report.issues).toEqual([
      { code: 'row_count_mismatch', severity: 'error', dataset: c.dir, source: SOURCE, against: 'source', expected: 61, actual: 60, message: containing(`source ${SOURCE}: 60 rows now, 61 when converted`) },
    ]);
  });

  it('row_count_mismatch when the files disagree with metadata.json', async () => {
    const c = await convert();
    await changeRows(c, c.files[1]!, (rows) => rows.slice(0, -1));
    await writeDatasetManifest(c.dir, datasetManifest(IDENTITY, await manifestEntries({ tmp: c.tmp, dir: c.dir, kind: 'klines', compression: 'snappy', parts: [] }, c.files)));
    const report = await validateDataset(c.dir);
    // Rows and the last timestamp disagree with the entry written at conversion (row_count_mismatch), and so does
    // the size on disk (checksum_mismatch: bytes are not a count of rows).
    expectOnly(report, { row_count_mismatch: 2, checksum_mismatch: 1 });
    expect(report.issues.map((i) => (i.code === 'row_count_mismatch' ? [i.against, i.expected, i.actual] : i.code === 'checksum_mismatch' ? [i.against, i.expected, i.actual] : null))).toEqual([
      ['metadata', 60, 59],
      ['metadata', expect.stringMatching(/^\d+ bytes$/u), expect.stringMatching(/^\d+ bytes$/u)],
      ['metadata', Number(klineRows()[59]!['timestamp']), Number(klineRows()[58]!['timestamp'])],
    ]);
  });

  it('says why it cannot reconcile a dataset without a metadata.json entry, and validates the rest', async () => {
    const ds = await createDataset('klines');
    const report = await validateDataset(ds.dir, { sources: true });
    expectOnly(report, {});
    expect(report.stats.sources).toEqual({ files: 0, filesRead: 0, rowsRead: 0, rowsSkipped: 0, sampled: 0, verified: 0, droppedByPolicy: 0, unavailable: containing('no entry in metadata.json') });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Every code is covered above
// ---------------------------------------------------------------------------------------------------------

describe('VALIDATION_CHECKS', () => {
  it('lists exactly the codes these tests plant', () => {
    expect(CODES.sort()).toEqual(
      [
        'schema_mismatch',
        'partition_mismatch',
        'unsorted',
        'duplicate_key',
        'ohlc_inconsistent',
        'negative_value',
        'timestamp_out_of_range',
        'row_count_mismatch',
        'unreadable_file',
        'checksum_mismatch',
        'kline_gap',
        'kline_misaligned',
        'trade_id_gap',
        'funding_irregular',
        'stray_file',
        'sample_mismatch',
      ].sort(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// assertValidDataset
// ---------------------------------------------------------------------------------------------------------

describe('assertValidDataset', () => {
  it('resolves with the report on clean data', async () => {
    const ds = await createDataset('futures');
    const report = await assertValidDataset(ds.dir);
    expect(report).toMatchObject({ ok: true, dataset: ds.dir, issues: [] });
  });

  it('throws a ValidationError naming the dataset, the counts and the first error', async () => {
    const ds = await createDataset('aggtrades');
    const rows = ds.parts[1]!.rows.map((r) => ({ ...r }));
    rows[3]!['trade_price'] = -1;
    rows[5]!['trade_price'] = -2;
    await rewritePart(ds, 1, rows);
    writeFileSync(join(ds.dir, 'README.txt'), 'x');
    const error = await assertValidDataset(ds.dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const failure = error as ValidationError;
    expect(ValidationError.isInstance(failure)).toBe(true);
    expect(failure.code).toBe('VALIDATION_FAILED');
    // negative_value ×2 and checksum_mismatch ×1 (the file changed after the manifest); the stray file only warns.
    expect(failure.issues).toBe(failure.report.issues);
    expect(failure.issues.map((i) => i.code).sort()).toEqual(['checksum_mismatch', 'negative_value', 'negative_value', 'stray_file']);
    const first = failure.issues.find((i) => i.severity === 'error')!;
    expect(failure.message).toBe(`${ds.dir}: 3 errors (negative_value ×2, checksum_mismatch ×1); first: ${first.message}`);
    expect(failure.message).toContain(ds.dir);
  });

  it('throws for warnings only under strict', async () => {
    const ds = await createDataset('futures');
    writeFileSync(join(ds.dir, 'README.txt'), 'x');
    await expect(assertValidDataset(ds.dir)).resolves.toMatchObject({ ok: true });
    await expect(assertValidDataset(ds.dir, { strict: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: containing('1 error (stray_file ×1); first: README.txt') });
  });

  it('throws SOURCE_NOT_FOUND for a folder that does not exist', async () => {
    await expect(validateDataset(join(tempDir(), 'nope'))).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });
});

// ---------------------------------------------------------------------------------------------------------
// Conversion-time checks
// ---------------------------------------------------------------------------------------------------------

describe('reconcileWrite', () => {
  const clean: StagedCounts = {
    rowsLoaded: 10,
    rowsIn: 10,
    rowsWritten: 8,
    duplicatesDropped: 1,
    conflictsResolved: 1,
    merged: false,
    partitions: [
      { path: 'day=1', rows: 5, files: [{ name: 'part-0.parquet', rows: 5 }] },
      { path: 'day=2', rows: 3, files: [{ name: 'part-0.parquet', rows: 2 }, { name: 'part-1.parquet', rows: 1 }] },
    ],
  };

  it('accepts counts that add up', () => {
    expect(reconcileWrite(clean)).toEqual([]);
  });

  it('names rows lost between the sources and the writer', () => {
    expect(reconcileWrite({ ...clean, rowsLoaded: 11 })).toEqual(['the writer received 10 rows, the sources yielded 11']);
  });

  it('names rows in that are not accounted for, unless existing rows were merged in', () => {
    expect(reconcileWrite({ ...clean, duplicatesDropped: 0 })).toEqual(['10 rows in, but 8 written + 0 duplicates + 1 conflicts = 9']);
    expect(reconcileWrite({ ...clean, duplicatesDropped: 0, merged: true })).toEqual([]);
  });

  it('names partitions that do not add up to the rows written', () => {
    expect(reconcileWrite({ ...clean, rowsWritten: 9, duplicatesDropped: 0 })).toEqual(['partitions hold 8 rows, 9 reported written']);
  });

  it('names a partition whose files do not add up to it', () => {
    const partitions = [clean.partitions[0]!, { ...clean.partitions[1]!, files: [{ name: 'part-0.parquet', rows: 2 }] }];
    expect(reconcileWrite({ ...clean, partitions })).toEqual(['day=2: files hold 2 rows, the partition 3']);
  });

  it('lists every mismatch at once', () => {
    expect(reconcileWrite({ ...clean, rowsLoaded: 12, rowsIn: 11, partitions: [] })).toEqual([
      'the writer received 11 rows, the sources yielded 12',
      '11 rows in, but 8 written + 1 duplicates + 1 conflicts = 10',
      'partitions hold 0 rows, 8 reported written',
    ]);
  });
});

describe('createStreamChecks', () => {
  const t = JAN1 + 10 * MINUTE;
  const candle = (i: number, change: Partial<Row> = {}): Row => ({ timestamp: BigInt(t + i * MINUTE), open: 10, high: 12, low: 9, close: 11, volume: 1, close_time: BigInt(t + (i + 1) * MINUTE - 1), ...change });
  const batch = (): arrow.RecordBatch =>
    batchOf(fileSchema('klines'), [
      candle(0),
      candle(1, { low: -1 }),
      candle(2, { high: 10.5 }),
      candle(3, { close_time: BigInt(t + 4 * MINUTE) }),
      candle(4, { close_time: BigInt(t + 5 * MINUTE) }),
    ]);

  it('refuses a negative price and an inconsistent candle, each reason starting with its code', () => {
    const checks = createStreamChecks({ kind: 'klines', timeframe: '1m' });
    const refused = checks.checkBatch(batch());
    expect(refused.map((r) => r.index)).toEqual([1, 2]);
    expect(refused[0]!.reason).toBe('negative_value: column "low" is -1; it may not be negative');
    expect(refused[1]!.reason).toBe('ohlc_inconsistent: high below open or close (open 10, high 10.5, low 9, close 11)');
  });

  it('counts candles off the grid as warnings, with the first one', () => {
    const checks = createStreamChecks({ kind: 'klines', timeframe: '1m' });
    checks.checkBatch(batch());
    checks.checkBatch(batch());
    expect(checks.warnings()).toEqual([{ code: 'kline_misaligned', count: 4, first: `kline_misaligned: close_time ${iso(t + 4 * MINUTE)} should be ${iso(t + 4 * MINUTE - 1)}` }]);
  });

  it('refuses the misaligned candles too under strict', () => {
    const checks = createStreamChecks({ kind: 'klines', timeframe: '1m', strict: true });
    const refused = checks.checkBatch(batch());
    expect(refused.map((r) => [r.index, r.reason.slice(0, r.reason.indexOf(':'))])).toEqual([
      [1, 'negative_value'],
      [2, 'ohlc_inconsistent'],
      [3, 'kline_misaligned'],
      [4, 'kline_misaligned'],
    ]);
    expect(checks.warnings()).toEqual([]);
  });

  // Arrow's builders pad value buffers to 64 bytes: a 5-row batch from vectorFromArray has 8 int64 slots, and
  // the 3 slots beyond the rows must not be checked.
  it('checks only the rows of a batch whose buffers arrow padded', () => {
    const schema = fileSchema('klines');
    const rows = [candle(0), candle(1), candle(2), candle(3), candle(4)];
    const padded = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 5, nullCount: 0, children: schema.fields.map((f) => arrow.vectorFromArray(rows.map((r) => r[f.name] ?? null), f.type as arrow.DataType).data[0]!) }));
    expect(padded.numRows).toBe(5);
    expect(createStreamChecks({ kind: 'klines', timeframe: '1m', strict: true }).checkBatch(padded)).toEqual([]);
  });

  it('without a timeframe checks no grid', () => {
    const checks = createStreamChecks({ kind: 'klines' });
    expect(checks.checkBatch(batch()).map((r) => r.index)).toEqual([1, 2]);
    expect(checks.warnings()).toEqual([]);
  });

  it('makes a loader fail on a refused row, naming its line', async () => {
    const dir = tempDir();
    const path = join(dir, 'BTCUSDT-1m-2024-01-01.csv');
    writeFileSync(path, `${t},10,12,9,11,1,${t + MINUTE - 1},1,1,1,1,0\n${t + MINUTE},10,12,-9,11,1,${t + 2 * MINUTE - 1},1,1,1,1,0\n`);
    const checks = createStreamChecks({ kind: 'klines', timeframe: '1m' });
    const read = async (): Promise<void> => {
      for await (const _batch of openSource(path, { kind: 'klines', checkBatch: checks.checkBatch })) {
        // drain
      }
    };
    await expect(read()).rejects.toThrow(`${path}:2: negative_value: column "low" is -9; it may not be negative`);
  });
});
