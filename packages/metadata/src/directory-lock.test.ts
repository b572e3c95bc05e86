import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME, withDirectoryLock } from './directory-lock.js';

const root = mkdtempSync(join(tmpdir(), 'unified-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('withDirectoryLock', () => {
  it('lets one holder in at a time and releases the lock afterwards, also when the work throws', async () => {
    const dir = join(root, 'a');
    const events: string[] = [];
    const work = (name: string) => async (): Promise<void> => {
      events.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      events.push(`${name} out`);
    };
    await Promise.all([withDirectoryLock(dir, work('first'), { pollMs: 5 }), withDirectoryLock(dir, work('second'), { pollMs: 5 })]);
    // Either may win the race, but never both inside at once.
    const [winner = '', loser = ''] = events[0] === 'first in' ? ['first', 'second'] : ['second', 'first'];
    expect(events).toEqual([`${winner} in`, `${winner} out`, `${loser} in`, `${loser} out`]);
    await expect(withDirectoryLock(dir, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it('keeps waiting when the holder removes the locked folder on its way out, and then takes the lock', async () => {
    const dir = join(root, 'removed', 'dataset');
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    // The holder tidies up the folder it created (as a failed run does), lock file and all.
    const held = withDirectoryLock(dir, async () => {
      await sleep(40);
      // The waiter may recreate the folder while it is being removed: retry, as a tidying run would.
      rmSync(join(root, 'removed'), { recursive: true, force: true, maxRetries: 5, retryDelay: 1 });
    });
    await sleep(10);
    // What matters: the waiter neither fails (ENOENT on its lock file) nor times out; it gets in.
    const waiter = withDirectoryLock(dir, () => Promise.resolve('mine'), { timeoutMs: 5000, pollMs: 5 });
    await held;
    await expect(waiter).resolves.toBe('mine');
  });

  it('records who holds it', async () => {
    const dir = join(root, 'b');
    const holder = await withDirectoryLock(dir, () => Promise.resolve(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')) as Record<string, unknown>));
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dir = join(root, 'c');
    await withDirectoryLock(dir, () => Promise.resolve());
    // Process ids are below 2^22 on Linux: this one cannot be running.
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), started: 0, since: '2026-01-01T00:00:00.000Z', token: 'x' }));
    expect(await withDirectoryLock(dir, () => Promise.resolve('done'), { timeoutMs: 1000 })).toBe('done');
  });

  it('times out on a live holder, naming it', async () => {
    const dir = join(root, 'd');
    await withDirectoryLock(dir, () => Promise.resolve());
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: process.ppid, host: hostname(), started: 0, since: '2026-01-01T00:00:00.000Z', token: 'x' }));
    const waitedFor: number[] = [];
    await expect(withDirectoryLock(dir, () => Promise.resolve(), { timeoutMs: 100, pollMs: 10, onWait: (holder) => waitedFor.push(holder.pid) })).rejects.toMatchObject({
      code: 'LOCK_TIMEOUT',
      message: expect.stringMatching(new RegExp(`locked by process ${process.ppid} on .* since 2026-01-01T00:00:00\\.000Z; waited 100 ms`, 'u')) as unknown,
    });
    // The caller heard once whom it waits for.
    expect(waitedFor).toEqual([process.ppid]);
    // The live holder's lock is left alone.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ token: 'x' });
  });

  it('stops waiting when its signal aborts', async () => {
    const dir = join(root, 'e');
    await withDirectoryLock(dir, () => Promise.resolve());
    writeFileSync(join(dir, LOCK_FILE_NAME), JSON.stringify({ pid: process.ppid, host: hostname(), started: 0, since: '2026-01-01T00:00:00.000Z', token: 'x' }));
    await expect(withDirectoryLock(dir, () => Promise.resolve(), { signal: AbortSignal.timeout(50), pollMs: 10 })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
