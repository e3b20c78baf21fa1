/**
 * Evaluating a point: measure → predict → error → integrity → the point summary. Pure: the
 * point's facts, what its load produced (records folded into a measurer as they completed,
 * executor spans, the realised schedule) and its model inputs go in, the summary comes out —
 * no files, no platform, no clock. The summary of an interrupted point is built here too, so
 * both shapes share one identity block and one key order (docs/engine.md "One point").
 */
import { assessPoint } from '../../analysis/metrics/assess.js';
import type { ColdHint } from '../../analysis/metrics/batches.js';
import { type MeasureOptions, type MeasureWindow, PointMeasurer } from '../../analysis/metrics/measure.js';
import { ksExponential } from '../../analysis/stats/ks.js';
import { type MetricValues, relativeError } from '../../core/metrics.js';
import type {
  ExecutorKind,
  PlatformDescription,
  PlatformHealth,
  RoutingPolicy,
} from '../../core/platform.js';
import type { ExecutorSpan } from '../../core/records.js';
import {
  type ModelInputs,
  type PointProvenance,
  type PointSummary,
  RESULTS_SCHEMA_VERSION,
  type RequestCounts,
} from '../../results/types.js';
import type { PlannedPoint } from '../suite/plan.js';
import type { Suite } from '../suite/types.js';
import { invalidReasons } from './integrity.js';
import { predictPoint } from './predict.js';

/** What a point is, known once its platform instance is chosen. */
export interface PointFacts {
  point: PlannedPoint;
  /** The platform's executor kind and what it observes. */
  executor: ExecutorKind;
  capabilities: MeasureOptions['capabilities'];
  routing: RoutingPolicy | undefined;
  /** The platform entry's maxConcurrency as the suite wrote it (null: not set). */
  nominalMaxConcurrency: number | null;
  /** The SMP's M unless the platform reports its own limit: the entry's maxConcurrency, else the suite's. */
  maxConcurrency: number;
  /** The point clock's origin (ms since the epoch). */
  originEpochMs: number;
  /** The platform simulates (its values are simulated, not measured). */
  simulated?: boolean;
}

/** What the point's load produced, and the inputs the models are fed. */
export interface PointObservations {
  /** W = [end of warm-up, last measured arrival] on the point clock. */
  window: MeasureWindow;
  /** Every request record of the point, folded as it completed ({@link pointMeasurer}). */
  records: PointMeasurer;
  spans: readonly ExecutorSpan[];
  /** Measured (non-warm-up) arrivals scheduled. */
  measuredScheduled: number;
  /** Differences of the actual send times of consecutive measured arrivals (s). */
  measuredGaps: Float64Array;
  modelInputs: ModelInputs;
  /** What the platform said about itself after setup and deploy. */
  description: PlatformDescription;
  /** The platform's health at the end of the load. */
  health: PlatformHealth;
}

/** The suite's rules for judging a point, and the host's cores (the Wasm capacity model). */
export type EvaluateSettings = Pick<Suite, 'thresholds' | 'smpVariant' | 'simulator'> & { cores: number };

/** What an interrupted point has to show. */
export interface InterruptedPoint {
  reason: string;
  window: MeasureWindow;
  /** Every request sent so far, by status. */
  requests: RequestCounts;
  modelInputs: ModelInputs | undefined;
  /** Absent when the interrupt came before the platform was described. */
  description: PlatformDescription | undefined;
  unsent: number;
}

type PointIdentity = Pick<
  PointSummary,
  | 'schemaVersion'
  | 'pointId'
  | 'label'
  | 'platform'
  | 'executor'
  | 'workload'
  | 'arrivalRate'
  | 'keepAlive'
  | 'routing'
  | 'repetition'
  | 'arrivals'
  | 'seed'
  | 'originEpochMs'
  | 'simulated'
>;

/** The accumulator a point's records are folded into, for its window. */
export function pointMeasurer(facts: PointFacts, window: MeasureWindow): PointMeasurer {
  return new PointMeasurer({
    executor: facts.executor,
    capabilities: facts.capabilities,
    window,
    duration: facts.point.arrivals.duration,
  });
}

function identity(facts: PointFacts): PointIdentity {
  const { point } = facts;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    pointId: point.id,
    label: point.label,
    platform: point.platform,
    executor: facts.executor,
    workload: point.workload,
    arrivalRate: point.arrivalRate,
    keepAlive: facts.executor === 'wasm' ? null : point.keepAlive,
    routing: facts.routing ?? null,
    repetition: point.repetition,
    arrivals: point.arrivals.process,
    seed: point.seed,
    originEpochMs: facts.originEpochMs,
    ...(facts.simulated ? { simulated: true } : {}),
  };
}

/** The platform's own account of the point beside what the suite asked for. */
function provenanceOf(facts: PointFacts, d: PlatformDescription): PointProvenance {
  return {
    ...(d.version !== undefined ? { version: d.version } : {}),
    ...(d.engine ? { engine: d.engine } : {}),
    applied: d.applied,
    nominal: {
      keepAlive: facts.executor === 'wasm' ? null : facts.point.keepAlive,
      routing: facts.routing ?? null,
      maxConcurrency: facts.nominalMaxConcurrency,
    },
  };
}

/**
 * The settings the models take: what the platform applied, where it says, else what was asked.
 * A difference is noted, so a prediction never silently uses a nominal value.
 */
function modelSettings(facts: PointFacts, d: PlatformDescription, hostCores: number) {
  const notes: string[] = [];
  const nominalKa = facts.point.keepAlive;
  const keepAlive = facts.executor === 'wasm' ? null : (d.applied.keepAlive ?? nominalKa);
  if (keepAlive !== null && nominalKa !== null && keepAlive !== nominalKa)
    notes.push(
      `keep-alive: the platform applied ${keepAlive} s (asked ${nominalKa} s); the models use ${keepAlive} s`,
    );
  const maxConcurrency = d.applied.maxConcurrency ?? facts.maxConcurrency;
  if (d.applied.maxConcurrency !== null && d.applied.maxConcurrency !== facts.maxConcurrency)
    notes.push(`maxConcurrency: the platform's limit is ${d.applied.maxConcurrency}; the models use it`);
  const cores = d.applied.cores ?? hostCores;
  if (facts.executor === 'wasm' && d.applied.cores === null)
    notes.push(
      `capacity: the platform reports no core count; the harness host's ${hostCores} cores are assumed`,
    );
  return { keepAlive, maxConcurrency, cores, notes };
}

/** (measured − predicted) / predicted for every metric either side has: the assessment's own. */
function relativeErrors(assessment: ReturnType<typeof assessPoint>): MetricValues {
  return Object.fromEntries(Object.entries(assessment).map(([k, a]) => [k, a.relError]));
}

/** What a cold request costs, from the model inputs: the CIs' hint for a point that saw no cold (batches.ts). */
function coldHintOf(mi: ModelInputs | undefined): ColdHint | undefined {
  if (mi?.cold === undefined) return undefined;
  return {
    respTime: mi.cold + (mi.clock === 'platform' ? (mi.clientOverhead ?? 0) : 0),
    serviceTime: mi.cold,
  };
}

/** The summary of a point that ran to its end. Consumes `seen.records` (the measurer is finished). */
export function evaluatePoint(
  facts: PointFacts,
  seen: PointObservations,
  settings: EvaluateSettings,
): PointSummary {
  const { point } = facts;
  const m = seen.records.finish(seen.spans, coldHintOf(seen.modelInputs));
  const scheduledRate = point.arrivals.duration > 0 ? seen.measuredScheduled / point.arrivals.duration : null;
  const ks = seen.measuredGaps.length >= 2 ? ksExponential(seen.measuredGaps, point.arrivalRate) : null;
  const applied = modelSettings(facts, seen.description, settings.cores);
  const prediction = predictPoint({
    executor: facts.executor,
    arrivalRate: point.arrivalRate,
    keepAlive: applied.keepAlive,
    modelInputs: seen.modelInputs,
    maxConcurrency: applied.maxConcurrency,
    smpVariant: settings.smpVariant,
    ...(facts.routing ? { routing: facts.routing } : {}),
    cores: applied.cores,
    ...(settings.simulator ? { simulate: { arrivals: point.arrivals, seed: point.seed } } : {}),
  });
  const reasons = invalidReasons({
    requests: m.requests,
    complete: true,
    achievedRate: m.achievedRate,
    scheduledRate,
    thresholds: settings.thresholds,
    commonFailure: m.commonFailure,
    ...(seen.health.ok ? {} : { platformFailure: seen.health.reason ?? 'unhealthy (no reason given)' }),
  });
  const valid = reasons.length === 0;
  const assessment = assessPoint(m.measured, prediction.predicted, m.measuredCi, valid);
  return {
    ...identity(facts),
    status: 'complete',
    valid,
    invalidReasons: reasons,
    window: seen.window,
    requests: m.requests,
    achievedRate: m.achievedRate,
    scheduledRate,
    measured: m.measured,
    measuredSampled: m.measuredSampled,
    predicted: prediction.predicted,
    primaryModel: prediction.primary,
    error: relativeErrors(assessment),
    measuredCi: m.measuredCi,
    assessment,
    models: prediction.models,
    modelInputs: seen.modelInputs,
    latency: m.latency,
    ...(m.platformRespTime ? { platformRespTime: m.platformRespTime } : {}),
    ...(prediction.platformRespTime !== undefined
      ? {
          platformComparison: {
            measured: m.platformRespTime?.mean ?? null,
            predicted: prediction.platformRespTime,
            error: relativeError(m.platformRespTime?.mean, prediction.platformRespTime),
          },
        }
      : {}),
    sendLag: m.sendLag,
    ks: ks ? { statistic: ks.statistic, pValue: ks.pValue, n: ks.n } : null,
    unsent: 0,
    notes: [...applied.notes, ...prediction.notes],
    provenance: provenanceOf(facts, seen.description),
  };
}

/** The summary of an interrupted point: `incomplete`, invalid, no metrics. */
export function incompleteSummary(facts: PointFacts, p: InterruptedPoint): PointSummary {
  return {
    ...stoppedSummary(facts, p, 'incomplete'),
    notes: ['interrupted: metrics are not computed for an incomplete point; rerun it with --resume'],
  };
}

/** The summary of a point its platform could not run (it failed in setup, deploy or profile). */
export function failedSummary(facts: PointFacts, p: InterruptedPoint): PointSummary {
  return {
    ...stoppedSummary(facts, p, 'failed'),
    notes: ['the platform failed: metrics are not computed; rerun the point with --resume'],
  };
}

function stoppedSummary(
  facts: PointFacts,
  p: InterruptedPoint,
  status: 'incomplete' | 'failed',
): Omit<PointSummary, 'notes'> {
  return {
    ...identity(facts),
    status,
    valid: false,
    invalidReasons: [p.reason],
    window: p.window,
    requests: p.requests,
    achievedRate: null,
    measured: {},
    predicted: {},
    error: {},
    ...(p.modelInputs ? { modelInputs: p.modelInputs } : {}),
    unsent: p.unsent,
    ...(p.description ? { provenance: provenanceOf(facts, p.description) } : {}),
  };
}
