/**
 * Seeded randomness, passed in explicitly (simple-statistics' shuffle takes its RNG; SimFaaS
 * samples the global np.random — we don't). Backed by pure-rand's xoroshiro128+ and its
 * 53-bit uniform float distribution.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export interface Rng {
  /** Uniform in [0, 1), 53 bits. */
  next(): number;
  /** An independent stream derived from this one (for per-point / per-component streams). */
  fork(): Rng;
}

/** A seeded RNG; the same seed gives the same sequence on every platform. */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  const gen = xoroshiro128plus(mixSeed(seed));
  // xoroshiro128+ seeded from a small integer starts with correlated outputs: discard a few.
  for (let i = 0; i < 16; i++) gen.next();
  const rng: Rng = {
    next: () => uniformFloat64(gen),
    fork: () => createRng(Math.floor(uniformFloat64(gen) * 0x7fffffff)),
  };
  return rng;
}

/** Exponential variate with the given rate (mean 1/rate), by inversion: −ln(1−U)/rate. */
export function exponential(rng: Rng, rate: number): number {
  return -Math.log1p(-rng.next()) / rate;
}

/** Standard normal variate (Box–Muller, one of the pair). */
export function standardNormal(rng: Rng): number {
  let u = rng.next();
  while (u === 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** murmur3's 32-bit finaliser: spreads small seeds (1, 2, 204 ...) over all 32 bits. */
function mixSeed(seed: number): number {
  let h = seed | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
