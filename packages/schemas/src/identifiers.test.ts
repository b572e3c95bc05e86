import { describe, expect, it } from 'vitest';
import { IdentifierError } from './errors/identifier-error.js';
import { UnifiedError } from './errors/unified-error.js';
import { assertIdentifier, normalizeExchange, normalizeSymbol, normalizeTimeframe, validateIdentifier } from './identifiers.js';
import type { IdentifierField, IdentifierRule } from './errors/identifier-error.js';

function ruleOf(field: IdentifierField, value: string): IdentifierRule | null {
  const result = validateIdentifier(field, value);
  return result.success ? null : result.issue.rule;
}

describe('validateIdentifier', () => {
  it.each([
    ['symbol', '', 'empty'],
    ['symbol', 'A'.repeat(65), 'too_long'],
    ['symbol', 'BTC USDT', 'whitespace'],
    ['exchange', ' binance', 'whitespace'],
    ['symbol', 'BTC/USDT', 'path_separator'],
    ['symbol', 'BTC\\USDT', 'path_separator'],
    ['symbol', '..', 'parent_reference'],
    ['exchange', 'a..b', 'parent_reference'],
    ['symbol', 'BTC\u0000', 'control_character'],
    ['symbol', 'BTC\tUSDT', 'control_character'],
    ['symbol', 'x=y', 'equals_sign'],
    ['exchange', 'binance_spot', 'underscore'],
    ['timeframe', '1_m', 'underscore'],
    ['exchange', '.hidden', 'hidden_prefix'],
    ['symbol', 'BTC:USDT', 'character_set'],
    ['symbol', 'BTC%2F', 'character_set'],
    ['exchange', 'bin$ance', 'character_set'],
    ['timeframe', '2m', 'unknown_timeframe'],
    ['timeframe', '1H', 'unknown_timeframe'],
  ] as const)('rejects %s %j (%s)', (field, value, rule) => {
    expect(ruleOf(field, value)).toBe(rule);
  });

  it('names the field, the value and the rule in one line', () => {
    const result = validateIdentifier('symbol', 'a/b');
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.issue).toMatchObject({ field: 'symbol', value: 'a/b', rule: 'path_separator' });
      expect(result.issue.message).toBe('invalid symbol "a/b": must not contain \'/\' or \'\\\' (rule: path_separator)');
    }
  });

  it('accepts 64 characters and rejects 65, counting characters rather than UTF-16 units', () => {
    expect(ruleOf('symbol', 'A'.repeat(64))).toBeNull();
    expect(ruleOf('symbol', '币'.repeat(30))).toBeNull();
    expect(ruleOf('symbol', '😀'.repeat(20))).toBe('character_set');
  });

  it('caps the UTF-8 size so folder names stay under the 255-byte file-name limit', () => {
    expect(ruleOf('symbol', '币'.repeat(33))).toBeNull(); // 99 bytes
    expect(ruleOf('symbol', '币'.repeat(34))).toBe('too_long'); // 102 bytes, 34 characters
  });

  it('checks the canonical form too, since case mapping can change a value', () => {
    expect(ruleOf('exchange', 'BİNANCE')).toBe('character_set');
    const folded = validateIdentifier('symbol', '\ufb01'.repeat(33)); // 33 characters, 66 once upper-cased
    expect(!folded.success && folded.issue.message).toContain('also in its canonical form');
  });

  it('suggests the lower-case timeframe when only the case is wrong', () => {
    const result = validateIdentifier('timeframe', '4H');
    expect(!result.success && result.issue.message).toContain('did you mean "4h"?');
  });

  it('canonicalises exchange to lower case and symbol to upper case (D3)', () => {
    expect(normalizeExchange('BinanceUSDM')).toBe('binanceusdm');
    expect(normalizeSymbol('btcusd_perp')).toBe('BTCUSD_PERP');
    expect(normalizeSymbol('btc-usd')).toBe('BTC-USD');
  });

  it('keeps timeframes case-sensitive: 1m is a minute, 1M a month', () => {
    expect(normalizeTimeframe('1m')).toBe('1m');
    expect(normalizeTimeframe('1M')).toBe('1M');
  });

  it('allows underscores in symbols only (BTCUSD_PERP, BTCUSD_260327)', () => {
    expect(normalizeSymbol('BTCUSD_260327')).toBe('BTCUSD_260327');
    expect(ruleOf('exchange', 'binance_usdm')).toBe('underscore');
  });

  it('accepts symbols in other scripts and normalises them to NFC', () => {
    expect(normalizeSymbol('币安人生USDT')).toBe('币安人生USDT');
    const decomposed = 'E\u0301USDT';
    expect(normalizeSymbol(decomposed)).toBe('\u00c9USDT');
  });
});

describe('assertIdentifier', () => {
  it('throws an IdentifierError with code INVALID_IDENTIFIER and the context fields', () => {
    let caught: unknown;
    try {
      assertIdentifier('exchange', '../x');
    } catch (error) {
      caught = error;
    }
    expect(IdentifierError.isInstance(caught)).toBe(true);
    expect(UnifiedError.isInstance(caught)).toBe(true);
    expect(caught).toMatchObject({ code: 'INVALID_IDENTIFIER', field: 'exchange', value: '../x', rule: 'path_separator' });
  });
});
