/**
 * The checks on an `--output FILE` that can be made before any work starts, so that a typo in the path fails at
 * once instead of after a long query. Failures while writing are reported by the writer (`WRITE_FAILED`).
 */
import { stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UnifiedError, fileSystemReason } from '@unified/core';

// The absolute paths a reason names, shown relative to `cwd` as the rest of the message is.
function relativeIn(text: string, cwd: string): string {
  return text.replace(/^\/\S*/u, (path) => relative(cwd, path) || path);
}

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
    if (folderStats.code === 'ENOENT') throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `--output ${shown(path)}: the folder ${shown(folder)} does not exist; create it first` });
    // A file in the way is a wrong path (a usage error); anything else (permissions) a failed write.
    const code = folderStats.code === 'ENOTDIR' ? 'INVALID_ARGUMENT' : 'WRITE_FAILED';
    throw new UnifiedError({ code, message: `--output ${shown(path)}: ${relativeIn(fileSystemReason(folderStats, folder), cwd)}`, cause: folderStats });
  }
  if (!folderStats.isDirectory()) throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `--output ${shown(path)}: ${shown(folder)} is not a folder` });
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory() === true) {
    throw new UnifiedError({ code: 'INVALID_ARGUMENT', message: `--output ${shown(path)} is a folder; give a file name, such as ${join(shown(path), fileName)}` });
  }
}
