/**
 * Percentile bootstrap confidence interval of a ratio statistic(candidate) / statistic(baseline)
 * (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13). Both samples are
 * resampled independently, with replacement, by *unit*: a unit is a whole repetition (its
 * values stay together, so between-repetition drift shows in the interval) or, with a single
 * repetition, one request per unit. Seeded: the RNG is passed in.
 */
import type { Rng } from '../random.js';

export interface BootstrapOptions {
  rng: Rng;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

export interface RatioCi {
  /** statistic(candidate) / statistic(baseline) on the full samples; null when undefined. */
  ratio: number | null;
  /** Percentile interval; null when fewer than half of the resamples gave a finite ratio. */
  lo: number | null;
  hi: number | null;
  /** Resamples whose ratio was finite. */
  resamples: number;
}

export type Statistic = (values: number[]) => number;

/** Arithmetic mean (NaN for an empty sample). */
export const mean: Statistic = (v) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);

/**
 * Quantile by linear interpolation between order statistics (type 7 in R, numpy's default).
 * @throws RangeError for p outside [0, 1]
 */
export function quantile(values: number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be in [0, 1], got ${p}`);
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const a = s[lo] as number;
  const b = s[Math.min(lo + 1, s.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

function resample(units: number[][], rng: Rng): number[] {
  const out: number[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[Math.floor(rng.next() * units.length)] as number[];
    for (const v of u) out.push(v);
  }
  return out;
}

/** Each value its own unit (resampling requests). */
export function singletonUnits(values: number[]): number[][] {
  return values.map((v) => [v]);
}

function ratioOf(cand: number, base: number): number | null {
  if (!Number.isFinite(cand) || !Number.isFinite(base) || base === 0) return null;
  return cand / base;
}

export function bootstrapRatioCi(
  baselineUnits: number[][],
  candidateUnits: number[][],
  statistic: Statistic,
  opts: BootstrapOptions,
): RatioCi {
  const resamples = opts.resamples ?? 2000;
  const level = opts.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new RangeError(`resamples must be an integer >= 1, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const ratio = ratioOf(statistic(candidateUnits.flat()), statistic(baselineUnits.flat()));
  if (baselineUnits.length === 0 || candidateUnits.length === 0)
    return { ratio, lo: null, hi: null, resamples: 0 };
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const r = ratioOf(
      statistic(resample(candidateUnits, opts.rng)),
      statistic(resample(baselineUnits, opts.rng)),
    );
    if (r !== null) ratios.push(r);
  }
  if (ratios.length < resamples / 2) return { ratio, lo: null, hi: null, resamples: ratios.length };
  const alpha = (1 - level) / 2;
  return { ratio, lo: quantile(ratios, alpha), hi: quantile(ratios, 1 - alpha), resamples: ratios.length };
}
