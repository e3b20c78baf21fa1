/**
 * Which executor wins, from the models (docs/verdict.md): for one load and the service times
 * of both executors, the mean latency, the executor memory-time and the cold-start
 * probability of a scale-per-request container platform (the SMP, thesis variant by default)
 * against a Wasm host (M/G/∞, and M/G/c processor sharing for its capacity), each with its
 * winner; the crossover keep-alive (the smallest at which the container's mean latency is at
 * most the Wasm's) and the arrival rates where capacity decides. Pure.
 */
import { InputError } from '../../core/errors.js';
import { smpSaturation, solveCores } from '../models/capacity.js';
import { solveMginf } from '../models/mginf.js';
import {
  firstKeepAliveMeeting,
  idleGbSecondsPerHour,
  KEEP_ALIVE_GRID_MAX,
  KEEP_ALIVE_GRID_MIN,
  REJECTION_WARNING,
} from '../models/recommend.js';
import { SMP_DEFAULT_MAX_CONCURRENCY, type SmpResult, type SmpVariant, solveSmp } from '../models/smp.js';
import { requirePositive } from '../models/validate.js';

/** OpenWhisk's default action memory (MB), the container side's default. */
export const DEFAULT_MEMORY_MB = 256;

/** Memory per executor for a verdict: containers DEFAULT_MEMORY_MB unless set, Wasm instances as the containers unless set. */
export function verdictMemory(v: { memoryMb?: number; wasmMemoryMb?: number } | undefined): {
  memoryMb: number;
  wasmMemoryMb: number;
} {
  const memoryMb = v?.memoryMb ?? DEFAULT_MEMORY_MB;
  return { memoryMb, wasmMemoryMb: v?.wasmMemoryMb ?? memoryMb };
}

export interface AdviseInput {
  /** λ (req/s). */
  arrivalRate: number;
  /** Container warm and cold service times (s). */
  warm: number;
  cold: number;
  /** Wasm mean service time E[S] (s). */
  wasm: number;
  /** Container keep-alive (s). */
  keepAlive: number;
  /** Memory per container (MB); default 256. */
  memoryMb?: number;
  /** Memory per Wasm instance (MB); default the container's. */
  wasmMemoryMb?: number;
  /** The SMP's M; default 1000. */
  maxConcurrency?: number;
  /** Cores of the Wasm host, for its capacity; omitted: no capacity figure. */
  cores?: number;
  variant?: SmpVariant;
}

export type Winner = 'container' | 'wasm' | 'tie';

export interface MetricVerdict {
  winner: Winner;
  container: number;
  wasm: number;
}

export interface Advice {
  /** Mean response time (s). */
  latency: MetricVerdict;
  /** Executor memory-time, GB-s per hour, idle executors included (GB = 1024 MB). */
  memory: MetricVerdict;
  /** Probability that a request waits for an executor to be created (Wasm: none; its instance is part of E[S]). */
  coldProb: MetricVerdict;
  /** Mean executors alive: containers (SMP avgServerCountTotal), Wasm instances in flight (λE[S]). */
  executors: { container: number; wasm: number };
  /** Smallest keep-alive (s) with container mean latency ≤ Wasm's; 0: at any; null: at none. */
  crossoverKeepAlive: number | null;
  /** Where capacity decides: the Wasm host's knee c/E[S], the container platform's saturation. */
  capacity: { wasmKnee: number | null; containerSaturation: number | null };
  notes: string[];
}

/** The lower value wins; equal values tie. */
export function lowerWins(container: number, wasm: number): Winner {
  if (container === wasm) return 'tie';
  return container < wasm ? 'container' : 'wasm';
}

/** GB-s of memory per hour held by `executors` executors of `memoryMb` MB (recommend's idle figure, for any count). */
export const gbSecondsPerHour = idleGbSecondsPerHour;

/**
 * Smallest keep-alive τ with SMP avgRespTime(τ) ≤ target: 0 when already so as τ → 0 (the cold
 * time itself is at most the target), null when not even at 1e7 s; else recommend's search (a
 * log grid, 24 per decade, refined by bisection to 1e-6 relative).
 */
export function crossoverKeepAlive(respTimeAt: (tau: number) => number, target: number): number | null {
  if (respTimeAt(KEEP_ALIVE_GRID_MIN) <= target) return 0;
  if (respTimeAt(KEEP_ALIVE_GRID_MAX) > target) return null;
  return firstKeepAliveMeeting((tau) => respTimeAt(tau) <= target);
}

/** One load's figures without the searches (crossover, capacity): what a trace needs per minute. */
interface LoadAnswer extends Pick<Advice, 'latency' | 'memory' | 'coldProb' | 'executors'> {
  /** The SMP at this load for any keep-alive. */
  smpAt: (keepAlive: number) => SmpResult;
  rejectionProb: number;
}

/** @throws InputError naming the field on a missing, non-finite or non-positive input */
function answerAt(input: AdviseInput): LoadAnswer {
  const lambda = requirePositive('arrivalRate', input.arrivalRate);
  const es = requirePositive('wasm', input.wasm);
  const memoryMb = requirePositive('memoryMb', input.memoryMb ?? DEFAULT_MEMORY_MB);
  const wasmMemoryMb = requirePositive('wasmMemoryMb', input.wasmMemoryMb ?? memoryMb);
  if (input.cores !== undefined && !(Number.isInteger(input.cores) && input.cores >= 1))
    throw new InputError(`cores must be an integer >= 1, got ${input.cores}`);
  const smpAt = (keepAlive: number): SmpResult =>
    solveSmp({
      arrivalRate: lambda,
      warm: input.warm,
      cold: input.cold,
      keepAlive,
      variant: input.variant ?? 'thesis',
      maxConcurrency: input.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY,
    });
  const smp = smpAt(requirePositive('keepAlive', input.keepAlive));
  const wasm = solveMginf({ arrivalRate: lambda, serviceTime: es });
  const memory = {
    container: gbSecondsPerHour(smp.avgServerCountTotal, memoryMb),
    wasm: gbSecondsPerHour(wasm.meanInSystem, wasmMemoryMb),
  };
  return {
    latency: { winner: lowerWins(smp.avgRespTime, es), container: smp.avgRespTime, wasm: es },
    memory: { winner: lowerWins(memory.container, memory.wasm), ...memory },
    coldProb: { winner: lowerWins(smp.coldProb, 0), container: smp.coldProb, wasm: 0 },
    executors: { container: smp.avgServerCountTotal, wasm: wasm.meanInSystem },
    smpAt,
    rejectionProb: smp.rejectionProb,
  };
}

/**
 * The models' answer for one load.
 * @throws InputError naming the field on a missing, non-finite or non-positive input
 */
export function advise(input: AdviseInput): Advice {
  const { smpAt, rejectionProb, ...figures } = answerAt(input);
  const es = figures.latency.wasm;
  const notes: string[] = [
    'latency: the container is the SMP mean response time (rejected requests count with w, as pacsltk does); Wasm is M/G/∞: E[S]',
    'coldProb: a Wasm request never waits for an executor to be created — its fresh instance is part of E[S]',
  ];
  const capacity = capacityOf(input, es, notes);
  if (rejectionProb > REJECTION_WARNING)
    notes.push(
      `the container platform rejects ${(rejectionProb * 100).toPrecision(3)}% of requests at this load`,
    );
  return {
    ...figures,
    crossoverKeepAlive: crossoverKeepAlive((tau) => smpAt(tau).avgRespTime, es),
    capacity,
    notes,
  };
}

/** The Wasm host's knee (with cores) and the SMP's saturation rate (1% rejected). */
function capacityOf(input: AdviseInput, es: number, notes: string[]): Advice['capacity'] {
  const wasmKnee =
    input.cores === undefined
      ? null
      : solveCores({ arrivalRate: input.arrivalRate, serviceTime: es, cores: input.cores })
          .saturationArrivalRate;
  let containerSaturation: number | null = null;
  try {
    containerSaturation = smpSaturation({
      warm: input.warm,
      cold: input.cold,
      keepAlive: input.keepAlive,
      variant: input.variant ?? 'thesis',
      maxConcurrency: input.maxConcurrency ?? SMP_DEFAULT_MAX_CONCURRENCY,
    }).saturationArrivalRate;
  } catch (err) {
    notes.push(`container saturation: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (wasmKnee !== null && input.arrivalRate >= wasmKnee)
    notes.push(
      `the Wasm host is past its knee (${input.cores} cores / E[S] = ${wasmKnee.toPrecision(4)} req/s): M/G/∞ no longer holds`,
    );
  return { wasmKnee, containerSaturation };
}

/**
 * The models' answer for a trace of per-minute request counts (piecewise stationary: each
 * minute at its own rate λ_i = count_i / 60). Latency and cold-start probability are averaged
 * over requests (weights count_i), memory-time and executors over time (every minute alike;
 * an empty minute holds no executor in steady state); the crossover applies to the
 * request-weighted container latency.
 * @throws InputError when the trace has no request, or on bad service times
 */
export function adviseTrace(input: Omit<AdviseInput, 'arrivalRate'>, counts: readonly number[]): Advice {
  const busy = counts.map((n, minute) => ({ minute, n })).filter((m) => m.n > 0);
  const total = busy.reduce((a, m) => a + m.n, 0);
  if (total === 0) throw new InputError('the trace holds no request: nothing to advise on');
  // per minute only the figures; the searches (crossover, capacity) once, for the trace or its peak
  const per = busy.map((m) => ({ n: m.n, a: answerAt({ ...input, arrivalRate: m.n / 60 }) }));
  const byRequest = (f: (a: LoadAnswer) => number) => per.reduce((s, m) => s + f(m.a) * m.n, 0) / total;
  const byMinute = (f: (a: LoadAnswer) => number) => per.reduce((s, m) => s + f(m.a), 0) / counts.length;
  const latency = {
    container: byRequest((a) => a.latency.container),
    wasm: byRequest((a) => a.latency.wasm),
  };
  const memory = { container: byMinute((a) => a.memory.container), wasm: byMinute((a) => a.memory.wasm) };
  const coldProb = byRequest((a) => a.coldProb.container);
  const smpMean = (tau: number) => per.reduce((s, m) => s + m.a.smpAt(tau).avgRespTime * m.n, 0) / total;
  const peakMinute = busy.reduce((a, b) => (b.n > a.n ? b : a));
  const peak = { n: peakMinute.n, a: advise({ ...input, arrivalRate: peakMinute.n / 60 }) };
  return {
    latency: { winner: lowerWins(latency.container, latency.wasm), ...latency },
    memory: { winner: lowerWins(memory.container, memory.wasm), ...memory },
    coldProb: { winner: lowerWins(coldProb, 0), container: coldProb, wasm: 0 },
    executors: {
      container: byMinute((a) => a.executors.container),
      wasm: byMinute((a) => a.executors.wasm),
    },
    crossoverKeepAlive: crossoverKeepAlive(smpMean, input.wasm),
    capacity: peak.a.capacity,
    notes: [
      `trace: ${counts.length} minutes, ${total} requests; each minute at its own rate (peak ${(peak.n / 60).toPrecision(4)} req/s), requests weighting latency and cold starts, time weighting memory`,
      ...peak.a.notes,
    ],
  };
}
