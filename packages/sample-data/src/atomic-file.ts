import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { temporaryFileName } from '@unified/schemas';

/**
 * Runs `write(tempPath)` and renames the temporary file to `path` only when it succeeds, so `path` is never
 * seen half-written. On failure the temporary file is removed and the error re-thrown. The temporary name is
 * hidden and does not end in `.parquet` (D9).
 */
export async function writeFileAtomically<T>(path: string, write: (tempPath: string) => Promise<T>): Promise<T> {
  const tempPath = join(dirname(path), temporaryFileName(basename(path), `${process.pid}-${randomBytes(4).toString('hex')}`));
  try {
    const result = await write(tempPath);
    await rename(tempPath, path);
    return result;
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}
