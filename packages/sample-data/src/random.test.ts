import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

describe('createRandom', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    const a = createRandom(7, 2);
    const b = createRandom(7, 2);
    const first = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(first);
  });

  it('gives different sequences for different seeds and streams', () => {
    const sample = (seed: number, stream: number): number[] => {
      const random = createRandom(seed, stream);
      return Array.from({ length: 8 }, () => random.next());
    };
    expect(sample(1, 0)).not.toEqual(sample(2, 0));
    expect(sample(1, 0)).not.toEqual(sample(1, 1));
  });

  it('draws from the stated distributions', () => {
    const random = createRandom(42);
    const n = 200_000;
    let uniform = 0;
    let normal = 0;
    let normalSquares = 0;
    let exponential = 0;
    let geometric = 0;
    let below = 0;
    for (let i = 0; i < n; i++) {
      const u = random.next();
      if (u < 0 || u >= 1) below++;
      uniform += u;
      const z = random.normal();
      normal += z;
      normalSquares += z * z;
      exponential += random.exponential();
      geometric += random.geometric(0.25);
    }
    expect(below).toBe(0);
    expect(uniform / n).toBeCloseTo(0.5, 2);
    expect(normal / n).toBeCloseTo(0, 1);
    expect(normalSquares / n).toBeCloseTo(1, 1);
    expect(exponential / n).toBeCloseTo(1, 1);
    expect(geometric / n).toBeCloseTo(3, 1); // (1 - p) / p
    const ints = new Set(Array.from({ length: 1000 }, () => random.int(5)));
    expect([...ints].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
