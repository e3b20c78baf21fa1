/**
 * A fake container platform with the real Platform interface (docs/design/conventions.md: fakes share the real
 * interface): a scale-per-request pool on real timers. Service takes `cold` seconds on a new
 * executor and `warm` on an idle one (MRU); executors idle for the keep-alive are destroyed.
 * `maxConcurrency` rejects beyond it; `killBusyExecutor()` crashes an executor mid-request.
 */

import type {
  InvokeRequest,
  InvokeResult,
  Platform,
  PlatformCapabilities,
  PlatformDescription,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../../../core/platform.js';
import type { ExecutorSpan } from '../../../core/records.js';

export interface FakeOptions {
  warm?: number;
  cold?: number;
  executor?: 'container' | 'wasm';
  /** Never answer (to exercise timeouts). */
  hang?: boolean;
  /** The client sees a response this long after the platform-side endAt (s): an HTTP hop. */
  clientOverhead?: number;
}

interface Exec {
  span: ExecutorSpan;
  busy: boolean;
  lastUsed: number;
  idleTimer?: NodeJS.Timeout;
  fail?: (reason: string) => void;
}

export class FakePlatform implements Platform {
  readonly name = 'fake';
  readonly executor: 'container' | 'wasm';
  readonly capabilities: PlatformCapabilities;
  private clock!: PointClock;
  private keepAlive = 1;
  private maxConcurrency = Number.POSITIVE_INFINITY;
  private execs: Exec[] = [];
  private nextId = 0;
  setups: SetupOptions[] = [];
  tornDown = 0;
  deployed: string[] = [];
  invocations = 0;

  constructor(private readonly opts: FakeOptions = {}) {
    this.executor = opts.executor ?? 'container';
    const c = this.executor === 'container';
    this.capabilities = {
      coldFlag: c,
      executorSpans: c,
      platformTimes: c,
      keepAlive: c,
      routing: false,
      forceCold: false,
    };
  }

  health(): PlatformHealth {
    return { ok: true };
  }

  async setup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.setups.push(options);
    this.clock = clock;
    this.keepAlive = options.keepAlive ?? 1;
    this.maxConcurrency = options.maxConcurrency ?? Number.POSITIVE_INFINITY;
    for (const e of this.execs) clearTimeout(e.idleTimer);
    this.execs = [];
  }

  async deploy(workload: string): Promise<void> {
    this.deployed.push(workload);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    this.invocations++;
    if (this.opts.hang) {
      return new Promise((resolve) => {
        request.signal?.addEventListener(
          'abort',
          () => resolve({ status: 'error', errorMessage: 'aborted' }),
          { once: true },
        );
      });
    }
    const arrived = this.clock.now();
    const idle = this.execs
      .filter((e) => !e.busy && e.span.destroyedAt === null)
      .sort((a, b) => b.lastUsed - a.lastUsed)[0];
    const busyCount = this.execs.filter((e) => e.busy).length;
    if (!idle && busyCount >= this.maxConcurrency)
      return { status: 'rejected', httpStatus: 429, errorMessage: 'capacity' };
    let exec: Exec;
    let cold = false;
    if (idle) {
      exec = idle;
      clearTimeout(exec.idleTimer);
    } else {
      cold = true;
      exec = {
        span: { id: `e${this.nextId++}`, createdAt: arrived, destroyedAt: null },
        busy: false,
        lastUsed: arrived,
      };
      this.execs.push(exec);
    }
    exec.busy = true;
    const service = cold ? (this.opts.cold ?? 0.05) : (this.opts.warm ?? 0.01);
    return new Promise<InvokeResult>((resolve) => {
      const t = setTimeout(() => {
        exec.busy = false;
        exec.fail = undefined;
        const end = this.clock.now();
        exec.lastUsed = end;
        if (cold) exec.span.readyAt = arrived + service;
        exec.idleTimer = setTimeout(() => {
          exec.span.destroyedAt = this.clock.now();
          exec.span.cause = 'keep-alive';
        }, this.keepAlive * 1000);
        const answer = (): void =>
          resolve({
            status: 'ok',
            httpStatus: 200,
            body: { ok: true },
            ...(this.executor === 'container'
              ? {
                  platform: {
                    startAt: arrived,
                    endAt: end,
                    waitTime: 0,
                    cold,
                    executorId: exec.span.id,
                    ...(cold ? { initTime: service } : {}),
                  },
                }
              : {}),
          });
        if (this.opts.clientOverhead) setTimeout(answer, this.opts.clientOverhead * 1000);
        else answer();
      }, service * 1000);
      exec.fail = (reason) => {
        clearTimeout(t);
        exec.busy = false;
        exec.span.destroyedAt = this.clock.now();
        exec.span.cause = 'crash';
        resolve({ status: 'error', httpStatus: 502, errorMessage: reason });
      };
    });
  }

  /** Crash one busy executor (its request fails); returns its id, or null when none is busy. */
  killBusyExecutor(): string | null {
    const e = this.execs.find((x) => x.busy && x.fail);
    if (!e?.fail) return null;
    e.fail('executor killed');
    return e.span.id;
  }

  async executorSpans(): Promise<ExecutorSpan[]> {
    return this.capabilities.executorSpans ? this.execs.map((e) => ({ ...e.span })) : [];
  }

  async describe(): Promise<PlatformDescription> {
    return {
      name: this.name,
      executor: this.executor,
      version: 'fake-1',
      applied: {
        keepAlive: this.executor === 'container' ? this.keepAlive : null,
        routing: null,
        maxConcurrency: Number.isFinite(this.maxConcurrency) ? this.maxConcurrency : null,
        cores: null,
      },
      details: { warm: this.opts.warm, cold: this.opts.cold },
    };
  }

  async teardown(): Promise<void> {
    this.tornDown++;
    for (const e of this.execs) {
      clearTimeout(e.idleTimer);
      if (e.span.destroyedAt === null) {
        e.span.destroyedAt = this.clock?.now() ?? 0;
        e.span.cause = 'teardown';
      }
    }
  }
}
