/**
 * A fixed pool of worker threads running Wasm instances, one request at a time per worker
 * (a synchronous Wasm call occupies its thread). Requests beyond the idle workers wait in a
 * FIFO. A request that exceeds its timeout has its worker terminated (that is the only way to
 * stop a running Wasm function) and replaced; a worker that dies is replaced too. Both events
 * are counted.
 *
 * Prefetch (default on): when every worker is busy and requests wait, each busy worker is
 * also handed the head of the FIFO as its *next* request, so it starts it the moment the
 * current one ends instead of idling for the done → dispatch round trip through the main
 * thread (which, under load, also serves HTTP). The prefetched request has not started: its
 * timeout starts when the pool sees the previous one finish, and if the worker is terminated
 * (timeout, crash) it goes back to the head of the FIFO. Cost: a prefetched request is bound
 * to its worker, so behind a long request it waits longer than it would for another worker.
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
  /** The request the worker is running (or, after dispatch to an idle worker, about to). */
  task: Task | undefined;
  /** Prefetched: posted to the worker, starts when `task` ends. */
  next: Task | undefined;
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
  private readonly prefetch: boolean;
  readonly counters: PoolCounters = { workersStarted: 0, workerTimeouts: 0, workerCrashes: 0 };

  /**
   * @param size worker threads
   * @param options.prefetch hand busy workers their next request while requests wait (default true)
   */
  constructor(size: number, options: { prefetch?: boolean } = {}) {
    this.size = size;
    this.prefetch = options.prefetch ?? true;
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
    return new Promise((resolve) => this.submit(name, stdin, timeoutS, resolve));
  }

  /** {@link run} with a callback (the HTTP host's hot path: no promise per request). */
  submit(name: string, stdin: Uint8Array, timeoutS: number, done: (o: RunOutcome) => void): void {
    if (this.closed) {
      done({ status: 'error', stdout: new Uint8Array(0), error: 'platform torn down', workerId: -1 });
      return;
    }
    // Structured clone copies a typed array's *whole* underlying ArrayBuffer, and a request body
    // is a view into the socket's read buffer (up to 64 KiB) or Node's 8 KiB pool: copy the
    // input once to its own size (also so a queued request does not pin that buffer). Not
    // transferred: a prefetched request may be re-sent to a replacement worker.
    const own =
      stdin.byteOffset === 0 && stdin.byteLength === stdin.buffer.byteLength ? stdin : stdin.slice();
    this.queue.push({ id: this.nextTaskId++, name, stdin: own, timeoutMs: timeoutS * 1000, resolve: done });
    this.dispatch();
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
        for (const task of [slot.task, slot.next]) {
          task?.resolve({
            status: 'error',
            stdout: new Uint8Array(0),
            error: 'platform torn down',
            workerId: slot.id,
          });
        }
        slot.task = undefined;
        slot.next = undefined;
        await slot.worker.terminate();
      }),
    );
  }

  private startWorker(): Slot {
    const worker = spawnWorker();
    const slot: Slot = {
      id: this.nextSlotId++,
      worker,
      task: undefined,
      next: undefined,
      timer: undefined,
      ready: false,
    };
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
    const queue = this.queue;
    // idle workers first, then (prefetch) one waiting request per busy worker
    for (const slot of this.slots) {
      if (queue.length === 0) return;
      if (slot.task || !slot.ready) continue;
      const task = queue.shift() as Task;
      slot.task = task;
      this.startTimer(slot, task);
      this.post(slot, task);
    }
    if (!this.prefetch) return;
    for (const slot of this.slots) {
      if (queue.length === 0) return;
      if (!slot.task || slot.next || !slot.ready) continue;
      const task = queue.shift() as Task;
      slot.next = task;
      this.post(slot, task);
    }
  }

  private startTimer(slot: Slot, task: Task): void {
    slot.timer = setTimeout(() => this.onTimeout(slot, task), task.timeoutMs);
  }

  private post(slot: Slot, task: Task): void {
    slot.worker.postMessage({
      type: 'run',
      id: task.id,
      name: task.name,
      stdin: task.stdin,
    } satisfies WorkerIn);
  }

  private onDone(slot: Slot, msg: WorkerDone): void {
    const task = slot.task;
    if (!task || task.id !== msg.id) return;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    const next = slot.next;
    slot.task = next;
    slot.next = undefined;
    if (next) this.startTimer(slot, next); // the worker has just started it
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
    // a prefetched request never started on this worker: back to the head of the FIFO
    if (slot.next) this.queue.unshift(slot.next);
    slot.next = undefined;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (!this.closed) this.slots.push(this.startWorker());
    this.dispatch();
  }
}
