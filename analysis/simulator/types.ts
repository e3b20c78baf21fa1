/**
 * Parameters and results of the discrete-event simulator (docs/simulator.md; SimFaaS
 * semantics, pacslab/simfaas). Results use the SMP's output names (pacsltk) so a simulation
 * and a prediction compare field by field.
 */

import type { MetricValues } from '../../core/metrics.js';
import type { RoutingPolicy } from '../../core/platform.js';
import type { DistributionSpec } from '../distributions.js';
import type { SmpOutputs } from '../models/smp-outputs.js';
import type { ArrivalSpec } from './arrivals.js';

export type { RoutingPolicy } from '../../core/platform.js';
export type { ArrivalSpec } from './arrivals.js';

/** Warm-up skipped before measuring: the first `requests` arrivals, or everything before `time` (s). */
export interface WarmupSpec {
  requests?: number;
  time?: number;
}

/**
 * When to stop: after `requests` measured arrivals (arrivals after the warm-up), or at
 * `time` (s, absolute simulated time), whichever comes first. At least one is required.
 */
export interface StopSpec {
  requests?: number;
  time?: number;
}

/** Scale-per-request containers (one request per executor at a time). */
export interface ContainerSimParams {
  mode?: 'container';
  arrivals: ArrivalSpec;
  /** Service time on an idle (warm) executor. */
  warm: DistributionSpec;
  /** Response time of a request that cold-starts its executor (start-up + execution, like the SMP's c). */
  cold: DistributionSpec;
  /** An executor is destroyed exactly keepAlive s after the end of its last request. */
  keepAlive: number;
  /** Which idle executor gets a request (default mru). */
  routing?: RoutingPolicy;
  /** Maximum live executors; an arrival finding none idle and this many alive is rejected (default 1000, as pacsltk and SimFaaS). */
  maxConcurrency?: number;
  warmup?: WarmupSpec;
  stop: StopSpec;
}

/** Wasm: every request gets its own fresh executor at once (M/G/∞), optionally on `cores` shared cores. */
export interface WasmSimParams {
  mode: 'wasm';
  arrivals: ArrivalSpec;
  service: DistributionSpec;
  /** Cores shared by processor sharing: each of n in flight runs at rate min(1, cores/n). Omit for M/G/∞. */
  cores?: number;
  /** Maximum requests in flight; an arrival beyond it is rejected (Spin's SPIN_MAX_INSTANCE_COUNT). Default unlimited. */
  maxConcurrency?: number;
  warmup?: WarmupSpec;
  stop: StopSpec;
}

export type SimParams = ContainerSimParams | WasmSimParams;

/** Counts and the measurement window shared by both modes. */
export interface SimCounts {
  /** Arrivals in the window (after the warm-up). */
  arrivals: number;
  /** Arrivals in the window that were served. */
  served: number;
  rejected: number;
  /** Every arrival simulated, warm-up included. */
  totalArrivals: number;
  /** Measurement window [windowStart, windowEnd] (s of simulated time). */
  windowStart: number;
  windowEnd: number;
}

/**
 * Container-mode results, with the SMP's names (docs/models.md, analysis/models/smp-outputs.ts)
 * and the metric mapping. Over the measurement window:
 * - avgServerCount: time-weighted mean warm executors = avgServerCountTotal − avgRunningColdCount (the SMP's "servers");
 * - avgServerCountTotal: time-weighted mean live executors (created → destroyed);
 * - avgIdleCount: avgServerCountTotal − avgRunningCount;
 * - coldProb: cold-started / served, over arrivals in the window;
 * - avgUtilization: avgRunningWarmCount / avgServerCount (NaN when no warm executor ever lived in the window);
 * - avgRespTime: mean response time of served arrivals;
 * - rejectionProb: rejected / arrivals; rejectionRate: rejected per second of window.
 */
export interface ContainerSimResult extends SimCounts, SmpOutputs {
  mode: 'container';
  routing: RoutingPolicy;
  coldStarts: number;
  warmStarts: number;
  /** Executors created / destroyed during the whole run (warm-up included). */
  executorsCreated: number;
  executorsDestroyed: number;
  /** The largest number of executors alive at once. */
  maxServerCountTotal: number;
  /** The same results as faasmark metrics (core/metrics.ts smpOutputsToMetrics). */
  metrics: MetricValues;
}

/** Wasm-mode results: the M/G/∞ quantities (respTime ↔ E[S], inFlight ↔ λE[S]). */
export interface WasmSimResult extends SimCounts {
  mode: 'wasm';
  cores: number | null;
  /** Mean response time of served arrivals in the window (s). */
  respTime: number;
  /** Time-weighted mean number in flight. */
  inFlight: number;
  /** Percentiles of the time-weighted in-flight distribution (smallest n with P(N ≤ n) ≥ p). */
  inFlightP50: number;
  inFlightP95: number;
  inFlightP99: number;
  maxInFlight: number;
  /** Share of the window's time with exactly n in flight, n = index (sums to 1). */
  inFlightDistribution: number[];
  rejectProb: number;
  metrics: MetricValues;
}

export type SimResult = ContainerSimResult | WasmSimResult;

/** One simulated request, for the optional `onRequest` hook (emitted at arrival). */
export interface SimRequest {
  seq: number;
  arrivalAt: number;
  /** Service (= response) time; 0 when rejected. Wasm with cores: known only at departure. */
  serviceTime: number;
  endAt: number;
  cold: boolean;
  rejected: boolean;
  /** Executor serial number (creation order), -1 when rejected. */
  executorId: number;
  warmup: boolean;
}

/** Optional callbacks; none set = the fast path (no objects per request). */
export interface SimHooks {
  onRequest?(request: SimRequest): void;
  onExecutorCreated?(id: number, at: number): void;
  onExecutorDestroyed?(id: number, at: number): void;
}
