/**
 * A local-wasm worker thread: holds the compiled modules it was sent (WebAssembly.Module is
 * shared, not copied, through postMessage) and runs each request in a fresh instance.
 * Messages in: {type:'load', name, module} | {type:'run', id, name, stdin}.
 * Messages out: {type:'done', id, exitCode, stdout, error?, startMs, endMs, instantiateTime}.
 */
import { parentPort } from 'node:worker_threads';
import { runInstance } from './run-instance.js';
import type { WasmModule } from './wasm-api.js';

export type WorkerIn =
  | { type: 'load'; name: string; module: WasmModule }
  | { type: 'run'; id: number; name: string; stdin: Uint8Array };

export interface WorkerDone {
  type: 'done';
  id: number;
  exitCode: number;
  stdout: Uint8Array;
  error?: string;
  /** Epoch ms (performance.timeOrigin + now) when the instance began / the response was ready. */
  startMs: number;
  endMs: number;
  instantiateTime: number;
}

const modules = new Map<string, WasmModule>();
const port = parentPort;
if (!port) throw new Error('local-wasm worker must run in a worker thread');

port.on('message', (msg: WorkerIn) => {
  if (msg.type === 'load') {
    modules.set(msg.name, msg.module);
    return;
  }
  const startMs = performance.timeOrigin + performance.now();
  const module = modules.get(msg.name);
  if (!module) {
    const done: WorkerDone = {
      type: 'done',
      id: msg.id,
      exitCode: 1,
      stdout: new Uint8Array(0),
      error: `workload ${msg.name} is not deployed`,
      startMs,
      endMs: startMs,
      instantiateTime: 0,
    };
    port.postMessage(done);
    return;
  }
  const outcome = runInstance(module, msg.stdin, msg.name);
  const done: WorkerDone = {
    type: 'done',
    id: msg.id,
    ...outcome,
    startMs,
    endMs: performance.timeOrigin + performance.now(),
  };
  port.postMessage(done, [outcome.stdout.buffer as ArrayBuffer]);
});
