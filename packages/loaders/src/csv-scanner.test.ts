import { describe, expect, it } from 'vitest';
import { CsvScanner, CsvSyntaxError } from './csv-scanner.js';

function scan(text: string | Buffer, wanted: readonly number[], chunkSizes: readonly number[] = [Infinity]) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const scanner = new CsvScanner(wanted);
  let offset = 0;
  let k = 0;
  while (offset < bytes.length) {
    const size = Math.min(chunkSizes[k++ % chunkSizes.length]!, bytes.length - offset);
    scanner.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  scanner.end();
  return scanner.take();
}

const TRICKY = '\uFEFFid,"na,me",note\r\n1,"say ""hi""",x\r\n\r\n2,"two\nlines",\n3,,"é"\n4,last,no-newline';

describe('CsvScanner', () => {
  it('reads quotes, escaped quotes, CRLF, blank lines, embedded newlines, UTF-8 and a missing final newline', () => {
    expect(scan(TRICKY, [0, 1, 2])).toEqual({
      columns: [
        ['id', '1', '2', '3', '4'],
        ['na,me', 'say "hi"', 'two\nlines', null, 'last'],
        ['note', 'x', null, 'é', 'no-newline'],
      ],
      lines: [1, 2, 4, 6, 7],
      widths: [3, 3, 3, 3, 3],
    });
  });

  it('gives the same records however the bytes are cut into chunks', () => {
    const whole = scan(TRICKY, [0, 1, 2]);
    const bytes = Buffer.from(TRICKY);
    for (let size = 1; size <= bytes.length; size++) expect(scan(bytes, [0, 1, 2], [size])).toEqual(whole);
    expect(scan(bytes, [0, 1, 2], [1, 2, 3, 5, 8, 13])).toEqual(whole);
  });

  it('keeps only the wanted columns, in the order asked for, and counts every field', () => {
    expect(scan('a,b,c,d\n1,2,3\n', [3, 1])).toEqual({ columns: [['d', null], ['b', '2']], lines: [1, 2], widths: [4, 3] });
  });

  it('hands out records in slices', () => {
    const scanner = new CsvScanner([0]);
    scanner.push(Buffer.from('1\n2\n3\n'));
    expect(scanner.take(2).columns).toEqual([['1', '2']]);
    expect(scanner.size).toBe(1);
    expect(scanner.take().columns).toEqual([['3']]);
  });

  it.each([
    ['1,"open\n2,3\n', 1, /not closed/u],
    ['1,"a"b,2\n', 1, /after a closing quote in field 2/u],
    ['x\n1,a"b\n', 2, /a quote inside the unquoted field 2/u],
  ])('refuses malformed quoting in %j at its line', (text, line, message) => {
    let error: unknown;
    try {
      scan(text, [0, 1]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(line);
    expect((error as Error).message).toMatch(message);
  });
});
