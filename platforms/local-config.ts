/**
 * What the embedded platforms' suite entries share (local-container, local-wasm): the
 * settings of their HTTP endpoint and admission queue, the JSON Schema of the settings that
 * read the same, and the unknown-option check of normalizeConfig().
 */

import type { SetupOptions } from '../core/platform.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './http-endpoint.js';
import type { WorkloadOverride } from './workload-source.js';

/** Endpoint and admission settings of an embedded platform (normalised, defaults applied). */
export interface LocalEndpointConfig {
  /** HTTP port on 127.0.0.1 (0 = any free port). */
  port: number;
  maxConcurrency: number | undefined;
  overflow: 'reject' | 'queue';
  queueLimit: number;
  /** Per-request timeout (s). */
  requestTimeout: number;
  bodyLimitBytes: number;
  workloads: Record<string, WorkloadOverride> | undefined;
}

/** JSON Schema of the endpoint settings both embedded platforms describe alike. */
export const localEndpointSchema = {
  port: {
    type: 'integer',
    minimum: 0,
    maximum: 65535,
    default: 0,
    description: 'HTTP port on 127.0.0.1 (0 = any free port)',
  },
  overflow: {
    enum: ['reject', 'queue'],
    default: 'reject',
    description: 'beyond maxConcurrency: 429, or wait in a bounded queue',
  },
  bodyLimitBytes: { type: 'integer', minimum: 1, default: DEFAULT_BODY_LIMIT_BYTES },
} as const;

/** Push `<prefix>.<key> is not a known option` for each key of `raw` not in `properties`. */
export function checkKnownOptions(
  raw: Record<string, unknown>,
  properties: object,
  prefix: string,
  problems: string[],
): void {
  const known = new Set(Object.keys(properties));
  for (const key of Object.keys(raw))
    if (!known.has(key)) problems.push(`${prefix}.${key} is not a known option`);
}

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
