/**
 * Poisson distribution helpers for the M/G/∞ executor count: log-factorial, pmf and the
 * quantile (smallest k with P(N ≤ k) ≥ p — the convention of R's `qpois` and scipy's
 * `poisson.ppf`). Works for any mean from tiny to huge without underflow: probabilities are
 * built outward from the mode in log space and summed over mode ± (12σ + 40) (the mass outside is
 * below 1e-30, far under any quantile level asked for). Means up to 1e12.
 */

/** Largest mean {@link poissonQuantile} accepts (its work grows with √mean). */
export const POISSON_MAX_MEAN = 1e12;

const LN_SQRT_2PI = 0.9189385332046728; // ln √(2π)

/**
 * ln k! for integer k ≥ 0: exact sum below 20, Stirling's series with four correction terms
 * above (error < 1e-16 relative for k ≥ 20; Abramowitz & Stegun 6.1.41).
 */
export function logFactorial(k: number): number {
  if (k < 20) {
    let s = 0;
    for (let i = 2; i <= k; i++) s += Math.log(i);
    return s;
  }
  const n = k + 1; // ln Γ(n)
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (
    (n - 0.5) * Math.log(n) -
    n +
    LN_SQRT_2PI +
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)))
  );
}

/** P(N = k) for N ~ Poisson(mean); mean ≥ 0. */
export function poissonPmf(mean: number, k: number): number {
  if (mean === 0) return k === 0 ? 1 : 0;
  return Math.exp(k * Math.log(mean) - mean - logFactorial(k));
}

/**
 * The p-quantile of Poisson(mean): the smallest integer k with P(N ≤ k) ≥ p, 0 < p < 1.
 * @example poissonQuantile(1, 0.5) // 1
 */
export function poissonQuantile(mean: number, p: number): number {
  if (!(mean >= 0 && mean <= POISSON_MAX_MEAN)) {
    throw new RangeError(`Poisson mean must be in [0, ${POISSON_MAX_MEAN}], got ${mean}`);
  }
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile level must be in (0, 1), got ${p}`);
  if (mean === 0) return 0;
  const mode = Math.floor(mean);
  const span = Math.ceil(12 * Math.sqrt(mean)) + 40;
  const lo = Math.max(0, mode - span);
  const hi = mode + span;
  // pmf from the mode outward by the ratio p(k+1)/p(k) = mean/(k+1), normalised by the sum
  const n = hi - lo + 1;
  const pmf = new Float64Array(n);
  pmf[mode - lo] = 1;
  for (let k = mode; k < hi; k++) pmf[k + 1 - lo] = ((pmf[k - lo] as number) * mean) / (k + 1);
  for (let k = mode; k > lo; k--) pmf[k - 1 - lo] = ((pmf[k - lo] as number) * k) / mean;
  let total = 0;
  for (let i = 0; i < n; i++) total += pmf[i] as number;
  let cdf = 0;
  const target = p * total;
  for (let i = 0; i < n; i++) {
    cdf += pmf[i] as number;
    if (cdf >= target) return lo + i;
  }
  return hi;
}
