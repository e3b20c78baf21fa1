/**
 * Shapes of the files in a results directory (docs/engine.md "Results layout"). The engine writes
 * them, the report / compare / reproduce commands read them; results/schema/*.json are the
 * published JSON Schemas for the same shapes (validated with ajv).
 *
 *   <out>/manifest.json
 *   <out>/summary.json
 *   <out>/points/<pointId>/{requests.jsonl, executors.jsonl, summary.json}
 *   <out>/report.html, <out>/figures/
 */
import type { MetricKey, MetricValues } from '../core/metrics.js';
import type { AppliedSettings, EngineDescription, ExecutorKind } from '../core/platform.js';

export const RESULTS_SCHEMA_VERSION = 1;

export interface RequestCounts {
  sent: number;
  ok: number;
  error: number;
  timeout: number;
  rejected: number;
}

export interface Percentiles {
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Service times the models were fed for this point (s), and where they came from. */
export interface ModelInputs {
  warm?: number;
  cold?: number;
  wasm?: number;
  source: string;
  /**
   * Which clock `warm`/`cold`/`wasm` are on: `platform` = (endAt − startAt) + waitTime, the clock
   * of the measured running/idle and of the thesis's SMP inputs; `client` = send → response at
   * the load generator. Absent for `given` inputs (the suite's own figures).
   */
  clock?: 'platform' | 'client';
  /**
   * Mean client − platform-side time of the profile's warm calls (s): the HTTP hop and harness
   * overhead. Present when `clock` is `platform`; predicted respTime = model respTime + this.
   */
  clientOverhead?: number;
  /**
   * The idle gap actually left before each profile call after the first (s): the suite's
   * `modelInputs.spacing`, capped at keepAlive / 2 on container platforms. Absent for `given`.
   */
  spacing?: number;
  /** How many cold calls c is the mean of (each on a fresh executor). */
  coldSamples?: number;
  /** Profile calls that failed and were retried. */
  failedCalls?: number;
}

/**
 * The platform-side response time (duration + waitTime, the thesis's figure) measured vs the
 * primary model's own response time, both on the platform clock (s); error is relative,
 * (measured − predicted) / predicted.
 */
export interface PlatformComparison {
  measured: number | null;
  predicted: number | null;
  error: number | null;
}

/**
 * What ran a point, read from the platform after its setup and deploy: the platform's version,
 * its engine, and the settings in effect (`applied`) beside the ones the suite asked for
 * (`nominal`). A field the platform could not read is absent or null, never a placeholder.
 */
export interface PointProvenance {
  version?: string;
  engine?: EngineDescription;
  applied: AppliedSettings;
  nominal: { keepAlive: number | null; routing: string | null; maxConcurrency: number | null };
}

/** How a metric's model error is judged (docs/engine.md "Model error and sampling noise"). */
export interface MetricAssessmentRecord {
  scoring: 'relative' | 'absolute';
  absError: number | null;
  relError: number | null;
  insideCi: boolean | null;
  inMape: boolean;
}

export interface PointSummary {
  schemaVersion: number;
  pointId: string;
  /** complete: ran to its end; incomplete: interrupted; failed: the platform could not run it. */
  status: 'complete' | 'incomplete' | 'failed';
  /** False when the point must not be reported as a result; `invalidReasons` says why. */
  valid: boolean;
  invalidReasons: string[];
  platform: string;
  executor: ExecutorKind;
  workload: string;
  /** Target arrival rate (req/s). */
  arrivalRate: number;
  /** Keep-alive (s); null for Wasm platforms. */
  keepAlive: number | null;
  routing?: string | null;
  repetition: number;
  arrivals: string;
  seed: number;
  originEpochMs: number;
  /** Measurement window W = [end of warm-up, last measured arrival] (s on the point clock). */
  window: { start: number; end: number };
  requests: RequestCounts;
  /** Arrivals per second actually achieved in W. */
  achievedRate: number | null;
  /** Metric values measured (exact time-weighted integrals); unavailable metrics are null. */
  measured: MetricValues;
  /** The thesis's sampled estimates (running every 1 s, totals every 2 s). */
  measuredSampled?: MetricValues;
  /** The primary model's prediction: SMP for containers, M/G/∞ for Wasm. */
  predicted: MetricValues;
  /** Relative error (measured − predicted) / predicted per metric. */
  error: MetricValues;
  /** 95% CI of each measured metric (batch means over the window; Wilson for proportions). */
  measuredCi?: Partial<Record<MetricKey, { lo: number; hi: number }>>;
  /** Each metric's model error judged against its noise (analysis/metrics/assess.ts). */
  assessment?: Partial<Record<MetricKey, MetricAssessmentRecord>>;
  /** Every model's prediction, by model name (smp, mginf, capacity, simulator ...). */
  models?: Record<string, MetricValues>;
  modelInputs?: ModelInputs;
  /** Client latency from the intended send time (s). */
  latency?: Percentiles;
  /** Platform-side response time (duration + waitTime) where reported (s). */
  platformRespTime?: Percentiles;
  /** Mean platform-side response time vs the model's (container points fed platform-side times). */
  platformComparison?: PlatformComparison;
  /** Send lag = actual − intended send time (s). */
  sendLag?: Percentiles;
  /** Kolmogorov–Smirnov test of the realised inter-arrival gaps against the exponential. */
  ks?: { statistic: number; pValue: number; n: number } | null;
  /** Point id prefix naming the suite's platform entry (its `label`, default the platform name). */
  label?: string;
  /** Measured arrivals scheduled per second of the measured segment (the achieved rate's reference). */
  scheduledRate?: number | null;
  /** Arrivals scheduled but never sent (interrupted points). */
  unsent?: number;
  /** Which entry of `models` is `predicted` (smp, mginf), null when none could run. */
  primaryModel?: string | null;
  /** Notes from the models and the engine (saturation, guards, missing inputs). */
  notes?: string[];
  /** What ran the point (platform version, engine, applied settings), read after setup. */
  provenance?: PointProvenance;
  /** True when a simulator produced the point: its "measured" values are simulated. */
  simulated?: boolean;
}

export interface RunSummary {
  schemaVersion: number;
  suite: string;
  runId: string;
  createdAt: string;
  points: PointSummary[];
  /** Which executor wins, per workload and load (analysis/verdict/measured.ts). */
  verdicts?: RunVerdictRecord[];
}

/** One container entry at one keep-alive against one Wasm entry, at one workload and rate. */
export interface RunVerdictRecord {
  workload: string;
  arrivalRate: number;
  container: { label: string; keepAlive: number | null; points: string[] };
  wasm: { label: string; points: string[] };
  latency: MetricCallRecord;
  memory: MetricCallRecord;
  coldProb: MetricCallRecord;
  model: {
    latency: 'container' | 'wasm' | 'tie';
    memory: 'container' | 'wasm' | 'tie';
    coldProb: 'container' | 'wasm' | 'tie';
    crossoverKeepAlive: number | null;
  } | null;
  sentence: string;
}

export interface MetricCallRecord {
  winner: 'container' | 'wasm' | 'tie' | 'too close to call';
  container: { value: number; lo: number; hi: number } | null;
  wasm: { value: number; lo: number; hi: number } | null;
}

export interface HostFingerprint {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  kernel: string;
  os: string;
  node: string;
}

export interface RunManifest {
  schemaVersion: number;
  suite: string;
  /** The suite as loaded (normalised). */
  suiteConfig: unknown;
  runId: string;
  seed: number;
  createdAt: string;
  faasmarkVersion: string;
  gitCommit: string | null;
  host: HostFingerprint;
  /** Each suite entry's platform as it described itself (after its latest point's setup). */
  platforms: {
    name: string;
    executor: ExecutorKind;
    version?: string;
    engine?: EngineDescription;
    applied?: AppliedSettings;
    details?: Record<string, unknown>;
  }[];
  repeat: number;
}
