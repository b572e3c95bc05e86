import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';
import { recordingIo } from '../test-io.js';

const tmp = mkdtempSync(join(tmpdir(), 'unified-cli-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let counter = 0;

const DAY = Date.UTC(2024, 0, 1);

/** A working directory with a data_cache holding an hour of klines and three funding events. */
function workspace(): string {
  const cwd = join(tmp, `ws-${counter++}`);
  const data = join(cwd, 'data_cache');
  mkdirSync(data, { recursive: true });
  const klines = ['open_time,open,high,low,close,volume', ...Array.from({ length: 60 }, (_, i) => `${DAY + i * 60_000},1,2,0.5,1.5,10`)];
  writeFileSync(join(data, 'klines_binance_BTCUSDT_1m_consolidated.csv'), `${klines.join('\n')}\n`);
  writeFileSync(join(data, 'futures_binance_BTCUSDT_consolidated.csv'), `calc_time,funding_interval_hours,last_funding_rate\n${DAY},8,0.0001\n${DAY + 8 * 3_600_000},8,0.0002\n${DAY + 16 * 3_600_000},8,0.0003\n`);
  return cwd;
}

async function run(args: string[], cwd: string, options: { tty?: boolean; stdoutTty?: boolean; env?: Record<string, string> } = {}): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(cwd, options);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('unified convert', () => {
  it('shows the purpose, options with defaults and examples with the seed file names on --help', async () => {
    const { code, out } = await run(['convert', '--help'], tmp);
    expect(code).toBe(0);
    const flat = out.replace(/\s+/gu, ' ');
    expect(flat).toContain('--data-dir <dir> data directory holding the sources (default: "data_cache")');
    expect(flat).toContain('--timeframe <tf> kline interval (default: "1m")');
    expect(flat).toContain('--lock-timeout <seconds> how long to wait for another run on the same dataset (default: 600)');
    expect(flat).toContain('klines_binance_BTCUSDT_1m_consolidated.parquet');
    expect(flat).toContain('$ unified convert --exchange binance --symbol BTCUSDT');
  });

  it('converts, prints a summary on stdout, a warning for the missing type on stderr, and logs JSON lines', async () => {
    const cwd = workspace();
    const { code, out, err } = await run(['convert', '--exchange', 'Binance', '--symbol', 'btcusdt'], cwd);
    expect(code).toBe(0);
    expect(out).toContain('Converted binance BTCUSDT 1m into data_cache/unified in');
    expect(out).toMatch(/klines\s+binance_BTCUSDT_1m\s+written\s+60\s+60\s+0\s+60\s+1/u);
    expect(out).toMatch(/aggtrades\s+skipped: no sources/u);
    expect(out).toContain("read_parquet('data_cache/unified/klines/binance_BTCUSDT_1m/**/*.parquet', hive_partitioning = true)");
    expect(err).toMatch(/^warning: aggtrades skipped: no aggtrades sources for binance BTCUSDT/mu);
    expect(err).not.toContain('\x1b[');
    const log = readFileSync(join(cwd, 'log/step1_5_converter.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log[0]).toMatchObject({ level: 'info', msg: 'convert started', exchange: 'Binance' });
    expect(log.some((l) => l['level'] === 'warn')).toBe(true);
    expect(log.at(-1)).toMatchObject({ msg: 'convert finished' });

    const again = await run(['convert', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--quiet'], cwd);
    expect([again.code, again.err]).toEqual([0, '']);
    expect(again.out).toMatch(/^nothing to do: the sources of binance BTCUSDT 1m are unchanged \(\d+\.\d s\)\n$/u);
  });

  it('counts skipped bad rows in the one summary line of --quiet', async () => {
    const cwd = workspace();
    const path = join(cwd, 'data_cache', 'klines_binance_BTCUSDT_1m_consolidated.csv');
    // Line 11: a candle whose high is below its open.
    writeFileSync(path, readFileSync(path, 'utf8').replace(`${DAY + 9 * 60_000},1,2,0.5,1.5,10`, `${DAY + 9 * 60_000},1,0.9,0.5,0.8,10`));
    const { code, out } = await run(['convert', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--skip-bad-rows', '--quiet', '--no-log-file'], cwd);
    expect(code).toBe(0);
    expect(out).toMatch(/^converted binance BTCUSDT 1m: klines 59 rows written \(1 bad row skipped\), futures 3 rows written \(\d+\.\d s\)\n$/u);
  });

  it('prints exactly one JSON document with --json and nothing else on stdout', async () => {
    const cwd = workspace();
    const { code, out } = await run(['convert', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--json', '--no-log-file', '--compression', 'zstd'], cwd);
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    const doc = JSON.parse(out) as { ok: boolean; noop: boolean; datasets: { type: string; totalRows: number; compression: string; minTimestamp: number; minTimestampIso: string }[]; skipped: { type: string }[]; logFile: null };
    expect(doc).toMatchObject({ ok: true, noop: false, logFile: null, skipped: [{ type: 'aggtrades' }] });
    expect(doc.datasets.map((d) => [d.type, d.totalRows, d.compression])).toEqual([
      ['klines', 60, 'zstd'],
      ['futures', 3, 'zstd'],
    ]);
    expect([doc.datasets[0]!.minTimestamp, doc.datasets[0]!.minTimestampIso]).toEqual([DAY, '2024-01-01T00:00:00.000Z']);
    expect(existsSync(join(cwd, 'log'))).toBe(false);
  });

  it('exits 2 on a usage error and 1 on a failed run, naming the problem, with nothing on stdout', async () => {
    const cwd = workspace();
    const missing = await run(['convert', '--symbol', 'BTCUSDT'], cwd);
    expect([missing.code, missing.out]).toEqual([2, '']);
    expect(missing.err).toContain("error: required option '--exchange <id>' not specified");
    const unsafe = await run(['convert', '--exchange', 'binance', '--symbol', '../x'], cwd);
    expect([unsafe.code, unsafe.out]).toEqual([2, '']);
    const noKlines = await run(['convert', '--exchange', 'binance', '--symbol', 'ETHUSDT', '--no-log-file'], cwd);
    expect([noKlines.code, noKlines.out]).toEqual([1, '']);
    expect(noKlines.err).toMatch(/^error: no klines sources for binance ETHUSDT 1m in .*data_cache .*klines are required, nothing was written$/mu);
    expect(existsSync(join(cwd, 'data_cache/unified'))).toBe(false);
  });

  it('draws progress bars on stderr of a terminal only', async () => {
    const cwd = workspace();
    const tty = await run(['convert', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--no-log-file'], cwd, { tty: true, env: { TERM: 'xterm' } });
    expect(tty.code).toBe(0);
    expect(tty.err).toMatch(/klines\s+.*100% \| 60 rows/u);
    expect(tty.out).not.toMatch(/\d+% \|/u);
    // stdout redirected to a file while stderr is a terminal: bars and marks on stderr, plain text in the file.
    const redirected = await run(['convert', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--force-rerun', '--no-log-file'], cwd, { tty: true, stdoutTty: false, env: { TERM: 'xterm' } });
    expect(redirected.out).not.toContain('\x1b[');
    expect(redirected.out).toMatch(/^Converted binance BTCUSDT 1m/u);
    expect(redirected.err).toContain('\x1b[');
    const noColor = await run(['convert', '--exchange', 'binance', '--symbol', 'BTCUSDT', '--force-rerun', '--no-log-file'], cwd, { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.err).not.toContain('\x1b[');
  });
});
