/**
 * M/G/∞ model of a WebAssembly executor (thesis §3.3; docs/models.md "M/G/∞ for Wasm"): every
 * request gets its own fresh instance at once, so there is no queueing and no cold/warm split.
 * In steady state (any service-time distribution, Poisson arrivals):
 *   E[response] = E[S],   N (requests in system) ~ Poisson(λ·E[S])
 * (Kleinrock, Queueing Systems Vol. 1, §3.8; Takács). The percentiles of N are exact.
 * E[S] should be the mean service time measured at the expected load (the thesis's advice),
 * not a cold single-run figure. The model ignores capacity: see capacity.ts for c cores.
 */

import { InputError } from '../../core/errors.js';
import type { MetricValues } from '../../core/metrics.js';
import { POISSON_MAX_MEAN, poissonQuantile } from './poisson.js';
import { requirePositive } from './validate.js';

export interface MginfInput {
  /** λ, requests per second (> 0). */
  arrivalRate: number;
  /** E[S], mean service time in seconds (> 0). */
  serviceTime: number;
}

export interface MginfResult {
  arrivalRate: number;
  serviceTime: number;
  /** E[response] = E[S] (s). */
  meanResponseTime: number;
  /** E[N] = λ·E[S]: mean executors (requests) in flight. */
  meanInSystem: number;
  /** Poisson(λE[S]) quantiles of the executor count (smallest k with P(N ≤ k) ≥ p). */
  inSystemP50: number;
  inSystemP95: number;
  inSystemP99: number;
}

/**
 * Solve M/G/∞ for one point.
 * @throws InputError naming the field when a rate or time is not a finite number > 0.
 * @example solveMginf({ arrivalRate: 2, serviceTime: 0.5 }).meanInSystem // 1
 */
export function solveMginf(input: MginfInput): MginfResult {
  const lambda = requirePositive('arrivalRate', input.arrivalRate);
  const s = requirePositive('serviceTime', input.serviceTime);
  const mean = lambda * s;
  if (mean > POISSON_MAX_MEAN) {
    throw new InputError(`arrivalRate × serviceTime must be at most ${POISSON_MAX_MEAN}, got ${mean}`);
  }
  return {
    arrivalRate: lambda,
    serviceTime: s,
    meanResponseTime: s,
    meanInSystem: mean,
    inSystemP50: poissonQuantile(mean, 0.5),
    inSystemP95: poissonQuantile(mean, 0.95),
    inSystemP99: poissonQuantile(mean, 0.99),
  };
}

/** M/G/∞ as metric values (docs/engine.md: E[S] ↔ respTime, λE[S] ↔ inFlight; never rejects). */
export function mginfMetrics(r: MginfResult): MetricValues {
  return { respTime: r.meanResponseTime, inFlight: r.meanInSystem, rejectProb: 0 };
}
