/**
 * Where the embedded platforms get a workload's artifacts: an explicit override in the
 * platform config (`workloads: {name: {...}}`, used by tests, benches and ad-hoc actions),
 * else the workloads registry (workloads/registry.ts `getWorkload(name).artifacts(buildDir)`).
 * The wasi:http proxy component (`wasmtime serve`) comes from the registry's `component`
 * artifact, or `<buildDir>/<w>/component/<w>.wasm` (docs/workloads.md "Build layout").
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { FromSchema } from 'json-schema-to-ts';
import { BuildError, ConfigError, FaasmarkError } from '../../core/errors.js';
import { artifactPaths } from '../../workloads/shared/artifacts.js';
import type {
  NativeArtifact,
  WasmArtifact,
  WorkloadArtifacts,
  WorkloadDefinition,
  WorkloadName,
} from '../../workloads/types.js';

export interface ResolvedWorkload {
  name: string;
  artifacts: WorkloadArtifacts;
  /** Input for warm-up runs. */
  warmupInput: unknown;
  /** The registry's container base image kind, when it names one (workloads/types.ts). */
  containerBase?: 'action' | 'python';
  /** Where the component is expected when it is not built (for the error message). */
  componentPath?: string;
}

/** JSON Schema of the `workloads` override map, shared by both platform configs. */
export const workloadOverridesSchema = {
  type: 'object',
  description: 'Workloads given directly (name → artifact), instead of the workloads registry.',
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['wasm'] }, { required: ['native'] }, { required: ['component'] }],
    properties: {
      wasm: { type: 'string', minLength: 1, description: 'path to a WASI preview1 module (stdin → stdout)' },
      component: {
        type: 'string',
        minLength: 1,
        description: 'path to a wasi:http proxy component (local-wasm, engine wasmtime)',
      },
      serveArgs: {
        type: 'array',
        items: { type: 'string' },
        description: 'extra `wasmtime serve` flags the component needs (e.g. ["-S", "cli=y"])',
      },
      native: {
        type: 'object',
        additionalProperties: false,
        required: ['command'],
        description: 'an action server: `command ...args --port P`',
        properties: {
          command: { type: 'string', minLength: 1 },
          args: { type: 'array', items: { type: 'string' } },
          files: { type: 'array', items: { type: 'string' } },
        },
      },
      warmupInput: {
        description: "input of the warm-up runs at deploy (default: the registry's default input, else {})",
      },
    },
  },
} as const;

/** A workload given directly in a platform config (paths relative to the working directory). */
export type WorkloadOverride = FromSchema<typeof workloadOverridesSchema.additionalProperties>;

/**
 * Resolve `name` to its artifacts.
 * @throws InputError when the registry does not know `name` (the hint lists the known ones)
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
    const component = own.component
      ? { path: absolute(own.component), ...(own.serveArgs ? { serveArgs: own.serveArgs } : {}) }
      : undefined;
    if (own.native) {
      artifacts.native = {
        command: own.native.command,
        args: own.native.args ?? [],
        files: own.native.files ?? [],
      } satisfies NativeArtifact;
    }
    return {
      name,
      artifacts: component ? { ...artifacts, component } : artifacts,
      warmupInput: own.warmupInput ?? {},
    };
  }
  const { getWorkload } = await import('../../workloads/registry.js');
  let def: WorkloadDefinition;
  try {
    def = getWorkload(name);
  } catch (err) {
    if (err instanceof FaasmarkError) throw err;
    throw new ConfigError(
      `unknown workload ${JSON.stringify(name)}: ${err instanceof Error ? err.message : err}`,
    );
  }
  const resolved: ResolvedWorkload = {
    name,
    artifacts: def.artifacts(buildDir),
    warmupInput: def.defaultInput ?? {},
    componentPath: artifactPaths(name as WorkloadName, buildDir).component,
  };
  if (def.containerBase) resolved.containerBase = def.containerBase;
  return resolved;
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
