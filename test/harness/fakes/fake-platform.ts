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
  SettingsControl,
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
  /** The keep-alive the platform really applies when asked for `asked` (default: as asked). */
  applyKeepAlive?: (asked: number) => number;
  /** A concurrency limit the platform reports in describe().applied (and enforces). */
  limit?: number;
  /** Cores the platform reports in describe().applied. */
  cores?: number;
  /** The version describe() reports. */
  version?: string;
  /** Every k-th activation fails (an error status); 0 or absent: none. */
  failEvery?: number;
  /** The platform dies this many seconds after setup: later requests are errors, health() says why. */
  dieAfter?: number;
  /** Offer forceCold() (retires idle executors). */
  forceCold?: boolean;
  /** What the entry says it does with keep-alive and routing (resolver.checkConfig). */
  control?: SettingsControl;
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
  private died: string | null = null;
  private deathTimer: NodeJS.Timeout | undefined;
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
      forceCold: Boolean(opts.forceCold) && c,
    };
  }

  health(): PlatformHealth {
    return this.died !== null ? { ok: false, reason: this.died } : { ok: true };
  }

  /** Retire every idle executor: the next request cold-starts one. */
  async forceCold(): Promise<void> {
    for (const e of this.execs.filter((x) => !x.busy && x.span.destroyedAt === null)) {
      clearTimeout(e.idleTimer);
      e.span.destroyedAt = this.clock.now();
      e.span.cause = 'evicted';
    }
  }

  async setup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.setups.push(options);
    this.clock = clock;
    const asked = options.keepAlive ?? 1;
    this.keepAlive = this.opts.applyKeepAlive ? this.opts.applyKeepAlive(asked) : asked;
    this.maxConcurrency = options.maxConcurrency ?? this.opts.limit ?? Number.POSITIVE_INFINITY;
    clearTimeout(this.deathTimer);
    this.died = null;
    if (this.opts.dieAfter !== undefined) {
      const after = this.opts.dieAfter;
      this.deathTimer = setTimeout(() => {
        this.died = `fake platform exited with code 101 at ${after} s`;
      }, after * 1000);
    }
    for (const e of this.execs) clearTimeout(e.idleTimer);
    this.execs = [];
  }

  async deploy(workload: string): Promise<void> {
    this.deployed.push(workload);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    this.invocations++;
    if (this.died !== null) return { status: 'error', errorMessage: this.died };
    if (this.opts.failEvery && this.invocations % this.opts.failEvery === 0)
      return { status: 'error', httpStatus: 502, errorMessage: 'activation failed' };
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
      version: this.opts.version ?? 'fake-1',
      applied: {
        keepAlive: this.executor === 'container' ? this.keepAlive : null,
        routing: null,
        maxConcurrency: Number.isFinite(this.maxConcurrency) ? this.maxConcurrency : null,
        cores: this.opts.cores ?? null,
      },
      details: { warm: this.opts.warm, cold: this.opts.cold },
    };
  }

  async teardown(): Promise<void> {
    this.tornDown++;
    clearTimeout(this.deathTimer);
    for (const e of this.execs) {
      clearTimeout(e.idleTimer);
      if (e.span.destroyedAt === null) {
        e.span.destroyedAt = this.clock?.now() ?? 0;
        e.span.cause = 'teardown';
      }
    }
  }
}
