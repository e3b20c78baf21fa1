/**
 * Where the embedded platforms get a workload's artifacts: an explicit override in the
 * platform config (`workloads: {name: {...}}`, used by tests, benches and ad-hoc actions),
 * else the workloads registry (workloads/registry.ts `getWorkload(name).artifacts(buildDir)`).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { BuildError, ConfigError } from '../harness/errors.js';
import type { NativeArtifact, WasmArtifact, WorkloadArtifacts } from '../workloads/types.js';

/** A workload given directly in a platform config (paths relative to the working directory). */
export interface WorkloadOverride {
  /** A WASI preview1 module (stdin → stdout). */
  wasm?: string;
  /** An action server: `command ...args --port P`. */
  native?: { command: string; args?: string[]; files?: string[] };
  /** Input used to warm the module up at deploy (default: the registry's default input, else {}). */
  warmupInput?: unknown;
}

export interface ResolvedWorkload {
  name: string;
  artifacts: WorkloadArtifacts;
  /** Input for warm-up runs. */
  warmupInput: unknown;
}

/** JSON Schema of the `workloads` override map, shared by both platform configs. */
export const workloadOverridesSchema = {
  type: 'object',
  description: 'Workloads given directly (name → artifact), instead of the workloads registry.',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: {
      wasm: { type: 'string', minLength: 1, description: 'path to a WASI preview1 module (stdin → stdout)' },
      native: {
        type: 'object',
        additionalProperties: false,
        required: ['command'],
        properties: {
          command: { type: 'string', minLength: 1 },
          args: { type: 'array', items: { type: 'string' } },
          files: { type: 'array', items: { type: 'string' } },
        },
      },
      warmupInput: {},
    },
  },
} as const;

interface RegistryModule {
  getWorkload(name: string): {
    defaultInput?: unknown;
    artifacts(buildDir?: string): WorkloadArtifacts;
  };
}

/**
 * Resolve `name` to its artifacts.
 * @throws BuildError when the workload is unknown or not built (the hint says how to build it).
 */
export async function resolveWorkload(
  name: string,
  overrides: Record<string, WorkloadOverride> | undefined,
  buildDir: string,
): Promise<ResolvedWorkload> {
  const own = overrides?.[name];
  if (own) {
    const artifacts: WorkloadArtifacts = {};
    if (own.wasm) artifacts.wasm = { kind: 'wasi-module', path: absolute(own.wasm) } satisfies WasmArtifact;
    if (own.native) {
      artifacts.native = {
        command: own.native.command,
        args: own.native.args ?? [],
        files: own.native.files ?? [],
      } satisfies NativeArtifact;
    }
    return { name, artifacts, warmupInput: own.warmupInput ?? {} };
  }
  let registry: RegistryModule;
  try {
    // A computed specifier: the registry is built by the workloads module and may be absent.
    const spec = '../workloads/registry.js';
    registry = (await import(spec)) as RegistryModule;
  } catch (err) {
    throw new BuildError(`workload ${JSON.stringify(name)}: the workloads registry cannot be loaded`, {
      cause: err,
      hint: 'give the workload in the platform config (`workloads: {<name>: {wasm|native}}`)',
    });
  }
  let def: ReturnType<RegistryModule['getWorkload']>;
  try {
    def = registry.getWorkload(name);
  } catch (err) {
    throw new ConfigError(
      `unknown workload ${JSON.stringify(name)}: ${err instanceof Error ? err.message : err}`,
    );
  }
  return { name, artifacts: def.artifacts(buildDir), warmupInput: def.defaultInput ?? {} };
}

/** A wasm path that exists, or a BuildError naming the workload and the fix. */
export function requireFile(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new BuildError(`${what} not found at ${path}`, {
      hint: 'build the workloads: npm run build:workloads',
    });
  }
  return path;
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(path);
}
