/**
 * The semi-Markov (SMP) model of a scale-per-request serverless platform (Mahmoudi & Khazaei,
 * IEEE TCC 2020), re-implemented from pacsltk's `get_sls_warm_count_dist`
 * (pacslab/serverless-performance-modeling, pacsltk/pacsltk/perfmodel.py) with two variants:
 * `original` (pacsltk as published) and `thesis` (default; ā = 1/L, Monum 2024 §3.2.1 and
 * Appendix A). docs/models.md "The SMP" states every equation.
 *
 * The stationary distribution is computed in product form (π_{m+1} = π_m·up_m/K_{m+1}) instead
 * of pacsltk's dense solve: the same numbers (~1e-13 relative), O(S) and allocation-free.
 * Every arithmetic step follows pacsltk's order of operations (ρ = λ/(1/w), the Erlang-B
 * recursion from scratch, x = τ/(1/L)), so results agree to rounding.
 */
import type { MetricValues } from '../../core/metrics.js';
import { type SmpOutputs, smpOutputsToMetrics } from './smp-outputs.js';
import { requireChoice, requireInteger, requirePositive } from './validate.js';

export type SmpVariant = 'thesis' | 'original';
export const SMP_VARIANTS: readonly SmpVariant[] = ['thesis', 'original'];

/** Largest maximum concurrency accepted. */
export const SMP_MAX_CONCURRENCY_LIMIT = 1_000_000;

/** Maximum concurrency when none is given (pacsltk's default). */
export const SMP_DEFAULT_MAX_CONCURRENCY = 1000;

export interface SmpInput {
  /** λ, requests per second (> 0). */
  arrivalRate: number;
  /** w, warm service time in seconds (> 0). */
  warm: number;
  /** c, cold service time in seconds (> 0). */
  cold: number;
  /** τ, keep-alive (expiration threshold) in seconds (> 0). */
  keepAlive: number;
  /** M, maximum concurrency (integer ≥ 1); default 1000 like pacsltk. */
  maxConcurrency?: number;
  /** Default `thesis`. */
  variant?: SmpVariant;
  /** pacsltk's `faster_solution` (truncate 30 states past the last where λB_m > K_m); default true. */
  fasterSolution?: boolean;
}

export interface SmpResult extends SmpOutputs {
  /** Number of states solved, S + 1. */
  states: number;
  /** Numerical events worth knowing (e.g. the Erlang-B underflow guard fired). */
  notes: string[];
}

/** Same field names as {@link SmpResult}, for renderers and batch output. */
export { SMP_OUTPUT_KEYS } from '../../core/metrics.js';

// Scratch buffers reused across solves (grown on demand): Erlang-B per state, blocking rate
// λB_m, cumulative kill rate K_m, and the unnormalised stationary weights.
let capacity = 0;
let erlangB = new Float64Array(0);
let blockRate = new Float64Array(0);
let killRate = new Float64Array(0);
let weight = new Float64Array(0);

function ensureCapacity(n: number): void {
  if (n <= capacity) return;
  capacity = Math.max(n, 64, capacity * 2);
  erlangB = new Float64Array(capacity);
  blockRate = new Float64Array(capacity);
  killRate = new Float64Array(capacity);
  weight = new Float64Array(capacity);
}

/** Weights are rescaled when one exceeds this, so long chains never overflow. */
const RESCALE_ABOVE = 1e250;
const RESCALE_BY = 1e-250;

/**
 * The input checks of {@link solveSmp}, without solving: the validated numbers.
 * @throws InputError naming the field (see solveSmp).
 */
export function checkSmpInput(input: SmpInput): {
  lambda: number;
  w: number;
  c: number;
  tau: number;
  maxConc: number;
  thesis: boolean;
} {
  return {
    lambda: requirePositive('arrivalRate', input.arrivalRate),
    w: requirePositive('warm', input.warm),
    c: requirePositive('cold', input.cold),
    tau: requirePositive('keepAlive', input.keepAlive),
    maxConc: requireInteger(
      'maxConcurrency',
      input.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY,
      1,
      SMP_MAX_CONCURRENCY_LIMIT,
    ),
    thesis: requireChoice('variant', input.variant ?? 'thesis', SMP_VARIANTS) === 'thesis',
  };
}

/**
 * Solve the SMP for one point. Validates the input first.
 * @throws InputError naming the field when an input is missing, non-finite, ≤ 0, or
 *   maxConcurrency is not an integer in [1, 1e6], or the variant is unknown.
 * @example solveSmp({ arrivalRate: 1, warm: 0.0259, cold: 2.5849, keepAlive: 1 }).avgRespTime // 1.4976…
 */
export function solveSmp(input: SmpInput): SmpResult {
  const params = checkSmpInput(input);
  const { top, noTrafficFrom } = buildChainRates(params, input.fasterSolution ?? true);
  const notes: string[] = [];
  if (noTrafficFrom >= 0) {
    notes.push(
      `Erlang-B blocking probability underflowed to 0 at ${noTrafficFrom} warm instances (ρ = ${params.lambda / (1 / params.w)}): ` +
        'servers from there on receive no traffic and states above are unreachable (pacsltk divides by zero here).',
    );
  }
  const { low, reachedTop, total } = stationaryWeights(top, 1 / params.c);
  return { ...stateAverages(params, top, low, reachedTop, total), states: top + 1, notes };
}

type SmpParams = ReturnType<typeof checkSmpInput>;

/**
 * Fill erlangB[m], blockRate[m] and killRate[m] for m = 0..top: the Erlang-B blocking
 * probability with m warm servers, the rate of requests blocked past them, and the total
 * expiry rate of the m servers (pacsltk's per-state rates). With `fast`, the chain grows in
 * steps of 30 states while the blocked rate exceeds the kill rate (pacsltk faster_solution).
 * @returns the highest state, and the first state that gets no traffic (-1: none)
 */
function buildChainRates(p: SmpParams, fast: boolean): { top: number; noTrafficFrom: number } {
  const { lambda, w, tau, maxConc, thesis } = p;
  const rho = lambda / (1 / w); // λ / μ_warm, computed as pacsltk does
  const bigT = tau + w; // original variant only
  let serverMax = fast ? Math.min(30, maxConc) : maxConc;
  ensureCapacity(serverMax + 1);
  erlangB[0] = 1;
  blockRate[0] = lambda;
  killRate[0] = 0;

  let invB = 1;
  let pblockOld = 1;
  let kill = 0;
  let noTrafficFrom = -1;
  let m = 0;
  while (m < serverMax) {
    m++;
    invB = 1.0 + invB * (m / rho); // ErlangB(ρ, m): pacsltk reruns the same recursion from 1
    const pBlock = 1.0 / invB;
    const bRate = pBlock * lambda;
    const pMth = pblockOld - pBlock;
    pblockOld = pBlock;
    if (pMth > 0) {
      const L = lambda * pMth;
      const x = tau / (1 / L); // scipy: (x − loc)/scale with scale = 1/L
      const probKill = 1 - -scipyExpm1(-x);
      if (probKill > 0) {
        const extra = 1 / probKill - 1;
        // (1/prob_kill − 1)·ā; when prob_kill rounds to 1 the product is 0 even if ā = ∞.
        let lifespan = tau;
        if (extra !== 0) {
          const aBar = thesis
            ? 1 / L
            : -1 * bigT * Math.exp(-1 * L * bigT) + (1 - Math.exp(-1 * L * bigT)) / L;
          lifespan = tau + extra * aBar;
        }
        kill += 1 / lifespan;
      }
    } else if (noTrafficFrom < 0) {
      // Erlang-B recursion under/overflowed: B_m == B_{m−1} (both 0), so the m-th server gets
      // no traffic. pacsltk divides by zero here; we treat it as "no more traffic".
      noTrafficFrom = m;
    }
    erlangB[m] = pBlock;
    blockRate[m] = bRate;
    killRate[m] = kill;
    if (fast && bRate > kill) {
      const next = Math.min(m + 30, maxConc);
      if (next > serverMax) ensureCapacityKeeping(next + 1, m + 1);
      serverMax = next;
    }
  }
  return { top: serverMax, noTrafficFrom };
}

/**
 * The stationary distribution's unnormalised weights, product form, starting at the highest
 * state with K = 0 (weight[low..reachedTop]; states above reachedTop are unreachable).
 */
function stationaryWeights(
  top: number,
  coldRate: number,
): { low: number; reachedTop: number; total: number } {
  let low = 0;
  for (let i = 1; i <= top; i++) if (killRate[i] === 0) low = i;
  for (let i = 0; i < low; i++) weight[i] = 0;
  weight[low] = 1;
  let reachedTop = low;
  for (let i = low; i < top; i++) {
    const b = blockRate[i] as number;
    const up = (b * coldRate) / (b + coldRate);
    const next = ((weight[i] as number) * up) / (killRate[i + 1] as number);
    if (!(next > 0)) break; // up-rate 0 (no blocking left): the states above are unreachable
    weight[i + 1] = next;
    reachedTop = i + 1;
    if (next > RESCALE_ABOVE)
      for (let j = low; j <= i + 1; j++) weight[j] = (weight[j] as number) * RESCALE_BY;
  }
  for (let i = reachedTop + 1; i <= top; i++) weight[i] = 0;
  let total = 0;
  for (let i = low; i <= reachedTop; i++) total += weight[i] as number;
  return { low, reachedTop, total };
}

/** The 11 outputs: averages of the per-state quantities over the stationary distribution. */
function stateAverages(
  p: SmpParams,
  top: number,
  low: number,
  reachedTop: number,
  total: number,
): Omit<SmpResult, 'states' | 'notes'> {
  const { lambda, w, c, maxConc } = p;
  // Rejection only when the chain was built up to the maximum concurrency (pacsltk).
  const rejecting = top === maxConc;
  let sumServers = 0;
  let sumWarm = 0;
  let sumCold = 0;
  let sumResp = 0;
  let sumColdProb = 0;
  let rejectionProb = 0;
  let rejectionRate = 0;
  for (let i = low; i <= reachedTop; i++) {
    const pi = (weight[i] as number) / total;
    if (pi === 0) continue;
    if (i === 0) {
      sumCold += lambda * 1 * c * pi;
      sumResp += c * pi;
      sumColdProb += pi;
      continue;
    }
    const B = erlangB[i] as number;
    const warmCount = lambda * (1 - B) * w;
    let coldCount = lambda * B * c;
    let resp = B * c + (1 - B) * w;
    let pc = B;
    if (i === maxConc) {
      resp = w;
      coldCount = 0;
    }
    if (rejecting && i === top) {
      rejectionProb = B * pi;
      rejectionRate = (blockRate[i] as number) * pi;
      pc = 0;
    }
    sumServers += i * pi;
    sumWarm += warmCount * pi;
    sumCold += coldCount * pi;
    sumResp += resp * pi;
    sumColdProb += pc * pi;
  }
  return {
    avgServerCount: sumServers,
    avgServerCountTotal: sumServers + sumCold,
    avgRunningCount: sumWarm + sumCold,
    avgRunningWarmCount: sumWarm,
    avgRunningColdCount: sumCold,
    avgIdleCount: sumServers - sumWarm,
    coldProb: sumColdProb,
    avgUtilization: sumServers > 0 ? sumWarm / sumServers : 0,
    avgRespTime: sumResp,
    rejectionProb,
    rejectionRate,
  };
}

/**
 * expm1 as scipy.special.expm1 computes it (cephes `unity.c`): `exp(x) − 1.0` outside
 * [−0.5, 0.5], a rational approximation inside. Outside that interval the subtraction is what
 * fixes prob_kill = 1 − (1 − e^{−x}) to a multiple of 2^−53 near e^{−x} ≈ 1e-13 (Lτ ≈ 30), so
 * mirroring it matters for 1e-9 agreement with pacsltk; inside, Math.expm1 agrees to an ulp
 * and prob_kill ≥ 0.6 has no cancellation. (Checked: scipy 1.17's expm1(−x) equals Python's
 * math.exp(−x) − 1 bit for bit on 20,000 random x in (0.5, 40).)
 */
export function scipyExpm1(x: number): number {
  if (x < -0.5 || x > 0.5) return Math.exp(x) - 1.0;
  return Math.expm1(x);
}

/** Grow the scratch buffers while keeping the first `keep` entries. */
function ensureCapacityKeeping(n: number, keep: number): void {
  if (n <= capacity) return;
  const oldB = erlangB;
  const oldBlock = blockRate;
  const oldKill = killRate;
  ensureCapacity(n);
  erlangB.set(oldB.subarray(0, keep));
  blockRate.set(oldBlock.subarray(0, keep));
  killRate.set(oldKill.subarray(0, keep));
}

/** The SMP result as faasmark metric values (the mapping of core/metrics.ts, via smpOutputsToMetrics). */
export function smpMetrics(r: SmpResult): MetricValues {
  return smpOutputsToMetrics(r);
}
