/**
 * 95% confidence intervals of one point's measured metrics, from one run: the window W is cut
 * into `BATCHES` equal time batches, each metric is computed per batch, and the spread of the
 * batch values gives a t-interval (batch means, Law & Kelton, "Simulation Modeling and
 * Analysis", §9.5.3 — for the correlated samples of one long run). Proportions (coldProb,
 * rejectProb) also take the Wilson score interval of their counts (Wilson 1927; Agresti &
 * Coull 1998), which stays honest at 0 of n, where batch means collapse to a point: the CI is
 * the union of both. The mean response time of a container point is a mixture of rare cold and
 * many warm requests; batch means cannot see colds that did not happen in a short point, so its
 * CI is also the union with the mixture's: warm mean + p·(cold mean − warm mean) over p's Wilson
 * interval, with the cold mean of the point's own cold requests or, when it saw none, of the
 * profile's (its hint). Likewise the cold executor-time of a point that saw no cold request:
 * runningCold (and running) reach rate·p_hi·S_cold (Little's law, S_cold the hint's cold
 * service time). Streaming: memory is a few numbers per batch. docs/engine.md "Model error and
 * sampling noise".
 */
import type { MetricKey } from '../../core/metrics.js';
import { tHalfWidth } from '../stats/t-interval.js';
import type { MeasureWindow } from './measure.js';

/** Batches per point window. */
export const BATCHES = 10;
/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

export interface Interval {
  lo: number;
  hi: number;
}

type AreaKey = 'runningWarm' | 'runningCold' | 'running' | 'inFlight' | 'totalExecutors';

/** What a cold request costs, from the model inputs, for a point that saw none (seconds). */
export interface ColdHint {
  /** A cold request's response time, client side. */
  respTime: number;
  /** A cold request's service time on an executor (init + run), platform side. */
  serviceTime: number;
}

/** Per-batch sums, folded as records and spans arrive. */
export class BatchAccumulator {
  private readonly length: number;
  private readonly respSum = new Float64Array(BATCHES);
  private readonly respCount = new Float64Array(BATCHES);
  private readonly cold = new Float64Array(BATCHES);
  private readonly coldKnown = new Float64Array(BATCHES);
  private readonly rejected = new Float64Array(BATCHES);
  /** Whole-window response-time sums of ok requests by cold flag (the mixture interval; counts: cold, coldKnown). */
  private readonly respSumByFlag = { warm: 0, cold: 0 };
  private readonly sent = new Float64Array(BATCHES);
  private readonly areas: Record<AreaKey, Float64Array> = {
    runningWarm: new Float64Array(BATCHES),
    runningCold: new Float64Array(BATCHES),
    running: new Float64Array(BATCHES),
    inFlight: new Float64Array(BATCHES),
    totalExecutors: new Float64Array(BATCHES),
  };

  constructor(private readonly window: MeasureWindow) {
    this.length = (window.end - window.start) / BATCHES;
  }

  private batchOf(t: number): number {
    if (!(this.length > 0)) return 0;
    return Math.min(BATCHES - 1, Math.max(0, Math.floor((t - this.window.start) / this.length)));
  }

  /** A request arriving (intended) at `at` in W. */
  arrival(at: number, status: string, respTime: number | null, cold: boolean | undefined): void {
    const b = this.batchOf(at);
    (this.sent[b] as number)++;
    if (status === 'rejected') (this.rejected[b] as number)++;
    if (status !== 'ok' || respTime === null) return;
    (this.respSum[b] as number) += respTime;
    (this.respCount[b] as number)++;
    if (cold !== undefined) {
      (this.coldKnown[b] as number)++;
      if (cold) (this.cold[b] as number)++;
      this.respSumByFlag[cold ? 'cold' : 'warm'] += respTime;
    }
  }

  /** An interval [a, b] counted in `key` (its overlap with each batch). */
  interval(key: AreaKey, a: number, b: number): void {
    if (!(this.length > 0) || !(b > a)) return;
    const area = this.areas[key];
    const lo = Math.max(a, this.window.start);
    const hi = Math.min(b, this.window.end);
    if (!(hi > lo)) return;
    for (let k = this.batchOf(lo); k <= this.batchOf(hi); k++) {
      const s = this.window.start + k * this.length;
      const overlap = Math.min(hi, s + this.length) - Math.max(lo, s);
      if (overlap > 0) (area[k] as number) += overlap;
    }
  }

  /**
   * The CI of each metric among `keys` whose point estimate is in `estimates`. `coldHint`: what a
   * cold request costs, for a point that saw no cold request.
   */
  intervals(
    keys: readonly MetricKey[],
    estimates: Partial<Record<MetricKey, number | null>>,
    coldHint?: ColdHint,
  ): Partial<Record<MetricKey, Interval>> {
    const out: Partial<Record<MetricKey, Interval>> = {};
    for (const key of keys) {
      const x = estimates[key];
      if (typeof x !== 'number' || !Number.isFinite(x)) continue;
      const ci = this.intervalOf(key, x, coldHint);
      if (ci) out[key] = ci;
    }
    return out;
  }

  /** Warm mean + p·(cold mean − warm mean) over p's Wilson interval (null without warm requests or a cold mean). */
  private mixture(hint: ColdHint | undefined): Interval | null {
    const colds = sum(this.cold);
    const warms = sum(this.coldKnown) - colds;
    if (warms === 0) return null;
    const warm = this.respSumByFlag.warm / warms;
    const cold = colds > 0 ? this.respSumByFlag.cold / colds : hint?.respTime;
    const p = wilson(colds, warms + colds);
    if (cold === undefined || !Number.isFinite(cold) || !p) return null;
    const a = warm + p.lo * (cold - warm);
    const b = warm + p.hi * (cold - warm);
    return { lo: Math.min(a, b), hi: Math.max(a, b) };
  }

  /**
   * The executor-time the colds a point did not see could have taken: [0, rate·p_hi·S_cold]
   * (Little's law over p's Wilson interval); null when it saw a cold or has no hint.
   */
  private unseenColdArea(hint: ColdHint | undefined): Interval | null {
    const n = sum(this.coldKnown);
    const span = this.length * BATCHES;
    if (sum(this.cold) > 0 || !hint || !(hint.serviceTime > 0) || !(span > 0)) return null;
    const p = wilson(0, n);
    return p ? { lo: 0, hi: (n / span) * p.hi * hint.serviceTime } : null;
  }

  private intervalOf(key: MetricKey, x: number, hint?: ColdHint): Interval | null {
    const level = (values: number[]) => batchInterval(values, x);
    const ratio = (num: Float64Array, den: Float64Array) => perBatch((b) => ratioOf(num[b], den[b]));
    const area = (k: AreaKey) => perBatch((b) => (this.areas[k][b] as number) / this.length);
    switch (key) {
      case 'respTime':
        return union(level(ratio(this.respSum, this.respCount)), this.mixture(hint), false);
      case 'runningCold':
        return union(level(area('runningCold')), this.unseenColdArea(hint), false);
      case 'running': {
        const ci = level(area('running'));
        const unseen = this.unseenColdArea(hint);
        return ci && unseen ? { lo: ci.lo, hi: ci.hi + unseen.hi } : ci;
      }
      case 'coldProb':
        return union(
          level(ratio(this.cold, this.coldKnown)),
          wilson(sum(this.cold), sum(this.coldKnown)),
          true,
        );
      case 'rejectProb':
        return union(
          level(ratio(this.rejected, this.sent)),
          wilson(sum(this.rejected), sum(this.sent)),
          true,
        );
      case 'idle':
        return level(
          perBatch(
            (b) =>
              ((this.areas.totalExecutors[b] as number) - (this.areas.running[b] as number)) / this.length,
          ),
        );
      default:
        return level(area(key as AreaKey));
    }
  }
}

function ratioOf(num: number | undefined, den: number | undefined): number {
  return den ? (num as number) / den : Number.NaN;
}

function perBatch(f: (b: number) => number): number[] {
  return Array.from({ length: BATCHES }, (_, b) => f(b)).filter(Number.isFinite);
}

function sum(xs: Float64Array): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** x ± t_{0.975, k−1}·s/√k over the k batch values (null with fewer than 2). */
export function batchInterval(values: number[], x: number): Interval | null {
  const half = tHalfWidth(values);
  return half === null ? null : { lo: x - half, hi: x + half };
}

/** Wilson score 95% interval of a proportion of `successes` in `n` (null when n = 0). */
export function wilson(successes: number, n: number): Interval | null {
  if (!(n > 0)) return null;
  const p = successes / n;
  const z2 = Z95 * Z95;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z95 / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** The smallest interval holding both (either may be absent); clipped to [0, 1] for probabilities. */
function union(a: Interval | null, b: Interval | null, probability: boolean): Interval | null {
  if (!a) return b;
  if (!b) return a;
  const lo = Math.min(a.lo, b.lo);
  const hi = Math.max(a.hi, b.hi);
  return probability ? { lo: Math.max(0, lo), hi: Math.min(1, hi) } : { lo, hi };
}
