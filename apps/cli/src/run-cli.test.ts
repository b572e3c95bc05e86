import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { runCli } from './run-cli.js';
import { recordingIo } from './test-io.js';

const cwd = mkdtempSync(join(tmpdir(), 'unified-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function run(args: string[], options?: Parameters<typeof recordingIo>[1], signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(cwd, options);
  const code = await runCli(args, io, signal);
  return { code, out: io.out(), err: io.err() };
}

describe('unified', () => {
  it('prints its version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('lists its commands with examples on --help', async () => {
    const { code, out, err } = await run(['--help']);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('demo [options]');
    expect(out).toContain('Examples:');
  });

  it('shows every option with its default on `demo --help`', async () => {
    const { code, out } = await run(['demo', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('--out <dir>');
    expect(out).toContain('(default: "demo-data")');
    expect(out).toContain('(default: parquet,csv)');
    expect(out).toMatch(/\$ unified demo --out data_cache/u);
  });

  it.each([
    [['demo', '--bogus'], "error: unknown option '--bogus'\nusage: unified demo [options]\n"],
    [['demo', '--days', 'x'], "error: option '--days <n>' argument 'x' is invalid. expected an integer from 1 to 36500\n"],
    [['demo', '--timestamps', 's'], "error: option '--timestamps <encoding>' argument 's' is invalid. Allowed choices are ms, us, datetime.\n"],
    [['demoo'], "error: unknown command 'demoo'\n(Did you mean demo?)\n"],
    [['demo', '--symbol', '../x'], 'error: invalid symbol "../x": must not contain \'/\' or \'\\\' (rule: path_separator)\nrun \'unified demo --help\' for usage\n'],
    [['demo', '--exchange', 'binance_spot'], 'error: invalid exchange "binance_spot": must not contain \'_\''],
    [['demo', '--start', '2999-01-01'], 'error: option start: "2999-01-01" is not valid'],
    [['demo', '--out', ''], "error: option '-o, --out <dir>' argument '' is invalid. expected a directory, got an empty value\n"],
  ])('exits 2 with a one-line reason on %j', async (args, message) => {
    const { code, out, err } = await run(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.startsWith(message)).toBe(true);
  });

  it('exits 2 with the help on stderr when no command is given', async () => {
    const { code, out, err } = await run([]);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toContain('Usage: unified [options] [command]');
  });
});

describe('unified demo', () => {
  it('writes sample files relative to the working directory, converts them, and prints both and the next step', async () => {
    const { code, out, err } = await run(['demo', '--out', 'demo-a', '--days', '1', '--aggtrades-rows', '2000']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(readdirSync(join(cwd, 'demo-a')).sort()).toEqual([
      'aggtrades_binance_BTCUSDT_consolidated.csv',
      'aggtrades_binance_BTCUSDT_consolidated.parquet',
      'futures_binance_BTCUSDT_consolidated.csv',
      'futures_binance_BTCUSDT_consolidated.parquet',
      'klines_binance_BTCUSDT_1m_consolidated.csv',
      'klines_binance_BTCUSDT_1m_consolidated.parquet',
      'unified',
    ]);
    expect(readdirSync(join(cwd, 'demo-a/unified')).sort()).toEqual(['_config.json', 'aggtrades', 'futures', 'klines', 'metadata.json']);
    expect(out).toMatch(/^Sample data in .*demo-a \(\d+\.\d s\)\n\nfile +rows +size +first \(UTC\) +last \(UTC\)\n/u);
    expect(out).toMatch(/aggtrades_binance_BTCUSDT_consolidated\.parquet +2,000 /u);
    expect(out).toContain('Converted binance BTCUSDT 1m into demo-a/unified in');
    expect(out).toMatch(/aggtrades +binance_BTCUSDT +written +2,000 +2,000 +0 +2,000 +1 /u);
    expect(out).toContain(`duckdb -c "SELECT * FROM read_parquet('demo-a/unified/klines/binance_BTCUSDT_1m/**/*.parquet', hive_partitioning = true) LIMIT 5"`);

    // The same sample bytes again: the conversion has nothing to do.
    const again = await run(['demo', '--out', 'demo-a', '--days', '1', '--aggtrades-rows', '2000']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('Nothing to do: the sources of binance BTCUSDT 1m are unchanged since the last run');
  });

  it('only writes the sample inputs with --no-convert', async () => {
    const { code } = await run(['demo', '--out', 'demo-nc', '--days', '1', '--aggtrades-rows', '10', '--formats', 'csv', '--no-convert']);
    expect(code).toBe(0);
    expect(readdirSync(join(cwd, 'demo-nc'))).not.toContain('unified');
  });

  it('prints exactly one JSON document with --json, with ms and ISO times', async () => {
    const { code, out } = await run(['demo', '--out', 'demo-json', '--days', '1', '--aggtrades-rows', '100', '--formats', 'parquet', '--json']);
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    const doc = JSON.parse(out) as {
      settings: Record<string, unknown>;
      totals: { files: number; rows: number };
      files: { relativePath: string; rows: number; firstTimestamp: number; firstTimestampIso: string }[];
    };
    expect(doc.totals).toMatchObject({ files: 3, rows: 1440 + 100 + 3 });
    expect(doc.settings).toMatchObject({ seed: 1, start: '2024-01-01', days: 1, aggtradesRows: 100, timestamps: 'ms', exchange: 'binance', symbol: 'BTCUSDT' });
    expect(doc.files[0]).toMatchObject({ relativePath: 'klines_binance_BTCUSDT_1m_consolidated.parquet', rows: 1440, firstTimestamp: Date.UTC(2024, 0, 1), firstTimestampIso: '2024-01-01T00:00:00.000Z' });
  });

  it('prints one line with --quiet, and no progress when stderr is not a terminal', async () => {
    const { code, out, err } = await run(['demo', '-o', 'demo-q', '--days', '1', '--aggtrades-rows', '10', '-q']);
    expect(code).toBe(0);
    expect(out).toMatch(/^wrote 6 files, 2,906 rows, to .*demo-q\nconverted binance BTCUSDT 1m: klines 1,440 rows written, aggtrades 10 rows written, futures 3 rows written \(\d+\.\d s\)\n$/u);
    expect(err).toBe('');
  });

  it('shows progress on a terminal, on stderr only, and clears it', async () => {
    const { code, out, err } = await run(['demo', '-o', 'demo-tty', '--days', '1', '--aggtrades-rows', '10', '--formats', 'csv'], { tty: true });
    expect(code).toBe(0);
    expect(err).toContain('generating aggtrades: 10 / 10 rows');
    expect(err).toContain('\r\x1b[K');
    expect(err).toMatch(/aggtrades\s+.*100% \| 10 rows/u);
    expect(out).not.toContain('generating');
    expect(out).not.toMatch(/\d+% \|/u);
  });

  it('exits 1 and names the path when the output cannot be written', async () => {
    writeFileSync(join(cwd, 'occupied'), 'a file');
    const { code, err } = await run(['demo', '--out', 'occupied/data', '--days', '1']);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: cannot create the output directory .*occupied\/data: (ENOTDIR|EEXIST)/u);
  });

  it('exits 130 when interrupted, leaving no partial file', async () => {
    const controller = new AbortController();
    controller.abort(Object.assign(new Error('interrupted by SIGINT'), { name: 'AbortError' }));
    const { code, err } = await run(['demo', '--out', 'demo-int', '--days', '1'], {}, controller.signal);
    expect({ code, err }).toEqual({ code: 130, err: 'interrupted\n' });
    expect(readdirSync(join(cwd, 'demo-int'))).toEqual([]);
  });

  it('shows the cause chain with --verbose', async () => {
    const { code, err } = await run(['--verbose', 'demo', '--out', 'occupied/data', '--days', '1']);
    expect(code).toBe(1);
    expect(err).toMatch(/caused by: Error: (ENOTDIR|EEXIST)/u);
  });
});
