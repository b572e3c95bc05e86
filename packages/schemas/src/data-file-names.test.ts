import { describe, expect, it } from 'vitest';
import { dataFileName, isHiddenName, isTemporaryFileName, parseDataFileName, temporaryFileName } from './data-file-names.js';

describe('data file names', () => {
  it('names and parses part files', () => {
    expect(dataFileName(0)).toBe('part-0.parquet');
    expect(parseDataFileName('part-12.parquet')).toBe(12);
    expect(parseDataFileName('part-01.parquet')).toBeNull();
    expect(parseDataFileName('part-0.parquet.tmp-1')).toBeNull();
    expect(parseDataFileName('data_0.parquet')).toBeNull();
    expect(() => dataFileName(-1)).toThrow(/non-negative integer/);
  });

  it('makes temporary names hidden and never ending in .parquet (D9)', () => {
    const name = temporaryFileName(dataFileName(0), 4242);
    expect(name).toBe('.part-0.parquet.tmp-4242');
    expect(isHiddenName(name)).toBe(true);
    expect(name.endsWith('.parquet')).toBe(false);
    expect(isTemporaryFileName(name)).toBe(true);
    expect(isTemporaryFileName('part-0.parquet')).toBe(false);
  });

  it('treats _ and . names as hidden sidecars (D4)', () => {
    expect(['_manifest.json', '.lock', 'part-0.parquet', 'metadata.json'].map(isHiddenName)).toEqual([true, true, false, false]);
  });
});
