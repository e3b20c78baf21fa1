/**
 * local-wasm's suite entry: its JSON Schema, the one source of its shape, its defaults and
 * (via json-schema-to-ts) its config type; `workers` defaults to the host's parallelism.
 */

import { availableParallelism } from 'node:os';
import type { FromSchema } from 'json-schema-to-ts';
import type { SettingsControl } from '../../core/platform.js';
import { localEndpointSchema } from '../embedded/local-config.js';
import { parseEntry } from '../platform-config.js';

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
      ...localEndpointSchema.maxConcurrency,
      description: 'max requests in flight (default: unlimited)',
    },
    overflow: localEndpointSchema.overflow,
    queueLimit: localEndpointSchema.queueLimit,
    requestTimeout: {
      ...localEndpointSchema.requestTimeout,
      description: 'per-request timeout (s); the worker is replaced',
    },
    bodyLimitBytes: localEndpointSchema.bodyLimitBytes,
    warmupRuns: {
      type: 'integer',
      minimum: 0,
      default: 20,
      description: 'runs per worker at deploy so V8 tiers the module up',
    },
    workloads: localEndpointSchema.workloads,
  },
} as const;

/** A `local-wasm` entry with defaults applied (`workers` resolved on this host). */
export type LocalWasmConfig = FromSchema<typeof configSchema> & { workers: number };

/**
 * Validate a `local-wasm` entry and apply its defaults.
 * @throws ConfigError listing every problem at `<where>.<key>`
 */
export function parseConfig(raw: unknown, where = 'local-wasm'): LocalWasmConfig {
  return parseEntry('local-wasm', configSchema, raw, where, (c: FromSchema<typeof configSchema>) => ({
    ...c,
    workers: c.workers ?? availableParallelism(),
  }));
}

/** A fresh instance per request: no keep-alive, no routing. */
export function settingsControl(_config: LocalWasmConfig): SettingsControl {
  return { keepAlive: 'none', routing: false };
}
