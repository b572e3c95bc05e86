// The bad-input corpus (fixtures/bad-input, issue 9) through the built CLI, as a user runs it: each broken file
// is placed in a data directory that holds good inputs of the other data types and their committed conversion,
// and `unified convert` must fail with the documented exit code, nothing on stdout, one line on stderr naming
// the file (and the line and value of a bad row), the error code in its log, and every file under unified/
// byte for byte as it was. Row-level problems must also convert under the opt-in --skip-bad-rows, counted.
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { treeHashes } from '@unified/vitest-config/files';
import { cliPath } from './workspace.js';

const corpus = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bad-input');

/** One entry of fixtures/bad-input/cases.json (its `$comment` describes the fields). */
interface BadInputCase {
  readonly id: string;
  readonly title: string;
  /** Corpus file -> where it goes inside the data directory. */
  readonly files: Readonly<Record<string, string>>;
  readonly exitCode: number;
  readonly errorCode?: string;
  readonly stderr?: string;
  readonly names?: string;
  readonly line?: number;
  readonly value?: string;
  readonly skipBadRows?: { readonly type: string; readonly rowsRead: number; readonly rowsSkipped: number };
  readonly converted?: { readonly type: string } & Readonly<Record<string, unknown>>;
  readonly unreadable?: string;
  readonly dataDir?: string;
}

interface ConvertJson {
  readonly ok: boolean;
  readonly datasets: readonly { readonly type: string; readonly status: string; readonly rowsRead: number; readonly rowsWritten: number; readonly rowsSkipped: number }[];
  readonly warnings: readonly string[];
}

const { cases } = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as { cases: BadInputCase[] };

const root = mkdtempSync(join(tmpdir(), 'unified-bad-input-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const template = join(root, 'template');

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function unified(args: readonly string[], options: SpawnSyncOptions = {}): Run {
  const result = spawnSync(process.execPath, [cliPath, ...args], { cwd: root, encoding: 'utf8', ...options, env: { ...process.env, NO_COLOR: '1' } });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

const convertArgs = (dataDir: string): string[] => ['convert', '--data-dir', dataDir, '--exchange', 'binance', '--symbol', 'BTCUSDT', '--lock-timeout', '5'];
const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

// Root ignores file permissions, so for the unreadable folder the CLI runs as an unprivileged user (uid/gid
// 65534, "nobody") when the tests run as root, provided that user can switch in and reach the CLI and the
// temporary folder; otherwise that one case is skipped, saying why.
const UNPRIVILEGED = 65_534;
const isRoot = process.getuid?.() === 0;
if (isRoot) chmodSync(root, 0o755);
const canRunUnprivileged = (): boolean => {
  const probe = `const fs = require('node:fs'); fs.readdirSync(${JSON.stringify(root)}); fs.accessSync(${JSON.stringify(cliPath)}, fs.constants.R_OK);`;
  return spawnSync(process.execPath, ['-e', probe], { uid: UNPRIVILEGED, gid: UNPRIVILEGED, stdio: 'ignore' }).status === 0;
};
const permissionsEnforced = process.platform !== 'win32' && (!isRoot || canRunUnprivileged());

function chownTree(path: string): void {
  chownSync(path, UNPRIVILEGED, UNPRIVILEGED);
  for (const entry of readdirSync(path, { encoding: 'utf8', recursive: true })) chownSync(join(path, entry), UNPRIVILEGED, UNPRIVILEGED);
}

beforeAll(() => {
  // Good inputs of all three data types (one day, CSV), converted once; each case starts from a copy.
  const demo = unified(['demo', '--out', template, '--no-convert', '--days', '1', '--aggtrades-rows', '2000', '--formats', 'csv', '-q']);
  expect(demo.status, demo.stderr).toBe(0);
  const converted = unified([...convertArgs(template), '--no-log-file', '-q']);
  expect(converted.status, converted.stderr).toBe(0);
}, 60_000);

it('the committed corpus is what make-fixtures.mjs writes', () => {
  const check = spawnSync(process.execPath, [join(corpus, 'make-fixtures.mjs'), '--check'], { encoding: 'utf8' });
  expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
});

it('covers every case the issue asks for', () => {
  expect(cases.map((c) => c.id)).toEqual(
    expect.arrayContaining([
      'truncated-parquet',
      'wrong-magic-parquet',
      'short-row',
      'non-numeric-price',
      'nan-quantity',
      'negative-quantity',
      'boolean-yes',
      'empty-file',
      'header-only',
      'wrong-data-type',
      'timestamps-in-seconds',
      'timestamps-1970',
      'timestamps-after-2100',
      'checksum-mismatch',
      'zip-slip',
      'mixed-symbols',
      'unreadable-dir',
    ]),
  );
});

/** A fresh copy of the template (good inputs + committed unified/) with the case's files placed in it. */
function prepare(c: BadInputCase): { caseRoot: string; dataDir: string } {
  const caseRoot = join(root, c.id);
  const dataDir = join(caseRoot, 'data');
  cpSync(template, dataDir, { recursive: true, preserveTimestamps: true });
  for (const [file, place] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dataDir, place)), { recursive: true });
    cpSync(join(corpus, file), join(dataDir, place));
  }
  return { caseRoot, dataDir };
}

for (const c of cases.filter((entry) => entry.converted === undefined)) describe(`${c.id}: ${c.title}`, () => {
  const skip = c.unreadable !== undefined && !permissionsEnforced;
  const title = skip
    ? 'skipped: running as root without the right to switch to an unprivileged user, and root reads any folder whatever its mode'
    : `exits ${c.exitCode} with ${c.errorCode ?? '?'}, one line naming the file, and leaves unified/ as it was`;

  it.skipIf(skip)(title, () => {
    const { caseRoot, dataDir } = prepare(c);
    const unifiedDir = join(dataDir, 'unified');
    let options: SpawnSyncOptions = {};
    if (c.unreadable !== undefined) {
      if (isRoot) {
        chownTree(caseRoot);
        options = { uid: UNPRIVILEGED, gid: UNPRIVILEGED };
      }
      chmodSync(join(dataDir, c.unreadable), 0o000);
    }
    try {
      const before = treeHashes(unifiedDir);
      expect(Object.keys(before)).toContain('metadata.json');
      const dataDirArg = c.dataDir === undefined ? dataDir : join(dataDir, c.dataDir);
      const named = join(dataDir, c.names!);

      // One line on stderr (-q: no progress lines), nothing on stdout even with --json.
      const run = unified([...convertArgs(dataDirArg), '--no-log-file', '--json', '-q'], options);
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: c.exitCode, stdout: '' });
      expect(lines(run.stderr)).toHaveLength(1);
      const line = run.stderr.trimEnd();
      expect(line).toMatch(new RegExp(c.stderr!, 'u'));
      expect(line).toContain(named);
      if (c.line !== undefined) expect(line).toContain(`${named}:${c.line}: `);
      if (c.value !== undefined) expect(line).toContain(c.value);
      expect(line).not.toMatch(/\n|\bat .*\(.*:\d+:\d+\)/u); // no stack trace
      expect(treeHashes(unifiedDir)).toEqual(before);

      // Without -q: progress lines may come first, the error is the last line; the log records its code.
      const logFile = join(caseRoot, 'convert.log');
      const logged = unified([...convertArgs(dataDirArg), '--log-file', logFile, '--json'], options);
      expect({ status: logged.status, stdout: logged.stdout }).toEqual({ status: c.exitCode, stdout: '' });
      const stderrLines = lines(logged.stderr);
      expect(stderrLines.filter((l) => l.startsWith('error:'))).toEqual([stderrLines.at(-1)]);
      expect(stderrLines.at(-1)).toMatch(new RegExp(c.stderr!, 'u'));
      const events = lines(readFileSync(logFile, 'utf8')).map((l) => JSON.parse(l) as { level: string; msg: string; code?: string });
      expect(events.at(-1)).toEqual(expect.objectContaining({ level: 'error', code: c.errorCode, msg: stderrLines.at(-1)!.slice('error: '.length) }));
      expect(treeHashes(unifiedDir)).toEqual(before);
    } finally {
      if (c.unreadable !== undefined) chmodSync(join(dataDir, c.unreadable), 0o755);
    }
  });

  if (c.skipBadRows !== undefined) {
    const expected = c.skipBadRows;
    it(`with --skip-bad-rows converts, skipping and counting ${expected.rowsSkipped} ${expected.type} row(s)`, () => {
      const { dataDir } = prepare({ ...c, id: `${c.id}-skip` });
      const run = unified([...convertArgs(dataDir), '--no-log-file', '--json', '--skip-bad-rows']);
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as ConvertJson;
      const dataset = result.datasets.find((d) => d.type === expected.type);
      expect(dataset).toMatchObject({ status: 'written', rowsRead: expected.rowsRead, rowsSkipped: expected.rowsSkipped, rowsWritten: expected.rowsRead - expected.rowsSkipped });
      // The skip is reported, with the first bad row named as the error names it.
      const first = `${join(dataDir, c.names!)}:${c.line}: `;
      const warning = result.warnings.find((w) => w.startsWith(`${expected.type}: ${expected.rowsSkipped} bad row`));
      expect(warning).toContain(`(first: ${first}`);
      expect(lines(run.stderr).filter((l) => l.startsWith('warning:') && l.includes(first))).toHaveLength(1);
      expect(run.stderr).not.toContain('error:');
    });
  }
});

for (const c of cases.filter((entry) => entry.converted !== undefined)) describe(`${c.id}: ${c.title}`, () => {
  it('converts, as documented, to the right milliseconds', () => {
    const { dataDir } = prepare(c);
    const run = unified([...convertArgs(dataDir), '--no-log-file', '--json', '-q']);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: c.exitCode, stderr: '' });
    const result = JSON.parse(run.stdout) as ConvertJson;
    expect(result.ok).toBe(true);
    const { type, ...fields } = c.converted!;
    expect(result.datasets.find((d) => d.type === type)).toMatchObject({ status: 'written', rowsSkipped: 0, ...fields });
  });
});

describe('an output folder that cannot be written', () => {
  const inputsOnly = (id: string): string => {
    const dataDir = join(root, id, 'data');
    cpSync(template, dataDir, { recursive: true, preserveTimestamps: true });
    rmSync(join(dataDir, 'unified'), { recursive: true });
    return dataDir;
  };

  it('a file named unified where the output folder goes: exit 1, one line naming it, the file untouched', () => {
    const dataDir = inputsOnly('unified-is-a-file');
    writeFileSync(join(dataDir, 'unified'), 'not a folder');
    const run = unified([...convertArgs(dataDir), '--no-log-file', '-q']);
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: '' });
    expect(lines(run.stderr)).toEqual([expect.stringMatching(new RegExp(`^error: .*: ${join(dataDir, 'unified')} is a file, not a folder \\(ENOTDIR\\)$`, 'u'))]);
    expect(readFileSync(join(dataDir, 'unified'), 'utf8')).toBe('not a folder');
  });

  const readOnlyTitle = permissionsEnforced
    ? 'a data folder the user may not write in: exit 1, one line saying so, nothing created'
    : 'a data folder the user may not write in: skipped, running as root without the right to switch to an unprivileged user (root writes anywhere)';
  it.skipIf(!permissionsEnforced)(readOnlyTitle, () => {
    const dataDir = inputsOnly('read-only-data-dir');
    if (isRoot) chownTree(join(root, 'read-only-data-dir'));
    chmodSync(dataDir, 0o555);
    try {
      const run = unified([...convertArgs(dataDir), '--no-log-file', '-q'], isRoot ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED } : {});
      expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: '' });
      expect(lines(run.stderr)).toEqual([`error: ${join(dataDir, 'unified')}: cannot create the folder: permission denied (EACCES)`]);
      expect(readdirSync(dataDir).filter((name) => !name.endsWith('.csv'))).toEqual([]);
    } finally {
      chmodSync(dataDir, 0o755);
    }
  });
});
