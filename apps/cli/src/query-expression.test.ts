import { describe, expect, it } from 'vitest';
import { parseFilterExpression } from './query-expression.js';

describe('parseFilterExpression', () => {
  it.each<[string, unknown]>([
    ['year=2024', ['year', '=', '2024']],
    ['month >= 3', ['month', '>=', '3']],
    ['timestamp<1704067200000', ['timestamp', '<', '1704067200000']],
    ['symbol == "BTCUSDT"', ['symbol', '==', 'BTCUSDT']],
    ['close!=0', ['close', '!=', '0']],
    ['symbol in (BTCUSDT, ETHUSDT)', ['symbol', 'in', ['BTCUSDT', 'ETHUSDT']]],
    ['day NOT IN (1,2)', ['day', 'not in', ['1', '2']]],
    ["s in ('a,b', c)", ['s', 'in', ['a,b', 'c']]],
  ])('%s', (text, term) => {
    expect(parseFilterExpression(text)).toEqual(term);
  });

  it.each(['price~1', 'year=', 'x in ()', '=3', 'a b c'])('refuses %s, saying what it expects', (text) => {
    expect(() => parseFilterExpression(text)).toThrow(/is not a filter|no value after|the list is empty|empty value/u);
  });
});
