/**
 * The `sim` platform: the discrete-event simulator (analysis/simulator) behind the Platform
 * interface, so a suite runs without any executor (docs/simulator.md "The `sim` platform").
 *
 * A call at point time t is an arrival at t: the simulator plays every departure and expiry up
 * to t, routes the request (idle executor, else a cold start, else a rejection at
 * maxConcurrency) and samples its service time S, with platform-side times in simulated
 * seconds (startAt t, endAt t + S). With timeScale 0 (the default) the point runs on a virtual
 * clock: invoke() answers at once and the engine takes endAt as the client's time, so a run is
 * instant. With timeScale > 0 it runs in real time, invoke() resolving after S × timeScale.
 * Wasm mode is M/G/∞, or with `cores` M/G/c processor sharing: a request's end then depends on
 * later arrivals and is settled when the (virtual or real) clock reaches it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createDistribution } from '../../analysis/distributions.js';
import { createRng, type Rng } from '../../analysis/random.js';
import { ContainerSim } from '../../analysis/simulator/container.js';
import { WasmSim } from '../../analysis/simulator/wasm.js';
import { isVirtualClock } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import type {
  ExecutorKind,
  InvokeRequest,
  InvokeResult,
  Platform,
  PlatformCapabilities,
  PlatformDescription,
  PointClock,
  RoutingPolicy,
  SetupOptions,
  Simulation,
} from '../../core/platform.js';
import type { ExecutorSpan } from '../../core/records.js';
import { faasmarkVersion } from '../../core/version.js';
import { PlatformBase } from '../base.js';
import type { PlatformContext } from '../registry.js';
import { DEFAULT_CV, parseConfig, type SimPlatformConfig, serviceSpec } from './config.js';

/** Default maximum executors in container mode (pacsltk's and SimFaaS's default). */
const DEFAULT_MAX_CONCURRENCY = 1000;

interface WorkloadSim {
  sim: ContainerSim | WasmSim;
  spans: Map<number, ExecutorSpan>;
  /** Processor sharing: who waits for the request in each slot, and the next-departure timer. */
  waiters: Map<number, (endAt: number) => void>;
  timer: NodeJS.Timeout | undefined;
}

export class SimPlatform extends PlatformBase {
  readonly name = 'sim';
  readonly executor: ExecutorKind;
  readonly capabilities: PlatformCapabilities;

  private clock: PointClock | undefined;
  private keepAlive: number;
  private routing: RoutingPolicy;
  private maxConcurrency: number | undefined;
  private rng: Rng;
  private readonly sims = new Map<string, WorkloadSim>();
  private readonly pending = new Set<AbortController>();
  private unregister: (() => void) | undefined;
  private unlisten: (() => void) | undefined;
  readonly simulation: Simulation;

  constructor(
    private readonly config: SimPlatformConfig,
    private readonly context: PlatformContext,
  ) {
    super();
    this.executor = config.mode;
    const container = config.mode === 'container';
    this.capabilities = {
      coldFlag: container,
      executorSpans: container,
      platformTimes: true,
      keepAlive: container,
      routing: container,
      forceCold: false,
    };
    this.keepAlive = config.keepAlive;
    this.routing = config.routing;
    this.maxConcurrency = config.maxConcurrency;
    this.rng = createRng(config.seed);
    this.simulation = {
      virtualTime: config.timeScale === 0,
      serviceTimes: (workload) => means({ ...config.serviceTime, ...config.workloads[workload] }),
    };
  }

  protected async doSetup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.clock = clock;
    this.keepAlive = options.keepAlive ?? this.config.keepAlive;
    this.routing = options.routing ?? this.config.routing;
    this.maxConcurrency = options.maxConcurrency ?? this.config.maxConcurrency;
    // a fresh simulated system per point, reproducible from the seed
    this.rng = createRng(this.config.seed);
    this.stopPending();
    this.sims.clear();
    this.unlisten?.();
    this.unlisten = undefined;
    // on a virtual clock processor-sharing departures play out as the clock moves, not on timers
    if (isVirtualClock(clock))
      this.unlisten = clock.onAdvance((t) => {
        for (const entry of this.sims.values()) if (entry.sim instanceof WasmSim) entry.sim.advanceTo(t);
      });
    // pending timers (timeScale > 0, processor sharing) are ours: settle them on SIGINT too
    this.unregister ??= onShutdown('sim platform', () => this.teardown());
  }

  protected async doDeploy(workload: string): Promise<void> {
    this.simFor(workload);
  }

  private simFor(workload: string): WorkloadSim {
    const existing = this.sims.get(workload);
    if (existing) return existing;
    const streams = this.rng.fork();
    const spans = new Map<number, ExecutorSpan>();
    const waiters = new Map<number, (endAt: number) => void>();
    let sim: ContainerSim | WasmSim;
    if (this.config.mode === 'container') {
      const warm = serviceSpec(this.config, workload, 'warm');
      const cold = serviceSpec(this.config, workload, 'cold');
      if (!warm || !cold) {
        throw new ConfigError(`sim: no warm/cold service time for workload "${workload}"`, [
          `give sim.serviceTime.warm and .cold, or sim.workloads.${workload}.warm and .cold (s)`,
        ]);
      }
      const label = (id: number) => `sim-${workload}-${id}`;
      sim = new ContainerSim({
        warm: createDistribution(warm, `sim.workloads.${workload}.warm`),
        cold: createDistribution(cold, `sim.workloads.${workload}.cold`),
        keepAlive: this.keepAlive,
        routing: this.routing,
        maxConcurrency: this.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
        serviceRng: streams.fork(),
        routingRng: streams.fork(),
        hooks: {
          onExecutorCreated: (id, at) => spans.set(id, { id: label(id), createdAt: at, destroyedAt: null }),
          onExecutorDestroyed: (id, at) => {
            const span = spans.get(id);
            if (span) {
              span.destroyedAt = at;
              span.cause = 'keep-alive';
            }
          },
        },
      });
    } else {
      const spec = serviceSpec(this.config, workload, 'wasm');
      if (!spec) {
        throw new ConfigError(`sim: no wasm service time for workload "${workload}"`, [
          `give sim.serviceTime.wasm, or sim.workloads.${workload}.wasm (s)`,
        ]);
      }
      sim = new WasmSim({
        service: createDistribution(spec, `sim.workloads.${workload}.wasm`),
        cores: this.config.cores,
        maxConcurrency: this.maxConcurrency ?? Number.POSITIVE_INFINITY,
        serviceRng: streams.fork(),
        onDeparture: (slot, _arrivedAt, endAt) => {
          const wake = waiters.get(slot);
          if (wake) {
            waiters.delete(slot);
            wake(endAt);
          }
        },
      });
    }
    const entry: WorkloadSim = { sim, spans, waiters, timer: undefined };
    this.sims.set(workload, entry);
    return entry;
  }

  protected async doInvoke(request: InvokeRequest): Promise<InvokeResult> {
    const clock = this.clock as PointClock;
    let entry: WorkloadSim;
    try {
      entry = this.simFor(request.workload);
    } catch (err) {
      return { status: 'error', errorMessage: err instanceof Error ? err.message : String(err) };
    }
    const t = clock.now();
    const sim = entry.sim;
    if (!sim.arrive(t)) {
      return {
        status: 'rejected',
        httpStatus: 429,
        errorMessage: `sim: maximum concurrency reached (${this.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY})`,
        platform: { startAt: t, endAt: t, waitTime: 0 },
      };
    }
    const service = sim.lastServiceTime;
    if (sim instanceof WasmSim && this.config.cores !== undefined) {
      // processor sharing: the end is known only when the simulation reaches it in real time
      const end = await this.awaitDeparture(entry, sim.lastSlot, request.signal);
      if (typeof end !== 'number') return end;
      return {
        status: 'ok',
        httpStatus: 200,
        body: { simulated: true, workload: request.workload, serviceTime: service },
        platform: { startAt: t, endAt: end, waitTime: 0 },
      };
    }
    const cold = sim instanceof ContainerSim ? sim.lastCold : undefined;
    const executorId =
      sim instanceof ContainerSim ? `sim-${request.workload}-${sim.lastExecutor}` : undefined;
    const delay = service * this.config.timeScale;
    if (delay > 0) {
      const controller = new AbortController();
      this.pending.add(controller);
      const onAbort = () => controller.abort();
      request.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await sleep(delay * 1000, undefined, { signal: controller.signal });
      } catch {
        return {
          status: request.signal?.aborted ? 'timeout' : 'error',
          errorMessage: request.signal?.aborted ? 'sim: request aborted' : 'sim: platform torn down',
        };
      } finally {
        request.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(controller);
      }
    }
    const platform: InvokeResult['platform'] = { startAt: t, endAt: t + service, waitTime: 0 };
    if (cold !== undefined) platform.cold = cold;
    if (executorId !== undefined) platform.executorId = executorId;
    return {
      status: 'ok',
      httpStatus: 200,
      body: { simulated: true, workload: request.workload, serviceTime: service },
      platform,
    };
  }

  /** Wait until the PS simulation lets the request in `slot` leave; an InvokeResult when aborted or torn down. */
  private awaitDeparture(
    entry: WorkloadSim,
    slot: number,
    signal: AbortSignal | undefined,
  ): Promise<number | InvokeResult> {
    return new Promise((resolve) => {
      const controller = new AbortController();
      this.pending.add(controller);
      const finish = (value: number | InvokeResult) => {
        signal?.removeEventListener('abort', onAbort);
        controller.signal.removeEventListener('abort', onTeardown);
        this.pending.delete(controller);
        resolve(value);
      };
      const onAbort = () => {
        entry.waiters.delete(slot);
        finish({ status: 'timeout', errorMessage: 'sim: request aborted' });
      };
      const onTeardown = () => {
        entry.waiters.delete(slot);
        finish({ status: 'error', errorMessage: 'sim: platform torn down' });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      controller.signal.addEventListener('abort', onTeardown, { once: true });
      entry.waiters.set(slot, finish);
      if (signal?.aborted) onAbort();
      this.schedule(entry);
    });
  }

  /** (Re)arm the timer for the next PS departure; every arrival and departure changes it. */
  private schedule(entry: WorkloadSim): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    const clock = this.clock;
    if (this.state === 'torn-down' || !clock || !(entry.sim instanceof WasmSim) || isVirtualClock(clock))
      return;
    const sim = entry.sim;
    const next = sim.nextDepartureAt();
    if (next === Number.POSITIVE_INFINITY) return;
    entry.timer = setTimeout(
      () => {
        entry.timer = undefined;
        sim.advanceTo(clock.now());
        this.schedule(entry);
      },
      Math.max(0, (next - clock.now()) * 1000),
    );
  }

  async executorSpans(): Promise<ExecutorSpan[]> {
    if (this.config.mode !== 'container') return [];
    const now = this.clock?.now();
    const spans: ExecutorSpan[] = [];
    for (const { sim, spans: map } of this.sims.values()) {
      // play expiries up to now so spans that have ended are closed (the clock is monotonic,
      // so now is never before an arrival already simulated)
      if (now !== undefined && this.state !== 'torn-down') sim.advanceTo(now);
      for (const span of map.values()) spans.push({ ...span });
    }
    return spans.sort((a, b) => a.createdAt - b.createdAt);
  }

  async describe(): Promise<PlatformDescription> {
    const c = this.config;
    return {
      name: this.name,
      executor: this.executor,
      version: `faasmark ${faasmarkVersion()} discrete-event simulator`,
      engine: { name: 'faasmark simulator', version: faasmarkVersion() },
      applied: {
        keepAlive: c.mode === 'container' ? this.keepAlive : null,
        routing: c.mode === 'container' ? this.routing : null,
        maxConcurrency: this.maxConcurrency ?? (c.mode === 'container' ? DEFAULT_MAX_CONCURRENCY : null),
        cores: null,
      },
      details: {
        simulation: true,
        mode: c.mode,
        ...(c.mode === 'container'
          ? {
              routing: this.routing,
              keepAlive: this.keepAlive,
              maxConcurrency: this.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
            }
          : {
              model:
                c.cores === undefined
                  ? 'M/G/∞ (every request its own executor)'
                  : `M/G/${c.cores}-PS (every request its own executor, ${c.cores} cores shared)`,
              cores: c.cores ?? null,
              maxConcurrency: this.maxConcurrency ?? null,
            }),
        serviceTime: {
          ...means(c.serviceTime),
          distribution: c.serviceTime.distribution,
          ...(c.serviceTime.distribution === 'lognormal' ? { cv: c.serviceTime.cv ?? DEFAULT_CV } : {}),
        },
        workloads: Object.fromEntries(Object.entries(c.workloads).map(([w, m]) => [w, means(m)])),
        seed: c.seed,
        timeScale: c.timeScale,
      },
      warnings: [
        'sim is a simulation, not a measurement: no workload code runs; service times are sampled from the configured distributions and cold starts, executors and keep-alive are simulated.',
        ...(c.timeScale !== 1
          ? [
              `timeScale ${c.timeScale}: client-measured latencies are scaled by it; platform-side times are simulated seconds.`,
            ]
          : []),
      ],
    };
  }

  /** Stop every timer and settle every pending invoke() (as an error). */
  private stopPending(): void {
    for (const entry of this.sims.values()) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    for (const controller of this.pending) controller.abort();
    this.pending.clear();
  }

  protected async doTeardown(): Promise<void> {
    this.unlisten?.();
    this.unlisten = undefined;
    this.stopPending();
    this.unregister?.();
    this.unregister = undefined;
    this.context.log(`sim: torn down (${this.sims.size} simulated workload(s))`);
  }
}

/** The means of a service-time block, in a fixed key order (warm, cold, wasm). */
function means(t: { warm?: number; cold?: number; wasm?: number }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ['warm', 'cold', 'wasm'] as const) if (t[key] !== undefined) out[key] = t[key];
  return out;
}

export function create(config: Record<string, unknown>, context: PlatformContext): Platform {
  return new SimPlatform(parseConfig(config), context);
}
