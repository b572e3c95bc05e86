import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnifiedError } from '@unified/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile, writeJsonFile } from './json-file.js';

const dir = mkdtempSync(join(tmpdir(), 'unified-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeJsonFile / readJsonFile', () => {
  it('writes stable, pretty JSON and reads it back', async () => {
    const path = join(dir, 'metadata.json');
    const value = { data_types: { klines: { rows: 1440n, min_timestamp: 1_704_067_200_000 } }, updated: new Date(Date.UTC(2024, 0, 1)), note: undefined };
    await writeJsonFile(path, value);
    const text = readFileSync(path, 'utf8');
    expect(text).toBe('{\n  "data_types": {\n    "klines": {\n      "rows": 1440,\n      "min_timestamp": 1704067200000\n    }\n  },\n  "updated": "2024-01-01T00:00:00.000Z"\n}\n');
    expect(await readJsonFile(path)).toEqual({ data_types: { klines: { rows: 1440, min_timestamp: 1_704_067_200_000 } }, updated: '2024-01-01T00:00:00.000Z' });
    await writeJsonFile(path, value);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it.each([
    ['NaN', { data_types: { klines: { rows: Number.NaN } } }, /data_types\.klines\.rows is NaN, which JSON cannot hold/],
    ['Infinity', { sizes: [1, Number.POSITIVE_INFINITY] }, /sizes\[1\] is Infinity/],
    ['a bigint past 2^53', { rows: 2n ** 60n }, /rows is 1152921504606846976, beyond the integers JSON readers hold exactly/],
    ['a function', { f: () => 1 }, /f is a function/],
  ])('refuses %s and keeps the previous file', async (_name, value, message) => {
    const path = join(dir, '_config.json');
    writeFileSync(path, '{"previous":true}\n');
    const attempt = writeJsonFile(path, value);
    await expect(attempt).rejects.toThrow(message);
    await attempt.catch((error: unknown) => expect(UnifiedError.isInstance(error) && error.code).toBe('METADATA_INVALID'));
    expect(readFileSync(path, 'utf8')).toBe('{"previous":true}\n');
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('returns undefined for a missing file and names a corrupt one', async () => {
    expect(await readJsonFile(join(dir, 'absent.json'))).toBeUndefined();
    const path = join(dir, 'truncated.json');
    writeFileSync(path, '{"data_types": {');
    await expect(readJsonFile(path)).rejects.toThrow(`${path}: not valid JSON`);
  });
});
