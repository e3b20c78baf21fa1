/**
 * What the embedded platforms' suite entries share (local-container, local-wasm): the JSON
 * Schema of their HTTP endpoint and admission settings, the type derived from it, and how a
 * point's settings override them.
 */
import type { FromSchema } from 'json-schema-to-ts';
import type { SetupOptions } from '../../core/platform.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './http-endpoint.js';
import { workloadOverridesSchema } from './workload-source.js';

/** JSON Schema of the endpoint settings both embedded platforms describe alike. */
export const localEndpointSchema = {
  port: {
    type: 'integer',
    minimum: 0,
    maximum: 65535,
    default: 0,
    description: 'HTTP port on 127.0.0.1 (0 = any free port)',
  },
  maxConcurrency: { type: 'integer', minimum: 1 },
  overflow: {
    enum: ['reject', 'queue'],
    default: 'reject',
    description: 'beyond maxConcurrency: 429, or wait in a bounded queue',
  },
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
    description: 'per-request timeout (s)',
  },
  bodyLimitBytes: { type: 'integer', minimum: 1, default: DEFAULT_BODY_LIMIT_BYTES },
  workloads: workloadOverridesSchema,
} as const;

const endpointConfigSchema = { type: 'object', properties: localEndpointSchema } as const;

/** Endpoint and admission settings of an embedded platform (defaults applied). */
export type LocalEndpointConfig = FromSchema<typeof endpointConfigSchema>;

/** A point's settings that override the suite entry's (SetupOptions → config). */
export function applyEndpointOptions(config: LocalEndpointConfig, options: SetupOptions): void {
  if (options.maxConcurrency !== undefined) config.maxConcurrency = options.maxConcurrency;
  if (options.requestTimeout !== undefined) config.requestTimeout = options.requestTimeout;
}

/** The admission settings as recorded in the run manifest (describe().details). */
export function endpointDetails(config: LocalEndpointConfig): Record<string, unknown> {
  return {
    maxConcurrency: config.maxConcurrency ?? null,
    overflow: config.overflow,
    queueLimit: config.queueLimit,
    requestTimeout: config.requestTimeout,
  };
}
