/**
 * The one way unified commits a file (D9): write it under a hidden temporary name in the same directory, and
 * rename it into place only when the write succeeded, then sync the directory so the rename survives a
 * crash. Readers see the old file or the new one, never a partial one. On failure the temporary file is
 * removed and the error re-thrown; the target is untouched.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { temporaryFileName } from './data-file-names.js';

/**
 * Runs `write(tempPath)` — which must create the file, and should fsync it — then renames it to `path`.
 *
 * @example
 * await writeFileAtomically('unified/metadata.json', (temp) => writeFile(temp, json));
 */
export async function writeFileAtomically<T>(path: string, write: (tempPath: string) => Promise<T>): Promise<T> {
  const tempPath = join(dirname(path), temporaryFileName(basename(path), `${process.pid}-${randomBytes(4).toString('hex')}`));
  try {
    const result = await write(tempPath);
    await rename(tempPath, path);
    await syncDirectory(dirname(path));
    return result;
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  }
}

// Makes a rename durable on POSIX file systems. Windows cannot open a directory for syncing; its renames are
// journaled by NTFS, so there is nothing to do there.
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
