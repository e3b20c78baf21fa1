/**
 * local-wasm's suite entry: its JSON Schema (validated with ajv by the suite loader) and the
 * normalised config with defaults applied.
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../http-endpoint.js';
import { checkKnownOptions, type LocalEndpointConfig, localEndpointSchema } from '../local-config.js';
import {
  checkWorkloadOverrides,
  type WorkloadOverride,
  workloadOverridesSchema,
} from '../workload-source.js';

export const configSchema = {
  $id: 'faasmark/platforms/local-wasm.json',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'local-wasm' },
    port: localEndpointSchema.port,
    workers: {
      type: 'integer',
      minimum: 1,
      maximum: 256,
      description: 'worker threads (default: os.availableParallelism())',
    },
    maxConcurrency: {
      type: 'integer',
      minimum: 1,
      description: 'max requests in flight (default: unlimited)',
    },
    overflow: localEndpointSchema.overflow,
    queueLimit: {
      type: 'integer',
      minimum: 0,
      default: 1000,
      description: 'queue length beyond which requests get 429 (overflow: queue)',
    },
    requestTimeout: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 60,
      description: 'per-request timeout (s); the worker is replaced',
    },
    bodyLimitBytes: localEndpointSchema.bodyLimitBytes,
    warmupRuns: {
      type: 'integer',
      minimum: 0,
      default: 20,
      description: 'runs per worker at deploy so V8 tiers the module up',
    },
    workloads: workloadOverridesSchema,
  },
} as const;

export interface LocalWasmConfig extends LocalEndpointConfig {
  name: 'local-wasm';
  workers: number;
  warmupRuns: number;
}

/**
 * Apply defaults and check types (the suite loader validates with {@link configSchema} first;
 * this also guards direct `create()` calls).
 * @throws ConfigError listing every problem
 */
export function normalizeConfig(raw: Record<string, unknown>): LocalWasmConfig {
  const problems: string[] = [];
  const int = (key: string, min: number, fallback: number | undefined) => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      problems.push(`local-wasm.${key} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  };
  checkKnownOptions(raw, configSchema.properties, 'local-wasm', problems);
  const overflow = raw.overflow ?? 'reject';
  if (overflow !== 'reject' && overflow !== 'queue') {
    problems.push(`local-wasm.overflow must be "reject" or "queue", got ${JSON.stringify(overflow)}`);
  }
  const timeout = raw.requestTimeout ?? 60;
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    problems.push(`local-wasm.requestTimeout must be a number > 0 (s), got ${JSON.stringify(timeout)}`);
  }
  const config: LocalWasmConfig = {
    name: 'local-wasm',
    port: int('port', 0, 0) as number,
    workers: int('workers', 1, availableParallelism()) as number,
    maxConcurrency: int('maxConcurrency', 1, undefined),
    overflow: overflow === 'queue' ? 'queue' : 'reject',
    queueLimit: int('queueLimit', 0, 1000) as number,
    requestTimeout: typeof timeout === 'number' && timeout > 0 ? timeout : 60,
    bodyLimitBytes: int('bodyLimitBytes', 1, DEFAULT_BODY_LIMIT_BYTES) as number,
    warmupRuns: int('warmupRuns', 0, 20) as number,
    workloads: raw.workloads as Record<string, WorkloadOverride> | undefined,
  };
  if (config.port > 65535) problems.push(`local-wasm.port must be <= 65535, got ${config.port}`);
  checkWorkloadOverrides(raw.workloads, 'local-wasm.workloads', problems);
  if (problems.length) throw new ConfigError('invalid local-wasm platform config', problems);
  return config;
}
