/**
 * A small seeded random source (sfc32, seeded through splitmix32) so the sample data is the same for the same
 * seed on every run. Not for cryptography.
 */

/** A seeded stream of random numbers. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number;
  /** Exponential with mean 1. */
  exponential(): number;
  /** 0, 1, 2, ... with P(k) = (1 - p)^k * p (number of failures before the first success). */
  geometric(p: number): number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A {@link Random} for `seed`; `stream` derives independent sequences from one seed (one per data type, so
 * changing the number of trades does not change the klines).
 */
export function createRandom(seed: number, stream = 0): Random {
  const init = splitmix32((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  let spareNormal: number | null = null;

  const next = (): number => nextUint32() / 4_294_967_296;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      // Box-Muller; 1 - next() is in (0, 1], so the log is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spareNormal = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    exponential: () => -Math.log(1 - next()),
    geometric: (p) => Math.floor(Math.log(1 - next()) / Math.log(1 - p)),
  };
}
