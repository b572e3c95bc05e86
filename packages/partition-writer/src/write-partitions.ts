/**
 * `writePartitions`: canonical record batches in, sorted, deduplicated, atomically committed day partitions out.
 *
 * Rows are routed by UTC day. While the input arrives in strictly increasing key order (the usual case: an
 * exchange file), each day streams straight into its staged Parquet file without being held in memory. The first
 * row out of order (an earlier day, a repeated or decreasing key) switches to spilling: from then on rows go to
 * per-day spill files, and each affected day is sorted and deduplicated on its own at the end (D7), together
 * with what was streamed for it before. Nothing is visible in the dataset until every day is staged; then each
 * staged file is renamed into its partition and the partition's stale files are removed (D9).
 */
import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as arrow from 'apache-arrow';
import { ParquetFile } from 'parquet-wasm';
import { assertInsideDirectory, canonicalDatasetIdentity, type DataKind, datasetRelativePath, datasetSchemaFor, dateOfDayNumber, int64ToNumbers, isProcessAlive, parseDataFileName, partitionPath, PROCESS_STARTED_MS, UnifiedError } from '@unified/schemas';
import { COMMIT_JOURNAL, type JournalPartition, applyJournal, isDataFile, readJournal, writeJournal } from './commit-journal.js';
import { dayRuns } from './day-runs.js';
import { DaySpill } from './day-spill.js';
import { DayWriter, type StagedFile } from './day-writer.js';
import { failpoint } from './failpoints.js';
import { buildBatch, flattenBatches } from './flat-columns.js';
import type { EncodeOptions, ParquetEngine, ParquetEngineName } from './parquet-engine.js';
import { PARQUETJS_ENGINE } from './parquetjs-engine.js';
import { describeSchema, sameSchema } from './same-schema.js';
import { sortAndDeduplicate } from './sort-deduplicate.js';
import { WASM_ENGINE } from './wasm-engine.js';
import type { PartitionReport, StagedReport, StagedWrite, WritePartitionsOptions, WriteReport } from './write-options.js';

const ENGINES: Readonly<Record<ParquetEngineName, ParquetEngine>> = { wasm: WASM_ENGINE, parquetjs: PARQUETJS_ENGINE };

/** Spilled rows kept in memory per day, and over all days, before they go to disk. */
const SPILL_DAY_ROWS = 65_536;
const SPILL_TOTAL_ROWS = 1_048_576;

const STAGING_PREFIX = '.staging-';

interface DayState {
  readonly dayNumber: number;
  /** Rows streamed in order, staged already (once `closing` resolved). */
  streamed: StagedFile[];
  /** The streamed file being finished, set when the stream moved past this day. */
  closing: Promise<void> | undefined;
  spill: DaySpill | undefined;
  duplicates: number;
  conflictsResolved: number;
  written: StagedFile[];
  minTimestamp: number;
  maxTimestamp: number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `${name} must be a positive integer, got ${value}` });
  return value;
}

function assertSchema(kind: DataKind, expected: arrow.Schema, actual: arrow.Schema): void {
  if (!sameSchema(expected, actual)) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `a batch does not have the ${kind} file schema: got ${describeSchema(actual)}, expected ${describeSchema(expected)}` });
  }
}

/** Refuses timestamps beyond ±2^53 ms (year 285,000): their day cannot be told from a double. */
function assertSafeTimes(kind: DataKind, times: Float64Array, values: BigInt64Array): void {
  for (let i = 0; i < times.length; i++) {
    if (!Number.isSafeInteger(times[i]!)) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `a ${kind} batch has timestamp ${values[i]!} in row ${i + 1}, beyond any plausible time in milliseconds` });
    }
  }
}

/** Refuses nulls in the columns the schema declares non-nullable (a Parquet engine would write a broken page). */
function assertNoRequiredNulls(kind: DataKind, expected: arrow.Schema, batch: arrow.RecordBatch): void {
  expected.fields.forEach((field, i) => {
    if (!field.nullable && batch.getChildAt(i)!.nullCount > 0) {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `a batch has nulls in the ${kind} column "${field.name}", which requires a value in every row` });
    }
  });
}

/**
 * Finishes or removes staging folders of earlier runs whose process is gone (a crash or a kill): a folder with a
 * commit journal crashed during its commit and is rolled forward; one without never committed and is removed.
 * Folders of live processes are left alone.
 */
async function recoverAbandonedStaging(datasetDir: string, includeOwn = false): Promise<void> {
  const entries = await readdir(datasetDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(STAGING_PREFIX)) continue;
    const [pidText = '', startedText = ''] = entry.name.slice(STAGING_PREFIX.length).split('-');
    const pid = Number(pidText);
    if (!Number.isSafeInteger(pid)) continue;
    const ours = pid === process.pid && Number(startedText) === PROCESS_STARTED_MS;
    const abandoned = includeOwn || (pid === process.pid ? !ours : !isProcessAlive(pid));
    if (!abandoned) continue;
    const stagingDir = join(datasetDir, entry.name);
    const journal = await readJournal(stagingDir);
    if (journal !== undefined) await applyJournal(datasetDir, stagingDir, journal);
    await rm(stagingDir, { recursive: true, force: true });
  }
}

/** Removes `dir` and its parents up to and including `top`, as long as they are empty. */
async function removeEmptyFolders(dir: string, top: string): Promise<void> {
  for (let current = dir; current.startsWith(top); current = dirname(current)) {
    const removed = await rmdir(current).then(
      () => true,
      () => false,
    );
    if (!removed || current === top) return;
  }
}

/** Data files (`part-N.parquet`) of a partition folder, by name; empty when the folder does not exist. */
async function dataFilesOf(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
    throw error;
  });
  // Any visible .parquet file is data (DuckDB writes data_0.parquet, pyarrow <uuid>-0.parquet), not only ours.
  return names.filter(isDataFile).sort((a, b) => (parseDataFileName(a) ?? Infinity) - (parseDataFileName(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0));
}


/** Every row of a Parquet file, as batches of `schema` (only its columns are read). */
async function readParquet(path: string, schema: arrow.Schema, kind: DataKind): Promise<arrow.RecordBatch[]> {
  const file = await ParquetFile.fromFile(await openAsBlob(path));
  try {
    const stream = (await file.stream({ batchSize: 65_536, columns: schema.fields.map((f) => f.name) })) as ReadableStream<{ intoIPCStream(): Uint8Array }>;
    const batches: arrow.RecordBatch[] = [];
    for await (const batch of stream) {
      for (const b of arrow.tableFromIPC(batch.intoIPCStream()).batches) {
        assertSchema(kind, schema, b.schema);
        batches.push(new arrow.RecordBatch(schema, b.data));
      }
    }
    return batches;
  } catch (error) {
    if (UnifiedError.isInstance(error)) throw new UnifiedError({ code: error.code, message: `${path}: ${error.message}`, cause: error });
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: cannot read it back to merge: ${String(error)}`, cause: error });
  } finally {
    file.free();
  }
}

/**
 * Writes canonical record batches (the file schema of the dataset's data type, any order) as Hive-partitioned
 * Parquet under `<outputDir>/<kind>/<dataset>/`, one complete, sorted, deduplicated file per UTC day.
 * Atomic: if anything fails (bad input, a conflict, an abort), nothing under the dataset changes.
 *
 * @example
 * const report = await writePartitions(openSource('BTCUSDT-1m-2025-01-02.zip'), {
 *   outputDir: 'data_cache/unified',
 *   dataset: { kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' },
 * });
 */
export async function writePartitions(batches: AsyncIterable<arrow.RecordBatch>, options: WritePartitionsOptions): Promise<WriteReport> {
  const staged = await stagePartitions(batches, options);
  try {
    return await staged.commit();
  } catch (error) {
    await staged.discard();
    throw error;
  }
}

/**
 * The first half of {@link writePartitions}: reads every batch and stages every day's files, fsynced and
 * checked, in a hidden folder of the dataset, without changing anything a reader sees. The caller then commits
 * or discards. Use it to commit several datasets together, after everything that can fail has succeeded.
 *
 * A staged write holds files on disk until it is committed or discarded; a process that dies holding one
 * leaves a folder the next write (or {@link recoverInterruptedWrites}) removes.
 *
 * @example
 * const klines = await stagePartitions(openSource('klines.csv'), { outputDir, dataset: klinesDataset });
 * const trades = await stagePartitions(openSource('trades.csv'), { outputDir, dataset: tradesDataset }).catch(async (e) => {
 *   await klines.discard();
 *   throw e;
 * });
 * await klines.prepareCommit(); // from here a crash is rolled forward by the next run
 * await trades.prepareCommit();
 * await klines.commit();
 * await trades.commit();
 */
export async function stagePartitions(batches: AsyncIterable<arrow.RecordBatch>, options: WritePartitionsOptions): Promise<StagedWrite> {
  const {
    engine: engineName = 'wasm',
    compression = 'snappy',
    onConflict = 'error',
    existingData = 'replace-partitions',
    signal,
  } = options;
  const rowGroupSize = positiveInteger('rowGroupSize', options.rowGroupSize ?? 1_048_576);
  const maxRowsPerFile = positiveInteger('maxRowsPerFile', options.maxRowsPerFile ?? 20_000_000);
  const engine = ENGINES[engineName] as ParquetEngine | undefined;
  if (engine === undefined) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `engine must be one of wasm, parquetjs; got ${engineName}` });
  const identity = canonicalDatasetIdentity(options.dataset);
  const kind = identity.kind;
  const schema = datasetSchemaFor(kind);
  const fileSchema = schema.fileArrowSchema as unknown as arrow.Schema;
  const keyName = schema.naturalKey[0]!;
  const datasetDir = resolve(options.outputDir, datasetRelativePath(identity));
  const encode: EncodeOptions = { compression, rowGroupSize, createdBy: `unified partition-writer ${__PACKAGE_VERSION__}` };
  const partitionOf = (dayNumber: number): string => {
    const date = dateOfDayNumber(dayNumber);
    return partitionPath(kind, identity.kind === 'klines' ? { exchange: identity.exchange, symbol: identity.symbol, timeframe: identity.timeframe, ...date } : { exchange: identity.exchange, symbol: identity.symbol, ...date });
  };

  // Nothing is written outside the output folder, also not through a symbolic link inside it.
  await assertInsideDirectory(options.outputDir, datasetDir, 'the dataset folder', 'WRITE_FAILED');
  const createdFrom = await mkdir(datasetDir, { recursive: true });
  await recoverAbandonedStaging(datasetDir);
  // pid and process start: a container restarting under the same pid still recognises its predecessor's folder.
  const stagingDir = join(datasetDir, `${STAGING_PREFIX}${process.pid}-${PROCESS_STARTED_MS}-${randomBytes(4).toString('hex')}`);
  await mkdir(stagingDir);
  let staged = false;

  const days = new Map<number, DayState>();
  let rowsIn = 0;
  let inOrder = true;
  let current: { state: DayState; writer: DayWriter; lastKey: number; lastTime: number } | undefined;
  let spilledInMemory = 0;

  const dayState = async (dayNumber: number): Promise<DayState> => {
    let state = days.get(dayNumber);
    if (state === undefined) {
      if (existingData === 'error') {
        const existing = await dataFilesOf(join(datasetDir, partitionOf(dayNumber)));
        if (existing.length > 0) {
          throw new UnifiedError({ code: 'PARTITION_EXISTS', message: `${join(datasetDir, partitionOf(dayNumber))} already holds ${existing.join(', ')}; existingData is 'error'` });
        }
      }
      state = { dayNumber, streamed: [], closing: undefined, spill: undefined, duplicates: 0, conflictsResolved: 0, written: [], minTimestamp: Infinity, maxTimestamp: -Infinity };
      days.set(dayNumber, state);
    }
    return state;
  };

  // A day's stream is finished in the background (its last rows encoded, the file fsynced and checked) while
  // the next day streams. At most one day finishes at a time, so open files and memory do not grow with the
  // number of days; every one is awaited before the merge, and the first failure stops the run.
  const closings: Promise<void>[] = [];
  let closeFailure: { error: unknown } | undefined;
  const closeCurrent = async (): Promise<void> => {
    if (current === undefined) return;
    await closings.at(-1)?.catch(() => undefined);
    // Still `current` here: on failure the `finally` below aborts it.
    if (closeFailure !== undefined) throw closeFailure.error;
    const { state, writer } = current;
    current = undefined;
    state.closing = writer.finish().then((files) => {
      state.streamed = files;
      state.minTimestamp = writer.minTimestamp;
      state.maxTimestamp = writer.maxTimestamp;
    });
    state.closing.catch((error: unknown) => {
      closeFailure ??= { error };
    });
    closings.push(state.closing);
  };

  const spill = async (state: DayState, batch: arrow.RecordBatch): Promise<void> => {
    state.spill ??= new DaySpill(join(stagingDir, `.spill-${state.dayNumber}`));
    state.spill.add(batch);
    spilledInMemory += batch.numRows;
    if (state.spill.inMemory >= SPILL_DAY_ROWS) {
      spilledInMemory -= state.spill.inMemory;
      await state.spill.flush();
    }
    if (spilledInMemory >= SPILL_TOTAL_ROWS) {
      for (const day of days.values()) await day.spill?.flush();
      spilledInMemory = 0;
    }
  };

  // Whether rows [start, end) continue the current stream in strictly increasing key order.
  const continuesInOrder = (keys: Float64Array, times: Float64Array, start: number, end: number, lastKey: number, lastTime: number): boolean => {
    let previousKey = lastKey;
    let previousTime = lastTime;
    for (let i = start; i < end; i++) {
      const key = keys[i]!;
      const time = times[i]!;
      if (!(key > previousKey) || time < previousTime || !Number.isSafeInteger(key)) return false;
      previousKey = key;
      previousTime = time;
    }
    return true;
  };

  try {
    for await (const batch of batches) {
      signal?.throwIfAborted();
      if (closeFailure !== undefined) throw closeFailure.error;
      assertSchema(kind, fileSchema, batch.schema);
      assertNoRequiredNulls(kind, fileSchema, batch);
      if (rowsIn === 0 && batch.numRows > 0) failpoint('mid-read');
      rowsIn += batch.numRows;
      // As numbers, once per batch: exact below 2^53, and no BigInt per row (continuesInOrder refuses the rest).
      const timeValues = batch.getChild('timestamp')!.toArray() as BigInt64Array;
      const times = int64ToNumbers(timeValues);
      assertSafeTimes(kind, times, timeValues);
      const keys = keyName === 'timestamp' ? times : int64ToNumbers(batch.getChild(keyName)!.toArray() as BigInt64Array);
      for (const run of dayRuns(times)) {
        const rows = run.start === 0 && run.end === batch.numRows ? batch : batch.slice(run.start, run.end);
        if (inOrder) {
          if (current !== undefined && run.dayNumber > current.state.dayNumber) await closeCurrent();
          const state = await dayState(run.dayNumber);
          const fresh = current === undefined && state.closing === undefined && state.spill === undefined;
          if ((current?.state === state || fresh) && continuesInOrder(keys, times, run.start, run.end, current?.lastKey ?? -Infinity, current?.lastTime ?? -Infinity)) {
            current ??= {
              state,
              writer: new DayWriter(stagingDir, join(datasetDir, partitionOf(run.dayNumber)), `stream-${run.dayNumber}`, engine, fileSchema, encode, maxRowsPerFile),
              lastKey: -Infinity,
              lastTime: -Infinity,
            };
            await current.writer.append(rows);
            current.lastKey = keys[run.end - 1]!;
            current.lastTime = times[run.end - 1]!;
            continue;
          }
          // Out of order from here on: what was streamed stays staged and is merged with the spill at the end.
          inOrder = false;
          await closeCurrent();
        }
        await spill(await dayState(run.dayNumber), rows);
      }
    }
    signal?.throwIfAborted();
    await closeCurrent();
    await Promise.all(closings);

    // Days that need sorting: spilled rows, or existing rows to merge with.
    const partitions: PartitionReport[] = [];
    for (const state of [...days.values()].sort((a, b) => a.dayNumber - b.dayNumber)) {
      signal?.throwIfAborted();
      const partitionDir = join(datasetDir, partitionOf(state.dayNumber));
      const existing = existingData === 'merge' ? await dataFilesOf(partitionDir) : [];
      if (state.spill === undefined && existing.length === 0) {
        state.written = state.streamed;
        continue;
      }
      const inputs: arrow.RecordBatch[] = [];
      for (const name of existing) inputs.push(...(await readParquet(join(partitionDir, name), fileSchema, kind)));
      for (const file of state.streamed) inputs.push(...(await readParquet(file.stagedPath, fileSchema, kind)));
      if (state.spill !== undefined) inputs.push(...(await state.spill.readAll()));
      const { columns, length } = flattenBatches(fileSchema, inputs);
      const sorted = sortAndDeduplicate(kind, columns, length, onConflict, `${partitionDir} (${partitionOf(state.dayNumber)})`);
      const writer = new DayWriter(stagingDir, partitionDir, `day-${state.dayNumber}`, engine, fileSchema, encode, maxRowsPerFile);
      for (let start = 0; start < sorted.order.length; start += 65_536) {
        await writer.append(buildBatch(fileSchema, columns, sorted.order.subarray(start, start + 65_536)));
      }
      for (const file of state.streamed) await rm(file.stagedPath, { force: true });
      state.written = await writer.finish();
      state.minTimestamp = writer.minTimestamp;
      state.maxTimestamp = writer.maxTimestamp;
      state.duplicates = sorted.duplicates;
      state.conflictsResolved = sorted.conflictsResolved;
    }

    // Every file is staged and fsynced. The commit writes down what it does, then renames each file into place
    // and removes each partition's stale files; a crash from the journal on is rolled forward by the next run.
    const committed = [...days.values()].filter((state) => state.written.length > 0).sort((a, b) => a.dayNumber - b.dayNumber);
    const journal: JournalPartition[] = committed.map((state) => ({
      dir: partitionOf(state.dayNumber),
      files: state.written.map((file) => ({ staged: basename(file.stagedPath), name: file.name })),
    }));
    for (const state of committed) {
      partitions.push({
        path: partitionOf(state.dayNumber),
        files: state.written.map(({ name, rows, bytes, sha256, minTimestamp, maxTimestamp }) => ({ name, rows, bytes, sha256, minTimestamp, maxTimestamp })),
        rows: state.written.reduce((n, f) => n + f.rows, 0),
        bytes: state.written.reduce((n, f) => n + f.bytes, 0),
        minTimestamp: state.minTimestamp,
        maxTimestamp: state.maxTimestamp,
        duplicatesDropped: state.duplicates,
        conflictsResolved: state.conflictsResolved,
      });
    }
    const report: StagedReport = {
      datasetDir,
      engine: engineName,
      compression,
      rowsIn,
      rowsWritten: partitions.reduce((n, p) => n + p.rows, 0),
      duplicatesDropped: partitions.reduce((n, p) => n + p.duplicatesDropped, 0),
      conflictsResolved: partitions.reduce((n, p) => n + p.conflictsResolved, 0),
      partitions,
    };
    staged = true;
    return new Staged(report, stagingDir, journal, createdFrom);
  } catch (error) {
    if (signal?.aborted === true && !UnifiedError.isInstance(error)) {
      throw new UnifiedError({ code: 'ABORTED', message: `writing ${datasetDir} was aborted; nothing was committed`, cause: error });
    }
    throw error;
  } finally {
    if (current !== undefined) await current.writer.abort();
    await Promise.allSettled(closings);
    if (!staged) await removeStaging(stagingDir, datasetDir, createdFrom);
  }
}

/** Removes a staging folder, and the dataset folders a failed run created (D9: it changes nothing). */
async function removeStaging(stagingDir: string, datasetDir: string, createdFrom: string | undefined): Promise<void> {
  await rm(stagingDir, { recursive: true, force: true });
  if (createdFrom !== undefined) await removeEmptyFolders(datasetDir, createdFrom);
}

class Staged implements StagedWrite {
  private state: 'staged' | 'prepared' | 'committed' | 'discarded' = 'staged';

  constructor(
    readonly report: StagedReport,
    private readonly stagingDir: string,
    private readonly journal: readonly JournalPartition[],
    private readonly createdFrom: string | undefined,
  ) {}

  get datasetDir(): string {
    return this.report.datasetDir;
  }

  async prepareCommit(): Promise<void> {
    this.assertOpen('prepare');
    if (this.state === 'prepared') return;
    await writeJournal(this.stagingDir, this.journal);
    this.state = 'prepared';
  }

  async commit(): Promise<WriteReport> {
    this.assertOpen('commit');
    await this.prepareCommit();
    failpoint('before-rename');
    const staleFilesRemoved = await applyJournal(this.report.datasetDir, this.stagingDir, this.journal);
    this.state = 'committed';
    // The journal goes first: replayed later, over newer files, it would remove their parts.
    await rm(join(this.stagingDir, COMMIT_JOURNAL), { force: true });
    await rm(this.stagingDir, { recursive: true, force: true }).catch(() => undefined);
    return { ...this.report, staleFilesRemoved };
  }

  async discard(): Promise<void> {
    if (this.state === 'committed' || this.state === 'discarded') return;
    this.state = 'discarded';
    await removeStaging(this.stagingDir, this.report.datasetDir, this.createdFrom);
  }

  private assertOpen(action: string): void {
    if (this.state === 'committed' || this.state === 'discarded') {
      throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `cannot ${action} the staged write of ${this.report.datasetDir}: it was already ${this.state}` });
    }
  }
}

/**
 * Finishes what earlier writes to the dataset at `datasetDir` left behind when their process died: a commit
 * that was under way is completed from its journal (roll forward); files staged but never committed are
 * removed. Writes of live processes are left alone, unless `exclusive` says the caller holds the dataset's lock
 * so that no write can be under way: then also a commit this very process failed to finish is completed, before
 * anything newer is written. {@link stagePartitions} does the first itself; call this before deciding from a
 * dataset's files that nothing needs writing.
 */
export async function recoverInterruptedWrites(datasetDir: string, options: { readonly exclusive?: boolean } = {}): Promise<void> {
  await recoverAbandonedStaging(resolve(datasetDir), options.exclusive === true);
}
