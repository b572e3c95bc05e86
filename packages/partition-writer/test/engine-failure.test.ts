// A write error in the middle of a file (a full disk) must fail the write with WRITE_FAILED: never hang, never
// crash the process, never leave the partial file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { AGGTRADES_SCHEMA } from '@unified/schemas';
import { FileSink } from '../src/file-sink.js';
import { PARQUETJS_ENGINE } from '../src/parquetjs-engine.js';
import { WASM_ENGINE } from '../src/wasm-engine.js';
import { batchOf, sortedRows } from './rows.js';

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
  }, 30_000);
});
