/**
 * local-container's suite entry: its JSON Schema and the normalised config with defaults.
 */
import { ConfigError } from '../../core/errors.js';
import { ROUTING_POLICIES, type RoutingPolicy } from '../../core/platform.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../http-endpoint.js';
import { checkKnownOptions, type LocalEndpointConfig, localEndpointSchema } from '../local-config.js';
import {
  checkWorkloadOverrides,
  type WorkloadOverride,
  workloadOverridesSchema,
} from '../workload-source.js';

/** Default keep-alive (s): OpenWhisk's default idle container timeout is 10 minutes; the quick suite sets its own. */
export const DEFAULT_KEEP_ALIVE = 600;
export const DEFAULT_IMAGE = 'faasmark/action-base:bookworm';

export const configSchema = {
  $id: 'faasmark/platforms/local-container.json',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'local-container' },
    port: localEndpointSchema.port,
    executor: {
      enum: ['process', 'docker'],
      default: 'process',
      description: 'an executor is an OS process or a Docker container',
    },
    keepAlive: {
      type: 'number',
      minimum: 0,
      default: DEFAULT_KEEP_ALIVE,
      description: 'idle time (s) after which an executor is destroyed',
    },
    routing: {
      enum: [...ROUTING_POLICIES],
      default: 'mru',
      description: 'which idle executor gets a request',
    },
    seed: { type: 'integer', default: 1, description: 'seed of the random routing policy' },
    maxConcurrency: { type: 'integer', minimum: 1, description: 'max executors (default: unlimited)' },
    overflow: localEndpointSchema.overflow,
    queueLimit: { type: 'integer', minimum: 0, default: 1000 },
    requestTimeout: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 60,
      description: 'per-request timeout (s); the executor is replaced',
    },
    startTimeout: { type: 'number', exclusiveMinimum: 0, default: 30, description: 'cold-start timeout (s)' },
    bodyLimitBytes: localEndpointSchema.bodyLimitBytes,
    image: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_IMAGE,
      description: 'base image (executor: docker)',
    },
    docker: { type: 'string', minLength: 1, default: 'docker', description: 'docker CLI binary' },
    workloads: workloadOverridesSchema,
  },
} as const;

export interface LocalContainerConfig extends LocalEndpointConfig {
  name: 'local-container';
  executor: 'process' | 'docker';
  keepAlive: number;
  routing: RoutingPolicy;
  seed: number;
  startTimeout: number;
  image: string;
  docker: string;
}

/**
 * Apply defaults and check every field (also guards direct `create()` calls).
 * @throws ConfigError listing every problem with its dot path
 */
export function normalizeConfig(raw: Record<string, unknown>): LocalContainerConfig {
  const problems: string[] = [];
  checkKnownOptions(raw, configSchema.properties, 'local-container', problems);
  const num = (key: string, fallback: number, ok: (v: number) => boolean, rule: string, integer = false) => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || !ok(v)) {
      problems.push(`local-container.${key} must be ${rule}, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  };
  const choice = <T extends string>(key: string, accepted: readonly T[], fallback: T): T => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string' && (accepted as readonly string[]).includes(v)) return v as T;
    problems.push(`local-container.${key} must be one of ${accepted.join(', ')}, got ${JSON.stringify(v)}`);
    return fallback;
  };
  const str = (key: string, fallback: string) => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string' && v !== '') return v;
    problems.push(`local-container.${key} must be a non-empty string, got ${JSON.stringify(v)}`);
    return fallback;
  };
  const max =
    raw.maxConcurrency === undefined
      ? undefined
      : num('maxConcurrency', 1, (v) => v >= 1, 'an integer >= 1', true);
  const config: LocalContainerConfig = {
    name: 'local-container',
    port: num('port', 0, (v) => v >= 0 && v <= 65535, 'an integer in 0..65535', true),
    executor: choice('executor', ['process', 'docker'] as const, 'process'),
    keepAlive: num('keepAlive', DEFAULT_KEEP_ALIVE, (v) => v >= 0, 'a number >= 0 (s)'),
    routing: choice('routing', ROUTING_POLICIES, 'mru'),
    seed: num('seed', 1, () => true, 'an integer', true),
    maxConcurrency: max,
    overflow: choice('overflow', ['reject', 'queue'] as const, 'reject'),
    queueLimit: num('queueLimit', 1000, (v) => v >= 0, 'an integer >= 0', true),
    requestTimeout: num('requestTimeout', 60, (v) => v > 0, 'a number > 0 (s)'),
    startTimeout: num('startTimeout', 30, (v) => v > 0, 'a number > 0 (s)'),
    bodyLimitBytes: num('bodyLimitBytes', DEFAULT_BODY_LIMIT_BYTES, (v) => v >= 1, 'an integer >= 1', true),
    image: str('image', DEFAULT_IMAGE),
    docker: str('docker', 'docker'),
    workloads: raw.workloads as Record<string, WorkloadOverride> | undefined,
  };
  checkWorkloadOverrides(raw.workloads, 'local-container.workloads', problems);
  if (problems.length) throw new ConfigError('invalid local-container platform config', problems);
  return config;
}
