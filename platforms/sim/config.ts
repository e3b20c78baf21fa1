/**
 * The `sim` platform's suite entry: its JSON Schema (the one source: shape, defaults and, via
 * json-schema-to-ts, the config type) and its cross-field rules. `sim` runs the discrete-event
 * simulator (analysis/simulator) behind the Platform interface.
 */

import type { FromSchema } from 'json-schema-to-ts';
import type { DistributionSpec } from '../../analysis/distributions.js';
import type { SettingsControl } from '../../core/platform.js';
import { ROUTING_POLICIES } from '../../core/platform.js';
import { IDLE_CONTAINER_TIMEOUT } from '../keep-alive.js';
import { parseEntry, type RuleContext } from '../platform-config.js';

export const SIM_DISTRIBUTIONS = ['exponential', 'deterministic', 'lognormal'] as const;
export type SimDistribution = (typeof SIM_DISTRIBUTIONS)[number];
/** The lognormal coefficient of variation when `serviceTime.cv` is not given. */
export const DEFAULT_CV = 1;

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
      enum: ROUTING_POLICIES,
      default: 'mru',
      description: 'container: which idle executor gets a request',
    },
    keepAlive: {
      type: 'number',
      minimum: 0,
      default: IDLE_CONTAINER_TIMEOUT,
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
      default: 0,
      description:
        '0: the point runs on a virtual clock, instantly; > 0: in real time, invoke() resolving after serviceTime × timeScale seconds',
    },
    serviceTime: {
      ...times,
      description: 'default means (s): {warm, cold} for mode container, {wasm} for mode wasm',
      properties: {
        ...times.properties,
        distribution: { enum: SIM_DISTRIBUTIONS, default: 'exponential' },
        cv: {
          type: 'number',
          exclusiveMinimum: 0,
          description: `lognormal coefficient of variation (default ${DEFAULT_CV})`,
        },
      },
    },
    workloads: {
      type: 'object',
      additionalProperties: times,
      default: {},
      description: 'per-workload means overriding serviceTime (same distribution)',
    },
  },
} as const;

/** A `sim` entry with defaults applied. */
export type SimPlatformConfig = FromSchema<typeof configSchema>;

/** What a schema cannot say: which means a mode needs, and options that apply to one mode only. */
function rules(c: SimPlatformConfig, ctx: RuleContext): SimPlatformConfig {
  const needed = c.mode === 'container' ? (['warm', 'cold'] as const) : (['wasm'] as const);
  for (const key of needed) {
    if (c.serviceTime[key] === undefined && Object.values(c.workloads).every((w) => w[key] === undefined))
      ctx.problem(
        `serviceTime.${key}`,
        `is required for mode ${c.mode} (or give it per workload under workloads)`,
      );
  }
  if (c.serviceTime.cv !== undefined && c.serviceTime.distribution !== 'lognormal')
    ctx.problem('serviceTime.cv', 'applies to distribution lognormal only');
  if (c.cores !== undefined && c.mode !== 'wasm') ctx.problem('cores', 'applies to mode wasm only');
  if (c.cores !== undefined && c.timeScale !== 1 && c.timeScale !== 0) {
    ctx.problem(
      'cores',
      `needs timeScale 0 (virtual clock) or 1, got ${c.timeScale}: under processor sharing a request's end depends on later arrivals, so it is resolved on the point's own clock`,
    );
  }
  return c;
}

/**
 * Validate a `sim` entry and apply its defaults.
 * @throws ConfigError listing every problem at `<where>.<key>`
 */
export function parseConfig(raw: unknown, where = 'sim'): SimPlatformConfig {
  return parseEntry('sim', configSchema, raw, where, rules);
}

/** The service-time spec of one kind for a workload, from its override or the default mean. */
export function serviceSpec(
  config: SimPlatformConfig,
  workload: string,
  kind: 'warm' | 'cold' | 'wasm',
): DistributionSpec | undefined {
  const mean = config.workloads[workload]?.[kind] ?? config.serviceTime[kind];
  if (mean === undefined) return undefined;
  switch (config.serviceTime.distribution) {
    case 'exponential':
      return { kind: 'exponential', mean };
    case 'deterministic':
      return { kind: 'deterministic', value: mean };
    case 'lognormal':
      return { kind: 'lognormal', mean, cv: config.serviceTime.cv ?? DEFAULT_CV };
  }
}

/** Container mode simulates any keep-alive and routing; Wasm mode has neither. */
export function settingsControl(config: SimPlatformConfig): SettingsControl {
  return config.mode === 'container'
    ? { keepAlive: 'set', routing: true }
    : { keepAlive: 'none', routing: false };
}
