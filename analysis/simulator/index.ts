/**
 * `simulate(params, rng, hooks?)`: the fast discrete-event simulator (docs/simulator.md).
 * Pure: all randomness comes from `rng` (forked into independent streams for arrivals,
 * service times and routing, so two routing policies with one seed see the same arrivals).
 * Memory is bounded by the peak number of executors / requests in flight, not by the number
 * of requests; results are time-weighted integrals accumulated as the run goes.
 *
 * @example simulate({ arrivals: { kind: 'poisson', rate: 1 }, warm: { kind: 'exponential', mean: 0.0259 },
 *   cold: { kind: 'exponential', mean: 2.5849 }, keepAlive: 1, stop: { requests: 1e6 } }, createRng(1))
 * @throws InputError on bad parameters (naming the field).
 */
import { InputError, InternalError } from '../../core/errors.js';
import { ROUTING_POLICIES } from '../../core/platform.js';
import { createDistribution } from '../distributions.js';
import { smpOutputsToMetrics } from '../models/smp-outputs.js';
import type { Rng } from '../random.js';
import { createArrivals } from './arrivals.js';
import { ContainerSim } from './container.js';
import type {
  ContainerSimParams,
  ContainerSimResult,
  SimHooks,
  SimParams,
  SimResult,
  StopSpec,
  WarmupSpec,
  WasmSimParams,
  WasmSimResult,
} from './types.js';
import { WasmSim } from './wasm.js';

export { ContainerSim } from './container.js';
export * from './types.js';
export { WasmSim } from './wasm.js';

/** Default maximum concurrency of the container mode (pacsltk's and SimFaaS's default). */
export const DEFAULT_MAX_CONCURRENCY = 1000;

export function simulate(params: ContainerSimParams, rng: Rng, hooks?: SimHooks): ContainerSimResult;
export function simulate(params: WasmSimParams, rng: Rng, hooks?: SimHooks): WasmSimResult;
export function simulate(params: SimParams, rng: Rng, hooks?: SimHooks): SimResult;
export function simulate(params: SimParams, rng: Rng, hooks?: SimHooks): SimResult {
  return params.mode === 'wasm' ? simulateWasm(params, rng, hooks) : simulateContainer(params, rng, hooks);
}

interface Plan {
  warmRequests: number;
  warmTime: number;
  stopRequests: number;
  stopTime: number;
}

function nonNegative(where: string, v: unknown, integer = false): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0 || (integer && !Number.isInteger(v))) {
    throw new InputError(
      `${where} must be ${integer ? 'an integer' : 'a number'} >= 0, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function plan(warmup: WarmupSpec | undefined, stop: StopSpec | undefined, finiteArrivals: boolean): Plan {
  const warmRequests = nonNegative('warmup.requests', warmup?.requests ?? 0, true);
  const warmTime = nonNegative('warmup.time', warmup?.time ?? 0);
  if (!Number.isFinite(warmTime)) throw new InputError('warmup.time must be finite');
  const stopRequests =
    stop?.requests === undefined
      ? Number.POSITIVE_INFINITY
      : nonNegative('stop.requests', stop.requests, true);
  const stopTime = stop?.time === undefined ? Number.POSITIVE_INFINITY : nonNegative('stop.time', stop.time);
  if (stop?.requests !== undefined && stopRequests < 1)
    throw new InputError(`stop.requests must be >= 1, got ${stopRequests}`);
  if (stopRequests === Number.POSITIVE_INFINITY && stopTime === Number.POSITIVE_INFINITY && !finiteArrivals) {
    throw new InputError(
      'stop: give requests (measured arrivals) or time (s) — an endless arrival process needs one',
    );
  }
  if (stopTime <= warmTime)
    throw new InputError(`stop.time (${stopTime}) must be after warmup.time (${warmTime})`);
  return { warmRequests, warmTime, stopRequests, stopTime };
}

function maxConcurrencyOf(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 1) || (Number.isFinite(v) && !Number.isInteger(v))) {
    throw new InputError(`maxConcurrency must be an integer >= 1, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * The driver shared by both modes: feeds arrivals, starts the window after the warm-up and
 * stops by count or time; the window is then [sim.windowStart, sim.lastT].
 * @throws InputError when the window is empty.
 */
function drive(
  sim: {
    measuring: boolean;
    arrivals: number;
    lastT: number;
    windowStart: number;
    advanceTo(t: number): void;
    tick(t: number): void;
    startMeasuring(t: number): void;
    arrive(t: number): boolean;
  },
  next: () => number,
  p: Plan,
  emit: ((seq: number, t: number, warmup: boolean) => void) | undefined,
): void {
  let k = 0;
  let last = Number.NaN;
  if (p.warmRequests === 0 && p.warmTime === 0) sim.startMeasuring(0);
  for (;;) {
    const t = next();
    if (t === Number.POSITIVE_INFINITY && p.stopTime === Number.POSITIVE_INFINITY) break; // list exhausted
    if (t > p.stopTime) {
      // horizon reached (the time stop wins over an exhausted list)
      if (p.stopTime !== Number.POSITIVE_INFINITY) {
        if (!sim.measuring) {
          // a time-only warm-up ends even when no arrival follows it
          if (p.warmRequests > 0) break;
          sim.advanceTo(p.warmTime);
          sim.startMeasuring(p.warmTime);
        }
        sim.advanceTo(p.stopTime);
        sim.tick(p.stopTime);
      }
      break;
    }
    if (!sim.measuring && k >= p.warmRequests && t >= p.warmTime) {
      const start = p.warmRequests > 0 ? t : p.warmTime;
      sim.advanceTo(start);
      sim.startMeasuring(start);
    }
    sim.arrive(t);
    if (emit) emit(k, t, !sim.measuring);
    k++;
    last = t;
    if (sim.measuring && sim.arrivals >= p.stopRequests) break;
  }
  if (!sim.measuring || !(sim.lastT > sim.windowStart)) {
    throw new InputError(
      `the measurement window is empty (${k} arrivals, last at ${Number.isNaN(last) ? 'none' : `${last} s`}): ` +
        'ask for more requests, a later stop time or a shorter warm-up',
    );
  }
}

function simulateContainer(params: ContainerSimParams, rng: Rng, hooks?: SimHooks): ContainerSimResult {
  const routing = params.routing ?? 'mru';
  if (!ROUTING_POLICIES.includes(routing)) {
    throw new InputError(
      `routing must be one of ${ROUTING_POLICIES.join(', ')}, got ${JSON.stringify(routing)}`,
    );
  }
  const keepAlive = nonNegative('keepAlive', params.keepAlive);
  const maxConcurrency = maxConcurrencyOf(params.maxConcurrency, DEFAULT_MAX_CONCURRENCY);
  const warm = createDistribution(params.warm, 'warm');
  const cold = createDistribution(params.cold, 'cold');
  const arrivalRng = rng.fork();
  const serviceRng = rng.fork();
  const routingRng = rng.fork();
  const source = createArrivals(params.arrivals, arrivalRng);
  const p = plan(params.warmup, params.stop, source.rate === undefined);
  const sim = new ContainerSim({
    warm,
    cold,
    keepAlive,
    routing,
    maxConcurrency,
    serviceRng,
    routingRng,
    hooks,
  });
  const onRequest = hooks?.onRequest;
  const emit = onRequest
    ? (seq: number, t: number, warmup: boolean) =>
        onRequest({
          seq,
          arrivalAt: t,
          serviceTime: sim.lastServiceTime,
          endAt: t + sim.lastServiceTime,
          cold: sim.lastCold,
          rejected: sim.lastRejected,
          executorId: sim.lastExecutor,
          warmup,
        })
    : undefined;
  drive(sim, source.next, p, emit);

  const window = sim.lastT - sim.windowStart;
  const served = sim.coldStarts + sim.warmStarts;
  const avgServerCountTotal = sim.areaLive / window;
  const avgRunningWarmCount = sim.areaWarm / window;
  const avgRunningColdCount = sim.areaCold / window;
  const avgRunningCount = avgRunningWarmCount + avgRunningColdCount;
  const avgServerCount = avgServerCountTotal - avgRunningColdCount;
  const outputs = {
    avgServerCount,
    avgServerCountTotal,
    avgRunningCount,
    avgRunningWarmCount,
    avgRunningColdCount,
    avgIdleCount: avgServerCountTotal - avgRunningCount,
    coldProb: served > 0 ? sim.coldStarts / served : Number.NaN,
    avgUtilization: avgServerCount > 0 ? avgRunningWarmCount / avgServerCount : Number.NaN,
    avgRespTime: served > 0 ? sim.respSum / served : Number.NaN,
    rejectionProb: sim.arrivals > 0 ? sim.rejected / sim.arrivals : Number.NaN,
    rejectionRate: sim.rejected / window,
  };
  return {
    mode: 'container',
    routing,
    ...outputs,
    coldStarts: sim.coldStarts,
    warmStarts: sim.warmStarts,
    executorsCreated: sim.created,
    executorsDestroyed: sim.destroyed,
    maxServerCountTotal: sim.maxLive,
    arrivals: sim.arrivals,
    served,
    rejected: sim.rejected,
    totalArrivals: sim.totalArrivals,
    windowStart: sim.windowStart,
    windowEnd: sim.lastT,
    metrics: smpOutputsToMetrics(outputs),
  };
}

function simulateWasm(params: WasmSimParams, rng: Rng, hooks?: SimHooks): WasmSimResult {
  const service = createDistribution(params.service, 'service');
  let cores: number | undefined;
  if (params.cores !== undefined) {
    if (typeof params.cores !== 'number' || !Number.isInteger(params.cores) || params.cores < 1) {
      throw new InputError(`cores must be an integer >= 1, got ${JSON.stringify(params.cores)}`);
    }
    cores = params.cores;
  }
  const maxConcurrency = maxConcurrencyOf(params.maxConcurrency, Number.POSITIVE_INFINITY);
  const arrivalRng = rng.fork();
  const serviceRng = rng.fork();
  const source = createArrivals(params.arrivals, arrivalRng);
  const p = plan(params.warmup, params.stop, source.rate === undefined);
  const sim = new WasmSim({ service, cores, maxConcurrency, serviceRng });
  const onRequest = hooks?.onRequest;
  const emit = onRequest
    ? (seq: number, t: number, warmup: boolean) =>
        onRequest({
          seq,
          arrivalAt: t,
          serviceTime: sim.lastServiceTime,
          // with cores the end depends on later arrivals: NaN here (the work is serviceTime)
          endAt: cores === undefined && !sim.lastRejected ? t + sim.lastServiceTime : Number.NaN,
          cold: !sim.lastRejected,
          rejected: sim.lastRejected,
          executorId: -1,
          warmup,
        })
    : undefined;
  drive(sim, source.next, p, emit);
  const windowStart = sim.windowStart;
  const windowEnd = sim.lastT;
  const window = windowEnd - windowStart;
  const inFlight = sim.area / window;
  const p50 = sim.inFlightPercentile(0.5);
  const p95 = sim.inFlightPercentile(0.95);
  const p99 = sim.inFlightPercentile(0.99);
  const inFlightDistribution = sim.inFlightDistribution();
  // PS: response times are known at departure — finish the measured requests (no more arrivals;
  // the time-weighted integrals stop at the window's end).
  sim.stopMeasuring();
  if (cores !== undefined) {
    const measuredCount = sim.served;
    sim.advanceTo(Number.POSITIVE_INFINITY);
    if (sim.respCount !== measuredCount) {
      throw new InternalError(`simulator: ${sim.respCount} of ${measuredCount} measured requests finished`);
    }
  }
  const respTime = sim.respCount > 0 ? sim.respSum / sim.respCount : Number.NaN;
  const rejectProb = sim.arrivals > 0 ? sim.rejected / sim.arrivals : Number.NaN;
  return {
    mode: 'wasm',
    cores: cores ?? null,
    respTime,
    inFlight,
    inFlightP50: p50,
    inFlightP95: p95,
    inFlightP99: p99,
    maxInFlight: sim.maxInFlight,
    inFlightDistribution,
    rejectProb,
    arrivals: sim.arrivals,
    served: sim.served,
    rejected: sim.rejected,
    totalArrivals: sim.totalArrivals,
    windowStart,
    windowEnd,
    metrics: { respTime, inFlight, rejectProb },
  };
}
