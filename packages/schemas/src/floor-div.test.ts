import { describe, expect, it } from 'vitest';
import { floorDiv } from './floor-div.js';

describe('floorDiv', () => {
  it('rounds toward negative infinity', () => {
    expect([floorDiv(7n, 2n), floorDiv(-7n, 2n), floorDiv(-8n, 2n), floorDiv(7n, -2n), floorDiv(0n, 5n), floorDiv(-1n, 86_400_000n)]).toEqual([3n, -4n, -4n, -4n, 0n, -1n]);
  });
});
