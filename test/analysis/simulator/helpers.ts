/**
 * Replications for statistical tests: run `fn` with `n` seeds and report the mean and its
 * standard error (independent replications, the textbook alternative to batch means: each
 * run starts from its own seed and skips its own warm-up, so the n estimates are i.i.d. and
 * SE = sd/√n is unbiased). Tests accept |mean − reference| ≤ k·SE with k = 4. With n = 10 the
 * ratio is Student-t with 9 degrees of freedom, so for a fresh seed a correct simulator fails
 * with probability ≈ 0.3% (heavier for very skewed service times, whose SE estimate is itself
 * noisy: lognormal cv 1.5 gave one |t| > 4 in 15 seed sets tried while writing these tests);
 * the seeds are fixed, so a run is deterministic. A bug that shifts a mean by a few percent
 * moves it by many SEs and fails.
 */
import { createRng, type Rng } from '../../../analysis/random.js';

export interface Replicated {
  mean: number;
  se: number;
  values: number[];
}

export function replicate(n: number, baseSeed: number, fn: (rng: Rng) => number): Replicated {
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(fn(createRng(baseSeed + i * 7919)));
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), values };
}
