/**
 * Capacity-aware companions to the infinite-capacity models (docs/models.md "Capacity
 * companions"):
 * 1. a Wasm host with c cores as M/G/c processor sharing — E[T] = E[S]·(1 + C/(c − a)) with
 *    a = λE[S] and Erlang C, insensitive to the service-time distribution beyond its mean
 *    (Kelly 1979 §3.3; Gross & Harris §2.3); the knee at λ* = c/E[S]; past it no steady
 *    state, and a fluid approximation E[S] + (ρ − 1)·D/2 of what a run of D seconds sees;
 * 2. scale-per-request containers with a maximum concurrency M — the SMP's rejection
 *    probability and its saturation arrival rate, found by bracketing and bisection.
 */
import { InputError } from '../../core/errors.js';
import { SMP_DEFAULT_MAX_CONCURRENCY, type SmpInput, type SmpResult, solveSmp } from './smp.js';
import { requireFraction, requireInteger, requirePositive } from './validate.js';

/** Erlang B blocking probability B(c, a) by the stable recursion (no factorials). */
export function erlangB(offeredLoad: number, servers: number): number {
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return b;
}

/** Erlang C: probability an arrival finds all c servers busy in M/M/c; requires a < c. */
export function erlangC(offeredLoad: number, servers: number): number {
  if (!(offeredLoad < servers))
    throw new RangeError(`Erlang C needs offered load < servers, got ${offeredLoad} ≥ ${servers}`);
  const b = erlangB(offeredLoad, servers);
  return (servers * b) / (servers - offeredLoad * (1 - b));
}

export interface CoresInput {
  arrivalRate: number;
  /** E[S], mean service time on an otherwise idle core (s). */
  serviceTime: number;
  /** c, number of cores (integer ≥ 1). */
  cores: number;
}

export interface CoresResult {
  model: 'M/G/c-PS';
  arrivalRate: number;
  serviceTime: number;
  cores: number;
  /** a = λE[S] (erlangs). */
  offeredLoad: number;
  /** ρ = a/c. */
  utilization: number;
  /** λ* = c/E[S]: the knee; no steady state at or above it. */
  saturationArrivalRate: number;
  saturated: boolean;
  /** Erlang C (null when saturated). */
  allBusyProb: number | null;
  /** E[T] = E[S](1 + C/(c − a)) (null when saturated: unbounded). */
  meanResponseTime: number | null;
  /** E[N] = λE[T] (null when saturated). */
  meanInSystem: number | null;
  /** E[T]/E[S] (null when saturated). */
  slowdown: number | null;
  /** λ − c/E[S] when saturated (requests per second piling up), else 0. */
  backlogGrowthRate: number;
  notes: string[];
}

/**
 * M/G/c processor sharing: mean response time and in-flight count of a host with c cores.
 * @throws InputError naming the field on a non-positive rate/time or a non-integer core count.
 * @example solveCores({ arrivalRate: 1, serviceTime: 1, cores: 2 }).meanResponseTime // 4/3
 */
export function solveCores(input: CoresInput): CoresResult {
  const lambda = requirePositive('arrivalRate', input.arrivalRate);
  const s = requirePositive('serviceTime', input.serviceTime);
  const c = requireInteger('cores', input.cores, 1, 1_000_000);
  const a = lambda * s;
  const rho = a / c;
  const saturationArrivalRate = c / s;
  const base = {
    model: 'M/G/c-PS' as const,
    arrivalRate: lambda,
    serviceTime: s,
    cores: c,
    offeredLoad: a,
    utilization: rho,
    saturationArrivalRate,
  };
  if (rho >= 1) {
    return {
      ...base,
      saturated: true,
      allBusyProb: null,
      meanResponseTime: null,
      meanInSystem: null,
      slowdown: null,
      backlogGrowthRate: lambda - saturationArrivalRate,
      notes: [
        `saturated: λ = ${lambda} ≥ c/E[S] = ${saturationArrivalRate} req/s (ρ = ${rho}); no steady state, ` +
          `the mean response time is unbounded. A run of D seconds sees about E[S] + (ρ − 1)·D/2 s ` +
          `(fluid approximation) and a backlog growing by ${lambda - saturationArrivalRate} req/s.`,
      ],
    };
  }
  const allBusy = erlangC(a, c);
  const meanResponseTime = s * (1 + allBusy / (c - a));
  return {
    ...base,
    saturated: false,
    allBusyProb: allBusy,
    meanResponseTime,
    meanInSystem: lambda * meanResponseTime,
    slowdown: meanResponseTime / s,
    backlogGrowthRate: 0,
    notes: [],
  };
}

/**
 * Fluid approximation of the mean response time over a run of `duration` seconds at an
 * overload ρ = λE[S]/c ≥ 1 (work arrives at a, is served at c; an arrival at t waits
 * (a − c)t/c; averaged over [0, D]): E[S] + (ρ − 1)·D/2. Below saturation returns the
 * steady-state mean of {@link solveCores}.
 */
export function overloadResponseTime(input: CoresInput, duration: number): number {
  const r = solveCores(input);
  requirePositive('duration', duration);
  if (r.meanResponseTime !== null) return r.meanResponseTime;
  return r.serviceTime + ((r.utilization - 1) * duration) / 2;
}

export interface SmpSaturationInput extends Omit<SmpInput, 'arrivalRate'> {
  /** Rejection probability that counts as saturated; default 0.01. */
  threshold?: number;
}

export interface SmpSaturationResult {
  /** Smallest λ (to 1e-9 relative) whose SMP rejection probability exceeds the threshold. */
  saturationArrivalRate: number;
  threshold: number;
  /** The SMP solved at the saturation arrival rate. */
  atSaturation: SmpResult;
  /** Solves used by the search. */
  solves: number;
}

/**
 * Where a scale-per-request platform with maximum concurrency M saturates, per the SMP: the
 * smallest arrival rate whose rejection probability exceeds `threshold`. Brackets from the
 * offered load λ = M/w (Erlang B(M, M) ≈ 0.8/√M, above the threshold for moderate M) by
 * doubling/halving, then bisects. Assumes rejection grows with λ (it does: more traffic, more
 * blocking at the top state); the bracket is checked at both ends.
 * @throws InputError naming the field (warm, cold, keepAlive, maxConcurrency, variant, threshold).
 */
export function smpSaturation(input: SmpSaturationInput): SmpSaturationResult {
  const threshold = requireFraction('threshold', input.threshold ?? 0.01);
  const { threshold: _t, ...rest } = input;
  const maxConcurrency = input.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY;
  const w = requirePositive('warm', input.warm);
  let solves = 0;
  const rejection = (arrivalRate: number): number => {
    solves++;
    return solveSmp({ ...rest, arrivalRate }).rejectionProb;
  };
  let hi = maxConcurrency / w;
  // validate the remaining fields once, through the solver
  let rHi = rejection(hi);
  let lo = hi;
  if (rHi > threshold) {
    do {
      hi = lo;
      lo = lo / 2;
      if (lo < 1e-300)
        throw new InputError('no arrival rate keeps the rejection probability under the threshold');
    } while (rejection(lo) > threshold);
  } else {
    do {
      lo = hi;
      hi = hi * 2;
      if (!Number.isFinite(hi) || hi > 1e300) {
        throw new InputError(
          `the rejection probability never exceeds threshold ${threshold}; raise it or lower maxConcurrency`,
        );
      }
      rHi = rejection(hi);
    } while (rHi <= threshold);
  }
  while ((hi - lo) / hi > 1e-9) {
    const mid = (lo + hi) / 2;
    if (rejection(mid) > threshold) hi = mid;
    else lo = mid;
  }
  const atSaturation = solveSmp({ ...rest, arrivalRate: hi });
  solves++;
  return { saturationArrivalRate: hi, threshold, atSaturation, solves };
}
