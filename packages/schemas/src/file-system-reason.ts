/**
 * A failed file-system call in words a user acts on ("no space left on the device", "f/unified is a file, not a
 * folder") instead of an errno code, for the one-line error messages every package gives (cli-conventions).
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file is larger than the file system allows',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'an input/output error of the device',
};

/**
 * Why a file-system call on `path` failed, in words, with the errno code in parentheses
 * (`permission denied (EACCES)`). For `ENOTDIR` it names the file that stands where a folder is expected. An
 * error without a code gives its message.
 *
 * @example
 * await mkdir('/data/unified').catch((error: unknown) => { throw new Error(`/data/unified: cannot create it: ${fileSystemReason(error, '/data/unified')}`); });
 */
export function fileSystemReason(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error instanceof Error ? error.message : String(error);
  if (code === 'ENOTDIR') {
    const file = fileInTheWay(path);
    return file === undefined ? 'a part of the path is not a folder (ENOTDIR)' : `${file} is a file, not a folder (ENOTDIR)`;
  }
  // A folder that cannot be made because a file has its name (mkdir says EEXIST, not ENOTDIR).
  if (code === 'EEXIST') return isFile(path) ? `${path} is a file, not a folder (EEXIST)` : 'it already exists (EEXIST)';
  const reason = REASONS[code];
  return reason === undefined ? (error instanceof Error ? error.message : code) : `${reason} (${code})`;
}

function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// The nearest existing ancestor of `path` that is not a folder.
function fileInTheWay(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      return statSync(dir).isDirectory() ? undefined : dir;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}
