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

/**
 * V8 flags this process set for Wasm features its V8 does not ship yet: Node 20's V8 11.3 lacks
 * extended-const (shipped in V8 11.4), which componentize-py's core modules use (`i32.add` in a
 * constant expression). Set at run time, before compiling, so worker threads need no flag: they
 * instantiate modules compiled here. Recorded in describe().
 */
export const appliedV8Flags: string[] = [];

/** Enable extended-const on a V8 older than 11.4 (once; a no-op on newer ones). */
export async function enableWasmExtendedConst(): Promise<void> {
  const [major = 0, minor = 0] = process.versions.v8.split('.').map(Number);
  if (major > 11 || (major === 11 && minor >= 4) || appliedV8Flags.length > 0) return;
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--experimental-wasm-extended-const');
  appliedV8Flags.push('--experimental-wasm-extended-const');
}
