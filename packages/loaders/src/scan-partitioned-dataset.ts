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
import { UnifiedError, isPlausibleTimestamp } from '@unified/schemas';
import { type CompiledFilter, type CompiledTerm, type ComparableKind, type DatasetFilter, type FilterTerm, compileFilter, filterConjunctions, integerTerm, mayMatchRange, matches } from './dataset-filter.js';
import { type DatasetFile, NULL_PARTITION_VALUE, PARTITION_KEY_KINDS, type WalkStats, conjunctionMayHold, findDatasetFiles, partitionValue } from './dataset-files.js';
import { type ParquetFileReader, openParquetFile } from './parquet-file-reader.js';
import { type ColumnStats, type RowGroupStats, readRowGroupStats } from './row-group-stats.js';
import { takeRows } from './take-rows.js';
import { parseUtcTime } from './utc-time-text.js';

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
  const ms = bound instanceof Date ? bound.getTime() : typeof bound === 'number' ? bound : parseUtcTime(bound);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${name} ${JSON.stringify(String(bound))} is not a time: expected ISO 8601 (2024-01-02, 2024-01-02T03:04:05Z; UTC unless a zone is given), a Date or milliseconds` });
  }
  // A time in seconds (or microseconds) given as milliseconds lands in 1970 (or far in the future): refuse it (D5).
  if (!isPlausibleTimestamp(ms)) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${name} ${JSON.stringify(String(bound))} is ${new Date(ms).toISOString()}, outside 2009 to now; milliseconds are expected (seconds? multiply by 1000)` });
  }
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

/** A column of `length` copies of one partition value (all null for the null partition). */
function constantColumn(type: arrow.DataType, text: string, length: number): arrow.Data {
  const isNull = text === NULL_PARTITION_VALUE;
  const nulls = isNull ? { nullCount: length, nullBitmap: new Uint8Array((length + 7) >> 3) } : {};
  const value = isNull ? '' : text;
  if (arrow.DataType.isUtf8(type)) {
    const bytes = Buffer.from(value, 'utf8');
    const data = new Uint8Array(bytes.length * length);
    const offsets = new Int32Array(length + 1);
    for (let i = 0; i < length; i++) {
      data.set(bytes, i * bytes.length);
      offsets[i + 1] = (i + 1) * bytes.length;
    }
    return arrow.makeData({ type, length, valueOffsets: offsets, data, ...nulls });
  }
  const n = isNull ? 0 : Number(value);
  if (arrow.DataType.isInt(type) && type.bitWidth === 16) return arrow.makeData({ type: new arrow.Int16(), length, data: new Int16Array(length).fill(n), ...nulls });
  return arrow.makeData({ type: new arrow.Int8(), length, data: new Int8Array(length).fill(n), ...nulls });
}

const UNITS_PER_MS: Readonly<Record<number, bigint>> = { [arrow.TimeUnit.MILLISECOND]: 1n, [arrow.TimeUnit.MICROSECOND]: 1_000n, [arrow.TimeUnit.NANOSECOND]: 1_000_000n };

/** Row evaluator of one term over a batch: `(row) => matches`. */
function termEvaluator(term: CompiledTerm, batch: arrow.RecordBatch, constant: number | string | null | undefined): (row: number) => boolean {
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
    // int64: exact, as bigints, when the filter's values are integers (ids beyond 2^53 stay distinct).
    const exact = arrow.DataType.isInt(type) && type.bitWidth === 64 ? integerTerm(term) : undefined;
    if (exact !== undefined) return (row) => valid(row) && matches(exact, BigInt(values[row]!));
    return (row) => valid(row) && matches(term, Number(values[row]!));
  }
  if (term.kind === 'number' && arrow.DataType.isTimestamp(type)) {
    const values = data.values as BigInt64Array;
    const unit = type.unit;
    if (unit === arrow.TimeUnit.SECOND) {
      // Whole seconds: compared in milliseconds, exactly.
      const exact = integerTerm(term);
      if (exact !== undefined) return (row) => valid(row) && matches(exact, values[row]! * 1000n);
      return (row) => valid(row) && matches(term, Number(values[row]!) * 1000);
    }
    // Finer units: the filter's milliseconds scaled to the column's unit, so sub-millisecond times compare exactly.
    const exact = integerTerm(term, UNITS_PER_MS[unit]);
    if (exact !== undefined) return (row) => valid(row) && matches(exact, values[row]!);
    const perMs = Number(UNITS_PER_MS[unit]);
    return (row) => valid(row) && matches(term, Number(values[row]!) / perMs);
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

/**
 * Columns whose statistics can be trusted for pruning: signed integers, floats, text and booleans. The footer
 * reader returns unsigned integers as signed and timestamps in their raw unit, so those are never used.
 */
function prunableColumns(schema: arrow.Schema): Set<string> {
  const out = new Set<string>();
  for (const field of schema.fields) {
    const type = field.type as arrow.DataType;
    if ((arrow.DataType.isInt(type) && type.isSigned) || arrow.DataType.isFloat(type) || arrow.DataType.isUtf8(type) || arrow.DataType.isBool(type)) out.add(field.name);
  }
  return out;
}

/** Whether a row group with these statistics may hold rows matching `term`. */
function groupMayMatch(term: CompiledTerm, range: ColumnStats | undefined, float: boolean): boolean {
  if (range === undefined) return true;
  // NaN sorts outside min/max in most writers: != and not in on floats could still match it.
  if (float && (term.op === '!=' || term.op === 'not in')) return true;
  if (typeof range.min === 'bigint' && typeof range.max === 'bigint') {
    const exact = integerTerm(term);
    return exact === undefined || mayMatchRange(exact, range.min, range.max);
  }
  const min = typeof range.min === 'bigint' ? Number(range.min) : range.min;
  const max = typeof range.max === 'bigint' ? Number(range.max) : range.max;
  if (typeof min !== typeof term.values[0]) return true;
  return mayMatchRange(term, min, max);
}

/** Row groups some conjunction may match, from their statistics. */
function rowGroupsToRead(filter: CompiledFilter, stats: readonly RowGroupStats[], partition: ReadonlyMap<string, string>, prunable: ReadonlySet<string>, floats: ReadonlySet<string>): number[] {
  const keep: number[] = [];
  stats.forEach((group, i) => {
    const may = filter.some(
      (terms) =>
        conjunctionMayHold(terms, partition) &&
        terms.every((term) => partition.has(term.column) || !prunable.has(term.column) || groupMayMatch(term, group.columns.get(term.column), floats.has(term.column))),
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
    const start = options.start === undefined ? undefined : toMs(options.start, 'start');
    const end = options.end === undefined ? undefined : toMs(options.end, 'end');
    if (start !== undefined && end !== undefined && start >= end) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `start ${new Date(start).toISOString()} is not before end ${new Date(end).toISOString()}; end is exclusive` });
    }
    const exact = (ms: number): { integers: bigint[] } => (Number.isSafeInteger(ms) ? { integers: [BigInt(ms)] } : { integers: [] });
    if (start !== undefined) time.push({ column: 'timestamp', op: '>=', values: [start], kind: 'number', ...exact(start) });
    if (end !== undefined) time.push({ column: 'timestamp', op: '<', values: [end], kind: 'number', ...exact(end) });

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
      // Nothing can match, but a wrong column name must still be an error, and an empty result still has the
      // dataset's columns: both from any one file.
      const any = await findDatasetFiles(this.root, [], { foldersListed: 0, foldersPruned: 0 }, 1);
      if (any[0] === undefined) {
        throw new UnifiedError({
          code: 'SOURCE_NOT_FOUND',
          message: `${this.root}: no Parquet data files in a hive layout; expected a dataset folder such as data_cache/unified/klines/binance_BTCUSDT_1m`,
        });
      }
      yield emptyBatch((await describeFile(any[0], conjunctions, options.columns, time)).schema);
      return;
    }

    if (limit === 0) {
      // No rows asked for: the columns still are (a CSV header, an empty Parquet file).
      yield emptyBatch((await describeFile(files[0]!, conjunctions, options.columns, time)).schema);
      return;
    }
    let planned: Plan | undefined;
    let emitted = 0;
    for (const file of files) {
      signal?.throwIfAborted();
      if (emitted >= limit) return;
      let reader: ParquetFileReader | undefined;
      try {
        reader = await openParquetFile(file.path);
        stats.filesOpened++;
        const fileSchema = reader.schema;
        planned ??= plan(fileSchema, file, conjunctions, options.columns, time);
        const { schema, filter, wanted } = planned;
        const types = wanted.map((name) => {
          const field = fileSchema.fields.find((f) => f.name === name);
          return field === undefined ? `${name}: missing` : `${name}: ${String(field.type)}`;
        });
        const differs = types.findIndex((type, i) => type !== planned!.wantedTypes[i]);
        if (differs !== -1) {
          throw new UnifiedError({ code: 'SOURCE_UNMAPPABLE', message: `${file.path}: column ${types[differs]}, where the dataset's first file has ${planned.wantedTypes[differs]}` });
        }
        // Step 2: row groups, from their statistics, when the filter has terms on data columns and there is a
        // choice to make: a file of one row group (a day of our own datasets) is read and filtered row by row,
        // which costs less than loading the statistics reader.
        const groups = reader.rowGroupRows.length;
        stats.rowGroups += groups;
        let rowGroups: number[] | undefined;
        if (groups > 1 && filter.some((terms) => terms.some((t) => !file.partition.has(t.column)))) {
          const groupStats = await readRowGroupStats(file.path);
          if (groupStats !== undefined && groupStats.length === groups) {
            rowGroups = rowGroupsToRead(filter, groupStats, file.partition, planned.prunable, planned.floats);
            stats.rowGroupsPruned += groups - rowGroups.length;
            if (rowGroups.length === groups) rowGroups = undefined;
          }
        }
        if (rowGroups?.length === 0) continue;
        for await (const decoded of reader.batches({ batchSize, columns: wanted, signal, ...(rowGroups === undefined ? {} : { rowGroups }) })) {
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
      } catch (error) {
        if (UnifiedError.isInstance(error)) throw error;
        if (signal?.aborted === true) throw new UnifiedError({ code: 'ABORTED', message: `${file.path}: reading was aborted`, cause: signal.reason });
        throw new UnifiedError({ code: 'SOURCE_CORRUPT', message: `${file.path}: cannot be read (${error instanceof Error ? error.message : String(error)})`, cause: error });
      } finally {
        await reader?.close();
      }
    }
    // No row matched: the result still has the dataset's columns.
    if (emitted === 0 && planned !== undefined) yield emptyBatch(planned.schema);
  }
}

/** A batch with no rows (built by arrow's builders, so every type gets its empty buffers right). */
function emptyBatch(schema: arrow.Schema): arrow.RecordBatch {
  const children = schema.fields.map((f) => arrow.vectorFromArray([], f.type as arrow.DataType).data[0]!);
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, nullCount: 0, children }));
}

/** The output schema, compiled filter and data columns to decode, from the first file's schema. */
function plan(
  fileSchema: arrow.Schema,
  file: DatasetFile,
  conjunctions: readonly (readonly FilterTerm[])[],
  columns: readonly string[] | undefined,
  time: readonly CompiledTerm[],
): Plan {
  // Partition keys come from the folders, with the types of D1, even when a file also stores them (as DuckDB does).
  const partitionKeys = [...file.partition.keys()];
  const dataFields = fileSchema.fields.filter((f) => !file.partition.has(f.name));
  const dataNames = dataFields.map((f) => f.name);
  const all = [...dataNames, ...partitionKeys];
  const kindOfColumn = (column: string): ComparableKind | undefined => {
    const field = dataFields.find((f) => f.name === column);
    if (field === undefined) return partitionKeys.includes(column) ? (PARTITION_KEY_KINDS.get(column) ?? 'string') : undefined;
    const kind = kindOf(field.type as arrow.DataType);
    if (kind === undefined) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `filter on "${column}": its type ${arrow.Type[(field.type as arrow.DataType).typeId]} cannot be compared; filter on numbers, text, booleans or times` });
    return kind;
  };
  if (time.length > 0 && !dataNames.includes('timestamp')) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `start/end need a "timestamp" column; the dataset has ${all.join(', ')}` });
  }
  const filter = withTime(compileFilter(conjunctions, kindOfColumn, all), time);
  const requested = columns ?? all;
  const twice = requested.find((name, i) => requested.indexOf(name) !== i);
  if (twice !== undefined) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `column "${twice}" is asked for twice` });
  for (const name of requested) {
    if (!all.includes(name)) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `column "${name}": no such column; the dataset has ${all.join(', ')}` });
  }
  const needed = new Set([...requested, ...filter.flatMap((terms) => terms.map((t) => t.column))]);
  const schema = new arrow.Schema(requested.map((name) => dataFields.find((f) => f.name === name) ?? new arrow.Field(name, partitionType(name), true)));
  const wanted = dataFields.filter((f) => needed.has(f.name));
  return {
    schema,
    filter,
    wanted: wanted.map((f) => f.name),
    wantedTypes: wanted.map((f) => `${f.name}: ${String(f.type)}`),
    prunable: prunableColumns(new arrow.Schema(dataFields)),
    floats: new Set(dataFields.filter((f) => arrow.DataType.isFloat(f.type)).map((f) => f.name)),
  };
}

/** What the first file's schema decides for the whole scan. */
interface Plan {
  readonly schema: arrow.Schema;
  readonly filter: CompiledFilter;
  /** Data columns to decode, and their types as the first file has them. */
  readonly wanted: readonly string[];
  readonly wantedTypes: readonly string[];
  readonly prunable: ReadonlySet<string>;
  readonly floats: ReadonlySet<string>;
}

/** Checks the filter and columns against one file's schema (used when pruning left no file to read). */
async function describeFile(file: DatasetFile, conjunctions: readonly (readonly FilterTerm[])[], columns: readonly string[] | undefined, time: readonly CompiledTerm[]): Promise<Plan> {
  const reader = await openParquetFile(file.path);
  try {
    return plan(reader.schema, file, conjunctions, columns, time);
  } finally {
    await reader.close();
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
