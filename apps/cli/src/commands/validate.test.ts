// `unified validate` end to end in-process, on copies of the demo data with planted defects: the grouped
// report, the verdicts and exit codes, the JSON document, --strict, --sources, the usage errors and the bars.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnifiedError, VALIDATION_CHECKS } from '@unified/core';
import { runCli } from '../run-cli.js';
import { recordingIo } from '../test-io.js';
import { jsonLine } from './validate.js';

const tmp = mkdtempSync(join(tmpdir(), 'unified-cli-validate-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

const KLINES = 'demo/unified/klines/binance_BTCUSDT_1m';
const TRADES = 'demo/unified/aggtrades/binance_BTCUSDT';
const FUTURES = 'demo/unified/futures/binance_BTCUSDT';
const DAY1_TRADES = 'exchange=binance/symbol=BTCUSDT/year=2024/month=1/day=1/part-0.parquet';
const BASE = ['validate', '--data-dir', 'demo', '--exchange', 'binance', '--symbol', 'BTCUSDT'];
const TRADE_ROWS = 4000;
const ROWS = 2 * 1440 + TRADE_ROWS + 2 * 3;

async function run(args: string[], cwd: string, options: { tty?: boolean; stdoutTty?: boolean; env?: Record<string, string>; signal?: AbortSignal } = {}): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(cwd, options);
  const code = await runCli(args, io, options.signal);
  return { code, out: io.out(), err: io.err() };
}

const base = join(tmp, 'base');
beforeAll(async () => {
  mkdirSync(base);
  const demo = await run(['demo', '--out', 'demo', '--days', '2', '--aggtrades-rows', String(TRADE_ROWS), '--formats', 'parquet', '-q'], base);
  expect(demo.code).toBe(0);
});

/** A fresh copy of the demo data (two days of klines, aggtrades and funding, converted) in its own working directory. */
function workspace(): string {
  const cwd = join(tmp, `ws-${counter++}`);
  cpSync(base, cwd, { recursive: true });
  return cwd;
}

interface JsonDoc {
  ok: boolean;
  issues: { code: string; severity: string; message: string; kind: string; datasetName: string; dataset: string; file?: string; partition?: string }[];
  stats: {
    totals: { datasets: number; files: number; rows: number; errors: number; warnings: number; issueCounts: Record<string, number>; durationMs: number };
    datasets: ({ kind: string; name: string; path: string; ok: boolean; rows: number; files: number; errors: number; warnings: number } & Record<string, unknown>)[];
  };
  missing: { kind: string; name: string; path: string }[];
}

describe('unified validate', () => {
  it('shows the purpose, every option with its default and examples on --help', async () => {
    const { code, out } = await run(['validate', '--help'], tmp);
    expect(code).toBe(0);
    const flat = out.replace(/\s+/gu, ' ');
    expect(flat).toContain('Check the klines, aggtrades and futures datasets of one exchange and symbol');
    expect(flat).toContain('--data-dir <dir> data directory holding unified/ (default: "data_cache")');
    expect(flat).toContain('--timeframe <tf> kline interval (default: "1m")');
    expect(flat).toContain('--sample-size <n> source rows sampled and looked up in the output (with --sources) (default: 1000)');
    expect(flat).toContain('--max-examples <n> example issues shown per code in the report (default: 5)');
    expect(flat).toContain('--no-checksums');
    expect(flat).toContain('--strict warnings count as errors');
    expect(flat).toContain('$ unified validate --data-dir demo-data --exchange binance --symbol BTCUSDT --sources --strict');
    const top = await run(['--help'], tmp);
    expect(top.out).toMatch(/^ {2}validate \[options\] +check the datasets of a symbol/mu);
    expect(top.out).toContain('$ unified validate --data-dir demo-data --exchange binance --symbol BTCUSDT');
  });

  it('reports every dataset of clean data as OK and exits 0', async () => {
    const cwd = workspace();
    const { code, out, err } = await run(BASE, cwd);
    expect([code, err]).toEqual([0, '']);
    const lines = out.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^demo\/unified\/klines\/binance_BTCUSDT_1m: 2,880 rows, 2 files, 2 partitions, \d+\.\d kB, 2024-01-01 00:00:00 \.\. 2024-01-02 23:59:00 UTC, [\d,]+ rows\/s$/u));
    expect(lines).toContainEqual(expect.stringMatching(/^demo\/unified\/aggtrades\/binance_BTCUSDT: 4,000 rows, 2 files, 2 partitions, /u));
    expect(lines).toContainEqual(expect.stringMatching(/^demo\/unified\/futures\/binance_BTCUSDT: 6 rows, 2 files, 2 partitions, /u));
    expect(lines.filter((line) => line === '  OK')).toHaveLength(3);
    expect(out).toMatch(new RegExp(`^OK: binance BTCUSDT 1m, 3 datasets, ${ROWS.toLocaleString('en-US')} rows, no issues \\(\\d+\\.\\d s\\)$`, 'mu'));
    expect(out).toContain('To also check them against the source files: unified validate --data-dir demo --exchange binance --symbol BTCUSDT --sources\n');
    expect(out).not.toContain('\x1b[');

    const quiet = await run([...BASE, '-q', '--type', 'futures', '--type', 'klines'], cwd);
    expect([quiet.code, quiet.err]).toEqual([0, '']);
    expect(quiet.out).toMatch(/^OK: binance BTCUSDT 1m, 2 datasets, 2,886 rows, no issues \(\d+\.\d s\)\n$/u);
  });

  it('reports a stray file as a warning (exit 0) that fails under --strict (exit 1)', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, TRADES, 'README.txt'), 'notes\n');
    const lenient = await run(BASE, cwd);
    expect([lenient.code, lenient.err]).toEqual([0, '']);
    expect(lenient.out).toContain(
      [
        `  warning  stray_file ×1  ${VALIDATION_CHECKS.stray_file.detects}`,
        '      README.txt: not a data file (*.parquet) nor a hidden sidecar (_name or .name); some readers will trip over it',
        '  OK (1 warning)',
      ].join('\n'),
    );
    expect(lenient.out).toMatch(/^OK \(1 warning\): binance BTCUSDT 1m, 3 datasets, 6,886 rows, 1 warning \(\d+\.\d s\)\nWarnings do not fail a validation; add --strict to make them fail it\.\n$/mu);

    const strict = await run([...BASE, '--strict'], cwd);
    expect(strict.code).toBe(1);
    expect(strict.out).toContain(`  error    stray_file ×1  ${VALIDATION_CHECKS.stray_file.detects}`);
    expect(strict.out).toContain('  FAILED: 1 error\n');
    expect(strict.out).toMatch(/^FAILED: 1 error \(--strict\) in binance BTCUSDT 1m: 1 of 3 datasets failed \(6,886 rows, \d+\.\d s\)$/mu);
    expect(strict.err).toBe('error: validation failed (--strict: warnings count as errors): aggtrades/binance_BTCUSDT: 1 error (stray_file ×1)\n');

    const json = await run([...BASE, '--strict', '--json'], cwd);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.out) as JsonDoc;
    expect(doc.ok).toBe(false);
    expect(doc.issues).toEqual([expect.objectContaining({ code: 'stray_file', severity: 'error', file: 'README.txt', kind: 'aggtrades', datasetName: 'aggtrades/binance_BTCUSDT' })]);
  });

  it('reports a truncated data file as unreadable_file, grouped by code with the file, and exits 1', async () => {
    const cwd = workspace();
    const file = join(cwd, TRADES, DAY1_TRADES);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const { code, out, err } = await run(BASE, cwd);
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`^ {2}error {4}unreadable_file ×1 +${VALIDATION_CHECKS.unreadable_file.detects.replace(/[()]/gu, '\\$&')}\n {6}${DAY1_TRADES}: not a readable Parquet file`, 'mu'));
    // The size differs from the manifest and, summed, from metadata.json.
    expect(out).toMatch(/^ {2}error {4}checksum_mismatch ×2 /mu);
    // Errors come before warnings, and each code appears once.
    const groups = out.split('\n').filter((line) => /^ {2}(error|warning) /u.test(line));
    expect(groups.map((line) => line.trim().split(/\s+/u)[0])).toEqual([...groups.map((line) => line.trim().split(/\s+/u)[0])].sort());
    expect(new Set(groups.map((line) => line.trim().split(/\s+/u)[1])).size).toBe(groups.length);
    expect(out).toMatch(/^ {2}FAILED: \d+ errors?(, \d+ warnings?)?$/mu);
    expect(out).toMatch(/^FAILED: \d+ errors?(, \d+ warnings?)? in binance BTCUSDT 1m: 1 of 3 datasets failed/mu);
    expect(out).toContain('To rebuild the datasets from their sources: unified convert --data-dir demo --exchange binance --symbol BTCUSDT --force-rerun');
    expect(err).toMatch(/^error: validation failed: aggtrades\/binance_BTCUSDT: \d+ errors? \(.*unreadable_file ×1.*\)\n$/u);
  });

  it('prints exactly one JSON document with every kept issue and the stats', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, KLINES, 'notes.txt'), 'x');
    const file = join(cwd, TRADES, DAY1_TRADES);
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    const { code, out, err } = await run([...BASE, '--json'], cwd);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: validation failed: aggtrades\/binance_BTCUSDT: /u);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    const doc = JSON.parse(out) as JsonDoc;
    expect(Object.keys(doc)).toEqual(['ok', 'issues', 'stats', 'missing']);
    expect(doc.ok).toBe(false);
    expect(doc.missing).toEqual([]);
    expect(Object.keys(doc.stats)).toEqual(['totals', 'datasets']);

    const { totals, datasets } = doc.stats;
    expect(datasets.map((d) => [d.kind, d.name, d.path, d.ok])).toEqual([
      ['klines', 'klines/binance_BTCUSDT_1m', join(cwd, KLINES), true],
      ['aggtrades', 'aggtrades/binance_BTCUSDT', join(cwd, TRADES), false],
      ['futures', 'futures/binance_BTCUSDT', join(cwd, FUTURES), true],
    ]);
    expect(datasets[0]).toMatchObject({ timeframe: '1m', rows: 2880, files: 2, partitions: 2, errors: 0, warnings: 1, manifest: true, metadata: true, checksums: true, sources: null, minTimestamp: Date.UTC(2024, 0, 1), minTimestampIso: '2024-01-01T00:00:00.000Z' });
    expect(Object.keys(datasets[0]!)).toEqual(expect.arrayContaining(['issueCounts', 'klineGaps', 'missingCandles', 'tradeIdGaps', 'missingTradeIds', 'temporaryFiles', 'bytes', 'durationMs', 'rowsPerSecond']));
    expect(totals).toMatchObject({ datasets: 3, files: 6, rows: datasets.reduce((n, d) => n + d.rows, 0) });
    expect(totals.errors).toBe(datasets.reduce((n, d) => n + d.errors, 0));
    expect(totals.warnings).toBe(datasets.reduce((n, d) => n + d.warnings, 0));
    expect(Number.isInteger(totals.durationMs)).toBe(true);
    expect(Object.keys(totals.issueCounts)).toEqual(Object.keys(VALIDATION_CHECKS));
    expect(totals.issueCounts['stray_file']).toBe(1);
    expect(totals.issueCounts['unreadable_file']).toBe(1);

    // Every issue kept, with where it was found and which dataset it belongs to.
    expect(doc.issues.length).toBe(Object.values(totals.issueCounts).reduce((n, c) => n + c, 0));
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'stray_file', severity: 'warning', file: 'notes.txt', kind: 'klines', datasetName: 'klines/binance_BTCUSDT_1m', dataset: join(cwd, KLINES) }));
    expect(doc.issues).toContainEqual(
      expect.objectContaining({ code: 'unreadable_file', severity: 'error', file: DAY1_TRADES, partition: DAY1_TRADES.replace('/part-0.parquet', ''), kind: 'aggtrades', datasetName: 'aggtrades/binance_BTCUSDT', reason: expect.any(String) as unknown }),
    );
    for (const issue of doc.issues) expect(typeof issue.message).toBe('string');
  });

  it('writes numbers JSON cannot hold as text, so the document always parses', () => {
    const text = jsonLine({ rate: Number.POSITIVE_INFINITY, low: Number.NEGATIVE_INFINITY, value: Number.NaN, id: 2n ** 64n, small: 5n, ok: 1.5 });
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ rate: 'Infinity', low: '-Infinity', value: 'NaN', id: '18446744073709551616', small: 5, ok: 1.5 });
  });

  it('shows the first --max-examples messages of a code and says how many more there are', async () => {
    const cwd = workspace();
    for (let i = 0; i < 7; i++) writeFileSync(join(cwd, FUTURES, `stray-${i}.txt`), '');
    const { code, out } = await run([...BASE, '--type', 'futures'], cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/^ {2}warning {2}stray_file ×7 /mu);
    expect(out.split('\n').filter((line) => /^ {6}stray-\d\.txt: /u.test(line))).toHaveLength(5);
    expect(out).toContain('      … 2 more (--max-examples N to show more, --json for the first 7)\n');
    const one = await run([...BASE, '--type', 'futures', '--max-examples', '1'], cwd);
    expect(one.out.split('\n').filter((line) => /^ {6}stray-\d\.txt: /u.test(line))).toHaveLength(1);
    expect(one.out).toContain('      … 6 more');
  });

  it('reconciles with the sources with --sources: sources re-read and the sample verified', async () => {
    const cwd = workspace();
    const { code, out, err } = await run([...BASE, '--sources', '--sample-size', '50', '--seed', '7'], cwd);
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain('  sources: 1/1 re-read, 2,880 rows, sample verified 50/50\n');
    expect(out).toContain('  sources: 1/1 re-read, 4,000 rows, sample verified 50/50\n');
    expect(out).toContain('  sources: 1/1 re-read, 6 rows, sample verified 6/6\n');
    expect(out).toContain('Read one: unified query demo/unified/klines/binance_BTCUSDT_1m --limit 5\n');
    const json = await run([...BASE, '--sources', '--type', 'aggtrades', '--json'], cwd);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out) as JsonDoc;
    expect(doc.stats.datasets[0]!['sources']).toEqual({ files: 1, filesRead: 1, rowsRead: TRADE_ROWS, rowsSkipped: 0, sampled: 1000, verified: 1000, droppedByPolicy: 0 });

    const stray = await run([...BASE, '--sample-size', '10'], cwd);
    expect([stray.code, stray.err]).toEqual([0, 'warning: --sample-size has no effect without --sources\n']);
  });

  it('warns about a missing dataset, which fails only when asked for with --type under --strict', async () => {
    const cwd = workspace();
    rmSync(join(cwd, TRADES), { recursive: true });
    const all = await run(BASE, cwd);
    expect(all.code).toBe(0);
    expect(all.err).toBe('warning: no aggtrades dataset: demo/unified/aggtrades/binance_BTCUSDT does not exist; not validated\n');
    expect(all.out).toMatch(/^OK: binance BTCUSDT 1m, 2 datasets, /mu);

    const json = await run([...BASE, '--json', '-q'], cwd);
    expect([json.code, json.err]).toEqual([0, '']);
    expect((JSON.parse(json.out) as JsonDoc).missing).toEqual([{ kind: 'aggtrades', name: 'aggtrades/binance_BTCUSDT', path: join(cwd, TRADES), asked: false }]);

    const asked = await run([...BASE, '--type', 'klines,aggtrades'], cwd);
    expect(asked.code).toBe(0);
    expect(asked.err).toContain('asked for with --type');
    const strict = await run([...BASE, '--type', 'klines,aggtrades', '--strict'], cwd);
    expect(strict.code).toBe(1);
    expect(strict.out).toMatch(/^FAILED: no aggtrades dataset \(--strict\)/mu);
    expect(strict.err).toContain('error: validation failed (--strict: warnings count as errors): no aggtrades dataset (asked for with --type)\n');
  });

  it('notes a dataset without a metadata.json entry and does not suggest --sources for it', async () => {
    const cwd = workspace();
    rmSync(join(cwd, 'demo/unified/metadata.json'));
    const { code, out, err } = await run([...BASE, '--type', 'futures'], cwd);
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain('  note: no entry in metadata.json: counts were not checked against it\n  OK\n');
    expect(out).not.toContain('--sources');
    const withMetadata = await run([...BASE, '--type', 'futures'], workspace());
    expect(withMetadata.out).toContain('To also check them against the source files: unified validate --data-dir demo --exchange binance --symbol BTCUSDT --type futures --sources\n');
  });

  it('exits 1 with one error line and nothing on stdout when the data directory or the datasets do not exist', async () => {
    const cwd = workspace();
    const missing = await run(['validate', '--data-dir', 'nowhere', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--json'], cwd);
    expect(missing).toEqual({ code: 1, out: '', err: 'error: nowhere: no such directory (--data-dir)\n' });
    const defaultDir = await run(['validate', '--exchange', 'binance', '--symbol', 'BTCUSDT'], cwd);
    expect(defaultDir).toEqual({ code: 1, out: '', err: 'error: data_cache: no such directory (--data-dir)\n' });
    const otherSymbol = await run(['validate', '--data-dir', 'demo', '--exchange', 'binance', '--symbol', 'ethusdt'], cwd);
    expect([otherSymbol.code, otherSymbol.out]).toEqual([1, '']);
    expect(otherSymbol.err).toMatch(/^error: no dataset of binance ETHUSDT \(klines\/binance_ETHUSDT_1m, aggtrades\/binance_ETHUSDT, futures\/binance_ETHUSDT\) under .*; convert first .*\n$/u);
    expect(otherSymbol.err.split('\n')).toHaveLength(2);
    rmSync(join(cwd, TRADES), { recursive: true });
    const onlyMissing = await run([...BASE, '--type', 'aggtrades'], cwd);
    expect([onlyMissing.code, onlyMissing.out]).toEqual([1, '']);
  });

  it('exits 2 with nothing on stdout on a usage error', async () => {
    const cwd = workspace();
    const cases: [string[], RegExp][] = [
      [['validate', '--symbol', 'BTCUSDT'], /error: required option '--exchange <id>' not specified/u],
      [['validate', '--exchange', 'binance'], /error: required option '--symbol <symbol>' not specified/u],
      [[...BASE.slice(0, -1), '../x'], /^error: invalid symbol "\.\.\/x": must not contain/u],
      [[...BASE, '--timeframe', '1x'], /^error: invalid timeframe "1x"/u],
      [[...BASE, '--type', 'trades'], /argument 'trades' is invalid\. expected a comma-separated list of klines, aggtrades, futures/u],
      [[...BASE, '--max-examples', '-1'], /expected an integer from 0 to 100000/u],
      [[...BASE, '--sample-size', 'many'], /expected an integer/u],
      [[...BASE, '--sorces'], /error: unknown option '--sorces'\n\(Did you mean --sources\?\)/u],
      [[...BASE, '--data-dir', ''], /expected a directory, got an empty value/u],
    ];
    for (const [args, message] of cases) {
      const { code, out, err } = await run(args, cwd);
      expect([args, code, out]).toEqual([args, 2, '']);
      expect(err).toMatch(message);
    }
    // The identifiers are checked before the data directory.
    const both = await run(['validate', '--data-dir', 'nowhere', '--exchange', 'binance', '--symbol', 'a/b'], cwd);
    expect([both.code, both.out]).toEqual([2, '']);
  });

  it('exits 130 when interrupted', async () => {
    const cwd = workspace();
    const signal = AbortSignal.abort(new UnifiedError({ code: 'ABORTED', message: 'interrupted by SIGINT' }));
    const { code, out, err } = await run(BASE, cwd, { signal });
    expect({ code, out, err }).toEqual({ code: 130, out: '', err: 'interrupted\n' });
  });

  it('draws progress bars and colours on a terminal only, never with --json or --quiet', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, TRADES, 'README.txt'), 'notes\n');
    const tty = await run(BASE, cwd, { tty: true, env: { TERM: 'xterm' } });
    expect(tty.code).toBe(0);
    expect(tty.err).toMatch(/aggtrades\s+.*100% \| 4,000 rows/u);
    expect(tty.out).toContain('\x1b[');
    expect(tty.out).toContain('✓ OK');
    expect(tty.out).not.toMatch(/\d+% \|/u);
    for (const flag of ['--json', '-q']) {
      const quiet = await run([...BASE, flag], cwd, { tty: true, env: { TERM: 'xterm' } });
      expect([flag, quiet.code, quiet.err]).toEqual([flag, 0, '']);
    }
    const noColor = await run(BASE, cwd, { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.out).not.toContain('\x1b[');
    expect(noColor.err).not.toContain('\x1b[');
    expect(noColor.out).toContain('  OK (1 warning)');
  });
});
