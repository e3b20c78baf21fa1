/**
 * Failures as first-class compare metrics (docs/results.md "compare"): the error, timeout and
 * rejection fractions of the requests arriving in the window, and the points' validity. A
 * fraction regresses when the candidate's is higher by more than the noise floor
 * (max(FAILURE_FLOOR, threshold × baseline)) and a two-proportion test finds the rise
 * significant; a point valid in the baseline but invalid in the candidate regresses outright.
 */
import type { PointSummary } from '../../results/types.js';
import { twoProportionTest } from '../stats/two-proportion.js';
import type { MetricComparison, Verdict } from './compare.js';

/** Smallest change of a failure fraction that counts (absolute: one percentage point). */
export const FAILURE_FLOOR = 0.01;
/** Significance level of every compare test. */
export const ALPHA = 0.05;
/** Fewest requests per side for a request-level verdict. */
export const MIN_REQUESTS = 30;

export type FailureMetric = 'errorFraction' | 'timeoutFraction' | 'rejectFraction';
const FIELD: Record<FailureMetric, 'error' | 'timeout' | 'rejected'> = {
  errorFraction: 'error',
  timeoutFraction: 'timeout',
  rejectFraction: 'rejected',
};

const pctText = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One failure fraction of the candidate against the baseline, over all repetitions. */
export function compareFailureFraction(
  metric: FailureMetric,
  base: PointSummary[],
  cand: PointSummary[],
  threshold: number,
): MetricComparison {
  const count = (ps: PointSummary[]) => ({
    x: ps.reduce((a, p) => a + (p.requests?.[FIELD[metric]] ?? 0), 0),
    n: ps.reduce((a, p) => a + (p.requests?.sent ?? 0), 0),
  });
  const b = count(base);
  const c = count(cand);
  const bf = b.n > 0 ? b.x / b.n : null;
  const cf = c.n > 0 ? c.x / c.n : null;
  const out: MetricComparison = {
    metric,
    baseline: bf,
    candidate: cf,
    ratio: bf !== null && cf !== null && bf > 0 ? cf / bf : null,
    lo: null,
    hi: null,
    pValue: null,
    unit: 'requests',
    verdict: 'inconclusive',
  };
  if (bf === null || cf === null) return { ...out, note: 'no requests on one side' };
  const test = twoProportionTest(c.x, c.n, b.x, b.n);
  out.pValue = test.pValue;
  const floor = Math.max(FAILURE_FLOOR, threshold * bf);
  const diff = cf - bf;
  out.note = `${pctText(cf)} vs ${pctText(bf)} (${diff >= 0 ? '+' : ''}${(diff * 100).toFixed(1)} points, noise floor ${(floor * 100).toFixed(1)} points)`;
  out.verdict = fractionVerdict(diff, floor, test.pValue, Math.min(b.n, c.n));
  return out;
}

function fractionVerdict(diff: number, floor: number, p: number, n: number): Verdict {
  if (Math.abs(diff) <= floor) return 'no difference';
  if (n < MIN_REQUESTS || p >= ALPHA) return 'inconclusive';
  return diff > 0 ? 'regressed' : 'improved';
}

/** Validity: a point valid in the baseline and invalid in the candidate has regressed. */
export function compareValidity(base: PointSummary[], cand: PointSummary[]): MetricComparison {
  const share = (ps: PointSummary[]) => ps.filter((p) => p.valid).length / ps.length;
  const bv = share(base);
  const cv = share(cand);
  const reasons = [...new Set(cand.filter((p) => !p.valid).flatMap((p) => p.invalidReasons))];
  let verdict: Verdict = 'no difference';
  if (bv === 1 && cv < 1) verdict = 'regressed';
  else if (bv < 1 && cv === 1) verdict = 'improved';
  else if (bv < 1 && cv < 1) verdict = 'inconclusive';
  return {
    metric: 'validity',
    baseline: bv,
    candidate: cv,
    ratio: null,
    lo: null,
    hi: null,
    pValue: null,
    unit: 'none',
    verdict,
    ...(reasons.length ? { note: `candidate invalid: ${reasons.join('; ')}` } : {}),
  };
}
