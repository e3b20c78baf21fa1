/**
 * A fixed pool of worker threads running Wasm instances, one request at a time per worker
 * (a synchronous Wasm call occupies its thread). Requests beyond the idle workers wait in a
 * FIFO. A request that exceeds its timeout has its worker terminated (that is the only way to
 * stop a running Wasm function) and replaced; a worker that dies is replaced too. Both events
 * are counted.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WasmModule } from './wasm-api.js';
import type { WorkerDone, WorkerIn } from './worker.js';

export interface RunOutcome {
  status: 'ok' | 'error' | 'timeout';
  stdout: Uint8Array;
  error?: string;
  /** Epoch ms when the instance began (worker side), when it ran. */
  startMs?: number;
  endMs?: number;
  instantiateTime?: number;
  workerId: number;
}

interface Task {
  id: number;
  name: string;
  stdin: Uint8Array;
  timeoutMs: number;
  resolve: (o: RunOutcome) => void;
}

interface Slot {
  id: number;
  worker: Worker;
  task: Task | undefined;
  timer: NodeJS.Timeout | undefined;
  /** Booted (its 'ready' message arrived); requests are dispatched to ready workers only. */
  ready: boolean;
}

export interface PoolCounters {
  workersStarted: number;
  workerTimeouts: number;
  workerCrashes: number;
}

/**
 * The worker entry: worker.js from dist/; from source (tsx), an eval'd bootstrap that
 * registers tsx's loader in the worker and then imports worker.ts (Node 20 does not apply
 * `--import tsx` from execArgv to a worker's own entry file).
 */
function spawnWorker(): Worker {
  const ts = new URL('./worker.ts', import.meta.url);
  if (import.meta.url.endsWith('.ts') && existsSync(fileURLToPath(ts))) {
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(ts.href)}); });`;
    return new Worker(code, { eval: true });
  }
  return new Worker(new URL('./worker.js', import.meta.url));
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  /** Load messages, replayed to replacement workers. */
  private readonly loads = new Map<string, WorkerIn>();
  private nextTaskId = 1;
  private nextSlotId = 0;
  private closed = false;
  readonly counters: PoolCounters = { workersStarted: 0, workerTimeouts: 0, workerCrashes: 0 };

  constructor(size: number) {
    this.size = size;
    for (let i = 0; i < size; i++) this.slots.push(this.startWorker());
  }

  /** Send a compiled WASI module to every worker (and to future replacements). */
  load(name: string, module: WasmModule): void {
    this.broadcast({ type: 'load', name, module });
  }

  /** Send a transpiled JS component (glue URL + compiled core modules) to every worker. */
  loadComponent(name: string, glueUrl: string, modules: Record<string, WasmModule>): void {
    this.broadcast({ type: 'load-component', name, glueUrl, modules });
  }

  private broadcast(msg: WorkerIn & { name: string }): void {
    this.loads.set(msg.name, msg);
    for (const slot of this.slots) slot.worker.postMessage(msg);
  }

  /** Run one request in a fresh instance; never rejects. */
  run(name: string, stdin: Uint8Array, timeoutS: number): Promise<RunOutcome> {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve({ status: 'error', stdout: new Uint8Array(0), error: 'platform torn down', workerId: -1 });
        return;
      }
      this.queue.push({ id: this.nextTaskId++, name, stdin, timeoutMs: timeoutS * 1000, resolve });
      this.dispatch();
    });
  }

  /** Requests waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) {
      task.resolve({ status: 'error', stdout: new Uint8Array(0), error: 'platform torn down', workerId: -1 });
    }
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        const task = slot.task;
        slot.task = undefined;
        task?.resolve({
          status: 'error',
          stdout: new Uint8Array(0),
          error: 'platform torn down',
          workerId: slot.id,
        });
        await slot.worker.terminate();
      }),
    );
  }

  private startWorker(): Slot {
    const worker = spawnWorker();
    const slot: Slot = { id: this.nextSlotId++, worker, task: undefined, timer: undefined, ready: false };
    this.counters.workersStarted++;
    for (const msg of this.loads.values()) worker.postMessage(msg);
    worker.on('message', (msg: WorkerDone | { type: 'ready' }) => {
      if (msg.type === 'ready') {
        slot.ready = true;
        this.dispatch();
      } else this.onDone(slot, msg);
    });
    worker.on('error', (err) => this.onDeath(slot, `worker failed: ${err.message}`));
    worker.on('exit', (code) => this.onDeath(slot, `worker exited with code ${code}`));
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task || !slot.ready) continue;
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.timer = setTimeout(() => this.onTimeout(slot, task), task.timeoutMs);
      slot.worker.postMessage({
        type: 'run',
        id: task.id,
        name: task.name,
        stdin: task.stdin,
      } satisfies WorkerIn);
    }
  }

  private onDone(slot: Slot, msg: WorkerDone): void {
    const task = slot.task;
    if (!task || task.id !== msg.id) return;
    clearTimeout(slot.timer);
    slot.task = undefined;
    slot.timer = undefined;
    const outcome: RunOutcome = {
      status: msg.exitCode === 0 ? 'ok' : 'error',
      stdout: msg.stdout,
      startMs: msg.startMs,
      endMs: msg.endMs,
      instantiateTime: msg.instantiateTime,
      workerId: slot.id,
    };
    if (msg.error !== undefined) outcome.error = msg.error;
    task.resolve(outcome);
    this.dispatch();
  }

  private onTimeout(slot: Slot, task: Task): void {
    if (slot.task !== task) return;
    this.counters.workerTimeouts++;
    slot.task = undefined;
    task.resolve({
      status: 'timeout',
      stdout: new Uint8Array(0),
      error: `request exceeded ${task.timeoutMs / 1000} s; its worker was terminated and replaced`,
      workerId: slot.id,
    });
    this.replace(slot);
  }

  private onDeath(slot: Slot, reason: string): void {
    if (this.closed || !this.slots.includes(slot)) return;
    this.counters.workerCrashes++;
    clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = undefined;
    task?.resolve({ status: 'error', stdout: new Uint8Array(0), error: reason, workerId: slot.id });
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (!this.closed) this.slots.push(this.startWorker());
    this.dispatch();
  }
}
