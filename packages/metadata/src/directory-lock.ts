/**
 * A lock on a folder (`unified/`, a dataset) for read-modify-write of its metadata and for writing its data: a
 * `.lock` file created exclusively, holding who took it. A lock left by a process that is gone (a crash, a kill,
 * a container restarted under the same process id) is taken over; a live holder is waited for up to a timeout.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { PROCESS_STARTED_MS, UnifiedError, isProcessAlive } from '@unified/schemas';

/** Name of the lock file inside the locked folder (hidden, D4). */
export const LOCK_FILE_NAME = '.lock';


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

/** Whether the holder is certainly gone: same host, and its process no longer runs (or is this one reborn). */
function isAbandoned(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return holder.started !== PROCESS_STARTED_MS;
  return !isProcessAlive(holder.pid);
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockHolder;
  } catch {
    // Gone, or half-written by a holder that died between create and write: treated as absent below.
    return undefined;
  }
}

async function tryAcquire(path: string, holder: LockHolder): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // The folder was removed while this process waited (a failed run tidying up after itself): recreate it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      await mkdir(dirname(path), { recursive: true });
      return false;
    }
    throw new UnifiedError({ code: 'WRITE_FAILED', message: `${path}: cannot create the lock file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, cause: error });
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
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
  await mkdir(dir, { recursive: true });
  const path = join(dir, LOCK_FILE_NAME);
  const holder: LockHolder = { pid: process.pid, host: hostname(), started: PROCESS_STARTED_MS, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const deadline = Date.now() + timeoutMs;
  let unreadableSince: number | undefined;
  for (;;) {
    if (signal?.aborted === true) throw new UnifiedError({ code: 'ABORTED', message: `${dir}: stopped waiting for the lock`, cause: signal.reason });
    if (await tryAcquire(path, holder)) break;
    const current = await readHolder(path);
    if (current !== undefined && isAbandoned(current)) {
      await rm(path, { force: true });
      continue;
    }
    // A lock file that stays unreadable for a whole timeout is a holder that died while writing it.
    if (current === undefined) unreadableSince ??= Date.now();
    else {
      unreadableSince = undefined;
      if (!waiting) onWait?.(current);
      waiting = true;
    }
    if (Date.now() >= deadline) {
      if (current === undefined && unreadableSince !== undefined && Date.now() - unreadableSince >= timeoutMs) {
        await rm(path, { force: true });
        continue;
      }
      const who = current === undefined ? 'an unknown process' : `process ${current.pid} on ${current.host} since ${current.since}`;
      throw new UnifiedError({ code: 'LOCK_TIMEOUT', message: `${dir}: locked by ${who}; waited ${timeoutMs} ms. If no such process runs, remove ${path}` });
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    // Release only our own lock (never one a later holder took after a takeover).
    if ((await readHolder(path))?.token === holder.token) await rm(path, { force: true });
  }
}
