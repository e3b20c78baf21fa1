/**
 * Typed access to the WebAssembly JS API. The project compiles with lib ES2023 and Node
 * types only (no DOM lib, which is where TypeScript declares `WebAssembly`), so the few
 * members local-wasm uses are declared here, locally, instead of adding a global lib.
 */

/** A compiled module (opaque; shareable with worker threads via postMessage). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export type WasmImports = Record<string, Record<string, unknown>>;

export interface WasmImportDescriptor {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global' | 'tag';
}

interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Module: { new (bytes: Uint8Array): WasmModule; imports(module: WasmModule): WasmImportDescriptor[] };
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  Memory: abstract new (...args: never[]) => WasmMemory;
}

/** The runtime's WebAssembly object. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
