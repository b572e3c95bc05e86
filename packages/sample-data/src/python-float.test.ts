import { describe, expect, it } from 'vitest';
import { formatPythonFloat } from './python-float.js';

describe('formatPythonFloat', () => {
  // Expected strings are what CPython's repr() prints for the same doubles.
  it.each([
    [42000, '42000.0'],
    [42283.58, '42283.58'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [8.4e-7, '8.4e-07'],
    [-0.00003068, '-3.068e-05'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e16, '1e+16'],
    [1234567890123456.8, '1234567890123456.8'],
    [1.2345678901234567e19, '1.2345678901234567e+19'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [0, '0.0'],
    [-0, '-0.0'],
    [-2.5, '-2.5'],
    [Number.NaN, 'nan'],
    [Number.POSITIVE_INFINITY, 'inf'],
  ])('formats %s as %s', (value, expected) => {
    expect(formatPythonFloat(value)).toBe(expected);
  });

  it('round-trips every formatted value exactly', () => {
    for (const value of [1 / 3, 2 / 3, 42283.58, 1e-7, 123.456e10, 2 ** 53 + 2, 0.000123]) {
      expect(Number(formatPythonFloat(value))).toBe(value);
    }
  });
});
