/**
 * Student-t confidence interval of a mean: x̄ ± t_{0.975, n−1} · s/√n (two-sided 95%).
 * Quantiles t_{0.975, df} for df = 1 … 30 from the standard table (e.g. NIST/SEMATECH
 * e-Handbook of Statistical Methods, §1.3.6.7.2); for df > 30 the normal 1.96 is used
 * (error < 2.1% at df = 31, vanishing beyond).
 */
import { mean } from './bootstrap.js';

const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new RangeError(`degrees of freedom must be an integer >= 1, got ${df}`);
  return T975[df - 1] ?? 1.96;
}

export interface MeanCi {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** Half-width of the 95% t-interval of the mean of `values`, t_{0.975, n−1}·s/√n; null with fewer than 2 values. */
export function tHalfWidth(values: number[]): number | null {
  const n = values.length;
  if (n < 2) return null;
  const m = mean(values);
  const s2 = values.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
  return t975(n - 1) * Math.sqrt(s2 / n);
}

/** 95% t-interval of the mean of `values`; null with fewer than 2 values. */
export function meanCi(values: number[]): MeanCi | null {
  const half = tHalfWidth(values);
  if (half === null) return null;
  const m = mean(values);
  return { mean: m, lo: m - half, hi: m + half, n: values.length };
}

/**
 * Batch means (Law & Kelton, "Simulation Modeling and Analysis", §9.5.3): split a series in
 * arrival order into `batches` consecutive batches and return the t-interval of the batch
 * means — a CI for one long run whose samples are correlated. Null when there are fewer than
 * 2 values per batch.
 */
export function batchMeansCi(series: number[], batches = 10): MeanCi | null {
  if (series.length < 2 * batches) return null;
  const size = Math.floor(series.length / batches);
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    const chunk = series.slice(b * size, b === batches - 1 ? series.length : (b + 1) * size);
    means.push(mean(chunk));
  }
  const ci = meanCi(means);
  if (!ci) return null;
  const overall = mean(series);
  return {
    ...ci,
    mean: overall,
    lo: ci.lo - ci.mean + overall,
    hi: ci.hi - ci.mean + overall,
    n: series.length,
  };
}
