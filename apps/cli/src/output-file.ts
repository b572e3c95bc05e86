/**
 * The checks on an `--output FILE` that can be made before any work starts, so that a typo in the path fails at
 * once instead of after a long query. Failures while writing are reported by the writer (`WRITE_FAILED`).
 */
import { stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UnifiedError } from '@unified/core';

/**
 * Throws `INVALID_ARGUMENT` (a usage error) unless the folder of `path` exists and `path` is not itself a folder.
 * Paths in the message are shown relative to `cwd`; `fileName` is the name suggested inside a folder given by
 * mistake.
 *
 * @example
 * await assertOutputFile('/home/me/exports/trades.csv', '/home/me'); // throws if /home/me/exports is missing
 */
export async function assertOutputFile(path: string, cwd: string, fileName = 'rows.csv'): Promise<void> {
  const shown = (p: string): string => relative(cwd, p) || p;
  const folder = dirname(path);
  const folderStats = await stat(folder).catch((error: unknown) => error as NodeJS.ErrnoException);
  if (folderStats instanceof Error) {
    const why = folderStats.code === 'ENOENT' ? 'does not exist; create it first' : folderStats.code === 'ENOTDIR' ? 'is not a folder' : `cannot be opened (${folderStats.code ?? folderStats.message})`;
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `--output ${shown(path)}: the folder ${shown(folder)} ${why}` });
  }
  if (!folderStats.isDirectory()) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `--output ${shown(path)}: ${shown(folder)} is not a folder` });
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory() === true) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `--output ${shown(path)} is a folder; give a file name, such as ${join(shown(path), fileName)}` });
  }
}
