import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
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
      // The waiter may recreate the folder (and its lock file) while it is being removed: a tidying run leaves a
      // folder that is no longer empty, as the converter's pruning of empty folders does.
      try {
        rmSync(join(root, 'removed'), { recursive: true, force: true, maxRetries: 5, retryDelay: 1 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw error;
      }
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

/** A lock file naming a process that cannot be running (process ids are below 2^22 on Linux). */
const deadHolder = (token: string): string => JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), started: 0, since: '2026-01-01T00:00:00.000Z', token });
/** The guard a takeover holds while it removes an abandoned lock. */
const GUARD_FILE_NAME = `${LOCK_FILE_NAME}.takeover`;

describe('the takeover of an abandoned lock', () => {
  it('takes over a takeover guard left by a process that died, and leaves no guard behind', async () => {
    const dir = join(root, 'dead-guard');
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder('lock'));
    writeFileSync(join(dir, GUARD_FILE_NAME), deadHolder('guard'));
    const started = Date.now();
    expect(await withDirectoryLock(dir, () => Promise.resolve('in'), { timeoutMs: 5000 })).toBe('in');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(existsSync(join(dir, GUARD_FILE_NAME))).toBe(false);
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false);
  });

  it('takes over a guard that stayed unreadable (its creator died writing it)', async () => {
    const dir = join(root, 'unreadable-guard');
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder('lock'));
    writeFileSync(join(dir, GUARD_FILE_NAME), '');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(dir, GUARD_FILE_NAME), minuteAgo, minuteAgo);
    expect(await withDirectoryLock(dir, () => Promise.resolve('in'), { timeoutMs: 5000 })).toBe('in');
    expect(existsSync(join(dir, GUARD_FILE_NAME))).toBe(false);
  });

  it('leaves an abandoned lock alone while a live process holds the takeover guard', async () => {
    const dir = join(root, 'live-guard');
    mkdirSync(dir);
    writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder('lock'));
    writeFileSync(join(dir, GUARD_FILE_NAME), JSON.stringify({ pid: process.ppid, host: hostname(), started: 0, since: '2026-01-01T00:00:00.000Z', token: 'guard' }));
    await expect(withDirectoryLock(dir, () => Promise.resolve(), { timeoutMs: 150, pollMs: 10 })).rejects.toMatchObject({ code: 'LOCK_TIMEOUT' });
    // Only the guard's holder may remove it: the lock is still the one it found.
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8'))).toMatchObject({ token: 'lock' });
  });

  it('lets one process in at a time when several race to take over the same dead holder, round after round', async () => {
    // The current source, compiled for plain node, so that each contender is a process of its own.
    const work = join(root, 'race');
    const dir = join(work, 'locked');
    mkdirSync(dir, { recursive: true });
    const schemas = pathToFileURL(createRequire(import.meta.url).resolve('@unified/schemas')).href;
    const source = readFileSync(fileURLToPath(new URL('directory-lock.ts', import.meta.url)), 'utf8');
    const compiled = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    expect(compiled).toContain("'@unified/schemas'");
    const modulePath = join(work, 'directory-lock.mjs');
    writeFileSync(modulePath, compiled.replace("'@unified/schemas'", JSON.stringify(schemas)));
    const log = join(work, 'log');
    const start = join(work, 'start');
    writeFileSync(log, '');
    // A run died holding the lock; every contender finds it, and every round leaves another dead holder behind.
    writeFileSync(join(dir, LOCK_FILE_NAME), deadHolder('first'));

    const contenders = 6;
    const rounds = 20;
    const child = fileURLToPath(new URL('../test/lock-child.mjs', import.meta.url));
    const runs = Array.from({ length: contenders }, () => {
      const proc = spawn(process.execPath, [child, modulePath, dir, log, start, String(rounds), '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const ready = new Promise<void>((resolve) =>
        proc.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('ready')) resolve();
        }),
      );
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => proc.on('exit', (code) => resolve({ code, stderr })));
      return { ready, exited };
    });
    // All start together, once every one has loaded the module.
    await Promise.all(runs.map((r) => r.ready));
    writeFileSync(start, '');
    expect(await Promise.all(runs.map((r) => r.exited))).toEqual(Array.from({ length: contenders }, () => ({ code: 0, stderr: '' })));

    // Never two inside at once: walking the enter/leave records in time order, at most one is inside.
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [kind = '', at = '0', pid = ''] = line.split(' ');
        return { kind, at: BigInt(at), pid };
      })
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.kind === 'out' ? -1 : 1));
    expect(events.filter((e) => e.kind === 'in')).toHaveLength(contenders * rounds);
    let inside = 0;
    const overlaps: string[] = [];
    for (const event of events) {
      inside += event.kind === 'in' ? 1 : -1;
      if (inside > 1) overlaps.push(`process ${event.pid} entered while ${inside - 1} other(s) were inside`);
    }
    expect(overlaps).toEqual([]);
    // The takeover guard is not left behind.
    expect(existsSync(join(dir, GUARD_FILE_NAME))).toBe(false);
  });
});
