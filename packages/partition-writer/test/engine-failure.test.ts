// A write error in the middle of a file (a full disk) must fail the write with WRITE_FAILED: never hang, never
// crash the process, never leave the partial file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import * as arrow from 'apache-arrow';
import { AGGTRADES_SCHEMA, KLINES_SCHEMA } from '@unified/schemas';
import { openEncoderFiles } from '../src/encoder-thread.js';
import { FileSink } from '../src/file-sink.js';
import { PARQUETJS_ENGINE } from '../src/parquetjs-engine.js';
import { WASM_ENGINE } from '../src/wasm-engine.js';
import { writePartitions } from '../src/index.js';
import { batchOf, batches, sortedRows } from './rows.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-engine-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe.each([WASM_ENGINE, PARQUETJS_ENGINE])('engine $name', (engine) => {
  it('fails with WRITE_FAILED when the disk fills up part-way through a file', async () => {
    // The real write, called as a method of the sink below.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = FileSink.prototype.write;
    let calls = 0;
    vi.spyOn(FileSink.prototype, 'write').mockImplementation(function (this: FileSink, chunk: Uint8Array) {
      calls++;
      if (calls >= 2) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return original.call(this, chunk);
    });
    const path = join(dir, `${engine.name}.parquet`);
    const writer = await engine.open(path, AGGTRADES_SCHEMA.fileArrowSchema, { compression: 'snappy', rowGroupSize: 1000, createdBy: 'test' });
    const rows = sortedRows('aggtrades', 200_000, 1);
    const write = async (): Promise<void> => {
      for (let i = 0; i < rows.length; i += 5000) await writer.write(batchOf('aggtrades', rows.slice(i, i + 5000)));
      await writer.close();
    };
    await expect(write()).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/ENOSPC/u) as unknown });
    await writer.abort();
    expect(existsSync(path)).toBe(false);
    // The encoding worker dropped the file too (it would otherwise hold a row group and keep the process alive).
    expect(openEncoderFiles()).toBe(0);
  }, 30_000);
});

describe('the parquetjs engine', () => {
  it('reports a write that fails while the footer is written as WRITE_FAILED, without an unhandled rejection', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = FileSink.prototype.write;
    // A clean file's writes, counted first: then only the last ones (the page index and the footer) fail.
    let calls = 0;
    let failFrom = Infinity;
    vi.spyOn(FileSink.prototype, 'write').mockImplementation(function (this: FileSink, chunk: Uint8Array) {
      calls++;
      if (calls >= failFrom) return Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return original.call(this, chunk);
    });
    const clean = await PARQUETJS_ENGINE.open(join(dir, 'parquetjs-clean.parquet'), AGGTRADES_SCHEMA.fileArrowSchema, { compression: 'snappy', rowGroupSize: 1000, createdBy: 'test' });
    await clean.write(batchOf('aggtrades', sortedRows('aggtrades', 10, 1)));
    await clean.close();
    failFrom = calls - 2;
    calls = 0;
    const path = join(dir, 'parquetjs-footer.parquet');
    const writer = await PARQUETJS_ENGINE.open(path, AGGTRADES_SCHEMA.fileArrowSchema, { compression: 'snappy', rowGroupSize: 1000, createdBy: 'test' });
    await writer.write(batchOf('aggtrades', sortedRows('aggtrades', 10, 1)));
    await expect(writer.close()).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/ENOSPC/u) as unknown });
    expect(existsSync(path)).toBe(false);
    // parquetjs's own unawaited writes settle without a rejection reaching the process.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

describe('the wasm engine in its worker thread', () => {
  const options = { compression: 'snappy', rowGroupSize: 1000, createdBy: 'test' } as const;

  it('refuses a batch of other columns before it reaches the encoder, which would drop it silently', async () => {
    const path = join(dir, 'wrong-schema.parquet');
    const writer = await WASM_ENGINE.open(path, AGGTRADES_SCHEMA.fileArrowSchema, options);
    await writer.write(batchOf('aggtrades', sortedRows('aggtrades', 10, 1)));
    await expect(writer.write(batchOf('klines', sortedRows('klines', 10, 1)))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(new RegExp(`^${path}: a batch has columns \\[timestamp: Int64, open: Float64`, 'u')) as unknown,
    });
    await writer.abort();
    expect(existsSync(path)).toBe(false);
  });

  it('fails a file with WRITE_FAILED when the encoder traps, and encodes the next file in a new worker', async () => {
    // arrow-rs traps ("unreachable") on a union column: the trap ends the worker, not the process.
    const union = new arrow.DenseUnion([0], [new arrow.Field('a', new arrow.Int32())]);
    const data = arrow.makeData({ type: union, length: 1, nullCount: 0, typeIds: Int8Array.of(0), valueOffsets: Int32Array.of(0), children: [arrow.makeData({ type: new arrow.Int32(), length: 1, nullCount: 0, data: Int32Array.of(7) })] });
    const schema = new arrow.Schema([new arrow.Field('u', union, false)]);
    const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 1, nullCount: 0, children: [data] }));
    const path = join(dir, 'trap.parquet');
    const writer = await WASM_ENGINE.open(path, schema, options);
    const written = (async () => {
      await writer.write(batch);
      await writer.close();
    })();
    await expect(written).rejects.toMatchObject({ code: 'WRITE_FAILED', message: expect.stringContaining(`${path}: the Parquet writer failed: the Parquet encoder crashed`) as unknown });
    expect(existsSync(path)).toBe(false);

    const next = await WASM_ENGINE.open(join(dir, 'after-trap.parquet'), KLINES_SCHEMA.fileArrowSchema, options);
    await next.write(batchOf('klines', sortedRows('klines', 10, 1)));
    await expect(next.close()).resolves.toMatchObject({ rows: 10 });
  });

  it('fails the whole write when a finished day fails while the next day streams, and writes nothing', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = FileSink.prototype.finish;
    let files = 0;
    // The first day's file fails to finish; by then the second day is streaming.
    vi.spyOn(FileSink.prototype, 'finish').mockImplementation(function (this: FileSink) {
      files++;
      if (files === 1) return Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
      return original.call(this);
    });
    const outputDir = join(dir, 'background');
    const rows = sortedRows('aggtrades', 30_000, 3);
    const error = writePartitions(batches('aggtrades', rows, 1000), { outputDir, dataset: { kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' } });
    await expect(error).rejects.toThrow(/EIO/u);
    // The folders the failed run created are gone again.
    expect(existsSync(outputDir)).toBe(false);
  });

  it('fails the whole write when the last rows of a finished day cannot be written, and holds nothing after', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const original = FileSink.prototype.write;
    const writes = new Map<string, number>();
    vi.spyOn(FileSink.prototype, 'write').mockImplementation(function (this: FileSink, chunk: Uint8Array) {
      // The first file's second write fails (a full disk, a size limit).
      const count = (writes.get(this.path) ?? 0) + 1;
      writes.set(this.path, count);
      if (this.path === [...writes.keys()][0] && count === 2) return Promise.reject(Object.assign(new Error('EFBIG: file too large, write'), { code: 'EFBIG' }));
      return original.call(this, chunk);
    });
    const outputDir = join(dir, 'last-rows');
    const rows = sortedRows('aggtrades', 30_000, 3);
    const error = (await writePartitions(batches('aggtrades', rows, 1000), { outputDir, dataset: { kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' }, rowGroupSize: 1000 }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'WRITE_FAILED' });
    // Named as the file the user would have found in the partition, not as the hidden staged file.
    const dataset = join(outputDir, 'aggtrades/binance_BTCUSDT/exchange=binance/symbol=BTCUSDT');
    expect(error.message.startsWith(`${dataset}/year=`)).toBe(true);
    expect(error.message.slice(dataset.length)).toMatch(/^\/year=\d{4}\/month=\d+\/day=\d+\/part-0\.parquet: the Parquet writer failed: EFBIG: file too large, write$/u);
    expect(error.message).not.toMatch(/\.staged|\.unified-staging/u);
    expect(existsSync(outputDir)).toBe(false);
    expect(openEncoderFiles()).toBe(0);
  });

  it('finishes at most one day in the background, however many days a batch holds', async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const create = FileSink.create;
    let open = 0;
    let most = 0;
    vi.spyOn(FileSink, 'create').mockImplementation(async (path: string) => {
      const sink = await create.call(FileSink, path);
      open++;
      most = Math.max(most, open);
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const [finish, abort] = [sink.finish, sink.abort];
      sink.finish = async () => (open--, finish.call(sink));
      sink.abort = async () => (open--, abort.call(sink));
      return sink;
    });
    // 400 days of one row each, all in one batch.
    const rows = sortedRows('futures', 400, 400);
    const report = await writePartitions(batches('futures', rows, 400), { outputDir: join(dir, 'many-days'), dataset: { kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' } });
    expect(report.partitions).toHaveLength(400);
    expect(most).toBeLessThanOrEqual(2);
    expect(openEncoderFiles()).toBe(0);
  });

  it('refuses a timestamp beyond 2^53 ms, whose day a double cannot tell, before writing anything', async () => {
    const rows = sortedRows('futures', 3, 1).map((row, i) => (i === 2 ? { ...row, timestamp: 2n ** 60n } : row));
    const outputDir = join(dir, 'far-future');
    await expect(writePartitions(batches('futures', rows), { outputDir, dataset: { kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `a futures batch has timestamp ${2n ** 60n} in row 3, beyond any plausible time in milliseconds`,
    });
    expect(existsSync(outputDir)).toBe(false);
  });

  it('refuses a trade id beyond 2^53 - 1, which it cannot order exactly, naming the day, and commits nothing', async () => {
    const rows = sortedRows('aggtrades', 3, 1).map((row, i) => (i === 1 ? { ...row, trade_id: 2n ** 53n } : row));
    const outputDir = join(dir, 'huge-id');
    const error = await writePartitions(batches('aggtrades', rows), { outputDir, dataset: { kind: 'aggtrades', exchange: 'binance', symbol: 'BTCUSDT' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((error as Error).message).toMatch(/binance_BTCUSDT\/.*\/day=\d+ \(.*\): trade_id 9007199254740992 is beyond 9007199254740991 \(2\^53 - 1\); it cannot be ordered exactly/u);
    expect(existsSync(outputDir)).toBe(false);
  });
});
