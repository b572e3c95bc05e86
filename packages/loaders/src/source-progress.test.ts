// Progress of `openSource`: every format reports a share of the file that only grows, stays within 0..1, tracks
// the rows read, and ends with one report of fraction 1 and every row of the file.
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { generateKlineBatches, writeParquetFile } from '@unified/sample-data';
import { openSource, type SourceOptions, type SourceProgress } from './index.js';

const START_MS = Date.UTC(2024, 0, 1);
const MINUTE_MS = 60_000;
const CSV_ROWS = 50_000;

/** A headerless Binance klines CSV of `rows` one-minute candles. */
function klinesCsv(rows: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const t = START_MS + i * MINUTE_MS;
    lines.push(`${t},42000.10,42010.50,41990.00,42005.25,1.25000000,${t + MINUTE_MS - 1},52506.56,17,0.60000000,25203.15,0\n`);
  }
  return lines.join('');
}

function writeZip(zipPath: string, name: string, path: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addFile(path, name);
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(zipPath)).on('close', resolve).on('error', reject);
  });
}

interface Reading {
  readonly calls: SourceProgress[];
  readonly rows: number;
  readonly batches: number;
}

async function readWithProgress(path: string, options: SourceOptions = {}): Promise<Reading> {
  const calls: SourceProgress[] = [];
  let rows = 0;
  let batches = 0;
  for await (const batch of openSource(path, { ...options, onProgress: (progress) => calls.push(progress) })) {
    rows += batch.numRows;
    batches++;
  }
  return { calls, rows, batches };
}

/** The properties every reading has; `tolerance` bounds how far the fraction may run ahead of the rows read. */
function expectProgress({ calls, rows, batches }: Reading, path: string, expectedRows: number, tolerance: number): void {
  expect(rows).toBe(expectedRows);
  expect(batches).toBeGreaterThan(1);
  expect(calls).toHaveLength(batches + 1);
  calls.forEach((call, i) => {
    expect(call.path).toBe(path);
    expect(call.fraction).toBeGreaterThanOrEqual(0);
    expect(call.fraction).toBeLessThanOrEqual(1);
    if (i > 0) {
      expect(call.fraction).toBeGreaterThanOrEqual(calls[i - 1]!.fraction);
      expect(call.rowsRead).toBeGreaterThanOrEqual(calls[i - 1]!.rowsRead);
    }
    expect(Math.abs(call.fraction - call.rowsRead / expectedRows)).toBeLessThanOrEqual(tolerance);
  });
  expect(calls.some((call) => call.fraction > 0 && call.fraction < 1)).toBe(true);
  expect(calls.at(-1)).toEqual({ path, rowsRead: expectedRows, fraction: 1 });
}

describe('openSource onProgress', () => {
  let dir = '';
  let csv = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unified-progress-'));
    csv = join(dir, 'BTCUSDT-1m-2024-01.csv');
    writeFileSync(csv, klinesCsv(CSV_ROWS));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('CSV: bytes read of the file size', async () => {
    // The scanner is at most one read chunk (64 KiB) and one batch ahead of the rows handed out.
    expectProgress(await readWithProgress(csv, { batchSize: 4096 }), csv, CSV_ROWS, 0.15);
  });

  it('zip: bytes inflated of the member size', async () => {
    const zip = join(dir, 'BTCUSDT-1m-2024-01.zip');
    await writeZip(zip, 'BTCUSDT-1m-2024-01.csv', csv);
    expectProgress(await readWithProgress(zip, { batchSize: 4096 }), zip, CSV_ROWS, 0.15);
  });

  it('Parquet: rows read of the footer row count', async () => {
    const path = join(dir, 'klines.parquet');
    const batches = generateKlineBatches({ startMs: START_MS, days: 30, seed: 7, batchRows: 10_000, timestamps: 'ms', startPrice: 42_000, timeframe: '1m' });
    const { rows } = await writeParquetFile(path, batches, { rowGroupSize: 10_000 });
    expect(rows).toBe(30 * 1440);
    expectProgress(await readWithProgress(path, { batchSize: 4096 }), path, rows, 0);
  });

  it('JSON array: rows handed out of the array length', async () => {
    const path = join(dir, 'funding.json');
    const rows = Array.from({ length: 1000 }, (_, i) => ({ symbol: 'BTCUSDT', fundingTime: START_MS + i * 8 * 3_600_000, fundingRate: '0.00010000', markPrice: '42000.1' }));
    writeFileSync(path, JSON.stringify(rows));
    expectProgress(await readWithProgress(path, { batchSize: 128 }), path, 1000, 0);
  });

  it('JSON Lines: lines read of the lines in the file', async () => {
    const path = join(dir, 'aggtrades.jsonl');
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ a: i + 1, p: '42000.10', q: '0.00100000', f: i + 1, l: i + 1, T: START_MS + i, m: i % 2 === 0, M: true }));
    writeFileSync(path, `${lines.join('\n')}\n`);
    expectProgress(await readWithProgress(path, { batchSize: 1000 }), path, 10_000, 0);
  });

  it('skipped rows count as read', async () => {
    const path = join(dir, 'bad.csv');
    const rows = klinesCsv(1000).split('\n');
    rows[500] = 'not,a,candle';
    writeFileSync(path, rows.join('\n'));
    const reading = await readWithProgress(path, { batchSize: 100, onBadRow: 'skip' });
    expect(reading.rows).toBe(999);
    expect(reading.calls.at(-1)).toEqual({ path, rowsRead: 1000, fraction: 1 });
  });

  it('an exception thrown by the callback ends the iteration with it', async () => {
    const failure = new Error('progress bar closed');
    let calls = 0;
    const source = openSource(csv, {
      batchSize: 4096,
      onProgress: () => {
        if (++calls === 2) throw failure;
      },
    });
    let batches = 0;
    await expect(
      (async () => {
        for await (const batch of source) batches += batch.numRows > 0 ? 1 : 0;
      })(),
    ).rejects.toBe(failure);
    expect(batches).toBe(2);
    expect(source.summary).toBeUndefined();
  });

  it('a reading without the option works as before', async () => {
    const source = openSource(csv, { batchSize: 4096 });
    let rows = 0;
    for await (const batch of source) rows += batch.numRows;
    expect(rows).toBe(CSV_ROWS);
  });
});

describeWithRealFixtures('openSource onProgress with a Binance archive', (fixtures) => {
  it('a spot klines zip reports its 1440 rows', async () => {
    const path = join(fixtures, 'zip/spot/BTCUSDT-1m-2020-01-01.zip');
    expectProgress(await readWithProgress(path, { batchSize: 100 }), path, 1440, 0.15);
  });
});
