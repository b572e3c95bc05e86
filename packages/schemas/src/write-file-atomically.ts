/**
 * The one way unified commits a file (D9): write it under a hidden temporary name in the same directory, and
 * rename it into place only when the write succeeded, then sync the directory so the rename survives a
 * crash. Readers see the old file or the new one, never a partial one. On failure the temporary file is
 * removed and the target is untouched; a file-system failure of the temporary file or the rename is reported as
 * `WRITE_FAILED` naming the target, never the temporary name, which the caller has never heard of.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isTemporaryFileName, temporaryFileName } from './data-file-names.js';
import { fileSystemReason } from './file-system-reason.js';
import { UnifiedError } from './errors/unified-error.js';

/**
 * Runs `write(tempPath)` — which must create the file, and should fsync it — then renames it to `path`.
 *
 * @example
 * await writeFileAtomically('unified/metadata.json', (temp) => writeFile(temp, json));
 */
export async function writeFileAtomically<T>(path: string, write: (tempPath: string) => Promise<T>): Promise<T> {
  const staged = await stageFileAtomically(path, write);
  await staged.commit();
  return staged.result;
}

/** A file written under its temporary name, not yet renamed into place (see {@link stageFileAtomically}). */
export interface StagedFile<T = void> {
  /** Where the file goes. */
  readonly path: string;
  /** What `write` returned. */
  readonly result: T;
  /** Renames the file into place (and syncs the folder). */
  commit(): Promise<void>;
  /** Removes the temporary file; `path` stays as it was. Does nothing after `commit`. */
  discard(): Promise<void>;
}

/**
 * The first half of {@link writeFileAtomically}: writes the temporary file now and renames it when `commit` is
 * called, so that several files (data, manifests, metadata) can be made visible together after every write
 * that can fail has succeeded. Until then readers see the old file.
 *
 * @example
 * const staged = await stageFileAtomically('unified/metadata.json', (temp) => writeFile(temp, json, { flush: true }));
 * await staged.commit();
 */
export async function stageFileAtomically<T>(path: string, write: (tempPath: string) => Promise<T>): Promise<StagedFile<T>> {
  const tempPath = join(dirname(path), temporaryFileName(basename(path), `${process.pid}-${randomBytes(4).toString('hex')}`));
  let result: T;
  try {
    result = await write(tempPath);
  } catch (error) {
    await removeQuietly(tempPath);
    throw writeFailure(path, tempPath, error);
  }
  let done = false;
  return {
    path,
    result,
    async commit() {
      if (done) return;
      try {
        await rename(tempPath, path);
      } catch (error) {
        await removeQuietly(tempPath);
        throw writeFailure(path, tempPath, error, true);
      }
      done = true;
      await syncDirectory(dirname(path));
    },
    async discard() {
      if (done) return;
      done = true;
      await rm(tempPath, { force: true });
    },
  };
}

// Removes the temporary file after a failure, which is the error to report: when its folder is missing or a
// file stands in the path, removing it fails too (ENOTDIR), and there is nothing to remove.
async function removeQuietly(tempPath: string): Promise<void> {
  await rm(tempPath, { force: true }).catch(() => undefined);
}

// Failures of the device whatever file they name: the temporary file is the one being written.
const DEVICE_FAILURES = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO', 'EROFS']);

/**
 * A file-system error about the temporary file (or the rename) as `WRITE_FAILED` naming `path` and saying why
 * in words; anything else (a caller's own error, a failed read of its input) unchanged.
 */
function writeFailure(path: string, tempPath: string, error: unknown, renaming = false): unknown {
  if (UnifiedError.isInstance(error) || !(error instanceof Error)) return error;
  const { code, path: about } = error as NodeJS.ErrnoException;
  if (code === undefined || !(renaming || about === tempPath || (about === undefined && DEVICE_FAILURES.has(code)))) return error;
  // The temporary file could not be created: say it of the folder, where the cause is.
  const folder = dirname(path);
  const reason =
    code === 'ENOENT' && !renaming ? `the folder ${folder} is missing or cannot hold new files` : code === 'EACCES' && !renaming ? `no permission to write in ${folder}` : fileSystemReason(error, path);
  return new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: cannot be written: ${reason.replaceAll(tempPath, path)}`, cause: error });
}

// Makes a rename durable on POSIX file systems. Best effort: the file itself is complete and in place by
// now, and some file systems refuse to sync a directory (EINVAL, EISDIR; Windows cannot open one at all),
// so a failure here must not report the committed file as failed.
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The rename stands; only its durability across a power loss is not guaranteed.
  }
}

/**
 * Removes temporary files (D9) that a killed run left in `dir`, those of `finalName` only when it is given.
 * Call it only while no other writer can be using `dir`. Returns the names removed.
 */
export async function removeTemporaryFiles(dir: string, finalName?: string): Promise<string[]> {
  const prefix = finalName === undefined ? '.' : `.${finalName}.tmp-`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const stale = names.filter((name) => name.startsWith(prefix) && isTemporaryFileName(name));
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
  return stale;
}
