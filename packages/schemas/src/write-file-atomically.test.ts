import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTemporaryFileName } from './data-file-names.js';
import { removeTemporaryFiles, stageFileAtomically, writeFileAtomically } from './write-file-atomically.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('writes under a hidden temporary name, then renames into place', async () => {
    const path = join(dir, 'part-0.parquet');
    let seenTemp = '';
    const result = await writeFileAtomically(path, async (temp) => {
      seenTemp = temp;
      await writeFile(temp, 'new');
      expect(readdirSync(dir)).not.toContain('part-0.parquet');
      return 42;
    });
    expect(result).toBe(42);
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(isTemporaryFileName(seenTemp.slice(dir.length + 1))).toBe(true);
    expect(seenTemp.endsWith('.parquet')).toBe(false);
    expect(readdirSync(dir)).toEqual(['part-0.parquet']);
  });

  it('leaves the previous file and no temporary file when the write fails', async () => {
    const path = join(dir, 'metadata.json');
    writeFileSync(path, 'old');
    await expect(
      writeFileAtomically(path, async (temp) => {
        await writeFile(temp, 'half');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('reports a file-system failure as WRITE_FAILED naming the target and the reason, never the temporary name', async () => {
    const failure = async (path: string, write: (temp: string) => Promise<unknown>): Promise<Error> => {
      const error = await writeFileAtomically(path, write).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      if (error === undefined) throw new Error(`${path} was written`);
      expect(error.message).not.toMatch(/\.tmp-/u);
      return error;
    };
    const missing = join(dir, 'no-such-folder', 'rows.csv');
    expect(await failure(missing, (temp) => writeFile(temp, 'x'))).toMatchObject({
      code: 'WRITE_FAILED',
      message: `${missing}: cannot be written: the folder ${join(dir, 'no-such-folder')} is missing or cannot hold new files`,
    });
    // A file where a folder of the path should be: opening and removing the temporary file both fail (ENOTDIR).
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    expect(await failure(join(blocker, 'rows.csv'), (temp) => writeFile(temp, 'x'))).toMatchObject({
      code: 'WRITE_FAILED',
      message: `${join(blocker, 'rows.csv')}: cannot be written: ${blocker} is a file, not a folder (ENOTDIR)`,
    });
    // The target is a folder: the rename fails, the folder is untouched.
    const folder = mkdtempSync(join(dir, 'occupied-'));
    expect(await failure(folder, (temp) => writeFile(temp, 'x'))).toMatchObject({ code: 'WRITE_FAILED', message: `${folder}: cannot be written: it is a folder (EISDIR)` });
    expect(readdirSync(folder)).toEqual([]);
    // A full device, as a write reports it (without a path).
    const full = join(dir, 'full.csv');
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    expect(await failure(full, async () => Promise.reject(enospc))).toMatchObject({ code: 'WRITE_FAILED', message: `${full}: cannot be written: no space left on the device (ENOSPC)`, cause: enospc });
    // The caller's own failure, even a file-system one about another file, is passed on unchanged.
    const elsewhere = Object.assign(new Error('ENOENT: no such file or directory, open /input.csv'), { code: 'ENOENT', path: '/input.csv' });
    expect(await failure(full, async () => Promise.reject(elsewhere))).toBe(elsewhere);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('removeTemporaryFiles', () => {
  it('removes what a killed writer left behind, and nothing else', async () => {
    const sub = mkdtempSync(join(dir, 'left-'));
    for (const name of ['.part-0.parquet.tmp-123-ab', '.other.csv.tmp-9', 'part-0.parquet', '_manifest.json', '.lock']) writeFileSync(join(sub, name), 'x');
    expect(await removeTemporaryFiles(sub, 'part-0.parquet')).toEqual(['.part-0.parquet.tmp-123-ab']);
    expect(await removeTemporaryFiles(sub)).toEqual(['.other.csv.tmp-9']);
    expect(readdirSync(sub).sort()).toEqual(['.lock', '_manifest.json', 'part-0.parquet']);
    expect(await removeTemporaryFiles(join(sub, 'absent'))).toEqual([]);
  });
});

describe('stageFileAtomically', () => {
  it('keeps the old file visible until commit, and discard leaves it untouched', async () => {
    const sub = mkdtempSync(join(dir, 'staged-'));
    const path = join(sub, '_config.json');
    writeFileSync(path, 'old');
    const discarded = await stageFileAtomically(path, (temp) => writeFile(temp, 'discarded'));
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(sub).filter(isTemporaryFileName)).toHaveLength(1);
    await discarded.discard();
    expect(readdirSync(sub)).toEqual(['_config.json']);
    expect(readFileSync(path, 'utf8')).toBe('old');

    const staged = await stageFileAtomically(path, async (temp) => {
      await writeFile(temp, 'new');
      return 'written';
    });
    expect([staged.result, readFileSync(path, 'utf8')]).toEqual(['written', 'old']);
    await staged.commit();
    await staged.commit();
    await staged.discard();
    expect([readFileSync(path, 'utf8'), readdirSync(sub)]).toEqual(['new', ['_config.json']]);
  });
});
