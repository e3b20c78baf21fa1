/**
 * What a workload is to the rest of faasmark. The workloads module (workloads/registry.ts)
 * implements this for aes, matmul, whatlang and float; platforms only use these types.
 *
 * Artifact contract (shared by the local container pool, Docker, OpenWhisk and Spin):
 * - native: an *action server* — a long-lived process speaking the OpenWhisk action
 *   protocol on 127.0.0.1 (or 0.0.0.0 inside a container): `POST /init` → 200
 *   `{"ok":true}`, `POST /run` with body `{"value": <input>}` → 200 `<result JSON>`, or
 *   502 `{"error": "..."}` when the workload fails. Started as `command ...args --port P`
 *   (`--port 0` picks a free port); it prints one line `{"listening":<port>}` on stdout
 *   when ready. Default port 8080 (the OpenWhisk blackbox convention).
 * - wasm: a WASI module (`wasi-module`) that reads the input JSON on stdin and writes the
 *   result JSON on stdout (WAGI-compatible: when REQUEST_METHOD is set it first writes
 *   `content-type: application/json` and a blank line), exit code 0; or a Spin JS HTTP
 *   component (`js-component`, float) with a jco-transpiled copy for the local host.
 */

export type WorkloadName = 'aes' | 'matmul' | 'whatlang' | 'float';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['aes', 'matmul', 'whatlang', 'float'];

export interface NativeArtifact {
  /** Executable to spawn (absolute path), e.g. the Rust action server or `node`. */
  command: string;
  /** Arguments before `--port P`. */
  args: string[];
  /** Files a container image needs (absolute paths), for the Docker executor and OpenWhisk images. */
  files: string[];
}

export type WasmArtifact =
  | {
      kind: 'wasi-module';
      /** Absolute path to the .wasm (WASI preview 1, stdin → stdout). */
      path: string;
    }
  | {
      kind: 'js-component';
      /** The Spin HTTP component (.wasm), for Spin. */
      componentPath: string;
      /** Directory with jco's transpiled output (ESM glue + core modules), for the local host. */
      transpiledDir: string;
      /**
       * The ESM glue in `transpiledDir` (`jco transpile --instantiation sync`): exports
       * `instantiate(getCoreModule, imports)` returning `{ run(input: string): string }` —
       * a function component of the same kernel with no WASI imports (input JSON in,
       * result JSON or {"error"} out). platforms/direct/wasm-runner.ts drives it.
       */
      transpiledEntry?: string;
    };

export interface WorkloadArtifacts {
  native?: NativeArtifact;
  wasm?: WasmArtifact;
}

export interface WorkloadDefinition {
  name: WorkloadName;
  description: string;
  /** Thesis language and ours, for the report. */
  language: { thesis: string; faasmark: string };
  /** The default input (thesis parameters). */
  defaultInput: Record<string, unknown>;
  /**
   * Base image of its container (workloads/docker/): `action` (compiled servers: the loader and
   * libraries; the command is bind-mounted) or `python` (the interpreter is in the image, the
   * script is bind-mounted). Absent: local-container infers it from the native command.
   */
  containerBase?: 'action' | 'python';
  /**
   * Validate and normalise an input object; throws InputError naming the field, rule and
   * value. Size parameters are capped so one request cannot exhaust the host.
   */
  validateInput(input: unknown): Record<string, unknown>;
  /** Built artifacts (absent when not built), under `buildDir` (default workloads/build). */
  artifacts(buildDir?: string): WorkloadArtifacts;
}
