/**
 * The invoker-like pool behind local-container (OpenWhisk's execution model; thesis §3):
 * - one executor serves one request at a time;
 * - an arriving request goes to an idle executor chosen by the routing policy — `mru` (most
 *   recently used: the idle executor whose last request ended last; the thesis's patch),
 *   `newest` (most recently created), `random` (uniform, seeded) — otherwise a new executor is
 *   cold-started;
 * - an executor idle for `keepAlive` seconds after the end of its last request is destroyed
 *   (one exact timer per executor, as the SMP assumes);
 * - at most `maxConcurrency` executors; beyond it a request is rejected (429) or waits in a
 *   bounded FIFO for the next executor that frees up.
 * Records: one activation per request (start, end, waitTime, initTime on cold, cold flag,
 * executor id) and one span per executor (created, ready, destroyed, cause, lifecycle events).
 */
import type { Rng } from '../../analysis/random.js';
import type { RoutingPolicy } from '../../core/platform.js';
import type { ExecutorCause } from '../../core/records.js';
import type { ActivationHeader } from '../embedded/http-endpoint.js';
import { epochMs } from '../embedded/http-endpoint.js';
import type { Executor, ExecutorEventMs } from './executor.js';

export interface PoolSettings {
  keepAlive: number;
  routing: RoutingPolicy;
  maxConcurrency: number | undefined;
  overflow: 'reject' | 'queue';
  queueLimit: number;
  requestTimeout: number;
  startTimeout: number;
}

/** Executor span in epoch ms (converted to the point clock by the platform). */
export interface SpanMs {
  id: string;
  createdMs: number;
  readyMs?: number;
  destroyedMs: number | null;
  cause?: ExecutorCause;
  /** The executor's lifecycle steps (create, start, init, pause, unpause, remove). */
  events: readonly ExecutorEventMs[];
}

export interface Activation {
  status: 'ok' | 'error' | 'timeout' | 'rejected';
  /** HTTP status the pool's endpoint answers with. */
  httpStatus: number;
  /** The workload's JSON text (ok) or an error message. */
  text: string;
  activation: ActivationHeader;
}

export interface PoolCounters {
  requests: number;
  cold: number;
  warm: number;
  rejected: number;
  queued: number;
  errors: number;
  timeouts: number;
  crashes: number;
  startFailures: number;
  created: number;
  expired: number;
}

interface Entry {
  ex: Executor;
  seq: number;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  lastEndMs: number;
  timer: NodeJS.Timeout | undefined;
  span: SpanMs;
}

type Grant = { kind: 'executor'; entry: Entry } | { kind: 'create' } | { kind: 'reject' };

export class ContainerPool {
  private readonly entries: Entry[] = [];
  private readonly waiting: Array<(g: Grant) => void> = [];
  private readonly spans: SpanMs[] = [];
  private seq = 0;
  private activations = 0;
  /** Creations granted to queued requests that have not created their executor yet. */
  private reserved = 0;
  private closed = false;
  readonly counters: PoolCounters = {
    requests: 0,
    cold: 0,
    warm: 0,
    rejected: 0,
    queued: 0,
    errors: 0,
    timeouts: 0,
    crashes: 0,
    startFailures: 0,
    created: 0,
    expired: 0,
  };

  constructor(
    readonly settings: PoolSettings,
    private readonly factory: (id: string) => Executor,
    private readonly rng: Rng,
    private readonly idPrefix: string,
  ) {}

  /** Live executors (starting, idle or busy). */
  get size(): number {
    return this.entries.length;
  }

  /** Spans of every executor so far (open ones have destroyedMs null). */
  executorSpans(): SpanMs[] {
    return this.spans.map((s) => ({ ...s, events: [...s.events] }));
  }

  /** Serve one request (the input as JSON text); never throws. */
  async invoke(inputJson: string): Promise<Activation> {
    const arrivalMs = epochMs();
    this.counters.requests++;
    const activationId = `${this.idPrefix}a${++this.activations}`;
    const first = this.grant();
    let grant = first;
    if (grant.kind === 'reject') return this.reject(activationId);
    if (grant.kind === 'create' && !this.canCreate()) {
      if (this.settings.overflow === 'reject' || this.waiting.length >= this.settings.queueLimit) {
        return this.reject(activationId);
      }
      this.counters.queued++;
      grant = await new Promise<Grant>((resolve) => this.waiting.push(resolve));
      if (grant.kind === 'reject') return this.reject(activationId);
    }
    let entry: Entry;
    let startMs: number;
    let initTime: number | undefined;
    if (grant.kind === 'executor') {
      entry = grant.entry;
      startMs = epochMs();
      this.counters.warm++;
    } else {
      if (grant !== first) this.reserved--; // a queued request takes the creation reserved for it
      startMs = epochMs();
      entry = this.createEntry(startMs);
      this.counters.cold++;
      try {
        await entry.ex.start(this.settings.startTimeout);
      } catch (err) {
        this.counters.startFailures++;
        await this.retire(entry, 'crash');
        const endMs = epochMs();
        return {
          status: 'error',
          httpStatus: 502,
          text: `cold start failed: ${err instanceof Error ? err.message : String(err)}`,
          activation: {
            startMs,
            endMs,
            waitTime: (startMs - arrivalMs) / 1000,
            cold: true,
            executorId: entry.span.id,
            activationId,
          },
        };
      }
      const readyMs = epochMs();
      entry.span.readyMs = readyMs;
      initTime = (readyMs - startMs) / 1000;
      if (entry.state === 'dead') {
        return this.failed(entry, 'executor died during init', startMs, arrivalMs, initTime, activationId);
      }
      entry.state = 'busy';
    }
    const result = await entry.ex.run(inputJson, this.settings.requestTimeout);
    const endMs = epochMs();
    const activation: ActivationHeader = {
      startMs,
      endMs,
      waitTime: (startMs - arrivalMs) / 1000,
      cold: grant.kind === 'create',
      executorId: entry.span.id,
      activationId,
    };
    if (initTime !== undefined) activation.initTime = initTime;
    if (result.status === 'crash' || result.status === 'timeout') {
      // the executor is unusable: replace it (on demand; a queued request gets a new one now)
      if (result.status === 'timeout') this.counters.timeouts++;
      else this.counters.crashes++;
      this.counters.errors += result.status === 'crash' ? 1 : 0;
      await this.retire(entry, 'crash');
      return {
        status: result.status === 'timeout' ? 'timeout' : 'error',
        httpStatus: result.status === 'timeout' ? 504 : 502,
        text: result.text,
        activation,
      };
    }
    this.release(entry, endMs);
    if (result.status === 'error') {
      this.counters.errors++;
      return {
        status: 'error',
        httpStatus: result.httpStatus ?? 502,
        text: errorOf(result.text),
        activation,
      };
    }
    return { status: 'ok', httpStatus: 200, text: result.text, activation };
  }

  /** Destroy every idle executor now (cause 'evicted'): the next request starts a cold one. */
  async evictIdle(): Promise<void> {
    await Promise.all(this.entries.filter((e) => e.state === 'idle').map((e) => this.retire(e, 'evicted')));
  }

  /** Destroy every executor and reject the queue (cause 'teardown'). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w({ kind: 'reject' });
    await Promise.all([...this.entries].map((e) => this.retire(e, 'teardown')));
  }

  private grant(): Grant {
    if (this.closed) return { kind: 'reject' };
    const idle = this.entries.filter((e) => e.state === 'idle');
    if (idle.length === 0) return { kind: 'create' };
    const entry = this.pick(idle);
    this.lease(entry);
    return { kind: 'executor', entry };
  }

  /** Routing among idle executors. */
  private pick(idle: Entry[]): Entry {
    switch (this.settings.routing) {
      case 'mru':
        return idle.reduce((a, b) => (b.lastEndMs > a.lastEndMs ? b : a));
      case 'newest':
        return idle.reduce((a, b) => (b.seq > a.seq ? b : a));
      case 'random':
        return idle[Math.floor(this.rng.next() * idle.length)] as Entry;
    }
  }

  private lease(entry: Entry): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.state = 'busy';
  }

  private canCreate(): boolean {
    const max = this.settings.maxConcurrency;
    return max === undefined || this.entries.length + this.reserved < max;
  }

  private createEntry(createdMs: number): Entry {
    const seq = ++this.seq;
    const id = `${this.idPrefix}e${seq}`;
    const ex = this.factory(id);
    const span: SpanMs = { id, createdMs, destroyedMs: null, events: ex.events };
    const entry: Entry = {
      ex,
      seq,
      state: 'starting',
      lastEndMs: createdMs,
      timer: undefined,
      span,
    };
    entry.ex.onDeath(() => {
      // died on its own: a busy one is accounted by its request; an idle one is replaced on demand
      if (entry.state === 'idle') this.counters.crashes++;
      if (entry.state !== 'busy' && entry.state !== 'starting') void this.retire(entry, 'crash');
      else entry.state = 'dead';
    });
    this.entries.push(entry);
    this.spans.push(span);
    this.counters.created++;
    return entry;
  }

  /** Request done: hand the executor to the oldest queued request, or make it idle. */
  private release(entry: Entry, endMs: number): void {
    entry.lastEndMs = endMs;
    if (entry.state === 'dead') {
      void this.retire(entry, 'crash');
      return;
    }
    const next = this.waiting.shift();
    if (next) {
      next({ kind: 'executor', entry });
      return;
    }
    if (this.settings.keepAlive === 0) {
      // keep-alive 0: never reused, destroyed as its request ends (no timer tick in between)
      this.counters.expired++;
      void this.retire(entry, 'keep-alive');
      return;
    }
    entry.state = 'idle';
    entry.ex.idle(this.settings.keepAlive);
    const keepAliveMs = this.settings.keepAlive * 1000;
    entry.timer = setTimeout(() => {
      if (entry.state !== 'idle') return;
      this.counters.expired++;
      void this.retire(entry, 'keep-alive');
    }, keepAliveMs);
  }

  /** Remove an executor, stamp its span, and let a queued request create a replacement. */
  private async retire(entry: Entry, cause: ExecutorCause): Promise<void> {
    const i = this.entries.indexOf(entry);
    if (i < 0) return;
    this.entries.splice(i, 1);
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.state = 'dead';
    entry.span.destroyedMs = epochMs();
    entry.span.cause = cause;
    if (this.waiting.length > 0 && this.canCreate() && !this.closed) {
      this.reserved++;
      (this.waiting.shift() as (g: Grant) => void)({ kind: 'create' });
    }
    await entry.ex.destroy();
  }

  private reject(activationId: string): Activation {
    this.counters.rejected++;
    return {
      status: 'rejected',
      httpStatus: 429,
      text: `all ${this.settings.maxConcurrency} executors busy${this.settings.overflow === 'queue' ? ' and the queue is full' : ''}`,
      activation: { activationId },
    };
  }

  private async failed(
    entry: Entry,
    why: string,
    startMs: number,
    arrivalMs: number,
    initTime: number,
    activationId: string,
  ): Promise<Activation> {
    this.counters.crashes++;
    await this.retire(entry, 'crash');
    return {
      status: 'error',
      httpStatus: 502,
      text: why,
      activation: {
        startMs,
        endMs: epochMs(),
        waitTime: (startMs - arrivalMs) / 1000,
        initTime,
        cold: true,
        executorId: entry.span.id,
        activationId,
      },
    };
  }
}

function errorOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return text.slice(0, 500);
}
