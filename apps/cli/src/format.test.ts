import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatUtc, renderFields, renderTable } from './format.js';

describe('format', () => {
  it('formats counts, sizes and UTC times', () => {
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect([999, 1000, 1_500_000, 2.5e9].map(formatBytes)).toEqual(['999 B', '1.0 kB', '1.5 MB', '2.5 GB']);
    expect(formatUtc(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe('2024-02-29 23:59:59.999');
  });

  it('aligns table columns without trailing spaces', () => {
    expect(renderTable(['file', 'rows'], [['a.parquet', '1,440'], ['bb.csv', '9']], ['left', 'right'])).toBe('file        rows\na.parquet  1,440\nbb.csv         9');
  });

  it('aligns label/value fields, continues a list under its first value and leaves out empty lists', () => {
    expect(renderFields([['rows', '1,440'], ['data type', 'klines'], ['warnings', ['a', 'b']], ['bad rows', []], ['empty', '']])).toBe(
      'rows       1,440\ndata type  klines\nwarnings   a\n           b\nempty',
    );
  });
});
