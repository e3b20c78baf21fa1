/**
 * Keep-alive advice from the SMP (docs/models.md "Keep-alive advice"): the smallest keep-alive
 * τ whose mean response time is within a tolerance of its large-keep-alive limit R∞ = w — the
 * "knee" the thesis read off Figs 4.1/4.6 (§4.3.1) — and what keeping executors that long costs
 * in idle executors (avgIdleCount, and idle GB-seconds per hour with a memory size; GB = 1024
 * MB). Search: a log grid of τ from 1 ms to 1e7 s (24 per decade) for the first τ meeting the
 * target, then bisection to 1e-6 relative.
 */
import { InputError } from '../../core/errors.js';
import { SMP_DEFAULT_MAX_CONCURRENCY, type SmpInput, type SmpResult, solveSmp } from './smp.js';
import { requireFraction, requirePositive } from './validate.js';

export interface KeepAliveAdviceInput extends Omit<SmpInput, 'keepAlive'> {
  /** Allowed relative excess of the mean response time over its limit w; default 0.05. */
  tolerance?: number;
  /** Memory per executor in MB, for the GB-seconds figure (optional). */
  memoryMb?: number;
}

export interface KeepAliveAdvice {
  /** Recommended keep-alive τ (s): smallest with avgRespTime ≤ (1 + tolerance)·w. */
  keepAlive: number;
  tolerance: number;
  /** R∞ = w: the mean response time as τ → ∞. */
  limitRespTime: number;
  /** (1 + tolerance)·w. */
  targetRespTime: number;
  /** The SMP at the recommended keep-alive. */
  atKeepAlive: SmpResult;
  /** Mean idle executors at the recommended keep-alive (= atKeepAlive.avgIdleCount). */
  idleExecutors: number;
  /** Idle memory cost per hour, GB-seconds (null without a memory size). */
  idleGbSecondsPerHour: number | null;
  memoryMb: number | null;
  /** What the advice cannot hide: saturation, rejection, a platform near its limit. */
  warnings: string[];
}

/** A rejection probability above this is worth a warning (1 in 1000 requests refused). */
export const REJECTION_WARNING = 1e-3;

/**
 * Saturation and rejection at the recommended keep-alive: with the offered load λ·w at or
 * above M every keep-alive saturates; rejected requests count in pacsltk's mean response time
 * with response w, so a mean "within tolerance" can hide them.
 */
export function adviceWarnings(
  arrivalRate: number,
  warm: number,
  maxConcurrency: number,
  at: SmpResult,
): string[] {
  const warnings: string[] = [];
  const offered = arrivalRate * warm;
  if (offered >= maxConcurrency)
    warnings.push(
      `saturated: the offered load λ·w = ${Number(offered.toPrecision(4))} executors reaches the concurrency limit M = ${maxConcurrency} at any keep-alive`,
    );
  if (at.rejectionProb > REJECTION_WARNING)
    warnings.push(
      `${(at.rejectionProb * 100).toPrecision(3)}% of requests are rejected at this keep-alive (M = ${maxConcurrency}); the mean response time counts them as served in w, so the advice only holds for the admitted requests`,
    );
  else if (at.avgServerCountTotal >= 0.9 * maxConcurrency)
    warnings.push(
      `near the concurrency limit: ${Number(at.avgServerCountTotal.toPrecision(4))} executors on average of M = ${maxConcurrency}`,
    );
  return warnings;
}

export const KEEP_ALIVE_GRID_MIN = 1e-3; // s
export const KEEP_ALIVE_GRID_MAX = 1e7; // s (~116 days)
const PER_DECADE = 24;

/**
 * The smallest keep-alive τ at which `meets` holds (monotone in τ): the first point of a log
 * grid over [1e-3, 1e7] s (24 per decade) that meets it, refined by bisection from the grid
 * point before it (0 before the first) to 1e-6 relative; null when no grid point does.
 */
export function firstKeepAliveMeeting(meets: (keepAlive: number) => boolean): number | null {
  const steps = Math.round(Math.log10(KEEP_ALIVE_GRID_MAX / KEEP_ALIVE_GRID_MIN) * PER_DECADE);
  let lo = 0;
  let hi = -1;
  for (let i = 0; i <= steps; i++) {
    const tau = KEEP_ALIVE_GRID_MIN * 10 ** (i / PER_DECADE);
    if (meets(tau)) {
      hi = tau;
      break;
    }
    lo = tau;
  }
  if (hi < 0) return null;
  while (hi - lo > 1e-6 * hi) {
    const mid = (lo + hi) / 2;
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Smallest keep-alive within `tolerance` of the large-keep-alive response time (see module doc).
 * @throws InputError naming the field on bad input, or when no keep-alive up to 1e7 s gets
 *   within tolerance (say so instead of guessing).
 * @example recommendKeepAlive({ arrivalRate: 1, warm: 1.5288, cold: 4.1202 }).keepAlive
 */
export function recommendKeepAlive(input: KeepAliveAdviceInput): KeepAliveAdvice {
  const tolerance = requireFraction('tolerance', input.tolerance ?? 0.05);
  const memoryMb = input.memoryMb === undefined ? null : requirePositive('memoryMb', input.memoryMb);
  const { tolerance: _t, memoryMb: _m, ...smpBase } = input;
  const w = requirePositive('warm', input.warm);
  const limit = w;
  const target = (1 + tolerance) * limit;
  const meets = (keepAlive: number): boolean => solveSmp({ ...smpBase, keepAlive }).avgRespTime <= target;

  const hi = firstKeepAliveMeeting(meets);
  if (hi === null) {
    throw new InputError(
      `no keep-alive up to ${KEEP_ALIVE_GRID_MAX} s brings the mean response time within ${tolerance * 100}% of warm = ${w} s`,
      { hint: 'raise --tolerance' },
    );
  }
  const atKeepAlive = solveSmp({ ...smpBase, keepAlive: hi });
  return {
    keepAlive: hi,
    tolerance,
    limitRespTime: limit,
    targetRespTime: target,
    atKeepAlive,
    idleExecutors: atKeepAlive.avgIdleCount,
    idleGbSecondsPerHour: memoryMb === null ? null : idleGbSecondsPerHour(atKeepAlive.avgIdleCount, memoryMb),
    memoryMb,
    warnings: adviceWarnings(
      input.arrivalRate,
      w,
      input.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY,
      atKeepAlive,
    ),
  };
}

/** avgIdleCount executors of `memoryMb` MB held for an hour: count · MB/1024 · 3600 GB-s. */
export function idleGbSecondsPerHour(idleCount: number, memoryMb: number): number {
  return ((idleCount * memoryMb) / 1024) * 3600;
}
