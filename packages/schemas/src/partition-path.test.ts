import { describe, expect, it } from 'vitest';
import { IdentifierError } from './errors/identifier-error.js';
import { PartitionPathError } from './errors/partition-path-error.js';
import {
  decodePartitionValue,
  encodePartitionSegment,
  encodePartitionValue,
  parsePartitionPath,
  parsePartitionSegment,
  partitionPath,
  partitionValuesOf,
} from './partition-path.js';

describe('partition paths', () => {
  it("builds the seed's layout with unpadded month and day (D1, D2)", () => {
    const values = partitionValuesOf({ kind: 'klines', exchange: 'Binance', symbol: 'btcusdt', timeframe: '1m' }, Date.UTC(2024, 0, 1, 0, 0));
    expect(partitionPath('klines', values)).toBe('exchange=binance/symbol=BTCUSDT/timeframe=1m/year=2024/month=1/day=1');
    const trades = partitionValuesOf({ kind: 'aggtrades', exchange: 'binancecoinm', symbol: 'BTCUSD_PERP' }, Date.UTC(2026, 4, 8, 23, 59, 59, 655));
    expect(partitionPath('aggtrades', trades)).toBe('exchange=binancecoinm/symbol=BTCUSD_PERP/year=2026/month=5/day=8');
  });

  it('puts the last millisecond of a day in that day and the next one in the next day', () => {
    const id = { kind: 'futures', exchange: 'binance', symbol: 'BTCUSDT' } as const;
    expect(partitionValuesOf(id, Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toMatchObject({ year: 2024, month: 2, day: 29 });
    expect(partitionValuesOf(id, Date.UTC(2024, 2, 1))).toMatchObject({ year: 2024, month: 3, day: 1 });
    expect(partitionValuesOf(id, Date.UTC(2024, 11, 31, 23, 59, 59, 999))).toMatchObject({ year: 2024, month: 12, day: 31 });
  });

  it.each([
    ['klines', { exchange: 'binance', symbol: 'BTCUSDT', timeframe: '1M', year: 2024, month: 12, day: 31 }],
    ['aggtrades', { exchange: 'binancecoinm', symbol: 'BTCUSD_260327', year: 2025, month: 9, day: 26 }],
    ['futures', { exchange: 'okx', symbol: 'BTC-USDT-SWAP', year: 2009, month: 1, day: 1 }],
    ['aggtrades', { exchange: 'binance', symbol: '币安人生USDT', year: 2025, month: 10, day: 8 }],
  ] as const)('round-trips a %s partition', (kind, values) => {
    expect(parsePartitionPath(kind, partitionPath(kind, values))).toEqual(values);
  });

  it('accepts backslash separators and stray slashes when parsing', () => {
    expect(parsePartitionPath('futures', 'exchange=binance\\symbol=ETHUSDT\\year=2024\\month=3\\day=9\\')).toEqual({
      exchange: 'binance',
      symbol: 'ETHUSDT',
      year: 2024,
      month: 3,
      day: 9,
    });
  });

  it.each([
    ['exchange=binance/symbol=BTCUSDT/year=2024/month=01/day=1', 'month=01', /unpadded decimal integer/],
    ['exchange=binance/symbol=BTCUSDT/year=2024/month=2/day=30', undefined, /not a calendar date/],
    ['exchange=binance/symbol=BTCUSDT/year=2023/month=2/day=29', undefined, /not a calendar date/],
    ['exchange=binance/symbol=BTCUSDT/month=1/year=2024/day=1', 'month=1', /expected key "year"/],
    ['exchange=binance/symbol=BTCUSDT/year=2024/month=1', undefined, /expected 5 segments/],
    ['exchange=binance/symbol=BTC%2FUSDT/year=2024/month=1/day=1', 'symbol=BTC%2FUSDT', /path_separator/],
    ['exchange=binance/symbol=BTC%ZZ/year=2024/month=1/day=1', 'symbol=BTC%ZZ', /percent-encoding/],
    ['exchange=binance/BTCUSDT/year=2024/month=1/day=1', 'BTCUSDT', /expected key=value/],
    ['exchange=binance/symbol=BTCUSDT/year=-1/month=1/day=1', 'year=-1', /unpadded decimal integer/],
  ])('refuses %s', (path, segment, reason) => {
    let caught: unknown;
    try {
      parsePartitionPath('aggtrades', path);
    } catch (error) {
      caught = error;
    }
    expect(PartitionPathError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'INVALID_PARTITION_PATH', path, segment });
    expect((caught as Error).message).toMatch(reason);
  });

  it('writes identifiers in canonical form whatever case or Unicode form they come in', () => {
    const decomposed = { exchange: 'BINANCE', symbol: 'e\u0301usdt', year: 2024, month: 1, day: 1 };
    expect(partitionPath('futures', decomposed)).toBe('exchange=binance/symbol=\u00c9USDT/year=2024/month=1/day=1');
  });

  it.each([
    { month: 13, day: 1 },
    { month: 2, day: 30 },
    { month: 1.5, day: 1 },
    { month: Number.NaN, day: 1 },
  ])('refuses the impossible date %j when building a path', ({ month, day }) => {
    expect(() => partitionPath('futures', { exchange: 'binance', symbol: 'BTCUSDT', year: 2024, month, day })).toThrow(/is not a calendar date/);
  });

  it('refuses unsafe identifiers when building a path', () => {
    expect(() => partitionPath('futures', { exchange: 'binance', symbol: '../x', year: 2024, month: 1, day: 1 })).toThrow(IdentifierError);
    expect(() => partitionPath('klines', { exchange: 'binance', symbol: 'BTCUSDT', year: 2024, month: 1, day: 1 })).toThrow(/needs "timeframe"/);
  });
});

describe('partition segment encoding', () => {
  it('keeps letters, digits and -._~ and percent-encodes the rest as UTF-8', () => {
    expect(encodePartitionValue('BTCUSD_PERP')).toBe('BTCUSD_PERP');
    expect(encodePartitionValue('a b/c=d%')).toBe('a%20b%2Fc%3Dd%25');
    expect(encodePartitionValue("x'(y)*!")).toBe('x%27%28y%29%2A%21');
    expect(encodePartitionSegment('year', 2024)).toBe('year=2024');
  });

  it('round-trips arbitrary strings, including every ASCII character and astral-plane characters', () => {
    const samples = [String.fromCharCode(...Array.from({ length: 95 }, (_, i) => i + 32)), '😀 ok', 'ümlaut', '%41', 'é'];
    for (const value of samples) {
      const segment = encodePartitionSegment('symbol', value);
      expect(segment.slice('symbol='.length)).not.toMatch(/[/\\= ]/u);
      expect(parsePartitionSegment(segment)).toEqual({ key: 'symbol', value });
    }
  });

  it('decodes what DuckDB and pyarrow write, and reports malformed input as null', () => {
    expect(decodePartitionValue('x%20y%2Fz')).toBe('x y/z');
    expect(decodePartitionValue('%E0%A4%A')).toBeNull();
  });

  it('refuses segments without a key', () => {
    expect(() => parsePartitionSegment('=x')).toThrow(/expected key=value/);
    expect(() => parsePartitionSegment('Year=2024')).toThrow(/not a partition key name/);
  });
});
