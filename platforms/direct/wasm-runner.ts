/**
 * One fresh Wasm invocation in-process (the "fresh instance per request" model of Spin):
 * - wasi-module (aes, matmul, whatlang): a new `node:wasi` WASI + WebAssembly.Instance per
 *   call; the input JSON goes in on stdin and the result comes back on stdout. node:wasi
 *   takes file descriptors, so both are temporary files in a per-process directory.
 * - js-component (float): the function component transpiled by jco (`--instantiation
 *   sync`; its core modules are compiled once), instantiated per call and `run(input)` called.
 * Compiled modules are cached per path (compile once, instantiate per request).
 */
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildError, PlatformError } from '../../core/errors.js';
import { artifactPaths, DEFAULT_BUILD_DIR, getWorkload } from '../../workloads/registry.js';
import type { WorkloadName } from '../../workloads/types.js';
import { installPromisingFallback } from '../local-wasm/run-component.js';
import { runInstance } from '../local-wasm/run-instance.js';
import { loadTranspiled } from '../local-wasm/transpiled.js';
import {
  enableWasmExtendedConst,
  type WasmImports,
  type WasmModule,
  wasmApi,
} from '../local-wasm/wasm-api.js';

export type CompiledWasm =
  | { kind: 'wasi-module'; name: WorkloadName; module: WasmModule; compileSeconds: number }
  | JsComponent;

/** A jco-transpiled function component: its core modules by file name, the glue's instantiate. */
export interface JsComponent {
  kind: 'js-component';
  name: WorkloadName;
  modules: Record<string, WasmModule>;
  instantiate: (
    getCoreModule: (path: string) => WasmModule,
    imports: Record<string, unknown>,
  ) => { run(input: string): string };
  compileSeconds: number;
}

export interface WasmOptions {
  buildDir?: string;
  /** Reuse a module from {@link compileWasm} (else compiled and cached on first use). */
  compiled?: CompiledWasm;
  /**
   * Environment of a WASI module (default none). With `REQUEST_METHOD` set the module
   * answers like a WAGI handler (CGI headers, blank line, body), as under Spin.
   */
  env?: Record<string, string>;
}

/** Raw outcome of one invocation: 200 + result JSON, or 502 + {"error": ...}. */
export interface WasmResponse {
  status: number;
  body: string;
}

const cache = new Map<string, Promise<CompiledWasm>>();

function missing(name: WorkloadName, what: string): BuildError {
  return new BuildError(`${name}: the wasm build is missing (${what})`, {
    hint: 'run `npm run build:workloads` (it says which toolchain to install if one is missing)',
  });
}

/** Compile the workload's Wasm once (cached per artifact path). */
export function compileWasm(name: WorkloadName, buildDir: string = DEFAULT_BUILD_DIR): Promise<CompiledWasm> {
  const def = getWorkload(name);
  const artifact = def.artifacts(buildDir).wasm;
  if (!artifact) return Promise.reject(missing(name, artifactPaths(name, buildDir).wasm));
  const key = artifact.kind === 'wasi-module' ? artifact.path : artifact.transpiledDir;
  let pending = cache.get(key);
  if (!pending) {
    pending = (async (): Promise<CompiledWasm> => {
      const started = performance.now();
      if (artifact.kind === 'wasi-module') {
        await loadWasi();
        const module = await wasmApi.compile(readFileSync(artifact.path));
        return { kind: 'wasi-module', name, module, compileSeconds: (performance.now() - started) / 1000 };
      }
      installPromisingFallback();
      await enableWasmExtendedConst();
      const { glueUrl, modules } = await loadTranspiled(artifact.transpiledDir);
      const glue = (await import(glueUrl)) as { instantiate: JsComponent['instantiate'] };
      return {
        kind: 'js-component',
        name,
        modules,
        instantiate: glue.instantiate,
        compileSeconds: (performance.now() - started) / 1000,
      };
    })();
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

type WasiClass = typeof import('node:wasi').WASI;
let wasiClass: WasiClass | undefined;

/**
 * node:wasi, loaded once. Node 20 prints "WASI is an experimental feature" when the module
 * loads; that one warning is dropped so stderr stays readable (all others pass through).
 */
async function loadWasi(): Promise<WasiClass> {
  if (wasiClass) return wasiClass;
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (text.includes('WASI is an experimental feature')) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    wasiClass = (await import('node:wasi')).WASI;
  } finally {
    process.emitWarning = original;
  }
  return wasiClass;
}

let scratch: string | undefined;
let seq = 0;

/**
 * The per-process directory for stdin/stdout files (each invocation removes its own two
 * files; the directory goes at process exit, which SIGINT/SIGTERM handling also reaches).
 */
function scratchDir(): string {
  if (!scratch || !existsSync(scratch)) {
    const dir = mkdtempSync(join(tmpdir(), 'faasmark-wasi-'));
    scratch = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/**
 * Without an environment, the module runs on local-wasm's in-memory WASI shim: Node 20's
 * node:wasi crashed the process (SIGSEGV / SIGTRAP) in about one of 400-1000 runs on these
 * machines, with old and new builds alike, unless GC was single-threaded (docs/workloads.md
 * "Tests"). node:wasi stays for the WAGI case, whose environment the shim does not offer.
 */
function runWasiModule(
  compiled: Extract<CompiledWasm, { kind: 'wasi-module' }>,
  inputJson: string,
  env: Record<string, string> = {},
): WasmResponse {
  if (Object.keys(env).length === 0) {
    const outcome = runInstance(compiled.module, new TextEncoder().encode(inputJson), compiled.name);
    const body = new TextDecoder().decode(outcome.stdout).trim();
    if (outcome.exitCode === 0) return { status: 200, body };
    if (body !== '') return { status: 502, body };
    const error = outcome.error?.startsWith('trap: ')
      ? `the workload trapped: ${outcome.error.slice(6)}`
      : `the workload exited with code ${outcome.exitCode}`;
    return { status: 502, body: JSON.stringify({ error }) };
  }
  const dir = scratchDir();
  const id = `${process.pid}-${seq++}`;
  const inPath = join(dir, `${id}.in`);
  const outPath = join(dir, `${id}.out`);
  writeFileSync(inPath, inputJson);
  const stdin = openSync(inPath, 'r');
  const stdout = openSync(outPath, 'w+');
  let code: number;
  try {
    const WASI = wasiClass as WasiClass; // loaded by compileWasm
    const wasi = new WASI({
      version: 'preview1',
      args: [compiled.name],
      env,
      stdin,
      stdout,
      stderr: 2,
      returnOnExit: true,
    });
    const instance = new wasmApi.Instance(compiled.module, wasi.getImportObject() as WasmImports);
    try {
      code = wasi.start(instance);
    } catch (err) {
      // a trap (e.g. a Rust panic: wasm32-wasip1 aborts) is a workload failure, not a host crash
      return {
        status: 502,
        body: JSON.stringify({ error: `the workload trapped: ${(err as Error).message}` }),
      };
    }
  } finally {
    closeSync(stdin);
    closeSync(stdout);
  }
  const body = readFileSync(outPath, 'utf8').trim();
  rmSync(inPath, { force: true });
  rmSync(outPath, { force: true });
  if (code === 0) return { status: 200, body };
  return {
    status: 502,
    body: body !== '' ? body : JSON.stringify({ error: `the workload exited with code ${code}` }),
  };
}

function runComponent(
  compiled: Extract<CompiledWasm, { kind: 'js-component' }>,
  inputJson: string,
): WasmResponse {
  try {
    const instance = compiled.instantiate((path) => compiled.modules[path] as WasmModule, {});
    const body = instance.run(inputJson);
    const isError = body.startsWith('{"error"');
    return { status: isError ? 502 : 200, body };
  } catch (err) {
    return {
      status: 502,
      body: JSON.stringify({ error: `the workload trapped: ${(err as Error).message}` }),
    };
  }
}

/** One fresh instance: input JSON text in, status + body out (never throws for workload errors). */
export async function invokeWasmRaw(
  name: WorkloadName,
  inputJson: string,
  opts: WasmOptions = {},
): Promise<WasmResponse> {
  const compiled = opts.compiled ?? (await compileWasm(name, opts.buildDir));
  return compiled.kind === 'wasi-module'
    ? runWasiModule(compiled, inputJson, opts.env)
    : runComponent(compiled, inputJson);
}

/**
 * One fresh Wasm invocation of `name` with `input` (validated first); resolves to the
 * parsed result, rejects with PlatformError carrying the workload's error message.
 */
export async function runWasmOnce(name: string, input: unknown, opts: WasmOptions = {}): Promise<unknown> {
  const def = getWorkload(name);
  const normalised = def.validateInput(input);
  const response = await invokeWasmRaw(def.name, JSON.stringify(normalised), opts);
  return parseResponse(def.name, 'wasm', response);
}

/** Parse a 200 body, or turn a 502 {"error"} into a PlatformError. */
export function parseResponse(name: WorkloadName, build: string, response: WasmResponse): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw new PlatformError(
      `${name} (${build}) returned ${response.status} with a body that is not JSON: ${response.body.slice(0, 200)}`,
    );
  }
  if (response.status !== 200) {
    const message = (parsed as { error?: unknown })?.error;
    throw new PlatformError(
      `${name} (${build}) failed with ${response.status}: ${typeof message === 'string' ? message : response.body.slice(0, 200)}`,
    );
  }
  return parsed;
}
