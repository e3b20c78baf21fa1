/**
 * Mann–Whitney U test (Wilcoxon rank-sum), two-sided, normal approximation with tie
 * correction and continuity correction — the same procedure as SciPy's
 * `scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic',
 * use_continuity=True)` and R's `wilcox.test(x, y, exact = FALSE, correct = TRUE)`.
 *
 *   U₁ = R₁ − n₁(n₁+1)/2   (R₁ = sum of the mid-ranks of x in the pooled sample)
 *   μ = n₁n₂/2,  σ² = n₁n₂/12 · ((n+1) − Σ(t³−t)/(n(n−1)))   (t = size of each tie group)
 *   z = (|U₁ − μ| − ½)/σ,  p = 2·(1 − Φ(z)) = erfc(z/√2)
 *
 * The exact distribution (small samples without ties) is not used: faasmark compares
 * hundreds of requests per point, where the approximation is accurate. `statistic` is U₁
 * (SciPy's convention).
 */
import { errorFunction } from 'simple-statistics';

export interface MannWhitneyResult {
  /** U of the first sample. */
  statistic: number;
  /** Two-sided p-value; 1 when either sample is empty or every value is tied. */
  pValue: number;
  z: number;
}

/** Complementary error function. For x ≥ 0 uses simple-statistics' erf (|error| ≤ 1.2e-7). */
function erfc(x: number): number {
  return 1 - errorFunction(x);
}

export function mannWhitneyU(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { statistic: Number.NaN, pValue: 1, z: 0 };
  const n = n1 + n2;
  const pooled: { v: number; g: 0 | 1 }[] = [];
  for (let i = 0; i < n1; i++) pooled.push({ v: x[i] as number, g: 0 });
  for (let i = 0; i < n2; i++) pooled.push({ v: y[i] as number, g: 1 });
  for (const p of pooled)
    if (!Number.isFinite(p.v)) throw new RangeError('mannWhitneyU: samples must be finite numbers');
  pooled.sort((a, b) => a.v - b.v);
  let r1 = 0;
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (pooled[j + 1] as { v: number }).v === (pooled[i] as { v: number }).v) j++;
    const t = j - i + 1;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if ((pooled[k] as { g: number }).g === 0) r1 += midRank;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return { statistic: u1, pValue: 1, z: 0 };
  const z = Math.max(0, Math.abs(u1 - mu) - 0.5) / Math.sqrt(variance);
  return { statistic: u1, pValue: Math.min(1, erfc(z / Math.SQRT2)), z };
}
