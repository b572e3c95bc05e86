/**
 * Keeping writes and reads inside the folder they were given: a path is inside a root when its real location
 * (symbolic links resolved) is the root's real location or below it. A symbolic link inside a dataset that
 * points elsewhere (`unified/klines -> /etc`) is refused instead of followed.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { UnifiedErrorCode } from './errors/error-codes.js';
import { UnifiedError } from './errors/unified-error.js';

/** The real path of `path`; for a path that does not exist yet, its nearest existing ancestor's real path plus the rest. */
export async function realLocation(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(absolute) === absolute) throw error;
    return join(await realLocation(dirname(absolute)), basename(absolute));
  }
}

/** Whether `path` is `root` or lies below it, once symbolic links are resolved. */
export async function isInsideDirectory(root: string, path: string): Promise<boolean> {
  const [realRoot, realPath] = await Promise.all([realLocation(root), realLocation(path)]);
  const rel = relative(realRoot, realPath);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Throws a {@link UnifiedError} with `code` (`WRITE_FAILED` for a writer, `INVALID_PARTITION_PATH` for a reader)
 * naming both paths unless `path` is inside `root` once symbolic links are resolved.
 *
 * @example
 * await assertInsideDirectory('data_cache/unified', 'data_cache/unified/klines/binance_BTCUSDT_1m', 'the dataset folder', 'WRITE_FAILED');
 */
export async function assertInsideDirectory(root: string, path: string, what: string, code: UnifiedErrorCode): Promise<void> {
  if (await isInsideDirectory(root, path)) return;
  throw new UnifiedError({
    code,
    message: `${what} ${path} resolves to ${await realLocation(path)}, outside ${await realLocation(root)}; refusing to follow a symbolic link out of it`,
  });
}
