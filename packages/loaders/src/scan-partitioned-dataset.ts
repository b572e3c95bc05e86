/**
 * Reading a Hive-partitioned dataset back (the seed's `read_partitioned_dataset`), with pyarrow-style filters
 * and pruning in three steps: partition folders the filter rules out are never listed (see dataset-files.ts),
 * row groups whose min/max statistics rule them out are never decoded, and the remaining rows are filtered on
 * their typed arrays. Only the columns asked for (and those the filter needs) are decoded; partition columns
 * come from the path with the types of decision D1. Batches stream one at a time: memory does not grow with the
 * dataset.
 */
import { resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import { UnifiedError } from '@unified/schemas';
import { type CompiledFilter, type CompiledTerm, type ComparableKind, type DatasetFilter, type FilterTerm, compileFilter, filterConjunctions, mayMatchRange, matches } from './dataset-filter.js';
import { type DatasetFile, PARTITION_KEY_KINDS, type WalkStats, conjunctionMayHold, findDatasetFiles, partitionValue } from './dataset-files.js';
import { acquireDecoder, releaseDecoder } from './parquet-decoder.js';
import { type RowGroupStats, readRowGroupStats } from './row-group-stats.js';
import { takeRows } from './take-rows.js';

/** A moment: a Date, an ISO 8601 string (UTC unless it says otherwise) or milliseconds since the epoch. */
export type TimeBound = Date | string | number;

/** Options of {@link scanPartitionedDataset} and {@link readPartitionedDataset}. */
export interface DatasetReadOptions {
  /** pyarrow-style filter: `[[column, op, value], …]` (AND) or a list of such lists (OR of ANDs). */
  readonly filters?: DatasetFilter;
  /** Only rows with `timestamp >= start` (inclusive)… */
  readonly start?: TimeBound;
  /** …and `timestamp < end` (exclusive); both also prune partitions by day. */
  readonly end?: TimeBound;
  /** Columns to return, in this order (data and partition columns); all when absent. */
  readonly columns?: readonly string[];
  /** Stop after this many rows. */
  readonly limit?: number;
  /** Rows per decoded batch. @default 65536 */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

/** What a scan did, step by step (the explain output). */
export interface ScanStats {
  /** Partition folders listed, and skipped without listing (step 1). */
  foldersListed: number;
  foldersPruned: number;
  /** Data files found under the remaining folders, and opened. */
  filesFound: number;
  filesOpened: number;
  /** Row groups in the opened files, and skipped by their statistics (step 2). */
  rowGroups: number;
  rowGroupsPruned: number;
  /** Rows decoded, and rows that matched the filter (step 3). */
  rowsRead: number;
  rowsMatched: number;
}

/** A running scan: the batches, and what was pruned so far. */
export interface DatasetScan extends AsyncIterable<arrow.RecordBatch> {
  readonly stats: ScanStats;
  /** The stats as lines for people. */
  explain(): string;
}

function toMs(bound: TimeBound, name: string): number {
  const ms = bound instanceof Date ? bound.getTime() : typeof bound === 'number' ? bound : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/u.test(bound) || !bound.includes('T') ? bound : `${bound}Z`);
  if (!Number.isFinite(ms)) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${name} ${JSON.stringify(String(bound))} is not a date, an ISO 8601 time or milliseconds` });
  return ms;
}

function kindOf(type: arrow.DataType): ComparableKind | undefined {
  if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type) || arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type)) return 'number';
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) return 'string';
  if (arrow.DataType.isBool(type)) return 'boolean';
  return undefined;
}

/** The Arrow type a partition column gets (D1): year int16, month and day int8, anything else text. */
function partitionType(key: string): arrow.DataType {
  if (key === 'year') return new arrow.Int16();
  if (key === 'month' || key === 'day') return new arrow.Int8();
  return new arrow.Utf8();
}

/** A column of `length` copies of one partition value. */
function constantColumn(type: arrow.DataType, value: string, length: number): arrow.Data {
  if (arrow.DataType.isUtf8(type)) {
    const bytes = Buffer.from(value, 'utf8');
    const data = new Uint8Array(bytes.length * length);
    const offsets = new Int32Array(length + 1);
    for (let i = 0; i < length; i++) {
      data.set(bytes, i * bytes.length);
      offsets[i + 1] = (i + 1) * bytes.length;
    }
    return arrow.makeData({ type: type, length, valueOffsets: offsets, data });
  }
  const n = Number(value);
  if (arrow.DataType.isInt(type) && type.bitWidth === 16) return arrow.makeData({ type: new arrow.Int16(), length, data: new Int16Array(length).fill(n) });
  return arrow.makeData({ type: new arrow.Int8(), length, data: new Int8Array(length).fill(n) });
}

/** Row evaluator of one term over a batch: `(row) => matches`. */
function termEvaluator(term: CompiledTerm, batch: arrow.RecordBatch, constant: number | string | undefined): (row: number) => boolean {
  if (constant !== undefined) {
    const result = matches(term, constant);
    return () => result;
  }
  const vector = batch.getChild(term.column)!;
  const data = vector.data[0]!;
  const type = data.type as arrow.DataType;
  const hasNulls = data.nullCount > 0;
  const valid = (row: number): boolean => !hasNulls || vector.isValid(row);
  if (term.kind === 'number' && (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type))) {
    const values = data.values as ArrayLike<number | bigint>;
    return (row) => valid(row) && matches(term, Number(values[row]!));
  }
  if (term.kind === 'number' && arrow.DataType.isTimestamp(type)) {
    const values = data.values as BigInt64Array;
    const perMs = { [arrow.TimeUnit.SECOND]: 1e-3, [arrow.TimeUnit.MILLISECOND]: 1, [arrow.TimeUnit.MICROSECOND]: 1e3, [arrow.TimeUnit.NANOSECOND]: 1e6 }[(type).unit];
    return (row) => valid(row) && matches(term, Math.floor(Number(values[row]!) / perMs));
  }
  return (row) => {
    const value = vector.get(row) as unknown;
    return value !== null && matches(term, typeof value === 'bigint' ? Number(value) : (value as number | string | boolean));
  };
}

/** Indexes of the rows of `batch` that `filter` matches (`undefined`: all of them). */
function matchingRows(filter: CompiledFilter, batch: arrow.RecordBatch, partition: ReadonlyMap<string, string>): Uint32Array | undefined {
  if (filter.length === 0) return undefined;
  const conjunctions = filter.map((terms) => terms.map((term) => termEvaluator(term, batch, partition.has(term.column) ? partitionValue(term.column, partition.get(term.column)!) : undefined)));
  const rows = new Uint32Array(batch.numRows);
  let n = 0;
  for (let row = 0; row < batch.numRows; row++) {
    if (conjunctions.some((terms) => terms.every((match) => match(row)))) rows[n++] = row;
  }
  return n === batch.numRows ? undefined : rows.subarray(0, n);
}

/** Row groups some conjunction may match, from their statistics (all of them when there are none). */
function rowGroupsToRead(filter: CompiledFilter, stats: readonly RowGroupStats[], partition: ReadonlyMap<string, string>): number[] {
  const keep: number[] = [];
  stats.forEach((group, i) => {
    const may = filter.some(
      (terms) =>
        conjunctionMayHold(terms, partition) &&
        terms.every((term) => {
          const range = group.columns.get(term.column);
          return partition.has(term.column) || range === undefined || typeof range.min !== typeof term.values[0] || mayMatchRange(term, range.min, range.max);
        }),
    );
    if (may) keep.push(i);
  });
  return keep;
}

class Scan implements DatasetScan {
  readonly stats: ScanStats = { foldersListed: 0, foldersPruned: 0, filesFound: 0, filesOpened: 0, rowGroups: 0, rowGroupsPruned: 0, rowsRead: 0, rowsMatched: 0 };

  constructor(
    private readonly root: string,
    private readonly options: DatasetReadOptions,
  ) {}

  explain(): string {
    const s = this.stats;
    return [
      `1. partitions: listed ${s.foldersListed} folders, pruned ${s.foldersPruned} without listing them`,
      `2. files: ${s.filesFound} found, ${s.filesOpened} opened; row groups: ${s.rowGroups}, ${s.rowGroupsPruned} skipped by their min/max statistics`,
      `3. rows: ${s.rowsRead} decoded, ${s.rowsMatched} matched the filter`,
    ].join('\n');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<arrow.RecordBatch> {
    const { options, stats } = this;
    const { signal, batchSize = 65_536 } = options;
    const limit = options.limit ?? Infinity;
    if (!(limit >= 0)) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `limit must be a non-negative integer, got ${options.limit}` });
    const time: CompiledTerm[] = [];
    if (options.start !== undefined) time.push({ column: 'timestamp', op: '>=', values: [toMs(options.start, 'start')], kind: 'number' });
    if (options.end !== undefined) time.push({ column: 'timestamp', op: '<', values: [toMs(options.end, 'end')], kind: 'number' });

    // Step 1 needs only the terms on partition keys and on timestamp; the whole filter is checked against the
    // columns once the first file's schema is known.
    const conjunctions = filterConjunctions(options.filters);
    const forFolders = conjunctions.map((terms) => terms.filter(([column]) => PARTITION_KEY_KINDS.has(column) || column === 'timestamp'));
    const folderFilter = withTime(
      compileFilter(forFolders, (column) => PARTITION_KEY_KINDS.get(column) ?? 'number', []),
      time,
    );
    const walk: WalkStats = { foldersListed: 0, foldersPruned: 0 };
    const files = await findDatasetFiles(this.root, folderFilter, walk);
    stats.foldersListed = walk.foldersListed;
    stats.foldersPruned = walk.foldersPruned;
    stats.filesFound = files.length;
    if (files.length === 0) {
      // Nothing can match, but a wrong column name must still be an error: check it against any file.
      const any = await findDatasetFiles(this.root, [], { foldersListed: 0, foldersPruned: 0 }, 1);
      if (any[0] !== undefined) await describeFile(any[0], conjunctions, options.columns, time);
      return;
    }

    let schema: arrow.Schema | undefined;
    let filter: CompiledFilter = [];
    let wanted: string[] = [];
    let emitted = 0;
    for (const file of files) {
      signal?.throwIfAborted();
      if (emitted >= limit) return;
      const decoder = acquireDecoder();
      try {
        const opened = await decoder.request({ type: 'open', path: file.path });
        if (opened.type !== 'opened') throw new Error(`unexpected reply ${opened.type}`);
        stats.filesOpened++;
        const fileSchema = arrow.tableFromIPC(opened.schema).schema;
        if (schema === undefined) ({ schema, filter, wanted } = plan(fileSchema, file, conjunctions, options.columns, time));
        // Step 2: row groups, from their statistics, when the filter has terms on data columns.
        const groups = opened.rowGroupRows.length;
        stats.rowGroups += groups;
        let rowGroups: number[] | undefined;
        if (filter.some((terms) => terms.some((t) => !file.partition.has(t.column)))) {
          const groupStats = await readRowGroupStats(file.path);
          if (groupStats !== undefined && groupStats.length === groups) {
            rowGroups = rowGroupsToRead(filter, groupStats, file.partition);
            stats.rowGroupsPruned += groups - rowGroups.length;
            if (rowGroups.length === groups) rowGroups = undefined;
          }
        }
        if (rowGroups?.length === 0) continue;
        await decoder.request({ type: 'stream', batchSize, columns: wanted, ...(rowGroups === undefined ? {} : { rowGroups }) });
        for (;;) {
          signal?.throwIfAborted();
          const reply = await decoder.request({ type: 'next' });
          if (reply.type === 'end') break;
          if (reply.type !== 'batch') throw new Error(`unexpected reply ${reply.type}`);
          for (const decoded of arrow.tableFromIPC(reply.ipc).batches) {
            stats.rowsRead += decoded.numRows;
            const rows = matchingRows(filter, decoded, file.partition);
            let kept = rows === undefined ? decoded : rows.length === 0 ? undefined : takeRows(decoded, rows);
            if (kept === undefined) continue;
            if (emitted + kept.numRows > limit) kept = kept.slice(0, limit - emitted);
            stats.rowsMatched += kept.numRows;
            emitted += kept.numRows;
            yield assemble(schema, kept, file);
            if (emitted >= limit) return;
          }
        }
      } catch (error) {
        if (UnifiedError.isInstance(error)) throw error;
        if (signal?.aborted === true) throw new UnifiedError({ code: 'ABORTED', message: `${file.path}: reading was aborted`, cause: signal.reason });
        throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${file.path}: cannot be read (${error instanceof Error ? error.message : String(error)})`, cause: error });
      } finally {
        if (decoder.healthy) await decoder.request({ type: 'close' }).catch(() => undefined);
        await releaseDecoder(decoder);
      }
    }
  }
}

/** The output schema, compiled filter and data columns to decode, from the first file's schema. */
function plan(
  fileSchema: arrow.Schema,
  file: DatasetFile,
  conjunctions: readonly (readonly FilterTerm[])[],
  columns: readonly string[] | undefined,
  time: readonly CompiledTerm[],
): { schema: arrow.Schema; filter: CompiledFilter; wanted: string[] } {
  const dataNames = fileSchema.fields.map((f) => f.name);
  const partitionKeys = [...file.partition.keys()].filter((key) => !dataNames.includes(key));
  const all = [...dataNames, ...partitionKeys];
  const kindOfColumn = (column: string): ComparableKind | undefined => {
    const field = fileSchema.fields.find((f) => f.name === column);
    if (field !== undefined) return kindOf(field.type as arrow.DataType);
    return partitionKeys.includes(column) ? (PARTITION_KEY_KINDS.get(column) ?? 'string') : undefined;
  };
  const filter = withTime(compileFilter(conjunctions, kindOfColumn, all), time);
  const requested = columns ?? all;
  for (const name of requested) {
    if (!all.includes(name)) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `column "${name}": no such column; the dataset has ${all.join(', ')}` });
  }
  const needed = new Set([...requested, ...filter.flatMap((terms) => terms.map((t) => t.column))]);
  const schema = new arrow.Schema(requested.map((name) => fileSchema.fields.find((f) => f.name === name) ?? new arrow.Field(name, partitionType(name), false)));
  return { schema, filter, wanted: dataNames.filter((name) => needed.has(name)) };
}

/** Checks the filter and columns against one file's schema (used when pruning left no file to read). */
async function describeFile(file: DatasetFile, conjunctions: readonly (readonly FilterTerm[])[], columns: readonly string[] | undefined, time: readonly CompiledTerm[]): Promise<void> {
  const decoder = acquireDecoder();
  try {
    const opened = await decoder.request({ type: 'open', path: file.path });
    if (opened.type !== 'opened') throw new Error(`unexpected reply ${opened.type}`);
    plan(arrow.tableFromIPC(opened.schema).schema, file, conjunctions, columns, time);
  } finally {
    if (decoder.healthy) await decoder.request({ type: 'close' }).catch(() => undefined);
    await releaseDecoder(decoder);
  }
}

/** Adds the time-range terms to every conjunction (or makes them the only one). */
function withTime(filter: CompiledFilter, time: readonly CompiledTerm[]): CompiledFilter {
  if (time.length === 0) return filter;
  return filter.length === 0 ? [time] : filter.map((terms) => [...terms, ...time]);
}

/** The output batch: the requested columns in order, partition columns filled from the path. */
function assemble(schema: arrow.Schema, batch: arrow.RecordBatch, file: DatasetFile): arrow.RecordBatch {
  const children = schema.fields.map((field) => {
    const child = batch.getChild(field.name);
    if (child !== null) return child.data[0]!;
    const value = file.partition.get(field.name);
    if (value === undefined) throw new UnifiedError({ code: 'SOURCE_UNMAPPABLE', message: `${file.path}: has no column or partition folder "${field.name}", which other files of the dataset have` });
    return constantColumn(field.type as arrow.DataType, value, batch.numRows);
  });
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: batch.numRows, nullCount: 0, children: children as arrow.Data[] }));
}

/**
 * Streams the rows of a Hive-partitioned dataset that match the options, one record batch at a time, pruning
 * partitions and row groups first. `stats` and `explain()` tell what was pruned.
 *
 * @example
 * const scan = scanPartitionedDataset('data_cache/unified/aggtrades/binance_BTCUSDT', { start: '2024-01-02', end: '2024-01-03' });
 * for await (const batch of scan) console.log(batch.numRows);
 * console.log(scan.explain());
 */
export function scanPartitionedDataset(path: string, options: DatasetReadOptions = {}): DatasetScan {
  return new Scan(resolve(path), options);
}

/**
 * The rows of a Hive-partitioned dataset that match the options, as one Arrow table (the seed's
 * `read_partitioned_dataset`). Use {@link scanPartitionedDataset} for datasets larger than memory.
 *
 * @example
 * const table = await readPartitionedDataset('data_cache/unified/klines/binance_BTCUSDT_1m', {
 *   filters: [['year', '=', 2024], ['month', '=', 1]],
 * });
 */
export async function readPartitionedDataset(path: string, options: DatasetReadOptions = {}): Promise<arrow.Table> {
  const batches: arrow.RecordBatch[] = [];
  for await (const batch of scanPartitionedDataset(path, options)) batches.push(batch);
  return new arrow.Table(batches);
}
