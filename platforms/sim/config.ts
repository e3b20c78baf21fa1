/**
 * The `sim` platform's suite entry: its JSON Schema and the normalised config with defaults.
 * `sim` runs the discrete-event simulator (analysis/simulator) behind the Platform interface.
 */
import type { DistributionSpec } from '../../analysis/distributions.js';
import { ConfigError } from '../../core/errors.js';
import { ROUTING_POLICIES, type RoutingPolicy } from '../../core/platform.js';

export const SIM_DISTRIBUTIONS = ['exponential', 'deterministic', 'lognormal'] as const;
export type SimDistribution = (typeof SIM_DISTRIBUTIONS)[number];
/** Default keep-alive (s): OpenWhisk's default idle-container timeout (10 minutes), like local-container. */
export const DEFAULT_KEEP_ALIVE = 600;

const times = {
  type: 'object',
  additionalProperties: false,
  properties: {
    warm: { type: 'number', exclusiveMinimum: 0, description: 'container: mean warm service time (s)' },
    cold: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'container: mean response time of a cold-starting request (s)',
    },
    wasm: { type: 'number', exclusiveMinimum: 0, description: 'wasm: mean service time (s)' },
  },
} as const;

export const configSchema = {
  $id: 'faasmark/platforms/sim.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'serviceTime'],
  properties: {
    name: { const: 'sim' },
    mode: {
      enum: ['container', 'wasm'],
      default: 'container',
      description: 'scale-per-request containers, or Wasm (every request its own executor, M/G/∞)',
    },
    routing: {
      enum: [...ROUTING_POLICIES],
      default: 'mru',
      description: 'container: which idle executor gets a request',
    },
    keepAlive: {
      type: 'number',
      minimum: 0,
      default: DEFAULT_KEEP_ALIVE,
      description: 'container: keep-alive (s); a point’s setup keepAlive overrides it',
    },
    maxConcurrency: {
      type: 'integer',
      minimum: 1,
      description: 'container: max executors (default 1000); wasm: max in flight (default unlimited)',
    },
    cores: {
      type: 'integer',
      minimum: 1,
      description: 'wasm: cores shared by processor sharing (M/G/c-PS; needs timeScale 1). Omit for M/G/∞',
    },
    seed: {
      type: 'integer',
      minimum: 0,
      default: 1,
      description: 'seed of service times and random routing',
    },
    timeScale: {
      type: 'number',
      minimum: 0,
      default: 1,
      description:
        'invoke() resolves after serviceTime × timeScale real seconds (0 = at once); simulated times are unscaled',
    },
    serviceTime: {
      ...times,
      properties: {
        ...times.properties,
        distribution: { enum: [...SIM_DISTRIBUTIONS], default: 'exponential' },
        cv: {
          type: 'number',
          exclusiveMinimum: 0,
          default: 1,
          description: 'lognormal coefficient of variation',
        },
      },
    },
    workloads: {
      type: 'object',
      additionalProperties: times,
      description: 'per-workload means overriding serviceTime (same distribution)',
    },
  },
} as const;

export interface SimPlatformConfig {
  name: 'sim';
  mode: 'container' | 'wasm';
  routing: RoutingPolicy;
  keepAlive: number;
  maxConcurrency: number | undefined;
  /** wasm: shared cores (processor sharing); undefined = M/G/∞. */
  cores: number | undefined;
  seed: number;
  timeScale: number;
  distribution: SimDistribution;
  cv: number;
  /** Default means (s). */
  serviceTime: { warm?: number; cold?: number; wasm?: number };
  workloads: Record<string, { warm?: number; cold?: number; wasm?: number }>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Apply defaults and check every field (the suite loader validates with {@link configSchema}
 * first; this also guards direct `create()` calls).
 * @throws ConfigError listing every problem with its dot path
 */
export function normalizeConfig(raw: Record<string, unknown>): SimPlatformConfig {
  const problems: string[] = [];
  const known = new Set(Object.keys(configSchema.properties));
  for (const key of Object.keys(raw))
    if (!known.has(key)) problems.push(`sim.${key} is not a known key (known: ${[...known].join(', ')})`);
  const choice = <T extends string>(key: string, accepted: readonly T[], fallback: T): T => {
    const v = raw[key] ?? fallback;
    if (typeof v === 'string' && (accepted as readonly string[]).includes(v)) return v as T;
    problems.push(`sim.${key} must be one of ${accepted.join(', ')}, got ${JSON.stringify(v)}`);
    return fallback;
  };
  const num = (
    where: string,
    v: unknown,
    min: number,
    exclusive: boolean,
    integer = false,
  ): number | undefined => {
    if (v === undefined) return undefined;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (exclusive ? v <= min : v < min) ||
      (integer && !Number.isInteger(v))
    ) {
      problems.push(
        `${where} must be ${integer ? 'an integer' : 'a number'} ${exclusive ? '>' : '>='} ${min}, got ${JSON.stringify(v)}`,
      );
      return undefined;
    }
    return v;
  };
  const means = (where: string, v: unknown, allowed: string[]) => {
    const outMeans: { warm?: number; cold?: number; wasm?: number } = {};
    if (v === undefined) return outMeans;
    if (!isObject(v)) {
      problems.push(`${where} must be an object like {warm: 0.03, cold: 2.6, wasm: 0.03} (s)`);
      return outMeans;
    }
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key))
        problems.push(`${where}.${key} is not a known key (known: ${allowed.join(', ')})`);
    }
    for (const key of ['warm', 'cold', 'wasm'] as const) {
      const m = num(`${where}.${key}`, v[key], 0, true);
      if (m !== undefined) outMeans[key] = m;
    }
    return outMeans;
  };
  if (raw.name !== undefined && raw.name !== 'sim')
    problems.push(`sim.name must be "sim", got ${JSON.stringify(raw.name)}`);
  const mode = choice('mode', ['container', 'wasm'] as const, 'container');
  const routing = choice('routing', ROUTING_POLICIES, 'mru');
  const st = isObject(raw.serviceTime) ? raw.serviceTime : {};
  if (raw.serviceTime === undefined)
    problems.push('sim.serviceTime is required: {warm, cold} (s) for mode container, {wasm} for mode wasm');
  const serviceTime = means('sim.serviceTime', raw.serviceTime, [
    'warm',
    'cold',
    'wasm',
    'distribution',
    'cv',
  ]);
  const distribution = (() => {
    const v = st.distribution ?? 'exponential';
    if (typeof v === 'string' && (SIM_DISTRIBUTIONS as readonly string[]).includes(v))
      return v as SimDistribution;
    problems.push(
      `sim.serviceTime.distribution must be one of ${SIM_DISTRIBUTIONS.join(', ')}, got ${JSON.stringify(v)}`,
    );
    return 'exponential' as const;
  })();
  if (st.cv !== undefined && distribution !== 'lognormal')
    problems.push('sim.serviceTime.cv applies to distribution lognormal only');
  const cv = num('sim.serviceTime.cv', st.cv, 0, true) ?? 1;
  const workloads: SimPlatformConfig['workloads'] = {};
  if (raw.workloads !== undefined) {
    if (!isObject(raw.workloads))
      problems.push('sim.workloads must be an object of {warm, cold, wasm} per workload name');
    else
      for (const [name, v] of Object.entries(raw.workloads))
        workloads[name] = means(`sim.workloads.${name}`, v, ['warm', 'cold', 'wasm']);
  }
  const needed = mode === 'container' ? (['warm', 'cold'] as const) : (['wasm'] as const);
  for (const key of needed) {
    if (
      raw.serviceTime !== undefined &&
      serviceTime[key] === undefined &&
      Object.values(workloads).every((w) => w[key] === undefined)
    ) {
      problems.push(
        `sim.serviceTime.${key} is required for mode ${mode} (or give it per workload under sim.workloads)`,
      );
    }
  }
  const config: SimPlatformConfig = {
    name: 'sim',
    mode,
    routing,
    keepAlive: num('sim.keepAlive', raw.keepAlive, 0, false) ?? DEFAULT_KEEP_ALIVE,
    maxConcurrency: num('sim.maxConcurrency', raw.maxConcurrency, 1, false, true),
    cores: num('sim.cores', raw.cores, 1, false, true),
    seed: num('sim.seed', raw.seed, 0, false, true) ?? 1,
    timeScale: num('sim.timeScale', raw.timeScale, 0, false) ?? 1,
    distribution,
    cv,
    serviceTime,
    workloads,
  };
  if (config.cores !== undefined && mode !== 'wasm') problems.push('sim.cores applies to mode wasm only');
  if (config.cores !== undefined && config.timeScale !== 1) {
    problems.push(
      `sim.cores needs timeScale 1, got ${config.timeScale}: under processor sharing a request's end depends on later arrivals, so it can only be resolved in real time`,
    );
  }
  if (problems.length) throw new ConfigError('invalid sim platform config', problems);
  return config;
}

/** The service-time spec of one kind for a workload, from its override or the default mean. */
export function serviceSpec(
  config: SimPlatformConfig,
  workload: string,
  kind: 'warm' | 'cold' | 'wasm',
): DistributionSpec | undefined {
  const mean = config.workloads[workload]?.[kind] ?? config.serviceTime[kind];
  if (mean === undefined) return undefined;
  switch (config.distribution) {
    case 'exponential':
      return { kind: 'exponential', mean };
    case 'deterministic':
      return { kind: 'deterministic', value: mean };
    case 'lognormal':
      return { kind: 'lognormal', mean, cv: config.cv };
  }
}
