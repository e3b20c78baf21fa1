/**
 * One-sample Kolmogorov–Smirnov test (simple-statistics has none: it ships only
 * `cumulativeStdNormalProbability` and friends, no KS statistic or Kolmogorov distribution).
 *
 * Statistic: D_n = sup_x |F_n(x) − F(x)| = max_i max(i/n − F(x_(i)), F(x_(i)) − (i−1)/n)
 * over the sorted sample x_(1) ≤ … ≤ x_(n).
 *
 * p-value: P(D_n > d) ≈ Q_KS(λ), λ = (√n + 0.12 + 0.11/√n)·d — Stephens' (1970) small-sample
 * correction as used by Numerical Recipes (3rd ed., §14.3.3, `ksone`). Q_KS is the complement
 * of the Kolmogorov distribution K(λ) = P(√n·D_∞ ≤ λ):
 *   Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}                      (fast for λ ≥ 1.18)
 *   K(λ)    = (√(2π)/λ) Σ_{j≥1} e^{−(2j−1)²π²/(8λ²)}                (fast for λ < 1.18)
 * (both series: Numerical Recipes §6.14.12, `KSdist`). The test is for a fully specified F:
 * estimating F's parameter from the same sample makes the p-value conservative (Lilliefors).
 */

export interface KsResult {
  /** D_n, the largest distance between the empirical and the hypothesised CDF. */
  statistic: number;
  /** P(D_n ≥ statistic) under the hypothesis (asymptotic with Stephens' correction). */
  pValue: number;
  /** Sample size. */
  n: number;
}

/** Complement of the Kolmogorov distribution, Q_KS(λ) = P(K > λ). */
export function kolmogorovQ(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const y = Math.exp((-Math.PI * Math.PI) / (8 * lambda * lambda));
    // K(λ) = √(2π)/λ · (y + y⁹ + y²⁵ + y⁴⁹ + …); four terms reach double precision here.
    let sum = 0;
    for (let j = 1; j <= 6; j++) sum += y ** ((2 * j - 1) ** 2);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  let sum = 0;
  let sign = 1;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += sign * term;
    if (term < 1e-17) break;
    sign = -sign;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * KS statistic and p-value of `sample` against the continuous CDF `cdf`.
 * @throws RangeError on an empty sample.
 * @example ksTest([0.1, 0.5, 0.9], (x) => x) // uniform(0,1)
 */
export function ksTest(sample: ArrayLike<number>, cdf: (x: number) => number): KsResult {
  const n = sample.length;
  if (n === 0) throw new RangeError('ksTest: the sample is empty');
  const sorted = Float64Array.from(sample).sort();
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i] as number);
    const above = (i + 1) / n - f;
    const below = f - i / n;
    if (above > d) d = above;
    if (below > d) d = below;
  }
  const sqrtN = Math.sqrt(n);
  return { statistic: d, pValue: kolmogorovQ((sqrtN + 0.12 + 0.11 / sqrtN) * d), n };
}

/** KS test of inter-arrival gaps against the exponential with the given rate (req/s). */
export function ksExponential(gaps: ArrayLike<number>, rate: number): KsResult {
  if (!(rate > 0)) throw new RangeError(`ksExponential: rate must be > 0, got ${rate}`);
  return ksTest(gaps, (x) => (x <= 0 ? 0 : -Math.expm1(-rate * x)));
}
