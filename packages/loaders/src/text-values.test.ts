import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithRealFixtures } from '@unified/vitest-config/fixtures';
import { buyerMakerOfSide, parseBooleanText, parseDateTimeText, parseDecimalText, parseIntegerText } from './text-values.js';

describe('parseDecimalText', () => {
  it.each([
    ['42283.58000000', 42283.58],
    ['-0.00010000', -0.0001],
    ['8.4E-7', 8.4e-7],
    ['.5', 0.5],
    ['+3', 3],
    ['1e3', 1000],
  ])('reads %s', (text, value) => expect(parseDecimalText(text)).toBe(value));

  it.each(['', ' ', '1,5', '0x10', 'NaN', 'nan', 'Infinity', '-inf', '1e999', '1.2.3', 'abc', '1 000'])('refuses %j', (text) => {
    expect(parseDecimalText(text)).toBeUndefined();
  });
});

describe('parseIntegerText', () => {
  it('reads integers, the pandas 123.0 form, and beyond 2^53 exactly', () => {
    expect(parseIntegerText('1735776000000')).toBe(1735776000000);
    expect(parseIntegerText('47134.0')).toBe(47134);
    expect(parseIntegerText('-5')).toBe(-5);
    expect(parseIntegerText('1704067200000000000')).toBe(1704067200000000000n);
  });

  it.each(['1.5', '', '1e3', '12a', ' 1'])('refuses %j', (text) => expect(parseIntegerText(text)).toBeUndefined());
});

describe('booleans and sides', () => {
  it('reads every spelling the sources use, and nothing else', () => {
    expect(['True', 'true', 'TRUE', '1'].map(parseBooleanText)).toEqual([true, true, true, true]);
    expect(['False', 'false', 'FALSE', '0'].map(parseBooleanText)).toEqual([false, false, false, false]);
    expect(['yes', 'no', 't', '', 'True '].map(parseBooleanText)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('maps a taker side to buyer-is-maker: a sell means the buyer was the maker', () => {
    expect(['sell', 'SELL', 'buy', 'Buy', 'hold'].map(buyerMakerOfSide)).toEqual([true, true, false, false, undefined]);
  });
});

describe('parseDateTimeText', () => {
  it.each([
    ['2024-01-01 00:00:00+00:00', Date.UTC(2024, 0, 1) * 1000],
    ['2024-01-01T00:00:00Z', Date.UTC(2024, 0, 1) * 1000],
    ['2024-01-01 00:00:00', Date.UTC(2024, 0, 1) * 1000],
    ['2024-01-01', Date.UTC(2024, 0, 1) * 1000],
    ['2026-01-01 00:00:00.039409+00:00', 1767225600039409],
    ['2026-01-01 00:00:00.039409123', 1767225600039409],
    ['2024-01-01T02:00:00+02:00', Date.UTC(2024, 0, 1) * 1000],
    ['2024-01-01T00:00:00-0130', Date.UTC(2024, 0, 1, 1, 30) * 1000],
  ])('reads %s', (text, micros) => expect(parseDateTimeText(text)).toBe(micros));

  it.each(['2024-02-30', '2024-13-01', '2024-01-01 24:00:00', '01/02/2024', '2024-1-1', '1704067200000'])('refuses %j', (text) => {
    expect(parseDateTimeText(text)).toBeUndefined();
  });
});

// The decimal a price string denotes, without trailing zeros: "42283.58000000" -> "42283.58", "5.00000000" -> "5".
function canonicalDecimal(text: string): string {
  const [whole = '', fraction = ''] = text.replace(/^\+/u, '').split('.');
  const trimmed = fraction.replace(/0+$/u, '');
  return trimmed === '' ? String(Number(whole)) : `${whole.replace(/^(-?)0+(?=\d)/u, '$1')}.${trimmed}`;
}

function csvFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? csvFiles(path) : name.endsWith('.csv') ? [path] : [];
  });
}

describeWithRealFixtures('every price and quantity string of the fixtures survives string -> float64 -> string', (fixtures) => {
  it('prints back as the same decimal', () => {
    let checked = 0;
    const changed: string[] = [];
    for (const path of csvFiles(fixtures)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        for (const field of line.split(',')) {
          // Decimal fields with up to 8 decimals (prices, quantities, volumes); ids and times are integers.
          if (!/^-?\d+\.\d{1,8}$/u.test(field)) continue;
          checked++;
          const value = parseDecimalText(field)!;
          if (String(value) !== canonicalDecimal(field)) changed.push(`${path}: ${field} -> ${value}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(1_000_000);
    expect(changed).toEqual([]);
  });
});
