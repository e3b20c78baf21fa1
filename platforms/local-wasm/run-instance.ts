/**
 * Run one request in a FRESH instance of a compiled WASI command module: instantiate, call
 * `_start` with the input on stdin, collect stdout, drop the instance (Spin's execution
 * model: compile once, instantiate per request). Used by the worker threads and, as the
 * in-process baseline, by bench/platforms.bench.ts.
 */

import { createWasiHost, OutputTooLarge, ProcExit, type WasiHost } from './wasi-shim.js';
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js';

export interface InstanceOutcome {
  /** 0 on success. */
  exitCode: number;
  stdout: Uint8Array;
  /** Trap / error text, or the guest's stderr, when exitCode != 0. */
  error?: string;
  /** Instantiation time (s). */
  instantiateTime: number;
}

/** Runs requests of one module, each in a fresh instance, reusing the WASI host functions. */
export type InstanceRunner = (stdin: Uint8Array) => InstanceOutcome;

/**
 * A runner for `module` (one per worker thread and module): the WASI import object is built
 * once (wasi-shim.ts `createWasiHost`); every call still creates a FRESH instance, with its own
 * fresh memory, and drops it. Calls must not overlap (they cannot: a Wasm call is synchronous).
 */
export function createInstanceRunner(module: WasmModule, name: string): InstanceRunner {
  const host = createWasiHost(module, [name]);
  return (stdin) => {
    host.begin(stdin);
    try {
      return runFresh(module, host);
    } finally {
      host.end();
    }
  };
}

/** One request in a fresh instance with a new WASI host (no reuse at all). */
export function runInstance(module: WasmModule, stdin: Uint8Array, name: string): InstanceOutcome {
  const host = createWasiHost(module, [name]);
  host.begin(stdin);
  return runFresh(module, host);
}

function runFresh(module: WasmModule, shim: WasiHost): InstanceOutcome {
  const t0 = performance.now();
  const instance = new wasmApi.Instance(module, shim.imports);
  const instantiateTime = (performance.now() - t0) / 1000;
  const { memory, _start } = instance.exports as { memory?: WasmMemory; _start?: () => void };
  if (!(memory instanceof wasmApi.Memory) || typeof _start !== 'function') {
    return {
      exitCode: 1,
      stdout: new Uint8Array(0),
      error: 'module is not a WASI command (needs exported `memory` and `_start`)',
      instantiateTime,
    };
  }
  shim.bind(memory);
  let exitCode = 0;
  let error: string | undefined;
  try {
    _start();
  } catch (err) {
    if (err instanceof ProcExit) exitCode = err.code;
    else {
      exitCode = 1;
      error =
        err instanceof OutputTooLarge
          ? err.message
          : `trap: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (exitCode !== 0 && error === undefined) {
    const stderr = shim.stderr().trim();
    error = `exit code ${exitCode}${stderr ? `: ${stderr}` : ''}`;
  }
  const outcome: InstanceOutcome = { exitCode, stdout: shim.stdout(), instantiateTime };
  if (error !== undefined) outcome.error = error;
  return outcome;
}
