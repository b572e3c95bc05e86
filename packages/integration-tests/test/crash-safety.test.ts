// Crash safety of `unified convert`, run as a user runs it: a child process converting new inputs over an
// existing dataset dies by SIGKILL exactly at each failpoint (UNIFIED_FAILPOINT; no sleeps). What it leaves must
// be complete, readable data files only, metadata.json must be the old or the new version, and a re-run must
// give exactly what a clean run gives. SIGINT and SIGTERM must stop a run cleanly.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { treeHashes } from '@unified/vitest-config/files';
import { FAILPOINTS } from '@unified/partition-writer';
import { cliPath } from './workspace.js';

const root = mkdtempSync(join(tmpdir(), 'unified-crash-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function unified(args: readonly string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

const convertArgs = (dataDir: string): string[] => ['convert', '--data-dir', dataDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--no-log-file', '--lock-timeout', '5', '-q'];

/** Generates the inputs of one seed (3 days, all three data types, consolidated Parquet) into `dir`. */
function generate(dir: string, seed: number, rows = 30_000): void {
  const run = unified(['demo', '--out', dir, '--days', '3', '--aggtrades-rows', String(rows), '--formats', 'parquet', '--seed', String(seed), '--no-convert', '-q']);
  expect(run.status, run.stderr).toBe(0);
}

/** Copies the inputs (not unified/) of `from` into `to`. */
function copyInputs(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (name.endsWith('.parquet')) cpSync(join(from, name), join(to, name));
}

/** metadata.json without what differs between two runs of the same data (times, durations, file times). */
function stableMetadata(dataDir: string): unknown {
  const volatile = new Set(['created', 'updated', 'at', 'duration_ms', 'mtime', 'mtime_ms']);
  return JSON.parse(readFileSync(join(dataDir, 'unified', 'metadata.json'), 'utf8'), (key, value: unknown) => (volatile.has(key) ? undefined : value));
}

/** Every file under unified/ except metadata.json (compared by {@link stableMetadata}). */
const dataAndManifests = (dataDir: string): Record<string, string> => Object.fromEntries(Object.entries(treeHashes(join(dataDir, 'unified'))).filter(([path]) => path !== 'metadata.json'));

const v1 = join(root, 'inputs-v1');
const v2 = join(root, 'inputs-v2');
const clean = join(root, 'clean-v2');

beforeAll(() => {
  generate(v1, 1);
  generate(v2, 2);
  // What a clean conversion of the new inputs gives.
  copyInputs(v2, clean);
  expect(unified(convertArgs(clean)).status).toBe(0);
});

describe('a conversion killed at each failpoint', () => {
  it.each(FAILPOINTS.map((name) => [name]))('%s: complete files only, old or new metadata, and a re-run gives the clean result', async (name) => {
    const dataDir = join(root, `crash-${name}`);
    copyInputs(v1, dataDir);
    expect(unified(convertArgs(dataDir)).status).toBe(0);
    const oldMetadata = readFileSync(join(dataDir, 'unified', 'metadata.json'), 'utf8');
    copyInputs(v2, dataDir);

    const crashed = unified(convertArgs(dataDir), { UNIFIED_FAILPOINT: name });
    expect([crashed.signal, crashed.status]).toEqual(['SIGKILL', null]);

    // Every data file a reader sees is a complete Parquet file.
    const files = readdirSync(join(dataDir, 'unified'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.parquet') && !e.name.startsWith('.'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const [row] = await queryDuckDb(`SELECT count(*) AS n FROM read_parquet(${sqlString(join(file.parentPath, file.name))})`);
      expect(Number(row!['n'])).toBeGreaterThan(0);
    }
    // The validator sees no partial, unreadable or stray data file (temporary files are ignored).
    const validated = unified(['validate', '--data-dir', dataDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--json', '--no-checksums']);
    const doc = JSON.parse(validated.stdout) as { stats: { totals: { issueCounts: Record<string, number> } } };
    expect(doc.stats.totals.issueCounts).toMatchObject({ unreadable_file: 0, stray_file: 0, schema_mismatch: 0, partition_mismatch: 0 });
    // metadata.json is the old version (nothing renamed yet) or a complete new one, never a mix or a truncation.
    const metadataNow = readFileSync(join(dataDir, 'unified', 'metadata.json'), 'utf8');
    expect(metadataNow === oldMetadata || JSON.stringify(stableMetadata(dataDir)) === JSON.stringify(stableMetadata(clean))).toBe(true);

    // The re-run takes over the dead run's locks, finishes or discards its work, and gives the clean result.
    const rerun = unified(convertArgs(dataDir));
    expect({ status: rerun.status, stderr: rerun.stderr }).toEqual({ status: 0, stderr: '' });
    expect(dataAndManifests(dataDir)).toEqual(dataAndManifests(clean));
    expect(stableMetadata(dataDir)).toEqual(stableMetadata(clean));
    // Nothing of the dead run is left: no staging folder, temporary file, lock or commit marker.
    const hidden = Object.keys(treeHashes(join(dataDir, 'unified'))).filter((path) => path.split('/').some((part) => part.startsWith('.')));
    expect(hidden).toEqual([]);
    // And a further run has nothing to do.
    expect(unified([...convertArgs(dataDir), '--json']).stdout).toContain('"noop":true');
  });
});

describe('a settings-only change killed between the data and the metadata', () => {
  it('is converted again by the next run, and the commit marker the dead run left is cleared', () => {
    const dataDir = join(root, 'settings-crash');
    copyInputs(v1, dataDir);
    expect(unified(convertArgs(dataDir)).status).toBe(0);
    // Same sources, another codec: the data is committed in zstd, the metadata and manifests still say snappy.
    const crashed = unified([...convertArgs(dataDir), '--compression', 'zstd', '--force-rerun'], { UNIFIED_FAILPOINT: 'before-metadata-rename' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(existsSync(join(dataDir, 'unified', '.commit-pending.json'))).toBe(true);
    const rerun = unified([...convertArgs(dataDir), '--json']);
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain('"noop":false');
    const validated = unified(['validate', '--data-dir', dataDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '-q']);
    expect({ status: validated.status, stderr: validated.stderr }).toEqual({ status: 0, stderr: '' });
    expect(existsSync(join(dataDir, 'unified', '.commit-pending.json'))).toBe(false);
  });
});

describe('a conversion stopped by a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: exits %i with one line, removes its temporary files and changes nothing committed', async (signal, exitCode) => {
    const dataDir = join(root, `signal-${signal}`);
    // A first, small conversion to have something committed that must stay as it is; then bigger new inputs.
    copyInputs(v1, dataDir);
    expect(unified(convertArgs(dataDir)).status).toBe(0);
    const big = join(root, `big-${signal}`);
    generate(big, 3, 2_000_000);
    copyInputs(big, dataDir);
    const unifiedDir = join(dataDir, 'unified');
    const before = treeHashes(unifiedDir);
    const child: ChildProcess = spawn(process.execPath, [cliPath, ...convertArgs(dataDir)], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the run stages its first files (the klines dataset's hidden staging folder exists).
    const klines = join(unifiedDir, 'klines', 'binance_BTCUSDT_1m');
    const staging = (): boolean => existsSync(klines) && readdirSync(klines).some((name) => name.startsWith('.staging-'));
    for (let i = 0; i < 2000 && !staging(); i++) await new Promise((r) => setTimeout(r, 5));
    child.kill(signal);
    expect(await exited).toBe(exitCode);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/interrupted/u);
    // Nothing committed changed, and nothing temporary is left.
    expect(treeHashes(unifiedDir)).toEqual(before);
  });
});
