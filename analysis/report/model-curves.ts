/**
 * Model curves for figures: the models evaluated on a dense grid of keep-alive or arrival
 * rate (≤ 120 points per curve, so figures render fast). SMP = analysis/models/smp.ts,
 * M/G/∞ = mginf.ts, the capacity companion (M/G/c processor sharing) = capacity.ts.
 */
import type { MetricKey } from '../../core/metrics.js';
import { solveCores } from '../models/capacity.js';
import { solveMginf } from '../models/mginf.js';
import {
  SMP_DEFAULT_MAX_CONCURRENCY,
  type SmpResult,
  type SmpVariant,
  smpMetrics,
  solveSmp,
} from '../models/smp.js';
import type { FigurePoint } from '../plots/figure.js';

/** `n` points from lo to hi, evenly spaced (or log-spaced when `log`). */
export function grid(lo: number, hi: number, n = 80, log = false): number[] {
  if (!(hi > lo)) return [lo];
  return Array.from({ length: n }, (_, i) => {
    const f = i / (n - 1);
    return log ? lo * (hi / lo) ** f : lo + f * (hi - lo);
  });
}

export interface SmpCurveInput {
  warm: number;
  cold: number;
  variant?: SmpVariant;
  maxConcurrency?: number;
}

/** SMP metric value (respTime, running, ... via smpMetrics) at one point. */
export function smpValue(
  metric: MetricKey,
  inp: SmpCurveInput & { arrivalRate: number; keepAlive: number },
): number | null {
  let r: SmpResult;
  try {
    r = solveSmp({
      arrivalRate: inp.arrivalRate,
      keepAlive: inp.keepAlive,
      warm: inp.warm,
      cold: inp.cold,
      variant: inp.variant ?? 'thesis',
      maxConcurrency: inp.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY,
    });
  } catch {
    return null;
  }
  const v = smpMetrics(r)[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function smpCurve(
  metric: MetricKey,
  inp: SmpCurveInput,
  axis: 'keepAlive' | 'arrivalRate',
  fixed: number,
  xs: number[],
): FigurePoint[] {
  const pts: FigurePoint[] = [];
  for (const x of xs) {
    const y = smpValue(metric, {
      ...inp,
      arrivalRate: axis === 'arrivalRate' ? x : fixed,
      keepAlive: axis === 'keepAlive' ? x : fixed,
    });
    if (y !== null) pts.push({ x, y });
  }
  return pts;
}

/** M/G/∞: respTime = E[S]; running / totalExecutors / inFlight = λE[S]. */
export function mginfValue(metric: MetricKey, arrivalRate: number, serviceTime: number): number | null {
  const r = solveMginf({ arrivalRate, serviceTime });
  if (metric === 'respTime') return r.meanResponseTime;
  if (
    metric === 'inFlight' ||
    metric === 'running' ||
    metric === 'totalExecutors' ||
    metric === 'runningWarm'
  )
    return r.meanInSystem;
  if (metric === 'idle' || metric === 'runningCold' || metric === 'coldProb') return 0;
  return null;
}

/** Utilisation up to which capacity curves are drawn: past it E[T] shoots to infinity and would flatten every other series. */
export const CAPACITY_CURVE_MAX_UTILIZATION = 0.95;

/** Capacity companion (M/G/c-PS): respTime = E[T], in-flight = λE[T]; drawn up to ρ = 0.95 (the knee is ρ = 1). */
export function capacityValue(
  metric: MetricKey,
  arrivalRate: number,
  serviceTime: number,
  cores: number,
): number | null {
  const r = solveCores({ arrivalRate, serviceTime, cores });
  if (r.saturated || r.utilization > CAPACITY_CURVE_MAX_UTILIZATION) return null;
  if (metric === 'respTime') return r.meanResponseTime;
  if (metric === 'inFlight' || metric === 'running' || metric === 'totalExecutors') return r.meanInSystem;
  return null;
}

export function curve(xs: number[], f: (x: number) => number | null): FigurePoint[] {
  const pts: FigurePoint[] = [];
  for (const x of xs) {
    const y = f(x);
    if (y !== null && Number.isFinite(y)) pts.push({ x, y });
  }
  return pts;
}

/** A horizontal line at `y` from `lo` to `hi` (a quantity that does not depend on x). */
export function level(lo: number, hi: number, y: number): FigurePoint[] {
  return [
    { x: lo, y },
    { x: hi, y },
  ];
}
