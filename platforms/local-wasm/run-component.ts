/**
 * Run one request in a FRESH instance of a jco-transpiled JS component (the float workload's
 * function component: world `faasmark:workload/function`, `export run: func(input: string) ->
 * string`, built with no WASI imports by workloads/build.ts). The glue's `instantiate()` is
 * called per request with the core modules compiled once; the instance is dropped after.
 *
 * jco ≥ 1.17 glue calls `WebAssembly.promising` (JSPI) inside a try/catch at every
 * instantiation; Node 20 lacks it, and the thrown TypeError makes V8 re-parse the ~1 MB glue:
 * ~27 ms per instance (docs/design/machines.md). {@link installPromisingFallback} sets it to the
 * identity function — exactly what the glue's catch branch falls back to — which brings
 * instantiation down to a few ms.
 */
import type { WasmModule } from './wasm-api.js';

export interface ComponentGlue {
  instantiate(
    getCoreModule: (path: string) => WasmModule,
    imports: Record<string, unknown>,
  ): { run?: (input: string) => string };
}

export interface ComponentOutcome {
  exitCode: number;
  stdout: Uint8Array;
  error?: string;
  instantiateTime: number;
}

/** See the module comment; idempotent, only fills in a missing function. */
export function installPromisingFallback(): void {
  const wa = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
  if (typeof wa.promising !== 'function') wa.promising = (f: unknown) => f;
}

export function runComponent(
  glue: ComponentGlue,
  modules: Record<string, WasmModule>,
  input: Uint8Array,
): ComponentOutcome {
  const t0 = performance.now();
  let root: ReturnType<ComponentGlue['instantiate']>;
  try {
    root = glue.instantiate((path) => {
      const m = modules[path];
      if (!m) throw new Error(`core module ${path} missing from the transpiled directory`);
      return m;
    }, {});
  } catch (err) {
    return {
      exitCode: 1,
      stdout: new Uint8Array(0),
      error: `instantiate failed: ${err instanceof Error ? err.message : String(err)}`,
      instantiateTime: (performance.now() - t0) / 1000,
    };
  }
  const instantiateTime = (performance.now() - t0) / 1000;
  if (typeof root.run !== 'function') {
    return {
      exitCode: 1,
      stdout: new Uint8Array(0),
      error: 'component exports no run(input) function',
      instantiateTime,
    };
  }
  let text: string;
  try {
    text = root.run(new TextDecoder().decode(input));
  } catch (err) {
    return {
      exitCode: 1,
      stdout: new Uint8Array(0),
      error: `trap: ${err instanceof Error ? err.message : String(err)}`,
      instantiateTime,
    };
  }
  // the function component reports failures as {"error": "..."} (workloads/float/src/float_kernel.py)
  if (text.startsWith('{"error":')) {
    let message = text;
    try {
      message = String((JSON.parse(text) as { error: unknown }).error);
    } catch {
      // keep the raw text
    }
    return { exitCode: 1, stdout: new Uint8Array(0), error: message, instantiateTime };
  }
  return { exitCode: 0, stdout: new TextEncoder().encode(text), instantiateTime };
}
