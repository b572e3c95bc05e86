/**
 * A lock on a folder (`unified/`, a dataset) for read-modify-write of its metadata and for writing its data: a
 * `.lock` file created exclusively, holding who took it. A lock left by a process that is gone (a crash, a kill,
 * a container restarted under the same process id) is taken over; a live holder is waited for up to a timeout.
 *
 * Taking over is itself exclusive: a waiter that finds an abandoned lock creates the guard `.lock.takeover`
 * (exclusively, holding who took it), reads the lock again under the guard and removes it only when it is still
 * the one found abandoned (same token), then removes the guard. Two waiters that found the same dead holder thus
 * cannot both remove a lock, and neither can remove the lock the other one took meanwhile. A guard whose holder is
 * gone is taken over the same way, under `.lock.takeover.takeover`.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { PROCESS_STARTED_MS, UnifiedError, fileSystemReason, isProcessAlive } from '@unified/schemas';

/** Name of the lock file inside the locked folder (hidden, D4). */
export const LOCK_FILE_NAME = '.lock';

/** Suffix of the guard that makes the takeover of an abandoned lock (or guard) exclusive: `.lock.takeover`. */
const TAKEOVER_SUFFIX = '.takeover';

/**
 * A guard is held for a read and a remove; one that stays unreadable this long was left by a process that died
 * between creating and writing it.
 */
const UNREADABLE_GUARD_STALE_MS = 5_000;

/** How deep guards of guards go before a takeover gives up for this attempt (each level needs a death). */
const MAX_GUARD_DEPTH = 4;

/** Who holds a lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** Start time of the holding process, ms since the epoch. */
  readonly started: number;
  /** When the lock was taken, ISO 8601. */
  readonly since: string;
  /** Random token of this acquisition. */
  readonly token: string;
}

/** Options of {@link withDirectoryLock}. */
export interface DirectoryLockOptions {
  /** How long to wait for a live holder. @default 30_000 */
  readonly timeoutMs?: number;
  /** Time between attempts. @default 100 */
  readonly pollMs?: number;
  /** Stops waiting (the error has code `ABORTED`). */
  readonly signal?: AbortSignal;
  /** Called once, when the lock is found held by a live process and waiting begins. */
  readonly onWait?: (holder: LockHolder) => void;
}

/** One lock or guard file as found: its holder (none when unreadable) and what tells it from a later file at the same path. */
interface LockFileState {
  readonly holder: LockHolder | undefined;
  /** The holder's token; for an unreadable file its inode and change time. */
  readonly id: string;
  readonly mtimeMs: number;
}

/** Whether the holder is certainly gone: same host, and its process no longer runs (or is this one reborn). */
function isAbandoned(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return holder.started !== PROCESS_STARTED_MS;
  return !isProcessAlive(holder.pid);
}

function newHolder(): LockHolder {
  return { pid: process.pid, host: hostname(), started: PROCESS_STARTED_MS, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<LockHolder> | null;
    if (typeof value !== 'object' || value === null || typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.token !== 'string') return undefined;
    return value as LockHolder;
  } catch {
    // Gone, or half-written by a holder that died between create and write: treated as absent below.
    return undefined;
  }
}

/** The lock or guard file at `path`, or `undefined` when there is none. */
async function inspect(path: string): Promise<LockFileState | undefined> {
  let info;
  try {
    info = await stat(path, { bigint: true });
  } catch {
    return undefined;
  }
  const holder = await readHolder(path);
  return { holder, id: holder === undefined ? `inode ${info.ino} ${info.ctimeNs}` : `token ${holder.token}`, mtimeMs: Number(info.mtimeMs) };
}

/** Creates `path` exclusively holding `holder`; `false` when another file is there (or replaced ours at once). */
async function tryAcquire(path: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // The folder was removed while this process waited (a failed run tidying up after itself): recreate it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      await mkdir(dirname(path), { recursive: true }).catch((cause: unknown) => {
        throw new UnifiedError({ code: 'WRITE_FAILED', message: `${dirname(path)}: cannot create the folder: ${fileSystemReason(cause, dirname(path))}`, cause });
      });
      return false;
    }
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: cannot create the lock file: ${fileSystemReason(error, path)}`, cause: error });
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
    await handle.sync();
  } finally {
    await handle.close();
  }
  // Ours only if still ours: a process stalled between create and write may have been taken for a dead one.
  return (await readHolder(path))?.token === holder.token;
}

/** Removes `path` if it holds `token` (a release: never a file a later holder took). */
async function release(path: string, token: string): Promise<void> {
  if ((await readHolder(path))?.token === token) await rm(path, { force: true });
}

/** Whether a guard may be taken over: its holder is gone, or it stayed unreadable (its creator died writing it). */
function isStaleGuard(guard: LockFileState): boolean {
  return guard.holder === undefined ? Date.now() - guard.mtimeMs >= UNREADABLE_GUARD_STALE_MS : isAbandoned(guard.holder);
}

/**
 * Removes the lock (or guard) file at `path` if it is still the file `id` found abandoned, holding the guard
 * `<path>.takeover` meanwhile; takes over a guard left by a dead process first. `true` when it removed the file.
 */
async function removeIfUnchanged(path: string, id: string, depth = 0): Promise<boolean> {
  const guard = `${path}${TAKEOVER_SUFFIX}`;
  const me = newHolder();
  for (let attempt = 0; !(await tryAcquire(guard, me)); attempt++) {
    const current = await inspect(guard);
    // Released meanwhile: try again. Held by a live process: it is taking the lock over; the caller looks again.
    if (current === undefined) {
      if (attempt >= 3) return false;
      continue;
    }
    if (!isStaleGuard(current) || depth >= MAX_GUARD_DEPTH || attempt >= 3) return false;
    await removeIfUnchanged(guard, current.id, depth + 1);
  }
  try {
    // Under the guard nobody else removes `path`, and a new file cannot appear while the old one is there.
    if ((await inspect(path))?.id !== id) return false;
    await rm(path, { force: true });
    return true;
  } finally {
    await release(guard, me.token);
  }
}

/** Removes a guard left by a process that died after its takeover (best effort; a later takeover does it too). */
async function tidyGuard(path: string): Promise<void> {
  const guard = await inspect(`${path}${TAKEOVER_SUFFIX}`);
  if (guard !== undefined && isStaleGuard(guard)) await removeIfUnchanged(`${path}${TAKEOVER_SUFFIX}`, guard.id).catch(() => false);
}

/**
 * Runs `fn` while holding the lock on `dir` (created if missing), and releases it afterwards, also when `fn`
 * throws. Throws `LOCK_TIMEOUT` naming the holder when a live process keeps it past `timeoutMs`.
 *
 * @example
 * await withDirectoryLock('data_cache/unified', async () => {
 *   // read metadata.json, change it, write it back
 * });
 */
export async function withDirectoryLock<T>(dir: string, fn: () => Promise<T>, options: DirectoryLockOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, pollMs = 100, signal, onWait } = options;
  let waiting = false;
  await mkdir(dir, { recursive: true }).catch((error: unknown) => {
    // The path the failure names (for EACCES the first folder that could not be made, which may be a parent).
    const failed = (error as NodeJS.ErrnoException).path ?? dir;
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${failed}: cannot create the folder: ${fileSystemReason(error, failed)}`, cause: error });
  });
  const path = join(dir, LOCK_FILE_NAME);
  const holder = newHolder();
  const deadline = Date.now() + timeoutMs;
  let unreadable: { id: string; since: number } | undefined;
  let quickRetries = 0;
  for (;;) {
    if (signal?.aborted === true) throw new UnifiedError({ code: 'ABORTED', message: `${dir}: stopped waiting for the lock`, cause: signal.reason });
    if (await tryAcquire(path, holder)) break;
    const current = await inspect(path);
    // Released between the two looks: try again at once (a few times in a row; then after the pause).
    if (current === undefined && ++quickRetries <= 3) continue;
    if (current !== undefined) {
      quickRetries = 0;
      if (current.holder !== undefined && isAbandoned(current.holder)) {
        if (await removeIfUnchanged(path, current.id)) continue;
        // Another waiter is taking it over (or took it): look again after the pause.
      } else if (current.holder === undefined) {
        // A lock file that stays unreadable for a whole timeout is a holder that died while writing it.
        if (unreadable?.id !== current.id) unreadable = { id: current.id, since: Date.now() };
        if (Date.now() - unreadable.since >= timeoutMs) {
          if (await removeIfUnchanged(path, current.id)) continue;
          // Another waiter removed it meanwhile: look again.
          if ((await inspect(path))?.id !== current.id) continue;
        }
      } else {
        unreadable = undefined;
        if (!waiting) onWait?.(current.holder);
        waiting = true;
      }
    }
    if (Date.now() >= deadline) {
      const who = current?.holder === undefined ? 'an unknown process' : `process ${current.holder.pid} on ${current.holder.host} since ${current.holder.since}`;
      throw new UnifiedError({ code: 'LOCK_TIMEOUT', message: `${dir}: locked by ${who}; waited ${timeoutMs} ms. If no such process runs, remove ${path}` });
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  await tidyGuard(path);
  try {
    return await fn();
  } finally {
    // Release only our own lock (never one a later holder took after a takeover).
    await release(path, holder.token);
  }
}
