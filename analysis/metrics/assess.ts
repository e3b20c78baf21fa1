/**
 * Model error that respects sampling noise — one rule, used by the engine when it writes a
 * point and by every table that reads one (docs/engine.md "Model error and sampling noise"):
 * - every measured metric carries its 95% CI, and the verdict says whether the prediction
 *   lies inside it (the difference is then within the point's own noise);
 * - a probability or a count near zero (measured or predicted below NEAR_ZERO: 5% or 0.05
 *   executors) is scored by its absolute error: 0 cold starts in 59 requests against a
 *   predicted 1.1% is −0.011, not "−100%";
 * - MAPE takes only relatively scored metrics of valid points with a non-zero prediction.
 */
import { METRICS, type MetricKey, relativeError } from '../../core/metrics.js';
import type { Interval } from './batches.js';

/** Below this a probability (or a count of executors) is scored by absolute error. */
export const NEAR_ZERO = 0.05;

export interface MetricAssessment {
  /** How the error is stated: relative ((m − p)/p) or absolute (m − p). */
  scoring: 'relative' | 'absolute';
  /** measured − predicted. */
  absError: number | null;
  /** (measured − predicted) / predicted; null when undefined. */
  relError: number | null;
  /** The prediction lies inside the measured 95% CI; null without a CI or a prediction. */
  insideCi: boolean | null;
  /** Counted in MAPE. */
  inMape: boolean;
}

/** Probabilities and counts: near zero their relative error is noise (a time is never near zero). */
const SMALL_SCALE: ReadonlySet<MetricKey> = new Set(
  METRICS.filter((m) => m.unit === 'probability' || m.unit === 'count').map((m) => m.key),
);

/** Assess one metric of one point. */
export function assessMetric(
  key: MetricKey,
  measured: number | null | undefined,
  predicted: number | null | undefined,
  ci: Interval | undefined,
  pointValid: boolean,
): MetricAssessment {
  const m = typeof measured === 'number' && Number.isFinite(measured) ? measured : null;
  const p = typeof predicted === 'number' && Number.isFinite(predicted) ? predicted : null;
  const absError = m !== null && p !== null ? m - p : null;
  const relError = relativeError(m, p);
  const nearZero = SMALL_SCALE.has(key) && ((m !== null && m < NEAR_ZERO) || (p !== null && p < NEAR_ZERO));
  const scoring = nearZero ? 'absolute' : 'relative';
  const insideCi = ci && p !== null ? p >= ci.lo && p <= ci.hi : null;
  return {
    scoring,
    absError,
    relError,
    insideCi,
    inMape: pointValid && scoring === 'relative' && relError !== null,
  };
}

/** Assess every metric either side has. */
export function assessPoint(
  measured: Partial<Record<MetricKey, number | null>>,
  predicted: Partial<Record<MetricKey, number | null>>,
  ci: Partial<Record<MetricKey, Interval>>,
  pointValid: boolean,
): Partial<Record<MetricKey, MetricAssessment>> {
  const out: Partial<Record<MetricKey, MetricAssessment>> = {};
  for (const def of METRICS) {
    const k = def.key;
    if (!(k in measured) && !(k in predicted)) continue;
    out[k] = assessMetric(k, measured[k], predicted[k], ci[k], pointValid);
  }
  return out;
}
