import { describe, expect, it } from 'vitest';
import { UNIFIED_ERROR_CODES, USAGE_ERROR_CODES, isUnifiedErrorCode } from './error-codes.js';
import { IdentifierError } from './identifier-error.js';
import { PartitionPathError } from './partition-path-error.js';
import { toUnifiedError } from './to-unified-error.js';
import { UnifiedError } from './unified-error.js';

describe('UnifiedError', () => {
  it('carries code, message, cause and name', () => {
    const cause = new Error('disk full');
    const error = new UnifiedError({ code: 'WRITE_FAILED', message: 'cannot write part-0.parquet', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'UnifiedError', code: 'WRITE_FAILED', message: 'cannot write part-0.parquet', cause });
  });

  it('recognises instances from another copy of the package by their Symbol.for marker', () => {
    // What a second install of @unified/schemas would create: a different class with the same global marker.
    const foreign = Object.assign(new Error('x'), { code: 'INTERNAL', [Symbol.for('unified.error')]: true });
    expect(UnifiedError.isInstance(foreign)).toBe(true);
    expect(UnifiedError.isInstance(new Error('x'))).toBe(false);
    expect(UnifiedError.isInstance(null)).toBe(false);
  });

  it('distinguishes subclasses', () => {
    const identifier = new IdentifierError({ field: 'symbol', value: 'a/b', rule: 'path_separator', message: 'm' });
    expect(IdentifierError.isInstance(identifier)).toBe(true);
    expect(UnifiedError.isInstance(identifier)).toBe(true);
    expect(PartitionPathError.isInstance(identifier)).toBe(false);
  });
});

describe('toUnifiedError', () => {
  it('returns unified errors unchanged and wraps anything else with its cause', () => {
    const original = new UnifiedError({ code: 'BAD_ROW', message: 'bad' });
    expect(toUnifiedError(original)).toBe(original);
    const wrapped = toUnifiedError(new Error('EACCES'), 'SOURCE_NOT_FOUND', 'data_cache/x.csv');
    expect(wrapped).toMatchObject({ code: 'SOURCE_NOT_FOUND', message: 'data_cache/x.csv: EACCES' });
    expect(toUnifiedError('boom')).toMatchObject({ code: 'INTERNAL', message: 'boom', cause: 'boom' });
  });
});

describe('error codes', () => {
  it('map each code to itself and mark the usage errors', () => {
    for (const [key, value] of Object.entries(UNIFIED_ERROR_CODES)) expect(key).toBe(value);
    expect(isUnifiedErrorCode('BAD_ROW')).toBe(true);
    expect(isUnifiedErrorCode('toString')).toBe(false);
    expect([...USAGE_ERROR_CODES].sort()).toEqual(['INVALID_ARGUMENT', 'INVALID_IDENTIFIER']);
  });
});
