/**
 * Every metric faasmark reports, declared once (docs/engine.md "Metric definitions"; like k6's
 * metrics/builtin.go): its key, unit, what it means, and its model twin. The measured side
 * (analysis/metrics/measure.ts) and the predicted side (SMP, M/G/∞, simulator) both produce
 * objects keyed by these names, so comparison is field by field.
 */
/** The output names, in pacsltk's order. */
export const SMP_OUTPUT_KEYS = [
  'avgServerCount',
  'avgServerCountTotal',
  'avgRunningCount',
  'avgRunningWarmCount',
  'avgRunningColdCount',
  'avgIdleCount',
  'coldProb',
  'avgUtilization',
  'avgRespTime',
  'rejectionProb',
  'rejectionRate',
] as const;

export type SmpOutputName = (typeof SMP_OUTPUT_KEYS)[number];

export type MetricKey =
  | 'respTime'
  | 'coldProb'
  | 'rejectProb'
  | 'runningWarm'
  | 'runningCold'
  | 'running'
  | 'totalExecutors'
  | 'idle'
  | 'inFlight';

export interface MetricDefinition {
  key: MetricKey;
  unit: 's' | 'probability' | 'count';
  description: string;
  /** Which executor kinds it applies to. */
  appliesTo: readonly ('container' | 'wasm')[];
  /** The SMP output it is compared with (pacsltk names). */
  smp?: SmpOutputName;
  /** The M/G/∞ quantity it is compared with. */
  mginf?: 'meanServiceTime' | 'meanInSystem';
}

export const METRICS: readonly MetricDefinition[] = [
  {
    key: 'respTime',
    unit: 's',
    description: 'mean response time of requests arriving in the window',
    appliesTo: ['container', 'wasm'],
    smp: 'avgRespTime',
    mginf: 'meanServiceTime',
  },
  {
    key: 'coldProb',
    unit: 'probability',
    description: 'cold-started requests / completed requests',
    appliesTo: ['container'],
    smp: 'coldProb',
  },
  {
    key: 'rejectProb',
    unit: 'probability',
    description: 'rejected requests (429, capacity) / sent requests',
    appliesTo: ['container', 'wasm'],
    smp: 'rejectionProb',
  },
  {
    key: 'runningWarm',
    unit: 'count',
    description: 'time-weighted mean number of requests in service on warm executors',
    appliesTo: ['container'],
    smp: 'avgRunningWarmCount',
  },
  {
    key: 'runningCold',
    unit: 'count',
    description: 'time-weighted mean number of requests in service on cold-starting executors',
    appliesTo: ['container'],
    smp: 'avgRunningColdCount',
  },
  {
    key: 'running',
    unit: 'count',
    description: 'runningWarm + runningCold',
    appliesTo: ['container'],
    smp: 'avgRunningCount',
  },
  {
    key: 'totalExecutors',
    unit: 'count',
    description: 'time-weighted mean number of live executors (created → destroyed)',
    appliesTo: ['container'],
    smp: 'avgServerCountTotal',
  },
  {
    key: 'idle',
    unit: 'count',
    description: 'totalExecutors − running',
    appliesTo: ['container'],
    smp: 'avgIdleCount',
  },
  {
    key: 'inFlight',
    unit: 'count',
    description: 'time-weighted mean number of requests in flight (M/G/∞ number in system)',
    appliesTo: ['wasm'],
    mginf: 'meanInSystem',
  },
];

export const METRIC_KEYS: readonly MetricKey[] = METRICS.map((m) => m.key);

/** A set of metric values; a metric that cannot be known is absent or null (never guessed). */
export type MetricValues = Partial<Record<MetricKey, number | null>>;

export function metricsFor(executor: 'container' | 'wasm'): MetricDefinition[] {
  return METRICS.filter((m) => m.appliesTo.includes(executor));
}

/**
 * Relative error of a measurement against a prediction: (measured − predicted) / predicted.
 * Null when either side is missing or the prediction is 0 (undefined relative error).
 */
export function relativeError(
  measured: number | null | undefined,
  predicted: number | null | undefined,
): number | null {
  if (measured === null || measured === undefined || predicted === null || predicted === undefined)
    return null;
  if (!Number.isFinite(measured) || !Number.isFinite(predicted) || predicted === 0) return null;
  return (measured - predicted) / predicted;
}
