/**
 * Where the embedded platforms get a workload's artifacts: an explicit override in the
 * platform config (`workloads: {name: {...}}`, used by tests, benches and ad-hoc actions),
 * else the workloads registry (workloads/registry.ts `getWorkload(name).artifacts(buildDir)`).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { BuildError, ConfigError, FaasmarkError } from '../core/errors.js';
import type {
  NativeArtifact,
  WasmArtifact,
  WorkloadArtifacts,
  WorkloadDefinition,
} from '../workloads/types.js';
import { checkKnownOptions } from './local-config.js';

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
    anyOf: [{ required: ['wasm'] }, { required: ['native'] }],
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

/**
 * Check a `workloads` override map (what {@link workloadOverridesSchema} says), pushing one
 * message per problem with its dot path (`<platform>.workloads.<name>.<field>`).
 */
export function checkWorkloadOverrides(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `${where} must be a mapping of workload name to {wasm | native}, got ${JSON.stringify(value)}`,
    );
    return;
  }
  const isStrings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
    const at = `${where}.${name}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} must be a mapping with wasm and/or native, got ${JSON.stringify(entry)}`);
      continue;
    }
    const e = entry as Record<string, unknown>;
    checkKnownOptions(e, workloadOverridesSchema.additionalProperties.properties, at, problems);
    if (e.wasm === undefined && e.native === undefined)
      problems.push(`${at} needs wasm (a .wasm path) or native`);
    if (e.wasm !== undefined && (typeof e.wasm !== 'string' || e.wasm === '')) {
      problems.push(`${at}.wasm must be a path to a .wasm file, got ${JSON.stringify(e.wasm)}`);
    }
    if (e.native !== undefined) {
      const n = e.native as Record<string, unknown> | null;
      if (typeof n !== 'object' || n === null || typeof n.command !== 'string' || n.command === '') {
        problems.push(
          `${at}.native.command must be the action server's executable, got ${JSON.stringify(n)}`,
        );
      } else {
        if (n.args !== undefined && !isStrings(n.args))
          problems.push(`${at}.native.args must be a list of strings`);
        if (n.files !== undefined && !isStrings(n.files))
          problems.push(`${at}.native.files must be a list of strings`);
      }
    }
  }
}

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
    if (own.native) {
      artifacts.native = {
        command: own.native.command,
        args: own.native.args ?? [],
        files: own.native.files ?? [],
      } satisfies NativeArtifact;
    }
    return { name, artifacts, warmupInput: own.warmupInput ?? {} };
  }
  const { getWorkload } = await import('../workloads/registry.js');
  let def: WorkloadDefinition;
  try {
    def = getWorkload(name);
  } catch (err) {
    if (err instanceof FaasmarkError) throw err;
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
