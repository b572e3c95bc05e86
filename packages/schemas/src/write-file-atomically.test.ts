import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTemporaryFileName } from './data-file-names.js';
import { writeFileAtomically } from './write-file-atomically.js';

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
});
