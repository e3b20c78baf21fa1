/**
 * A local-wasm worker thread: holds the compiled modules it was sent (WebAssembly.Module is
 * shared, not copied, through postMessage) and runs each request in a fresh instance — of a
 * WASI command module (run-instance.ts) or of a jco-transpiled JS component (run-component.ts).
 * Messages in: {type:'load', name, module} | {type:'load-component', name, glueUrl, modules}
 *            | {type:'run', id, name, stdin}.
 * Messages out: {type:'ready'} once booted; {type:'done', id, exitCode, stdout, error?, startMs, endMs,
 * instantiateTime} per request.
 */
import { parentPort } from 'node:worker_threads';
import { type ComponentGlue, installPromisingFallback, runComponent } from './run-component.js';
import { createInstanceRunner, type InstanceRunner } from './run-instance.js';
import type { WasmModule } from './wasm-api.js';

export type WorkerIn =
  | { type: 'load'; name: string; module: WasmModule }
  | { type: 'load-component'; name: string; glueUrl: string; modules: Record<string, WasmModule> }
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

type Loaded =
  | { kind: 'module'; run: InstanceRunner }
  | { kind: 'component'; glue: Promise<ComponentGlue>; modules: Record<string, WasmModule> };

const loaded = new Map<string, Loaded>();
const port = parentPort;
if (!port) throw new Error('local-wasm worker must run in a worker thread');
const out = port;

function now(): number {
  return performance.timeOrigin + performance.now();
}

out.on('message', (msg: WorkerIn) => {
  if (msg.type === 'load') {
    loaded.set(msg.name, { kind: 'module', run: createInstanceRunner(msg.module, msg.name) });
    return;
  }
  if (msg.type === 'load-component') {
    installPromisingFallback();
    const glue = import(msg.glueUrl) as Promise<ComponentGlue>;
    glue.catch(() => {}); // reported per request below
    loaded.set(msg.name, { kind: 'component', glue, modules: msg.modules });
    return;
  }
  const entry = loaded.get(msg.name);
  if (entry?.kind === 'module') runModule(msg, entry.run);
  else void run(msg, entry);
});
// tell the pool this thread has booted (loader + imports done): request timers start after this
out.postMessage({ type: 'ready' });

/** The hot path: a WASI module, synchronous (no promise per request). */
function runModule(msg: Extract<WorkerIn, { type: 'run' }>, runner: InstanceRunner): void {
  const startMs = now();
  const outcome = runner(msg.stdin);
  const done: WorkerDone = {
    type: 'done',
    id: msg.id,
    exitCode: outcome.exitCode,
    stdout: outcome.stdout,
    startMs,
    endMs: now(),
    instantiateTime: outcome.instantiateTime,
  };
  if (outcome.error !== undefined) done.error = outcome.error;
  out.postMessage(done, [done.stdout.buffer as ArrayBuffer]);
}

/** Components (and unknown workloads): the glue import is asynchronous. */
async function run(
  msg: Extract<WorkerIn, { type: 'run' }>,
  entry: Extract<Loaded, { kind: 'component' }> | undefined,
): Promise<void> {
  let startMs = now();
  let outcome: Omit<WorkerDone, 'type' | 'id' | 'startMs' | 'endMs'>;
  if (!entry) {
    outcome = {
      exitCode: 1,
      stdout: new Uint8Array(0),
      error: `workload ${msg.name} is not deployed`,
      instantiateTime: 0,
    };
  } else {
    let glue: ComponentGlue | undefined;
    try {
      glue = await entry.glue; // resolved once per worker (the first request waits for the import)
    } catch (err) {
      outcome = {
        exitCode: 1,
        stdout: new Uint8Array(0),
        error: `cannot load the transpiled component: ${err instanceof Error ? err.message : String(err)}`,
        instantiateTime: 0,
      };
    }
    if (glue) {
      startMs = now();
      outcome = runComponent(glue, entry.modules, msg.stdin);
    }
  }
  const done: WorkerDone = { type: 'done', id: msg.id, ...outcome!, startMs, endMs: now() };
  out.postMessage(done, [done.stdout.buffer as ArrayBuffer]);
}
