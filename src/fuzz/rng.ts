/**
 * A small seeded PRNG (mulberry32 over a splitmix-style hash of the seed): the fuzzer's only
 * source of randomness, so a run is a pure function of its seed. Never Math.random.
 */
export interface Rng {
  /** A uint32. */
  readonly next: () => number;
  /** An integer in [0, n) (n ≥ 1). */
  readonly int: (n: number) => number;
  /** True with probability percent / 100. */
  readonly chance: (percent: number) => boolean;
  readonly pick: <T>(xs: readonly T[]) => T;
  /** A bigint in [lo, hi]. */
  readonly big: (lo: bigint, hi: bigint) => bigint;
}

/** Mixes a non-negative integer seed (up to 2^53) into 32 bits. */
function mix(seed: number): number {
  let h = (Math.floor(seed / 0x1_0000_0000) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (seed >>> 0), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function makeRng(seed: number): Rng {
  let a = mix(seed);
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (n: number): number => (n <= 1 ? 0 : next() % n);
  const big = (lo: bigint, hi: bigint): bigint => {
    if (hi <= lo) return lo;
    const span = hi - lo + 1n;
    const r = (BigInt(next()) << 32n) | BigInt(next());
    return lo + (r % span);
  };
  return {
    next,
    int,
    chance: (percent) => next() % 100 < percent,
    pick: <T>(xs: readonly T[]): T => {
      if (xs.length === 0) throw new Error('internal: pick from an empty list');
      return xs[int(xs.length)] as T;
    },
    big,
  };
}
