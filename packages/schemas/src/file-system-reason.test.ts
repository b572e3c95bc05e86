import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSystemReason } from './file-system-reason.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-fs-reason-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const failure = async (attempt: Promise<unknown>): Promise<unknown> =>
  attempt.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: unknown) => error,
  );

describe('fileSystemReason', () => {
  it('names the file that stands where a folder is expected, however deep the path goes', async () => {
    const file = join(dir, 'unified');
    writeFileSync(file, 'not a folder');
    const deep = join(file, 'klines', 'metadata.json');
    expect(fileSystemReason(await failure(readFile(deep)), deep)).toBe(`${file} is a file, not a folder (ENOTDIR)`);
    expect(fileSystemReason(await failure(mkdir(join(file, 'a'), { recursive: true })), join(file, 'a'))).toBe(`${file} is a file, not a folder (ENOTDIR)`);
    // mkdir of the file's own path says EEXIST.
    expect(fileSystemReason(await failure(mkdir(file, { recursive: true })), file)).toBe(`${file} is a file, not a folder (EEXIST)`);
  });

  it('puts real errors in words with their code', async () => {
    expect(fileSystemReason(await failure(readFile(join(dir, 'absent.json'))), join(dir, 'absent.json'))).toBe('no such file or folder (ENOENT)');
    expect(fileSystemReason(await failure(writeFile(dir, 'x')), dir)).toBe('it is a folder (EISDIR)');
    expect(fileSystemReason(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 'x')).toBe('no space left on the device (ENOSPC)');
    expect(fileSystemReason(Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' }), 'x')).toBe('the file system is read-only (EROFS)');
  });

  it('keeps the message of an unknown code or of an error without one', () => {
    expect(fileSystemReason(Object.assign(new Error('EWEIRD: something odd'), { code: 'EWEIRD' }), 'x')).toBe('EWEIRD: something odd');
    expect(fileSystemReason(new Error('plain'), 'x')).toBe('plain');
    expect(fileSystemReason('text', 'x')).toBe('text');
  });
});
