import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { runCli } from '../run-cli.js';
import { recordingIo } from '../test-io.js';
import type { InspectionDocument } from './inspect.js';

const tmp = mkdtempSync(join(tmpdir(), 'unified-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[], cwd = tmp, signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo(cwd);
  const code = await runCli(args, io, signal);
  return { code, out: io.out(), err: io.err() };
}

function parseOne(out: string): InspectionDocument {
  expect(out.endsWith('\n')).toBe(true);
  expect(out.trimEnd().split('\n')).toHaveLength(1);
  const doc = JSON.parse(out) as unknown;
  expect(doc).toBeTypeOf('object');
  expect(Array.isArray(doc)).toBe(false);
  return doc as InspectionDocument;
}

const JAN_2 = Date.UTC(2025, 0, 2);
const LAST_MINUTE = Date.UTC(2025, 0, 2, 23, 59);

describe('unified inspect', () => {
  it('shows the purpose, every option with its default, and examples with real file names on --help', async () => {
    const { code, out, err } = await run(['inspect', '--help']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toContain('Usage: unified inspect [options] <file>');
    expect(out).toMatch(/^Show what the loader sees in a source file/mu);
    // Commander wraps descriptions to the terminal width.
    const flat = out.replace(/\s+/gu, ' ');
    expect(flat).toContain('--kind <kind> the data type the file must hold (default: detected from the columns) (choices: "klines", "aggtrades", "futures")');
    expect(flat).toContain('--skip-bad-rows skip rows that cannot be read and list them (default: stop at the first bad row)');
    expect(flat).toContain('--no-verify-checksum do not check a zip against the .CHECKSUM file beside it (default: checked when there is one)');
    expect(flat).toContain('--json print one JSON document on stdout');
    expect(out).toContain('$ unified inspect BTCUSDT-1m-2025-01-02.zip\n');
    expect(out).toContain('$ unified inspect BTCUSDT-aggTrades-2026-01-01.csv --kind aggtrades --skip-bad-rows\n');
    expect(out).toContain('$ unified inspect data_cache/klines_binance_BTCUSDT_1m_consolidated.parquet --json');
  });

  it('is listed with an example on `unified --help`', async () => {
    const { out } = await run(['--help']);
    expect(out).toContain('inspect [options] <file>');
    expect(out).toContain('$ unified inspect BTCUSDT-1m-2025-01-02.zip');
  });

  it.each([
    [['inspect', 'x.csv', '--kind', 'nonsense'], "error: option '--kind <kind>' argument 'nonsense' is invalid. Allowed choices are klines, aggtrades, futures.\n"],
    [['inspect'], "error: missing required argument 'file'\nusage: unified inspect [options] <file>\n"],
    [['inspect', ''], "error: command-argument value '' is invalid for argument 'file'. expected a file, got an empty value\n"],
    [['inspect', 'x.csv', '--bogus'], "error: unknown option '--bogus'\n"],
  ])('exits 2 with a one-line reason on %j', async (args, message) => {
    const { code, out, err } = await run(args);
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err.startsWith(message)).toBe(true);
  });

  it('exits 1 naming a missing file, resolved against the working directory', async () => {
    const { code, out, err } = await run(['inspect', 'BTCUSDT-1m-2025-01-02.zip']);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toBe(`error: ${join(tmp, 'BTCUSDT-1m-2025-01-02.zip')}: no such file\n`);
  });

  it('exits 1 on a corrupt Parquet file, saying why in one line', async () => {
    writeFileSync(join(tmp, 'klines_binance_BTCUSDT_1m_consolidated.parquet'), 'PAR1garbage');
    const { code, out, err } = await run(['inspect', 'klines_binance_BTCUSDT_1m_consolidated.parquet', '--json']);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toMatch(/^error: \S+klines_binance_BTCUSDT_1m_consolidated\.parquet: not a readable Parquet file: [^\n]+\n$/u);
  });
});

describeWithRealFixtures('unified inspect on real Binance files', (fixtures) => {
  const spotZip = join(fixtures, 'zip', 'spot', 'BTCUSDT-1m-2025-01-02.zip');
  const futuresCsv = join(fixtures, 'klines', 'futures_um', 'BTCUSDT-1m-2025-01-02.csv');
  const checksummedZip = join(fixtures, 'zip', 'spot', 'BTCUSDT-1m-2020-01-01.zip');

  it('reports a spot µs zip as an aligned report ending with the next step, warnings also on stderr', async () => {
    // A relative path resolves against the directory the command runs in.
    const { code, out, err } = await run(['inspect', 'zip/spot/BTCUSDT-1m-2025-01-02.zip'], fixtures);
    expect(code).toBe(0);
    expect(err).toBe('warning: no BTCUSDT-1m-2025-01-02.zip.CHECKSUM beside the archive; its integrity was not verified\n');
    expect(out).toMatch(/^file +zip\/spot\/BTCUSDT-1m-2025-01-02\.zip\n/u);
    expect(out).toMatch(/^data type +klines$/mu);
    expect(out).toMatch(/^format +zip, member BTCUSDT-1m-2025-01-02\.csv, no header row/mu);
    expect(out).toMatch(/^checksum +absent /mu);
    expect(out).toMatch(/^symbol +BTCUSDT$/mu);
    expect(out).toMatch(/^timeframe +1m$/mu);
    expect(out).toMatch(/^rows +1,440$/mu);
    expect(out).toMatch(/^timestamp unit +us \(integer microseconds\)$/mu);
    expect(out).toMatch(/^first +2025-01-02T00:00:00\.000Z {2}1735776000000 ms$/mu);
    expect(out).toMatch(/^last +2025-01-02T23:59:00\.000Z {2}1735862340000 ms$/mu);
    expect(out).toMatch(/^min +2025-01-02T00:00:00\.000Z {2}1735776000000 ms$/mu);
    expect(out).toMatch(/^max +2025-01-02T23:59:00\.000Z {2}1735862340000 ms$/mu);
    expect(out).toMatch(/^sorted +yes$/mu);
    expect(out).toMatch(/^warnings +no BTCUSDT-1m-2025-01-02\.zip\.CHECKSUM beside the archive/mu);
    expect(out).toMatch(/^source column +loaded as\nopen_time +timestamp\n/mu);
    expect(out).toMatch(/^count +trade_count$/mu);
    expect(out).toMatch(/^ignore +not loaded: Binance archive field "ignore" \(always 0\)$/mu);
    expect(out.endsWith('\n\nNext: load it in code with openSource("zip/spot/BTCUSDT-1m-2025-01-02.zip") from @unified/core, or add --json for this report as data.\n')).toBe(true);
    // Every label/value line is aligned on the same column, with no trailing spaces.
    const [fieldsBlock = ''] = out.split('\n\n');
    for (const line of fieldsBlock.split('\n')) expect(line).toMatch(/^[a-z][a-z ]{13} {2}\S/u);
    expect(out).not.toMatch(/ \n/u);
  });

  it('prints exactly one JSON object with --json: times in ms plus ISO, the mapping and the other fields', async () => {
    const { code, out, err } = await run(['inspect', spotZip, '--json']);
    expect(code).toBe(0);
    expect(err).toMatch(/^warning: no BTCUSDT-1m-2025-01-02\.zip\.CHECKSUM/u);
    const doc = parseOne(out);
    expect(doc).toEqual({
      path: spotZip,
      format: 'zip',
      kind: 'klines',
      member: 'BTCUSDT-1m-2025-01-02.csv',
      header: false,
      checksum: 'absent',
      symbol: 'BTCUSDT',
      timeframe: '1m',
      rows: 1440,
      rowsSkipped: 0,
      badRows: [],
      timestampUnit: 'us',
      timeEncodings: ['us'],
      minTimestamp: JAN_2,
      minTimestampIso: '2025-01-02T00:00:00.000Z',
      maxTimestamp: LAST_MINUTE,
      maxTimestampIso: '2025-01-02T23:59:00.000Z',
      firstTimestamp: JAN_2,
      firstTimestampIso: '2025-01-02T00:00:00.000Z',
      lastTimestamp: LAST_MINUTE,
      lastTimestampIso: '2025-01-02T23:59:00.000Z',
      sorted: true,
      columns: expect.arrayContaining([
        { source: 'open_time', field: 'timestamp' },
        { source: 'count', field: 'trade_count' },
      ]) as unknown,
      unusedColumns: [{ name: 'ignore', reason: 'Binance archive field "ignore" (always 0)' }],
      sourceColumns: expect.arrayContaining(['open_time', 'ignore']) as unknown,
      warnings: ['no BTCUSDT-1m-2025-01-02.zip.CHECKSUM beside the archive; its integrity was not verified'],
    });
    expect(doc.columns).toHaveLength(11);
  });

  it('reports a futures CSV with millisecond times and a header row', async () => {
    const { code, out, err } = await run(['inspect', futuresCsv, '--json']);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(parseOne(out)).toMatchObject({
      format: 'csv',
      kind: 'klines',
      header: true,
      member: null,
      checksum: 'not-applicable',
      rows: 1440,
      timestampUnit: 'ms',
      minTimestamp: JAN_2,
      maxTimestamp: LAST_MINUTE,
      sorted: true,
      timeframe: '1m',
      warnings: [],
    });
  });

  it('says a zip matched its .CHECKSUM, and that it was not checked under --no-verify-checksum', async () => {
    const verified = await run(['inspect', checksummedZip, '--json']);
    expect({ code: verified.code, err: verified.err }).toEqual({ code: 0, err: '' });
    expect(parseOne(verified.out)).toMatchObject({ checksum: 'verified', timestampUnit: 'ms', rows: 1440 });
    const skipped = await run(['inspect', checksummedZip, '--no-verify-checksum']);
    expect({ code: skipped.code, err: skipped.err }).toEqual({ code: 0, err: '' });
    expect(skipped.out).toMatch(/^checksum +not checked \(--no-verify-checksum\)$/mu);
  });

  it('exits 1 on a zip that does not match its .CHECKSUM, naming the file and sha256', async () => {
    const dir = mkdtempSync(join(tmp, 'checksum-'));
    const zip = join(dir, 'BTCUSDT-1m-2020-01-01.zip');
    copyFileSync(checksummedZip, zip);
    copyFileSync(`${checksummedZip}.CHECKSUM`, `${zip}.CHECKSUM`);
    const bytes = readFileSync(zip);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(zip, bytes);
    const { code, out, err } = await run(['inspect', zip]);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toMatch(/^error: \S+BTCUSDT-1m-2020-01-01\.zip: sha256 [0-9a-f]{64} differs from [0-9a-f]{64} in BTCUSDT-1m-2020-01-01\.zip\.CHECKSUM[^\n]*\n$/u);
  });

  it('exits 1 when the file does not hold the expected --kind, naming the missing columns', async () => {
    const { code, out, err } = await run(['inspect', spotZip, '--kind', 'aggtrades']);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toMatch(/^error: \S+BTCUSDT-1m-2025-01-02\.zip!BTCUSDT-1m-2025-01-02\.csv: cannot read as aggtrades: .*missing trade_id, trade_price/u);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('accepts the --kind the file holds', async () => {
    const { code, out } = await run(['inspect', futuresCsv, '--kind', 'klines', '--json']);
    expect(code).toBe(0);
    expect(parseOne(out).kind).toBe('klines');
  });

  describe('a file with a bad row', () => {
    const head = readFileSync(join(fixtures, 'klines', 'spot', 'BTCUSDT-1m-2025-01-02.head32.csv'), 'utf8').trimEnd().split('\n');
    const bad = join(tmp, 'BTCUSDT-1m-2025-01-02.csv');
    writeFileSync(bad, [...head.slice(0, 5), head[5]!.replace(/^(\d+),[^,]+/u, '$1,abc'), ...head.slice(6)].join('\n') + '\n');

    it('exits 1 at the bad row without --skip-bad-rows', async () => {
      const { code, err } = await run(['inspect', bad]);
      expect(code).toBe(1);
      expect(err).toBe(`error: ${bad}:6: column "open": "abc" is not a number\n`);
    });

    it('skips it with --skip-bad-rows and reports rowsSkipped and the message', async () => {
      const { code, out, err } = await run(['inspect', bad, '--skip-bad-rows', '--json']);
      expect(code).toBe(0);
      expect(err).toBe(`warning: skipped 1 bad row: ${bad}:6: column "open": "abc" is not a number\n`);
      expect(parseOne(out)).toMatchObject({ rows: head.length - 1, rowsSkipped: 1, badRows: [`${bad}:6: column "open": "abc" is not a number`] });
      const human = await run(['inspect', bad, '--skip-bad-rows']);
      expect(human.out).toMatch(new RegExp(`^rows +${head.length - 1} \\(1 bad row skipped\\)$`, 'mu'));
      expect(human.out).toContain(`bad rows        ${bad}:6: column "open": "abc" is not a number\n`);
    });
  });

  it('exits 130 when interrupted', async () => {
    const controller = new AbortController();
    controller.abort(Object.assign(new Error('interrupted by SIGINT'), { name: 'AbortError' }));
    expect(await run(['inspect', spotZip], tmp, controller.signal)).toEqual({ code: 130, out: '', err: 'interrupted\n' });
  });
});
