/**
 * What a workload is to the rest of faasmark; workloads/registry.ts lists the four
 * (workloads/<name>/index.ts each) and platforms only use these types. The artifact contracts
 * (native action server, WASI command module, wasi:http proxy component, function component)
 * are told in docs/workloads.md "The artifact contracts".
 */

export type WorkloadName = 'aes' | 'matmul' | 'whatlang' | 'float';
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['aes', 'matmul', 'whatlang', 'float'];

/** Named inputs: `default` (the thesis's parameters) and `thesis` (sized for its service times here). */
export type InputPresetName = 'default' | 'thesis';
export const INPUT_PRESET_NAMES: readonly InputPresetName[] = ['default', 'thesis'];

export interface NativeArtifact {
  /** Executable to spawn (absolute path), e.g. the Rust action server or python3.11. */
  command: string;
  /** Arguments before `--port P`. */
  args: string[];
  /** Files a container image needs (absolute paths), for the Docker executor and OpenWhisk images. */
  files: string[];
}

/** What the in-process V8 engine (local-wasm, profile, invoke) instantiates per request. */
export type WasmArtifact =
  | {
      kind: 'wasi-module';
      /** Absolute path to the .wasm (WASI preview-1 command: stdin → stdout, WAGI-compatible). */
      path: string;
    }
  | {
      /** A component transpiled to JS by jco (float: componentize-py, world faasmark:workload/function). */
      kind: 'js-component';
      /** The workload's wasi:http proxy component (what Spin runs). */
      componentPath: string;
      /** Directory with jco's transpiled output (one ESM glue .js + its core modules). */
      transpiledDir: string;
      /**
       * The ESM glue in `transpiledDir` (`jco transpile --instantiation sync`): exports
       * `instantiate(getCoreModule, imports)` returning `{ run(input: string): string }`
       * (input JSON in, result JSON or {"error"} out; no imports). V8 in Node 20 needs
       * `--experimental-wasm-extended-const` for componentize-py's core modules.
       */
      transpiledEntry?: string;
    };

/** The wasi:http proxy component: what `spin up` and `wasmtime serve` run. */
export interface ComponentArtifact {
  /** Absolute path of the component (.wasm). */
  path: string;
  /**
   * `wasmtime serve` options it needs beyond the proxy world: float's componentize-py runtime
   * imports wasi:cli and wasi:filesystem, hence `-S cli=y`; the Rust components need none.
   * Absent (a component given by path): derived from its imports.
   */
  serveArgs?: string[];
}

export interface WorkloadArtifacts {
  native?: NativeArtifact;
  wasm?: WasmArtifact;
  component?: ComponentArtifact;
}

export interface WorkloadDefinition {
  name: WorkloadName;
  description: string;
  /** Thesis language and ours, for the report. */
  language: { thesis: string; faasmark: string };
  /** The default input (thesis parameters). */
  defaultInput: Record<string, unknown>;
  /**
   * Named inputs; `thesis` is sized so warm native service times on a 2-core machine fall in
   * the thesis's range (docs/workloads.md "Input presets"): an input choice, not a correction.
   */
  inputPresets: Record<InputPresetName, Record<string, unknown>>;
  /** Base image of its container (workloads/docker/): `action` (static binaries) or `python`. */
  containerBase: 'action' | 'python';
  /**
   * Validate and normalise an input object; throws InputError naming the field, rule and
   * value. Size parameters are capped so one request cannot exhaust the host.
   */
  validateInput(input: unknown): Record<string, unknown>;
  /** Built artifacts (absent when not built), under `buildDir` (default workloads/build). */
  artifacts(buildDir?: string): WorkloadArtifacts;
}
