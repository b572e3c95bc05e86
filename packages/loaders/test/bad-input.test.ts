// Broken, empty, truncated and wrong-kind files each get a clear error naming the file, the row and the value,
// or (opt-in) a counted skip. Every input here is written by the test itself, so none needs the fixtures.
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queryDuckDb, sqlString } from '@unified/vitest-config/duckdb';
import { UnifiedError } from '@unified/schemas';
import { openSource, sha256OfFile } from '../src/index.js';
import { readRows, writeZip } from './source-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function failure(path: string, options: Parameters<typeof openSource>[1] = {}): Promise<UnifiedError> {
  try {
    await readRows(path, options);
  } catch (error) {
    if (UnifiedError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`${path} loaded without error`);
}

const AGG_HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker';
const AGG_ROW = (id: number, price = '87500.10', qty = '0.5', time = '1767225600039', maker = 'true'): string => `${id},${price},${qty},${id},${id},${time},${maker}`;
const aggCsv = (...rows: string[]): string => [AGG_HEADER, ...rows].join('\n') + '\n';

describe('bad rows name file, line, column and value', () => {
  it.each([
    ['a short row', aggCsv(AGG_ROW(1), '2,87500.1,0.5,2,2,1767225600040'), /bad-short\.csv:3: row has 6 fields; expected 7/u],
    ['a non-numeric price', aggCsv(AGG_ROW(1), AGG_ROW(2, '"87500,1"')), /bad-price\.csv:3: column "price": "87500,1" is not a number/u],
    ['a NaN quantity', aggCsv(AGG_ROW(1, '1', 'NaN')), /bad-nan\.csv:2: column "quantity": "NaN" is not a number/u],
    ['a boolean spelled yes', aggCsv(AGG_ROW(1, '1', '1', '1767225600039', 'yes')), /bad-bool\.csv:2: column "is_buyer_maker": "yes" is not a boolean/u],
    ['an empty required value', aggCsv(AGG_ROW(1, '')), /bad-empty\.csv:2: column "price": value is empty; a value is required/u],
    ['a fractional trade id', aggCsv('1.5,1,1,1,1,1767225600039,true'), /bad-id\.csv:2: column "agg_trade_id": "1.5" is not an integer/u],
  ])('%s', async (_name, content, message) => {
    const name = String(message.source.split('\\.csv')[0]).replaceAll('\\', '');
    const error = await failure(file(`${name}.csv`, content));
    expect(error.code).toBe('BAD_ROW');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['a value that is 1970 in every unit', '1704067', /1704067 \(1970-01-01T00:28:24\.067Z\)/u],
    ['a 19-digit value that is past 2100 even as nanoseconds', '9000000000000000000', /9000000000000 \(2255-/u],
    ['a date after 2100', String(Date.UTC(2101, 0, 1)), /2101-01-01/u],
    // Out of the window in every unit, a value is shown in the unit its digits suggest, not always as ms.
    ['a 16-digit microsecond time after 2100', '4133980800276733', /4133980800276 \(2101-01-01T00:00:00\.276Z\)/u],
    ['a 10-digit seconds time after 2100', '4133980800', /4133980800000 \(2101-01-01T00:00:00\.000Z\)/u],
    ['a 10-digit seconds time before 2009', '1000000000', /1000000000000 \(2001-09-09T01:46:40\.000Z\)/u],
  ])('refuses %s', async (_name, time, message) => {
    const error = await failure(file(`time-${time}.csv`, aggCsv(AGG_ROW(1), AGG_ROW(2, '1', '1', time))));
    expect(error.code).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(error.message).toMatch(/time-\d+\.csv:3: column "transact_time"/u);
    expect(error.message).toMatch(message);
  });

  it('reads timestamps written in seconds', async () => {
    const rows = await readRows(file('seconds.csv', aggCsv(AGG_ROW(1, '1', '1', '1767225600'))));
    expect(rows[0]).toMatchObject({ timestamp: 1767225600000, timestamp_us: 1767225600000000 });
  });

  it('skips bad rows only when asked, and counts and reports them', async () => {
    const path = file('mixed.csv', aggCsv(AGG_ROW(1), AGG_ROW(2, 'x'), '3,1,1', AGG_ROW(4, '1', '1', '5'), AGG_ROW(5)));
    await expect(readRows(path)).rejects.toThrow(/mixed\.csv:3/u);
    const source = openSource(path, { onBadRow: 'skip' });
    const ids: bigint[] = [];
    for await (const batch of source) for (const id of batch.getChild('trade_id')!) ids.push(id as bigint);
    expect(ids).toEqual([1n, 5n]);
    expect(source.summary).toMatchObject({ rowsRead: 5, rowsLoaded: 2, rowsSkipped: 3 });
    expect(source.summary!.badRows).toEqual([
      expect.stringMatching(/mixed\.csv:4: row has 3 fields/u),
      expect.stringMatching(/mixed\.csv:3: column "price": "x" is not a number/u),
      expect.stringMatching(/mixed\.csv:5: column "transact_time" 5 \(1970-01-01T00:00:00\.005Z\) is outside the plausible window/u),
    ]);
  });

  it('refuses rows of another symbol in one file', async () => {
    const path = file('funding.json', JSON.stringify([
      { symbol: 'BTCUSDT', fundingTime: 1767225600000, fundingRate: '0.0001', markPrice: '87000.1' },
      { symbol: 'ETHUSDT', fundingTime: 1767254400000, fundingRate: '0.0001', markPrice: '3000.1' },
    ]));
    expect((await failure(path)).message).toMatch(/funding\.json:2: column "symbol": symbol "ETHUSDT" differs from "BTCUSDT"/u);
    expect((await failure(path, { symbol: 'SOLUSDT' })).message).toMatch(/funding\.json:1: .*"BTCUSDT" differs from "SOLUSDT"/u);
  });
});

describe('files that cannot be read at all', () => {
  it('an empty file', async () => {
    const error = await failure(file('empty.csv', ''));
    expect([error.code, error.message]).toEqual(['SOURCE_CORRUPT', expect.stringMatching(/empty\.csv: the file is empty/u)]);
  });

  it('a header-only file', async () => {
    const error = await failure(file('header-only.csv', `${AGG_HEADER}\n`));
    expect(error.message).toMatch(/header-only\.csv: the file has a header but no data rows/u);
  });

  it('a missing file', async () => {
    const error = await failure(join(dir, 'nope.parquet'));
    expect([error.code, error.message]).toEqual(['SOURCE_NOT_FOUND', expect.stringMatching(/nope\.parquet: no such file/u)]);
  });

  it('a Parquet file with a wrong magic number', async () => {
    const error = await failure(file('magic.parquet', 'PAR2 this is not parquet PAR1'));
    expect([error.code, error.message]).toEqual(['SOURCE_CORRUPT', expect.stringMatching(/magic\.parquet: not a readable Parquet file: it does not start with the PAR1 magic/u)]);
  });

  it('a binary Parquet file whose magic number is not PAR1', async () => {
    const whole = join(dir, 'whole-magic.parquet');
    await queryDuckDb(`COPY (SELECT range AS agg_trade_id, 1.5 AS price, 2.5 AS quantity, 1767225600000 + range AS transact_time, true AS is_buyer_maker FROM range(100)) TO ${sqlString(whole)} (FORMAT parquet)`);
    const bytes = readFileSync(whole);
    bytes.write('PAR0', 0, 'latin1');
    const error = await failure(file('magic0.parquet', bytes));
    expect([error.code, error.message]).toEqual(['SOURCE_CORRUPT', expect.stringMatching(/magic0\.parquet: not a readable Parquet file: it does not start with the PAR1 magic bytes/u)]);
    // Binary content named as a zip is left to the zip reader too; under any other name it is refused as binary.
    expect((await failure(file('magic0.zip', bytes))).message).toMatch(/magic0\.zip: not a readable zip archive/u);
    expect((await failure(file('magic0.bin', bytes))).message).toMatch(/magic0\.bin: binary content that is not Parquet or zip/u);
  });

  it('a truncated Parquet file', async () => {
    const whole = join(dir, 'whole.parquet');
    await queryDuckDb(`COPY (SELECT range AS agg_trade_id, 1.5 AS price, 2.5 AS quantity, 1767225600000 + range AS transact_time, true AS is_buyer_maker FROM range(100000)) TO ${sqlString(whole)} (FORMAT parquet)`);
    const bytes = readFileSync(whole);
    const cut = file('cut.parquet', bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect((await failure(cut)).message).toMatch(/cut\.parquet: not a readable Parquet file: it does not end with the PAR1 magic bytes \(truncated\?\)/u);
    // Intact magic bytes, damaged body: the reader's own error, still naming the file.
    const damaged = Buffer.from(bytes);
    damaged.fill(0x55, 4, Math.floor(bytes.length / 2));
    const error = await failure(file('damaged.parquet', damaged));
    expect([error.code, error.message]).toEqual(['SOURCE_CORRUPT', expect.stringMatching(/damaged\.parquet: not a readable Parquet file/u)]);
  });

  it('a file of another data type than asked for', async () => {
    const path = file('BTCUSDT-aggTrades-2026-01-01.csv', aggCsv(AGG_ROW(1)));
    const error = await failure(path, { kind: 'klines' });
    expect(error.code).toBe('SOURCE_UNMAPPABLE');
    expect(error.message).toMatch(/cannot read as klines: columns \[agg_trade_id, price, .*\]; missing time .*, open, high, low, close, volume; it looks like aggtrades/u);
  });

  it('a file no data type fits lists its columns and what is missing', async () => {
    const error = await failure(file('orders.csv', 'order_id,price,side\n1,2,buy\n'));
    expect(error.message).toMatch(/orders\.csv: cannot read as klines, aggtrades or futures: columns \[order_id, price, side\]; closest is .*missing/u);
  });

  it('a headerless CSV with an unknown column count', async () => {
    expect((await failure(file('five.csv', '1,2,3,4,5\n'))).message).toMatch(/five\.csv: no header row and 5 columns, which matches no Binance archive layout/u);
  });

  it('reports unknown columns instead of dropping them silently', async () => {
    const source = openSource(file('extra.csv', `${AGG_HEADER},venue\n${AGG_ROW(1)},x\n`));
    const description = await source.describe();
    expect(description.unusedColumns).toContainEqual({ name: 'venue', reason: 'unknown column' });
    expect(description.warnings).toContain('columns not loaded (unknown): venue');
  });
});

describe('zip archives', () => {
  async function archive(name: string, members: Record<string, string>): Promise<string> {
    const files = Object.fromEntries(Object.entries(members).map(([member, content]) => [member, file(`${name}-${member.replaceAll('/', '_')}`, content)]));
    const zip = join(dir, `${name}.zip`);
    await writeZip(zip, files);
    return zip;
  }

  it('verifies the .CHECKSUM beside the archive and refuses a mismatch', async () => {
    const zip = await archive('BTCUSDT-aggTrades-2026-01-01', { 'BTCUSDT-aggTrades-2026-01-01.csv': aggCsv(AGG_ROW(1)) });
    writeFileSync(`${zip}.CHECKSUM`, `${await sha256OfFile(zip)}  BTCUSDT-aggTrades-2026-01-01.zip`);
    expect((await openSource(zip).describe()).checksum).toBe('verified');
    expect(await readRows(zip)).toHaveLength(1);

    const fd = openSync(zip, 'r+');
    writeSync(fd, Buffer.from([0x00]), 0, 1, 40);
    closeSync(fd);
    const error = await failure(zip);
    expect([error.code, error.message]).toEqual(['CHECKSUM_MISMATCH', expect.stringMatching(/BTCUSDT-aggTrades-2026-01-01\.zip: sha256 [0-9a-f]{64} differs from [0-9a-f]{64} in BTCUSDT-aggTrades-2026-01-01\.zip\.CHECKSUM/u)]);
    // The damaged byte sits in the local header's copy of the member name, which the zip reader never looks
    // at: only the checksum notices. With the check turned off, the archive reads.
    await expect(readRows(zip, { verifyChecksum: false })).resolves.toHaveLength(1);
  });

  it('refuses an archive with a member path that escapes it (zip-slip)', async () => {
    const zip = await archive('slip', { 'aaaaaaaaaaaaaaaaaaa.csv': aggCsv(AGG_ROW(1)) });
    const bytes = readFileSync(zip);
    const patched = Buffer.from(bytes.toString('latin1').replaceAll('aaaaaaaaaaaaaaaaaaa.csv', '../../../../../xxxx.csv'), 'latin1');
    writeFileSync(zip, patched);
    const error = await failure(zip);
    expect([error.code, error.message]).toEqual(['SOURCE_CORRUPT', expect.stringMatching(/slip\.zip: not a readable zip archive: .*\.\.\/\.\.\//u)]);
  });

  it('refuses an archive without exactly one CSV member', async () => {
    const zip = await archive('two', { 'a.csv': aggCsv(AGG_ROW(1)), 'b.csv': aggCsv(AGG_ROW(2)) });
    expect((await failure(zip)).message).toMatch(/two\.zip: not a readable zip archive: expected exactly one \.csv member, found a\.csv, b\.csv/u);
  });

  it('names the member in row errors', async () => {
    const zip = await archive('member', { 'X-aggTrades-2026-01-01.csv': aggCsv(AGG_ROW(1, 'abc')) });
    expect((await failure(zip)).message).toMatch(/member\.zip!X-aggTrades-2026-01-01\.csv:2: column "price": "abc" is not a number/u);
  });
});

describe('streaming', () => {
  const big = file('big.csv', aggCsv(...Array.from({ length: 50_000 }, (_, i) => AGG_ROW(i + 1, '1.5', '2', String(1767225600000 + i)))));

  function openDescriptors(): number {
    return readdirSync('/proc/self/fd').length;
  }

  it.skipIf(process.platform !== 'linux')('releases its file handles when the loop breaks early', async () => {
    const before = openDescriptors();
    for (let round = 0; round < 5; round++) {
      for await (const batch of openSource(big, { batchSize: 1000 })) {
        expect(batch.numRows).toBe(1000);
        break;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openDescriptors()).toBeLessThanOrEqual(before);
  });

  it.skipIf(process.platform !== 'linux')('releases Parquet and zip sources too when the loop breaks early', async () => {
    const parquet = join(dir, 'big.parquet');
    await queryDuckDb(`COPY (SELECT * FROM read_csv(${sqlString(big)})) TO ${sqlString(parquet)} (FORMAT parquet, ROW_GROUP_SIZE 5000)`);
    const zip = join(dir, 'big.zip');
    await writeZip(zip, { 'BTCUSDT-aggTrades-2026-01-01.csv': big });
    const readFirstBatches = async (): Promise<void> => {
      for (const path of [parquet, zip]) {
        for await (const batch of openSource(path, { batchSize: 1000 })) {
          expect(batch.numRows).toBe(1000);
          break;
        }
      }
    };
    await readFirstBatches(); // the first Parquet read starts the decoder worker, which has descriptors of its own
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = openDescriptors();
    for (let round = 0; round < 10; round++) await readFirstBatches();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openDescriptors()).toBeLessThanOrEqual(before);
    // Reading again after the early exits yields every row.
    let rows = 0;
    for await (const batch of openSource(parquet)) rows += batch.numRows;
    expect(rows).toBe(50_000);
  });

  it('stops at the next batch when its signal aborts', async () => {
    const controller = new AbortController();
    let batches = 0;
    const read = async (): Promise<void> => {
      for await (const _batch of openSource(big, { batchSize: 1000, signal: controller.signal })) {
        batches++;
        if (batches === 3) controller.abort();
      }
    };
    await expect(read()).rejects.toMatchObject({ code: 'ABORTED' });
    expect(batches).toBe(3);
  });

  it('yields batches of the requested size', async () => {
    const sizes: number[] = [];
    for await (const batch of openSource(big, { batchSize: 20_000 })) sizes.push(batch.numRows);
    expect(sizes).toEqual([20_000, 20_000, 10_000]);
  });
});

describe('files that are not market data at all', () => {
  it('a gzip-compressed CSV', async () => {
    const { gzipSync } = await import('node:zlib');
    const error = await failure(file('trades.csv.gz', gzipSync(aggCsv(AGG_ROW(1)))));
    expect(error.message).toMatch(/trades\.csv\.gz: gzip-compressed; decompress it first/u);
  });

  it('binary content', async () => {
    const error = await failure(file('image.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])));
    expect(error.message).toMatch(/image\.csv: binary content that is not Parquet or zip/u);
  });

  it('a one-column file names the closest data type by what it matched', async () => {
    expect((await failure(file('prices.csv', 'price\n1.5\n'))).message).toMatch(/closest is aggtrades, missing trade_id/u);
  });
});

describe('values that must not be changed silently', () => {
  it('an empty string is a missing value: null when optional, an error when required', async () => {
    const rows = await readRows(file('old-funding.json', JSON.stringify([{ symbol: 'BTCUSDT', fundingTime: 1678060800007, fundingRate: '0.00004054', markPrice: '' }])));
    expect(rows[0]).toMatchObject({ funding_rate: 0.00004054, mark_price: null });
    expect((await failure(file('quoted-empty.csv', aggCsv('1,"",0.5,1,1,1767225600039,true')))).message).toMatch(/quoted-empty\.csv:2: column "price": value is empty/u);
  });

  it('refuses integers outside int64 instead of wrapping them', async () => {
    const error = await failure(file('huge-id.csv', aggCsv(AGG_ROW(1).replace(/^1,/u, '18446744073709551617,'))));
    expect(error.message).toMatch(/huge-id\.csv:2: column "agg_trade_id": "18446744073709551617" is not an integer in the 64-bit range/u);
    const json = file('float-id.json', '[{"a": 9007199254740993, "p": "1", "q": "1", "T": 1767225600039, "m": true}]');
    expect((await failure(json)).message).toMatch(/float-id\.json:1: column "a": .* is not an integer in the 64-bit range/u);
  });

  it('refuses a trade id beyond 2^53 - 1, which cannot be ordered exactly as a number, naming file and line', async () => {
    const csv = file('big-id.csv', aggCsv(AGG_ROW(1), AGG_ROW(2).replace(/^2,/u, '9007199254740993,'), AGG_ROW(3)));
    const error = await failure(csv);
    expect(error.code).toBe('BAD_ROW');
    expect(error.message).toMatch(/big-id\.csv:3: column "agg_trade_id": 9007199254740993 is beyond 9007199254740991 \(2\^53 - 1\), the largest trade_id kept exact/u);
    // The largest exact id loads; a bigger one is skipped and counted under the bad-row policy.
    const edge = file('edge-id.csv', aggCsv(AGG_ROW(1).replace(/^1,/u, '9007199254740991,'), AGG_ROW(2).replace(/^2,/u, '-9007199254740992,')));
    const source = openSource(edge, { onBadRow: 'skip' });
    const ids: bigint[] = [];
    for await (const batch of source) for (const id of batch.getChild('trade_id')!) ids.push(id as bigint);
    expect(ids).toEqual([9_007_199_254_740_991n]);
    expect(source.summary).toMatchObject({ rowsRead: 2, rowsLoaded: 1, rowsSkipped: 1 });
    // The same from an int64 Parquet column, where no text parsing is involved.
    const parquet = join(dir, 'big-id.parquet');
    await queryDuckDb(
      `COPY (SELECT CASE WHEN range = 7 THEN 9007199254740992 ELSE range END::BIGINT AS agg_trade_id, 1.5 AS price, 2.5 AS quantity, 1767225600000 + range AS transact_time, true AS is_buyer_maker FROM range(10)) TO ${sqlString(parquet)} (FORMAT parquet)`,
    );
    expect((await failure(parquet)).message).toMatch(/big-id\.parquet:8: column "agg_trade_id": 9007199254740992 is beyond/u);
  });

  it('refuses a numeric side rather than guessing what 1 means', async () => {
    const path = file('numeric-side.json', JSON.stringify([{ id: 1, price: '1', amount: '1', timestamp: 1767225600039, side: 1 }]));
    expect((await failure(path)).message).toMatch(/numeric-side\.json:1: column "side": "1" is not a side \(buy or sell\)/u);
  });

  it('loads a JSON key that first appears late', async () => {
    const trades = Array.from({ length: 1500 }, (_, i) => ({ a: i + 1, p: '1.5', q: '2', f: i + 1, l: i + 1, T: 1767225600039 + i, m: i % 2 === 0, ...(i === 1499 ? { nq: '1.5', extra: 1 } : {}) }));
    const path = file('late-key.json', JSON.stringify(trades));
    const source = openSource(path);
    expect((await source.describe()).warnings).toContain('columns not loaded (unknown): extra');
    const rows = await readRows(path);
    expect([rows[0]!['normal_quantity'], rows[1499]!['normal_quantity']]).toEqual([null, 1.5]);
    const lines = file('late-key.jsonl', trades.map((t) => JSON.stringify(t)).join('\n'));
    expect((await readRows(lines))[1499]!['normal_quantity']).toBe(1.5);
  });

  it('counts a bad JSON line once, and describes such a file', async () => {
    const path = file('bad-line.jsonl', ['{"a":1,"p":"1","q":"1","T":1767225600039,"m":true}', 'garbage', '{"a":2,"p":"1","q":"1","T":1767225600040,"m":false}'].join('\n'));
    const source = openSource(path, { onBadRow: 'skip' });
    expect((await source.describe()).kind).toBe('aggtrades');
    for await (const _batch of source);
    expect(source.summary).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsSkipped: 1, badRows: [expect.stringMatching(/bad-line\.jsonl:2: not a JSON object/u)] });
  });

  it('warns when the last line has no line end', async () => {
    const source = openSource(file('cut.csv', 'calc_time,funding_interval_hours,last_funding_rate\n1577836800000,8,0.00010000\n1577865600000,8,0.00'));
    for await (const _batch of source);
    expect(source.summary!.warnings).toEqual([expect.stringMatching(/cut\.csv: the last line has no line end; check that the file is complete/u)]);
  });

  it('stops early on a quote left open instead of scanning the rest of the file again and again', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => AGG_ROW(i + 2));
    const path = file('open-quote.csv', aggCsv(`1,"87500.1,0.5,1,1,1767225600039,true`, ...rows));
    const error = await failure(path);
    expect([error.code, error.message]).toEqual(['SOURCE_CORRUPT', expect.stringMatching(/open-quote\.csv:\d+: not readable as CSV: a record runs past 1048576 bytes; is a quote left open\?/u)]);
  });

  it('checks the CRC-32 of a zip member, which catches damage without a .CHECKSUM', async () => {
    const member = file('stored-member.csv', aggCsv(AGG_ROW(1), AGG_ROW(2)));
    const zip = join(dir, 'stored.zip');
    const { default: yazl } = await import('yazl');
    const archive = new yazl.ZipFile();
    archive.addFile(member, 'X-aggTrades-2026-01-01.csv', { compress: false });
    archive.end();
    const { createWriteStream } = await import('node:fs');
    await new Promise<void>((resolve) => archive.outputStream.pipe(createWriteStream(zip)).on('close', () => resolve()));
    expect(await readRows(zip)).toHaveLength(2);
    const bytes = readFileSync(zip);
    const at = bytes.indexOf('87500.10');
    bytes[at] = '9'.charCodeAt(0);
    writeFileSync(zip, bytes);
    const error = await failure(zip);
    expect(error.message).toMatch(/stored\.zip: not a readable zip archive: member X-aggTrades-2026-01-01\.csv: CRC-32 [0-9a-f]{8} differs from [0-9a-f]{8} in the archive/u);
  });
});
