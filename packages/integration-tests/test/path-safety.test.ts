// Path and argument safety of `unified convert`, `unified validate` and `unified query`, run as a user runs them:
// unsafe identifiers are refused before anything touches the disk, nothing is written through a symbolic link
// that leads out of unified/, and nothing is read through one that leads out of the dataset.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeHashes } from '@unified/vitest-config/files';
import { cliPath } from './workspace.js';

const root = mkdtempSync(join(tmpdir(), 'unified-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function unified(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const inputs = join(root, 'inputs');
beforeAll(() => {
  expect(unified(['demo', '--out', inputs, '--days', '2', '--aggtrades-rows', '5000', '--formats', 'parquet', '--no-convert', '-q']).status).toBe(0);
});

/** A data directory holding the sample inputs (and nothing else). */
function dataDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(inputs)) if (file.endsWith('.parquet')) cpSync(join(inputs, file), join(dir, file));
  return dir;
}

describe('identifiers', () => {
  const long = 'A'.repeat(300);
  it.each([
    ['--symbol', '../x', /invalid symbol "\.\.\/x": must not contain '\/'/u],
    ['--symbol', 'a/b', /invalid symbol "a\/b"/u],
    ['--exchange', 'x=y', /invalid exchange "x=y": must not contain '='/u],
    ['--symbol', '', /invalid symbol "": must not be empty/u],
    ['--symbol', long, /invalid symbol "A{45}\.\.\." \(300 characters\): must be at most 64 characters/u],
    ['--timeframe', '../1m', /invalid timeframe "\.\.\/1m"/u],
  ])('%s %j is refused with exit 2 before anything touches the disk', (flag, value, message) => {
    const dir = dataDir(`ids-${flag}-${value.length}-${value.slice(0, 3).replace(/\W/gu, '_')}`);
    const before = treeHashes(dir);
    const args = { '--exchange': 'binance', '--symbol': 'BTCUSDT', '--timeframe': '1m', [flag]: value };
    for (const command of ['convert', 'validate']) {
      const run = unified([command, '--data-dir', dir, ...Object.entries(args).flat()]);
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 2, stdout: '' });
      expect(run.stderr.split('\n')[0]).toMatch(message);
      // No unified/, no log file, no lock: the data directory is exactly as it was.
      expect(treeHashes(dir)).toEqual(before);
    }
  });
});

describe('symbolic links', () => {
  it('are not written through when they lead out of unified/', () => {
    const dir = dataDir('link-write');
    const outside = join(root, 'outside-write');
    mkdirSync(outside);
    mkdirSync(join(dir, 'unified'));
    symlinkSync(outside, join(dir, 'unified', 'aggtrades'));
    const run = unified(['convert', '--data-dir', dir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--no-log-file']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^error: the dataset folder \S+unified\/aggtrades\/binance_BTCUSDT resolves to \S+outside-write\/binance_BTCUSDT, outside \S+unified; refusing to follow a symbolic link out of it\n$/u);
    expect(readdirSync(outside)).toEqual([]);
    // Nothing was committed for the other data types either: a run that fails changes nothing.
    expect(Object.keys(treeHashes(join(dir, 'unified')))).toEqual([]);
  });

  it('are not written through when a partition folder leads out of its dataset', () => {
    const dir = dataDir('link-partition');
    expect(unified(['convert', '--data-dir', dir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--no-log-file', '-q']).status).toBe(0);
    const dataset = join(dir, 'unified', 'klines', 'binance_BTCUSDT_1m', 'exchange=binance', 'symbol=BTCUSDT', 'timeframe=1m', 'year=2024', 'month=1');
    const outside = join(root, 'outside-partition');
    mkdirSync(outside);
    rmSync(join(dataset, 'day=2'), { recursive: true });
    symlinkSync(outside, join(dataset, 'day=2'));
    const run = unified(['convert', '--data-dir', dir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--no-log-file', '--force-rerun']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/the partition folder \S+day=2 resolves to \S+outside-partition/u);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('are not read through by query or validate when they lead out of the dataset', () => {
    const dir = dataDir('link-read');
    expect(unified(['convert', '--data-dir', dir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--no-log-file', '-q']).status).toBe(0);
    const secret = join(root, 'secret');
    mkdirSync(secret);
    cpSync(join(dir, 'unified', 'aggtrades', 'binance_BTCUSDT', 'exchange=binance', 'symbol=BTCUSDT', 'year=2024', 'month=1', 'day=1', 'part-0.parquet'), join(secret, 'part-0.parquet'));
    const month = join(dir, 'unified', 'aggtrades', 'binance_BTCUSDT', 'exchange=binance', 'symbol=BTCUSDT', 'year=2024', 'month=1');
    symlinkSync(secret, join(month, 'day=9'));
    const query = unified(['query', join(dir, 'unified', 'aggtrades', 'binance_BTCUSDT'), '--limit', '1']);
    expect(query.status).toBe(1);
    expect(query.stderr).toMatch(/the dataset entry \S+day=9 resolves to \S+secret, outside \S+binance_BTCUSDT; refusing/u);
    // The validator does not follow it either: a link is not data.
    const validate = unified(['validate', '--data-dir', dir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--type', 'aggtrades', '--json']);
    const doc = JSON.parse(validate.stdout) as { issues: { code: string; file?: string }[] };
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'stray_file', file: 'exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=9' }));
  });
});
