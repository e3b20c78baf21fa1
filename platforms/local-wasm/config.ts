/**
 * local-wasm's suite entry: its JSON Schema, the one source of its shape, its defaults and
 * (via json-schema-to-ts) its config type. The engine is `engine` when given; else v8 when the
 * entry is written for v8 (`workers` set, or only WASI modules given as workloads); else
 * wasmtime when a wasmtime CLI is installed, else v8. Asking for wasmtime without one is a
 * MissingToolError (exit 2) naming the install command. docs/embedded-platforms.md.
 */

import { availableParallelism } from 'node:os';
import type { FromSchema } from 'json-schema-to-ts';
import type { SettingsControl } from '../../core/platform.js';
import { localEndpointSchema } from '../embedded/local-config.js';
import { findWasmtime, type ResolvedWasmtime, resolveWasmtime } from '../external/wasmtime-cli.js';
import { parseEntry, type RuleContext } from '../platform-config.js';

export const WASM_ENGINES = ['v8', 'wasmtime'] as const;
export type WasmEngineName = (typeof WASM_ENGINES)[number];

const wasmtimeSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'wasmtime serve settings (engine: wasmtime)',
  properties: {
    binary: {
      type: 'string',
      minLength: 1,
      description: 'the wasmtime CLI (default: FAASMARK_WASMTIME, PATH, the install root)',
    },
    pooling: {
      type: 'boolean',
      description: "pooling allocator on/off (-O pooling-allocator); default: wasmtime's own choice",
    },
    totalComponentInstances: {
      type: 'integer',
      minimum: 1,
      description:
        'pooling: most component instances at once (-O pooling-total-component-instances); beyond it wasmtime answers 500',
    },
    maxMemorySize: {
      type: 'integer',
      minimum: 65536,
      description:
        "bytes a linear memory may grow to (-W max-memory-size); at least the module's initial memory",
    },
    maxConcurrentRequests: {
      type: 'integer',
      minimum: 1,
      description:
        'requests wasmtime serve handles at once (--max-concurrent-requests); more wait in its queue',
    },
    instanceReuse: {
      const: 1,
      default: 1,
      description:
        '--max-instance-reuse-count: 1 = a fresh instance per request, as Spin (the only value allowed)',
    },
    startTimeout: {
      type: 'number',
      exclusiveMinimum: 0,
      default: 60,
      description: 'wait for "Serving HTTP" (s)',
    },
    cacheDir: {
      type: 'string',
      minLength: 1,
      description: 'where precompiled .cwasm files go (default ~/.cache/faasmark)',
    },
  },
} as const;

export const configSchema = {
  $id: 'faasmark/platforms/local-wasm.json',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'local-wasm' },
    engine: {
      enum: WASM_ENGINES,
      description:
        'Wasm engine: wasmtime (wasmtime serve, default when installed) or v8 (Node worker threads)',
    },
    port: localEndpointSchema.port,
    workers: {
      type: 'integer',
      minimum: 1,
      maximum: 256,
      description: 'v8: worker threads (default: os.availableParallelism())',
    },
    maxConcurrency: {
      ...localEndpointSchema.maxConcurrency,
      description: 'max requests in flight (default: unlimited)',
    },
    overflow: localEndpointSchema.overflow,
    queueLimit: localEndpointSchema.queueLimit,
    requestTimeout: {
      ...localEndpointSchema.requestTimeout,
      description: 'per-request timeout (s); v8: the worker is replaced; wasmtime: the guest is interrupted',
    },
    bodyLimitBytes: localEndpointSchema.bodyLimitBytes,
    warmupRuns: {
      type: 'integer',
      minimum: 0,
      default: 20,
      description: 'v8: runs per worker at deploy (tier-up); wasmtime: requests at deploy, in sequence',
    },
    wasmtime: wasmtimeSchema,
    workloads: localEndpointSchema.workloads,
  },
} as const;

type Entry = FromSchema<typeof configSchema>;

/** A `local-wasm` entry with defaults applied and its engine resolved on this host. */
export type LocalWasmConfig = Omit<Entry, 'engine' | 'wasmtime'> & {
  engine: WasmEngineName;
  /** How the engine was chosen, for the log and describe(): `config`, or the default and why. */
  engineChoice: string;
  workers: number;
  wasmtime: FromSchema<typeof wasmtimeSchema>;
  /** The wasmtime CLI (engine wasmtime). */
  wasmtimeBinary?: ResolvedWasmtime;
};

function wasmtimeRules(c: Entry, ctx: RuleContext): void {
  if (ctx.given.workers !== undefined)
    ctx.problem('workers', 'applies to engine v8 only (wasmtime serve runs its own threads, one per core)');
  const w = c.wasmtime ?? {};
  if (w.pooling === false && w.totalComponentInstances !== undefined)
    ctx.problem(
      'wasmtime.totalComponentInstances',
      'needs the pooling allocator (wasmtime.pooling is false)',
    );
}

/** Why an entry without `engine` is written for v8, or undefined. */
function writtenForV8(c: Entry): string | undefined {
  if (c.workers !== undefined) return 'workers (a v8 setting) is set';
  const given = Object.values(c.workloads ?? {});
  if (given.length > 0 && given.every((w) => w.component === undefined))
    return 'the workloads given are WASI modules without a wasi:http component';
  return undefined;
}

/**
 * Validate a `local-wasm` entry, apply its defaults and resolve the engine.
 * @throws ConfigError listing every problem at `<where>.<key>`; MissingToolError when
 *   engine wasmtime is asked for and no wasmtime CLI is found (the hint says how to install it)
 */
export function parseConfig(
  raw: unknown,
  where = 'local-wasm',
  env: NodeJS.ProcessEnv = process.env,
): LocalWasmConfig {
  return parseEntry('local-wasm', configSchema, raw, where, (c: Entry, ctx): LocalWasmConfig => {
    const wasmtime = c.wasmtime ?? { instanceReuse: 1, startTimeout: 60 };
    const v8Entry = c.engine === undefined ? writtenForV8(c) : undefined;
    const found = c.engine === 'v8' || v8Entry ? undefined : findWasmtime(wasmtime.binary, env);
    const engine: WasmEngineName = c.engine ?? (found ? 'wasmtime' : 'v8');
    if (engine === 'wasmtime') wasmtimeRules(c, ctx);
    const binary = engine === 'wasmtime' ? (found ?? resolveWasmtime(wasmtime.binary, env)) : undefined;
    const engineChoice = c.engine
      ? 'config'
      : v8Entry
        ? `default: v8, since ${v8Entry}`
        : found
          ? `default: a wasmtime CLI is installed (${found.source}: ${found.path})`
          : 'default: no wasmtime CLI installed (scripts/install-wasmtime.sh)';
    return {
      ...c,
      engine,
      engineChoice,
      workers: c.workers ?? availableParallelism(),
      wasmtime: wasmtime as LocalWasmConfig['wasmtime'],
      ...(binary ? { wasmtimeBinary: binary } : {}),
    };
  });
}

/** A fresh instance per request: no keep-alive, no routing. */
export function settingsControl(_config: LocalWasmConfig): SettingsControl {
  return { keepAlive: 'none', routing: false };
}
