// The built `unified` executable, run as a user runs it: a child process with real argv, cwd, signals and
// exit codes. DuckDB independently reads what it reports.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, repoRoot } from './workspace.js';

const cwd = mkdtempSync(join(tmpdir(), 'unified-e2e-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function unified(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the unified executable', () => {
  it('prints the version of @unified/cli', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'apps', 'cli', 'package.json'), 'utf8')) as { version: string };
    expect(unified(['--version'])).toEqual({ status: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it('writes the files it reports in --json, and DuckDB reads each of them with the reported rows', async () => {
    const { status, stdout, stderr } = unified(['demo', '--out', 'data_cache', '--days', '2', '--aggtrades-rows', '20000', '--json']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const doc = JSON.parse(stdout) as { outDir: string; files: { path: string; format: string; rows: number }[] };
    expect(doc.outDir).toBe(join(cwd, 'data_cache'));
    expect(doc.files).toHaveLength(6);
    for (const file of doc.files) {
      const reader = file.format === 'parquet' ? 'read_parquet' : 'read_csv';
      const [row] = await queryDuckDb(`SELECT count(*) AS n FROM ${reader}(${sqlString(file.path)})`);
      expect({ path: file.path, n: Number(row?.n) }).toEqual({ path: file.path, n: file.rows });
    }
  });

  it('exits 2 on a usage error, with nothing on stdout', () => {
    const result = unified(['demo', '--days', '-1']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: option '--days <n>' argument '-1' is invalid/u);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('stops on %s with exit code %i, keeping only complete files', async (signal, exitCode) => {
    const out = join(cwd, `interrupted-${signal}`);
    const child: ChildProcess = spawn(process.execPath, [cliPath, 'demo', '--out', out, '--days', '10', '--aggtrades-rows', '5000000', '--formats', 'parquet'], { cwd });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupt once the klines file is committed, while the 5 M trades are being written.
    const klines = join(out, 'klines_binance_BTCUSDT_1m_consolidated.parquet');
    for (let i = 0; i < 600 && !existsSync(klines); i++) await new Promise((r) => setTimeout(r, 25));
    expect(existsSync(klines)).toBe(true);
    child.kill(signal);
    expect(await exited).toBe(exitCode);
    expect(stderr).toBe('interrupted\n');
    expect(readdirSync(out)).toEqual(['klines_binance_BTCUSDT_1m_consolidated.parquet']);
    const [row] = await queryDuckDb(`SELECT count(*) AS n FROM read_parquet(${sqlString(klines)})`);
    expect(row?.n).toBe(14_400n);
  });
});

describeWithRealFixtures('the unified executable on real files', (fixtures) => {
  it('inspects a Binance archive with --json: one JSON document on stdout, the warning on stderr', () => {
    const zip = join(fixtures, 'zip', 'spot', 'BTCUSDT-1m-2025-01-02.zip');
    const { status, stdout, stderr } = unified(['inspect', zip, '--json']);
    expect(status).toBe(0);
    expect(stderr).toBe('warning: no BTCUSDT-1m-2025-01-02.zip.CHECKSUM beside the archive; its integrity was not verified\n');
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toMatchObject({
      path: zip,
      kind: 'klines',
      format: 'zip',
      member: 'BTCUSDT-1m-2025-01-02.csv',
      rows: 1440,
      timestampUnit: 'us',
      minTimestamp: 1_735_776_000_000,
      minTimestampIso: '2025-01-02T00:00:00.000Z',
      maxTimestamp: 1_735_862_340_000,
      maxTimestampIso: '2025-01-02T23:59:00.000Z',
      sorted: true,
      timeframe: '1m',
      symbol: 'BTCUSDT',
      columns: expect.arrayContaining([{ source: 'open_time', field: 'timestamp' }]) as unknown,
    });
  });
});

describe('pnpm unified (the repository launcher)', () => {
  it('resolves relative paths against the directory pnpm was run from (INIT_CWD)', () => {
    const launcher = join(repoRoot, 'apps', 'cli', 'scripts', 'run-from-init-cwd.js');
    const result = spawnSync(process.execPath, [launcher, 'demo', '-q', '--out', 'relative-out', '--days', '1', '--aggtrades-rows', '10', '--formats', 'csv'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: cwd },
    });
    expect(result.status).toBe(0);
    const [written, converted] = result.stdout.trimEnd().split('\n');
    expect(written).toBe(`wrote 3 files, 1,453 rows, to ${join(cwd, 'relative-out')}`);
    expect(converted).toMatch(/^converted binance BTCUSDT 1m: klines 1,440 rows written, aggtrades 10 rows written, futures 3 rows written/u);
    expect(existsSync(join(cwd, 'relative-out', 'unified', 'metadata.json'))).toBe(true);
    expect(existsSync(join(repoRoot, 'relative-out'))).toBe(false);
  });
});
