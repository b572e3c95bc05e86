// One contract, both engines: what DuckDB reads back is exactly the input (sorted, deduplicated, partitioned
// by UTC day), input order never changes a byte, duplicates and conflicts follow D7, re-runs are
// byte-identical, the existingData modes do what they say, and a failed run changes nothing.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { type DataKind, type DatasetIdentity, UnifiedError, datasetRelativePath, utcDateOf } from '@unified/schemas';
import { openSource } from '@unified/loaders';
import { type ParquetEngineName, type WritePartitionsOptions, stagePartitions, writePartitions } from '../src/index.js';
import { type Row, START, batchOf, batches, duckRows, shuffled, sortedRows, treeHashes } from './rows.js';

const root = mkdtempSync(join(tmpdir(), 'unified-writer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDir = (): string => join(root, `out-${counter++}`);

const IDENTITY: Readonly<Record<DataKind, DatasetIdentity>> = {
  klines: { kind: 'klines', exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1m' },
  aggtrades: { kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' },
  futures: { kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' },
};

/** The rows DuckDB should read: each input row plus its partition columns. */
function expected(kind: DataKind, rows: readonly Row[]): Row[] {
  return rows.map((row) => {
    const { year, month, day } = utcDateOf(Number(row['timestamp']));
    return { ...row, exchange: 'binance', symbol: 'BTCUSDT', ...(kind === 'klines' ? { timeframe: '1m' } : {}), year: BigInt(year), month: BigInt(month), day: BigInt(day) };
  });
}

async function failure(promise: Promise<unknown>): Promise<UnifiedError> {
  try {
    await promise;
  } catch (error) {
    if (UnifiedError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a UnifiedError');
}

describe.each(['wasm', 'parquetjs'] as const)('engine %s', (engine: ParquetEngineName) => {
  const write = (kind: DataKind, input: AsyncIterable<RecordBatch>, outputDir: string, extra: Partial<WritePartitionsOptions> = {}) =>
    writePartitions(input, { outputDir, dataset: IDENTITY[kind], engine, rowGroupSize: 700, ...extra });

  it.each(['klines', 'aggtrades', 'futures'] as const)('round-trips %s with nulls and extreme values, one sorted file per UTC day', async (kind) => {
    const rows = sortedRows(kind, 3000);
    const out = freshDir();
    const report = await write(kind, batches(kind, rows, 777), out);
    expect(report.rowsIn).toBe(3000);
    expect(report.rowsWritten).toBe(3000);
    expect(report.partitions.map((p) => p.path.split('/').slice(-3).join('/'))).toEqual(['year=2024/month=2/day=28', 'year=2024/month=2/day=29', 'year=2024/month=3/day=1']);
    expect(report.partitions.every((p) => p.files.length === 1 && p.files[0]!.name === 'part-0.parquet' && /^[0-9a-f]{64}$/u.test(p.files[0]!.sha256))).toBe(true);
    expect(report.partitions[0]!.minTimestamp).toBe(START);
    expect(await duckRows(report.datasetDir)).toEqual(expected(kind, rows));
    // Our own loaders read the files back to the same rows.
    const loaded: Row[] = [];
    for (const partition of report.partitions) {
      for await (const batch of openSource(join(report.datasetDir, partition.path, 'part-0.parquet'), { kind })) {
        for (const row of batch) loaded.push(row.toJSON());
      }
    }
    expect(loaded).toEqual(rows);
  });

  it('gives shuffled, day-interleaved input the same bytes as sorted input', async () => {
    const rows = sortedRows('aggtrades', 4000);
    const sorted = await write('aggtrades', batches('aggtrades', rows, 500), freshDir());
    const mixedDir = freshDir();
    const mixed = await write('aggtrades', batches('aggtrades', shuffled(rows), 333), mixedDir);
    expect(treeHashes(mixed.datasetDir)).toEqual(treeHashes(sorted.datasetDir));
    expect(mixed.partitions).toEqual(sorted.partitions);
    // Sorted input that goes back to an earlier day once.
    const interleaved = [...rows.slice(2000), ...rows.slice(0, 2000)];
    const back = await write('aggtrades', batches('aggtrades', interleaved, 640), freshDir());
    expect(treeHashes(back.datasetDir)).toEqual(treeHashes(sorted.datasetDir));
  });

  it('drops identical duplicates, counts them, and refuses conflicting ones with both rows', async () => {
    const rows = sortedRows('klines', 600);
    const report = await write('klines', batches('klines', [...rows, ...rows.slice(100, 150)], 128), freshDir());
    expect([report.rowsIn, report.rowsWritten, report.duplicatesDropped]).toEqual([650, 600, 50]);
    expect(await duckRows(report.datasetDir)).toEqual(expected('klines', rows));

    const changed = { ...rows[10]!, close: 123.5 };
    const out = freshDir();
    const error = await failure(write('klines', batches('klines', [...rows, changed]), out));
    expect(error.code).toBe('DUPLICATE_CONFLICT');
    expect(error.message).toMatch(new RegExp(`two klines rows share timestamp=${Number(rows[10]!['timestamp'])} but differ: \\{.*"close":${String(rows[10]!['close'])}.*\\} and \\{.*"close":123\\.5.*\\}`, 'u'));
    expect(existsSync(join(out, datasetRelativePath(IDENTITY.klines)))).toBe(false);

    const kept = await write('klines', batches('klines', [...rows, changed]), freshDir(), { onConflict: 'keep-last' });
    expect(kept.conflictsResolved).toBe(1);
    expect((await duckRows(kept.datasetDir))[10]).toMatchObject({ close: 123.5 });
  });

  it('deduplicates aggtrades by trade id even when the copies carry different times', async () => {
    const rows = sortedRows('aggtrades', 300, 1);
    const moved = { ...rows[5]!, timestamp: rows[200]!['timestamp'] };
    const error = await failure(write('aggtrades', batches('aggtrades', [...rows, moved]), freshDir()));
    expect(error.message).toMatch(/share trade_id=1000005 but differ/u);
  });

  it('re-runs byte-identically and replaces exactly the partitions it writes', async () => {
    const rows = sortedRows('futures', 900, 3);
    const out = freshDir();
    const first = await write('futures', batches('futures', rows), out);
    const before = treeHashes(first.datasetDir);
    const again = await write('futures', batches('futures', rows), out);
    expect(treeHashes(again.datasetDir)).toEqual(before);
    expect(again.staleFilesRemoved).toEqual([]);

    // A later run over the first day only, with fewer rows: that day is replaced, the others stay as they were.
    const firstDay = rows.filter((r) => Number(r['timestamp']) < START + 86_400_000).slice(0, 10);
    const partial = await write('futures', batches('futures', firstDay), out);
    expect(partial.partitions.map((p) => p.rows)).toEqual([10]);
    const after = treeHashes(first.datasetDir);
    const day = (hashes: Record<string, string>, d: number) => Object.entries(hashes).filter(([path]) => path.includes(`/day=${d}/`));
    expect(day(after, 29)).toEqual(day(before, 29));
    expect(day(after, 28)).not.toEqual(day(before, 28));
    expect((await duckRows(first.datasetDir)).length).toBe(900 - rows.filter((r) => Number(r['timestamp']) < START + 86_400_000).length + 10);
  });

  it('splits a day past maxRowsPerFile and removes parts a later run no longer needs', async () => {
    const rows = sortedRows('aggtrades', 2500, 1);
    const out = freshDir();
    const split = await write('aggtrades', batches('aggtrades', rows), out, { maxRowsPerFile: 1000 });
    expect(split.partitions[0]!.files.map((f) => [f.name, f.rows])).toEqual([['part-0.parquet', 1000], ['part-1.parquet', 1000], ['part-2.parquet', 500]]);
    // Each file knows its own time range: the first and last row it holds.
    const time = (i: number): number => Number(rows[i]!['timestamp']);
    expect(split.partitions[0]!.files.map((f) => [f.minTimestamp, f.maxTimestamp])).toEqual([[time(0), time(999)], [time(1000), time(1999)], [time(2000), time(2499)]]);
    expect(await duckRows(split.datasetDir)).toEqual(expected('aggtrades', rows));
    const whole = await write('aggtrades', batches('aggtrades', rows), out);
    expect(whole.partitions[0]!.files.map((f) => f.name)).toEqual(['part-0.parquet']);
    expect(whole.staleFilesRemoved).toEqual([`${whole.partitions[0]!.path}/part-1.parquet`, `${whole.partitions[0]!.path}/part-2.parquet`]);
    expect(await duckRows(whole.datasetDir)).toEqual(expected('aggtrades', rows));
  });

  it("existingData 'error' refuses before committing anything; 'merge' unions with the existing rows", async () => {
    const rows = sortedRows('klines', 900, 3);
    const out = freshDir();
    const first = await write('klines', batches('klines', rows.slice(0, 500)), out);
    const before = treeHashes(first.datasetDir);
    const error = await failure(write('klines', batches('klines', rows.slice(400)), out, { existingData: 'error' }));
    expect([error.code, error.message]).toEqual(['PARTITION_EXISTS', expect.stringMatching(/day=29 already holds part-0\.parquet; existingData is 'error'/u)]);
    expect(treeHashes(first.datasetDir)).toEqual(before);

    const merged = await write('klines', batches('klines', rows.slice(400)), out, { existingData: 'merge' });
    expect(merged.duplicatesDropped).toBe(100);
    expect(await duckRows(merged.datasetDir)).toEqual(expected('klines', rows));
    // The merged dataset is byte-identical to writing everything at once.
    const once = await write('klines', batches('klines', rows), freshDir());
    expect(treeHashes(merged.datasetDir)).toEqual(treeHashes(once.datasetDir));
  });

  it('changes nothing when the input fails half-way, is aborted, or has the wrong schema', async () => {
    const rows = sortedRows('aggtrades', 1000, 2);
    const out = freshDir();
    const first = await write('aggtrades', batches('aggtrades', rows), out);
    const before = treeHashes(first.datasetDir);
    async function* failing(): AsyncGenerator<RecordBatch> {
      yield batchOf('aggtrades', shuffled(rows).slice(0, 600));
      throw new UnifiedError({ code: 'BAD_ROW', message: 'source.csv:12: column "price": "x" is not a number' });
    }
    await expect(write('aggtrades', failing(), out)).rejects.toThrow(/source\.csv:12/u);
    const controller = new AbortController();
    async function* aborting(): AsyncGenerator<RecordBatch> {
      yield batchOf('aggtrades', rows.slice(0, 500));
      controller.abort();
      yield batchOf('aggtrades', rows.slice(500));
    }
    expect((await failure(write('aggtrades', aborting(), out, { signal: controller.signal }))).code).toBe('ABORTED');
    expect((await failure(write('aggtrades', batches('klines', sortedRows('klines', 10)), out))).message).toMatch(/does not have the aggtrades file schema/u);
    expect(treeHashes(first.datasetDir)).toEqual(before);
    expect(readdirSync(first.datasetDir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('spills row-by-row day interleaving compactly and still gives the sorted bytes', async () => {
    const rows = sortedRows('aggtrades', 20_000, 2);
    const half = rows.length / 2;
    const alternating = rows.slice(0, half).flatMap((row, i) => [row, rows[half + i]!]);
    const sorted = await write('aggtrades', batches('aggtrades', rows, 4096), freshDir());
    const mixed = await write('aggtrades', batches('aggtrades', alternating, 4096), freshDir());
    expect(treeHashes(mixed.datasetDir)).toEqual(treeHashes(sorted.datasetDir));
  });

  it('gives the same bytes whatever the batch sizes, past one engine chunk and with the default row groups', async () => {
    // arrow-rs pages nullable columns by the batches it is given: only the writer's fixed chunks make this hold.
    const rows = sortedRows('aggtrades', 140_000, 1, 5);
    const sorted = await write('aggtrades', batches('aggtrades', rows, 65_536), freshDir(), { rowGroupSize: 1_048_576 });
    const odd = await write('aggtrades', batches('aggtrades', rows, 7_777), freshDir(), { rowGroupSize: 1_048_576 });
    const mixed = await write('aggtrades', batches('aggtrades', shuffled(rows), 50_001), freshDir(), { rowGroupSize: 1_048_576 });
    expect(sorted.partitions.map((p) => p.rows)).toEqual([140_000]);
    expect(treeHashes(odd.datasetDir)).toEqual(treeHashes(sorted.datasetDir));
    expect(treeHashes(mixed.datasetDir)).toEqual(treeHashes(sorted.datasetDir));
  }, 60_000);

  it('refuses a null in a column that requires a value', async () => {
    const rows = sortedRows('klines', 10, 1);
    const error = await failure(write('klines', batches('klines', [...rows.slice(0, 5), { ...rows[5]!, close: null }]), freshDir()));
    expect([error.code, error.message]).toEqual(['INVALID_ARGUMENT', 'a batch has nulls in the klines column "close", which requires a value in every row']);
  });

  it('treats any visible .parquet file in a partition as data: error refuses it, replace removes it', async () => {
    const rows = sortedRows('futures', 20, 1);
    const out = freshDir();
    const first = await write('futures', batches('futures', rows), out);
    const partition = join(first.datasetDir, first.partitions[0]!.path);
    copyFileSync(join(partition, 'part-0.parquet'), join(partition, 'data_0.parquet'));
    expect((await failure(write('futures', batches('futures', rows), out, { existingData: 'error' }))).message).toMatch(/already holds part-0\.parquet, data_0\.parquet/u);
    const replaced = await write('futures', batches('futures', rows), out);
    expect(replaced.staleFilesRemoved).toEqual([`${first.partitions[0]!.path}/data_0.parquet`]);
    expect(await duckRows(first.datasetDir)).toEqual(expected('futures', rows));
  });

  it('writes nothing for empty input', async () => {
    const out = freshDir();
    const report = await write('klines', batches('klines', []), out);
    expect([report.rowsIn, report.partitions]).toEqual([0, []]);
    expect(readdirSync(report.datasetDir)).toEqual([]);
    expect(existsSync(join(out, datasetRelativePath(IDENTITY.klines)))).toBe(true);
  });
});

describe('engine options', () => {
  it('refuses a codec the engine cannot write, before writing', async () => {
    const error = await failure(writePartitions(batches('klines', sortedRows('klines', 10)), { outputDir: freshDir(), dataset: IDENTITY.klines, engine: 'parquetjs', compression: 'zstd' }));
    expect(error.message).toMatch(/engine "parquetjs" cannot write zstd; it supports snappy, gzip, brotli, uncompressed/u);
  });

  it.each(['zstd', 'gzip', 'brotli', 'lz4', 'uncompressed'] as const)('writes %s with the wasm engine', async (compression) => {
    const rows = sortedRows('futures', 50, 1);
    const report = await writePartitions(batches('futures', rows), { outputDir: freshDir(), dataset: IDENTITY.futures, compression });
    expect(await duckRows(report.datasetDir)).toEqual(expected('futures', rows));
  });
});

describe('staged writes', () => {
  it('show nothing until committed, commit to the bytes writePartitions gives, and discard to no change', async () => {
    const rows = sortedRows('aggtrades', 2000, 2);
    const out = freshDir();
    const datasetDir = join(out, datasetRelativePath(IDENTITY.aggtrades));
    const first = await writePartitions(batches('aggtrades', rows.slice(0, 1000)), { outputDir: out, dataset: IDENTITY.aggtrades });
    const before = treeHashes(datasetDir);

    const discarded = await stagePartitions(batches('aggtrades', rows), { outputDir: out, dataset: IDENTITY.aggtrades });
    expect(discarded.report.rowsWritten).toBe(2000);
    const visible = (): Record<string, string> => Object.fromEntries(Object.entries(treeHashes(datasetDir)).filter(([path]) => !path.startsWith('.')));
    expect(visible()).toEqual(before);
    await discarded.discard();
    await discarded.discard();
    expect(treeHashes(datasetDir)).toEqual(before);
    await expect(discarded.commit()).rejects.toThrow(/already discarded/u);

    const staged = await stagePartitions(batches('aggtrades', rows), { outputDir: out, dataset: IDENTITY.aggtrades });
    await staged.prepareCommit();
    expect(visible()).toEqual(before);
    const report = await staged.commit();
    expect(report.partitions.map((p) => p.rows)).toEqual(staged.report.partitions.map((p) => p.rows));
    const once = await writePartitions(batches('aggtrades', rows), { outputDir: freshDir(), dataset: IDENTITY.aggtrades });
    expect(treeHashes(datasetDir)).toEqual(treeHashes(once.datasetDir));
    expect(first.partitions).toHaveLength(1);
  });

  it('removes a new dataset folder again when its staged write is discarded', async () => {
    const out = freshDir();
    const staged = await stagePartitions(batches('futures', sortedRows('futures', 20, 1)), { outputDir: out, dataset: IDENTITY.futures });
    expect(existsSync(staged.datasetDir)).toBe(true);
    await staged.discard();
    expect(existsSync(out)).toBe(false);
  });
});
