// Concurrency of `unified convert`, run as users run it: child processes of the built CLI on the same data
// directory. A second run waits for the first and says who holds the lock; `--lock-timeout` ends the wait with
// LOCK_TIMEOUT and changes nothing; a lock left by a killed run is taken over at once; and a reader running while
// a conversion commits sees each partition complete, old or new. A first run is held inside its lock by SIGSTOP
// (once its lock file names it), so the second one finds it there without relying on sleeps or input sizes.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { treeHashes } from '@unified/vitest-config/files';
import { readPartitionedDataset } from '@unified/loaders';
import { LOCK_FILE_NAME, withDirectoryLock } from '@unified/metadata';
import { cliPath } from './workspace.js';

const root = mkdtempSync(join(tmpdir(), 'unified-concurrency-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  readonly pid: number | undefined;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function unified(args: readonly string[], env: Record<string, string> = {}): Run {
  // A run that waited for a lock it should have taken over would wait 600 s: stop it well before.
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } });
  return { pid: result.pid, status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** A run in the background. */
interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  done: boolean;
}

const started: Started[] = [];
// A failed test must not leave a stopped run behind.
afterEach(() => {
  for (const run of started.splice(0)) if (!run.done) run.child.kill('SIGKILL');
});

function start(args: readonly string[]): Started {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  const run: Started = {
    child,
    pid: child.pid ?? -1,
    stdout: '',
    stderr: '',
    done: false,
    exited: new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        run.done = true;
        resolve({ code, signal });
      }),
    ),
  };
  child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  started.push(run);
  return run;
}

/** Polls `condition` (every millisecond) until it holds; fails naming `what` after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

const convertArgs = (dataDir: string, ...extra: string[]): string[] => ['convert', '--data-dir', dataDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--no-log-file', ...extra];

/** Generates the inputs of one seed (3 days, all three data types, consolidated Parquet) into `dir`. */
function generate(dir: string, seed: number): void {
  const run = unified(['demo', '--out', dir, '--days', '3', '--aggtrades-rows', '30000', '--formats', 'parquet', '--seed', String(seed), '--no-convert', '-q']);
  expect(run.status, run.stderr).toBe(0);
}

/** Copies the inputs (not unified/) of `from` into `to`. */
function copyInputs(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (name.endsWith('.parquet')) cpSync(join(from, name), join(to, name));
}

/** The dataset folder the converter locks first (the datasets are locked in path order). */
const firstLocked = (dataDir: string): string => join(dataDir, 'unified', 'aggtrades', 'binance_BTCUSDT');

/** The pid in the lock file of `dir`, once the file is complete. */
function lockPid(dir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')) as { pid?: number }).pid;
  } catch {
    return undefined;
  }
}

/** Starts a conversion of `dataDir` and stops it (SIGSTOP) while it holds the lock of its first dataset. */
async function startAndHoldLock(dataDir: string): Promise<Started> {
  const holder = start(convertArgs(dataDir, '-q'));
  await until(() => lockPid(firstLocked(dataDir)) === holder.pid || holder.done, `run ${holder.pid} to take its lock`);
  holder.child.kill('SIGSTOP');
  // Taken and still held: the run did not get through its conversion before it was stopped.
  expect(lockPid(firstLocked(dataDir))).toBe(holder.pid);
  return holder;
}

/** Paths under unified/ of files whose name starts with a dot (locks, guards, staging folders, temporary files). */
const hiddenFiles = (dataDir: string): string[] => Object.keys(treeHashes(join(dataDir, 'unified'))).filter((path) => path.split('/').some((part) => part.startsWith('.')));

const v1 = join(root, 'inputs-v1');
const v2 = join(root, 'inputs-v2');

beforeAll(() => {
  generate(v1, 1);
  generate(v2, 2);
});

describe('two conversions of the same dataset at once', () => {
  it('the second waits for the first, saying which process holds the lock, and then has nothing to do', async () => {
    const dataDir = join(root, 'wait');
    copyInputs(v1, dataDir);
    const first = await startAndHoldLock(dataDir);

    const second = start(convertArgs(dataDir, '--json'));
    await until(() => second.stderr.includes('\n'), 'the second run to say that it waits');
    expect(second.done).toBe(false);
    first.child.kill('SIGCONT');

    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(await second.exited).toEqual({ code: 0, signal: null });
    const dir = firstLocked(dataDir);
    const lines = second.stderr.trimEnd().split('\n');
    // Said once, first, naming the holder; then what it found unchanged.
    expect(lines[0]).toMatch(new RegExp(`^waiting for ${escape(dir)}: locked by process ${first.pid} on ${escape(hostname())} since \\S+ \\(up to 600 s; --lock-timeout to change\\)$`, 'u'));
    expect(lines.filter((line) => line.includes('waiting'))).toHaveLength(1);
    // It decided under the lock, from what the first run committed meanwhile.
    expect(JSON.parse(second.stdout)).toMatchObject({ noop: true });
    expect(hiddenFiles(dataDir)).toEqual([]);
  });

  it('with --lock-timeout 1, the second fails with LOCK_TIMEOUT on one line naming the holder and the lock file, and changes nothing', async () => {
    const dataDir = join(root, 'timeout');
    copyInputs(v1, dataDir);
    expect(unified(convertArgs(dataDir, '-q')).status).toBe(0);
    copyInputs(v2, dataDir);
    const first = await startAndHoldLock(dataDir);
    const unifiedDir = join(dataDir, 'unified');
    const before = treeHashes(unifiedDir);

    const log = join(root, 'timeout.log.jsonl');
    const waitingStarted = Date.now();
    const second = unified([...convertArgs(dataDir, '-q').filter((a) => a !== '--no-log-file'), '--log-file', log, '--lock-timeout', '1']);
    const waited = Date.now() - waitingStarted;
    const dir = firstLocked(dataDir);
    expect({ status: second.status, stdout: second.stdout }).toEqual({ status: 1, stdout: '' });
    expect(second.stderr).toMatch(
      new RegExp(`^error: ${escape(dir)}: locked by process ${first.pid} on ${escape(hostname())} since \\S+; waited 1000 ms\\. If no such process runs, remove ${escape(join(dir, LOCK_FILE_NAME))}\n$`, 'u'),
    );
    expect(waited).toBeGreaterThanOrEqual(1000);
    const lastLogLine = readFileSync(log, 'utf8').trimEnd().split('\n').at(-1) ?? '';
    expect(JSON.parse(lastLogLine)).toMatchObject({ code: 'LOCK_TIMEOUT' });
    // Nothing committed (or staged by the first run) changed.
    expect(treeHashes(unifiedDir)).toEqual(before);

    first.child.kill('SIGCONT');
    expect(await first.exited).toEqual({ code: 0, signal: null });
  });
});

describe('a lock left by a killed run', () => {
  it('is taken over at once by the next run: no waiting, and the conversion completes', () => {
    const dataDir = join(root, 'stale');
    copyInputs(v1, dataDir);
    const crashed = unified(convertArgs(dataDir, '-q'), { UNIFIED_FAILPOINT: 'after-temp-write' });
    expect([crashed.signal, crashed.status]).toEqual(['SIGKILL', null]);
    // It died holding its dataset locks.
    expect(lockPid(firstLocked(dataDir))).toBe(crashed.pid);

    const runStarted = Date.now();
    const next = unified(convertArgs(dataDir, '--json'));
    const took = Date.now() - runStarted;
    expect({ status: next.status, stderr: next.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(next.stdout)).toMatchObject({ noop: false });
    // The default lock timeout is 600 s; a run that waited on the dead holder would not be back this soon.
    expect(took).toBeLessThan(30_000);
    // Nothing of the dead run is left: no lock, takeover guard or staging folder.
    expect(hiddenFiles(dataDir)).toEqual([]);
  });
});

/** Per partition of the aggtrades dataset: rows, sum of trade ids and sum of timestamps. */
type Contents = Record<string, string>;

const aggtradesDir = (dataDir: string): string => join(dataDir, 'unified', 'aggtrades', 'binance_BTCUSDT');

/** The day partitions (folders relative to the dataset folder) holding data files. */
function partitionsOf(datasetDir: string): string[] {
  return readdirSync(datasetDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet') && !relative(datasetDir, e.parentPath).split('/').some((part) => part.startsWith('.')))
    .map((e) => relative(datasetDir, e.parentPath))
    .filter((dir, i, all) => all.indexOf(dir) === i)
    .sort();
}

const summary = (rows: bigint, ids: bigint, times: bigint): string => `${rows} rows, trade ids ${ids}, timestamps ${times}`;

/** Each partition read on its own by DuckDB (`read_parquet` of the day folder). */
async function readWithDuckDb(datasetDir: string, partitions: readonly string[]): Promise<Contents> {
  const sql = partitions
    .map((p) => `SELECT ${sqlString(p)} AS partition, count(*) AS n, sum(trade_id) AS ids, sum(timestamp) AS times FROM read_parquet(${sqlString(join(datasetDir, p, '*.parquet'))})`)
    .join(' UNION ALL ');
  const rows = await queryDuckDb(sql);
  return Object.fromEntries(rows.map((row) => [String(row['partition']), summary(row['n'] as bigint, (row['ids'] ?? 0n) as bigint, (row['times'] ?? 0n) as bigint)]));
}

/** The whole dataset read by readPartitionedDataset, per partition. */
async function readWithLoaders(datasetDir: string): Promise<Contents> {
  const table = await readPartitionedDataset(datasetDir, { columns: ['year', 'month', 'day', 'trade_id', 'timestamp'] });
  const sums = new Map<string, { rows: bigint; ids: bigint; times: bigint }>();
  const column = (name: string): ArrayLike<unknown> => {
    const vector = table.getChild(name);
    if (vector === null) throw new Error(`readPartitionedDataset returned no ${name} column`);
    return vector.toArray() as ArrayLike<unknown>;
  };
  const [year, month, day, ids, times] = ['year', 'month', 'day', 'trade_id', 'timestamp'].map(column) as [ArrayLike<unknown>, ArrayLike<unknown>, ArrayLike<unknown>, ArrayLike<bigint>, ArrayLike<bigint>];
  for (let i = 0; i < table.numRows; i++) {
    const partition = `exchange=binance/symbol=BTCUSDT/year=${String(year[i])}/month=${String(month[i])}/day=${String(day[i])}`;
    const sum = sums.get(partition) ?? { rows: 0n, ids: 0n, times: 0n };
    sum.rows += 1n;
    sum.ids += ids[i]!;
    sum.times += times[i]!;
    sums.set(partition, sum);
  }
  return Object.fromEntries([...sums].map(([partition, s]) => [partition, summary(s.rows, s.ids, s.times)]));
}

describe('a reader while a conversion commits', () => {
  it('sees each partition complete, with its old or its new content: never an error, a mix or a missing partition', async () => {
    // The content of every partition in the old (v1) and the new (v2) version, read from committed datasets.
    const dataDir = join(root, 'reader');
    copyInputs(v1, dataDir);
    expect(unified(convertArgs(dataDir, '-q')).status).toBe(0);
    const clean = join(root, 'reader-clean-v2');
    copyInputs(v2, clean);
    expect(unified(convertArgs(clean, '-q')).status).toBe(0);
    const datasetDir = aggtradesDir(dataDir);
    const partitions = partitionsOf(datasetDir);
    expect(partitions).toEqual(partitionsOf(aggtradesDir(clean)));
    expect(partitions.length).toBe(3);
    const old = await readWithDuckDb(datasetDir, partitions);
    const next = await readWithDuckDb(aggtradesDir(clean), partitions);
    expect(await readWithLoaders(datasetDir)).toEqual(old);
    // Each partition's two versions can be told apart.
    for (const p of partitions) expect(old[p]).not.toBe(next[p]);

    copyInputs(v2, dataDir);
    const problems: string[] = [];
    const seen = { whileStaging: 0, duringCommit: 0 };
    const check = (reader: string, contents: Contents): void => {
      for (const p of partitions) {
        const got = contents[p];
        if (got !== old[p] && got !== next[p]) problems.push(`${reader}: ${p}: ${got ?? 'missing'} (old: ${old[p] ?? ''}; new: ${next[p] ?? ''})`);
      }
      const extra = Object.keys(contents).filter((p) => !partitions.includes(p));
      if (extra.length > 0) problems.push(`${reader}: unexpected partitions ${extra.join(', ')}`);
    };
    const readBoth = async (): Promise<void> => {
      const [duck, loaders] = await Promise.allSettled([readWithDuckDb(datasetDir, partitions), readWithLoaders(datasetDir)]);
      if (duck.status === 'fulfilled') check('duckdb', duck.value);
      else problems.push(`duckdb: ${String(duck.reason)}`);
      if (loaders.status === 'fulfilled') check('readPartitionedDataset', loaders.value);
      else problems.push(`readPartitionedDataset: ${String(loaders.reason)}`);
    };

    // The reader holds unified/ first: the writer reads and stages (read meanwhile, as it runs), then waits for
    // the lock to commit. It is stopped there, the lock is let go, and from then on it runs about a millisecond at
    // a time, read after each step while it stands still, so every state between its renames can be seen.
    const writer = start(convertArgs(dataDir));
    await withDirectoryLock(join(dataDir, 'unified'), async () => {
      while (!writer.stderr.includes(`waiting for ${join(dataDir, 'unified')}:`)) {
        if (writer.done) throw new Error(`the writer exited before it committed: ${writer.stderr}`);
        await readBoth();
        seen.whileStaging++;
      }
      writer.child.kill('SIGSTOP');
    });
    while (!writer.done) {
      writer.child.kill('SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 1));
      writer.child.kill('SIGSTOP');
      await readBoth();
      seen.duringCommit++;
    }
    expect(await writer.exited).toEqual({ code: 0, signal: null });
    await readBoth();
    expect(problems).toEqual([]);
    // Both phases were read: while it staged, and step by step through its commit.
    expect(seen.whileStaging).toBeGreaterThan(0);
    expect(seen.duringCommit).toBeGreaterThan(1);
    // And once it is done, every partition has its new content.
    expect(await readWithDuckDb(datasetDir, partitions)).toEqual(next);
    expect(await readWithLoaders(datasetDir)).toEqual(next);
  });
});

/** `text` as a literal inside a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}
