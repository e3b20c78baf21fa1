/**
 * local-container's suite entry: its JSON Schema, the one source of its shape, its defaults
 * and (via json-schema-to-ts) its config type. It has no cross-field rules.
 */

import type { FromSchema } from 'json-schema-to-ts';
import type { SettingsControl } from '../../core/platform.js';
import { ROUTING_POLICIES } from '../../core/platform.js';
import { localEndpointSchema } from '../embedded/local-config.js';
import { IDLE_CONTAINER_TIMEOUT } from '../keep-alive.js';
import { parseEntry } from '../platform-config.js';

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
      default: IDLE_CONTAINER_TIMEOUT,
      description:
        "idle time (s) after which an executor is destroyed (default: OpenWhisk's idle-container timeout)",
    },
    routing: {
      enum: ROUTING_POLICIES,
      default: 'mru',
      description: 'which idle executor gets a request',
    },
    seed: { type: 'integer', default: 1, description: 'seed of the random routing policy' },
    maxConcurrency: {
      ...localEndpointSchema.maxConcurrency,
      description: 'max executors (default: unlimited)',
    },
    overflow: localEndpointSchema.overflow,
    queueLimit: localEndpointSchema.queueLimit,
    requestTimeout: {
      ...localEndpointSchema.requestTimeout,
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
    workloads: localEndpointSchema.workloads,
  },
} as const;

/** A `local-container` entry with defaults applied. */
export type LocalContainerConfig = FromSchema<typeof configSchema>;

/**
 * Validate a `local-container` entry and apply its defaults.
 * @throws ConfigError listing every problem at `<where>.<key>`
 */
export function parseConfig(raw: unknown, where = 'local-container'): LocalContainerConfig {
  return parseEntry('local-container', configSchema, raw, where);
}

/** Any keep-alive and routing policy, applied per point. */
export function settingsControl(_config: LocalContainerConfig): SettingsControl {
  return { keepAlive: 'set', routing: true };
}
