/**
 * local-container's suite entry: its JSON Schema, the one source of its shape, its defaults
 * and (via json-schema-to-ts) its config type; one cross-field rule (the Docker user memory
 * holds at least one action). docs/embedded-platforms.md describes every key.
 */

import type { FromSchema } from 'json-schema-to-ts';
import type { SettingsControl } from '../../core/platform.js';
import { ROUTING_POLICIES } from '../../core/platform.js';
import { localEndpointSchema } from '../embedded/local-config.js';
import { OPENWHISK_DEFAULT_KEEP_ALIVE, PAUSE_GRACE } from '../keep-alive.js';
import { parseEntry } from '../platform-config.js';

/** Base image of compiled action servers (dynamic loader + libraries; scripts/build-docker-images.sh). */
export const DEFAULT_IMAGE = 'faasmark/action-base:bookworm';
/** Base image of Python action servers (Debian's CPython 3.11 + stdlib; scripts/build-docker-images.sh). */
export const DEFAULT_PYTHON_IMAGE = 'faasmark/python-base:3.11';

/** The `docker` block: how executor containers are made (OpenWhisk's invoker settings). */
const dockerSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Docker executor settings (executor docker, or auto when an engine answers)',
  properties: {
    socket: {
      type: 'string',
      minLength: 1,
      description: "the engine's unix socket (default: DOCKER_HOST when unix://…, else /var/run/docker.sock)",
    },
    images: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description:
        'base image per kind of action server; never pulled, built offline by scripts/setup-docker.sh',
      properties: {
        action: { type: 'string', minLength: 1, default: DEFAULT_IMAGE, description: 'compiled servers' },
        python: {
          type: 'string',
          minLength: 1,
          default: DEFAULT_PYTHON_IMAGE,
          description: 'Python servers',
        },
      },
    },
    memory: {
      type: 'integer',
      minimum: 6,
      default: 256,
      description: "action memory (MB): --memory and --memory-swap (OpenWhisk's default action limit)",
    },
    userMemory: {
      type: 'integer',
      minimum: 6,
      default: 2048,
      description:
        "the invoker's user memory (MB; the chart's 2048): cpu shares = max(floor(1024 / floor(userMemory / memory)), 2)",
    },
    pauseGrace: {
      type: 'number',
      minimum: 0,
      default: PAUSE_GRACE,
      description:
        "idle time (s) before an idle container is paused (OpenWhisk's pause-grace); unpaused on reuse",
    },
    address: {
      enum: ['auto', 'bridge', 'published'],
      default: 'auto',
      description:
        "how to reach a container: its bridge IP (OpenWhisk's way), or a published 127.0.0.1 port; auto = bridge when this host is on the bridge",
    },
  },
} as const;

export const configSchema = {
  $id: 'faasmark/platforms/local-container.json',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'local-container' },
    port: localEndpointSchema.port,
    executor: {
      enum: ['auto', 'process', 'docker'],
      default: 'auto',
      description: 'an executor is a Docker container or an OS process; auto = docker when an engine answers',
    },
    keepAlive: {
      type: 'number',
      minimum: 0,
      default: OPENWHISK_DEFAULT_KEEP_ALIVE,
      description:
        "total idle time (s) after which an executor is removed, pause-grace included: the SMP's keep-alive (default: OpenWhisk's pause-grace + idle-container, 610 s)",
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
    docker: dockerSchema,
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
  return parseEntry<LocalContainerConfig>('local-container', configSchema, raw, where, (config, ctx) => {
    const { memory, userMemory } = config.docker;
    if (userMemory < memory)
      ctx.problem('docker.userMemory', `must be >= docker.memory (${memory}), got ${userMemory}`);
    return config;
  });
}

/** Any keep-alive and routing policy, applied per point. */
export function settingsControl(_config: LocalContainerConfig): SettingsControl {
  return { keepAlive: 'set', routing: true };
}
