/**
 * local-wasm's v8 engine: each deployed WASI module is compiled once (WebAssembly.compile) and
 * shared with a pool of worker threads; EVERY request runs in a fresh instance dropped after the
 * response, behind the host's own HTTP endpoint on 127.0.0.1 (host.ts). State policy (V8
 * tier-up): deploy() runs `warmupRuns` requests per worker with the workload's default input,
 * so Liftoff → TurboFan happens at setup, not in the measured window (docs/embedded-platforms.md).
 * JS components (float): the jco glue is imported once per worker, its core modules compiled
 * once, `instantiate()` per request (run-component.ts).
 */
import type { Pool } from 'undici';
import { BuildError, PlatformError } from '../../core/errors.js';
import type {
  InvokeRequest,
  InvokeResult,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../../core/platform.js';
import { createLoopbackClient, invokeOverHttp } from '../embedded/http-invoke.js';
import { applyEndpointOptions, endpointDetails } from '../embedded/local-config.js';
import { requireFile, resolveWorkload } from '../embedded/workload-source.js';
import type { PlatformContext } from '../registry.js';
import type { LocalWasmConfig } from './config.js';
import type { EngineReport, InFlightReport, WasmEngine } from './engine.js';
import { WasmHost } from './host.js';
import { compileFile, loadTranspiled } from './transpiled.js';
import { appliedV8Flags, enableWasmExtendedConst } from './wasm-api.js';
import { WorkerPool } from './worker-pool.js';

export class V8Engine implements WasmEngine {
  readonly name = 'v8' as const;
  private pool: WorkerPool | undefined;
  private host: WasmHost | undefined;
  private client: Pool | undefined;
  private clock: PointClock | undefined;
  private readonly deployed = new Map<string, { path: string; kind: string; compileTime: number }>();

  constructor(
    private readonly config: LocalWasmConfig,
    private readonly context: PlatformContext,
  ) {}

  /** The host endpoint's port (after setup). */
  get port(): number | undefined {
    return this.host?.port;
  }

  async setup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.clock = clock;
    applyEndpointOptions(this.config, options);
    if (this.host) {
      this.host.inFlightCount.reset();
      return;
    }
    this.pool = new WorkerPool(this.config.workers);
    this.host = new WasmHost(this.config, this.pool);
    await this.host.start();
    this.client = createLoopbackClient(this.host.port);
  }

  async deploy(workload: string): Promise<void> {
    if (this.deployed.has(workload)) return;
    const pool = this.pool as WorkerPool;
    const resolved = await resolveWorkload(workload, this.config.workloads, this.context.buildDir);
    const wasm = resolved.artifacts.wasm;
    if (!wasm) {
      throw new BuildError(`workload ${workload} has no Wasm artifact for the v8 engine`, {
        hint: 'build the workloads: npm run build:workloads',
      });
    }
    const t0 = performance.now();
    let path: string;
    if (wasm.kind === 'wasi-module') {
      path = requireFile(wasm.path, `Wasm module of ${workload}`);
      pool.load(workload, await compileFile(path));
    } else {
      path = requireFile(wasm.transpiledDir, `transpiled component of ${workload}`);
      await enableWasmExtendedConst();
      const { glueUrl, modules } = await loadTranspiled(path);
      pool.loadComponent(workload, glueUrl, modules);
    }
    const compileTime = (performance.now() - t0) / 1000;
    await this.warmUp(workload, resolved.warmupInput);
    this.host?.markDeployed(workload);
    this.deployed.set(workload, { path, kind: wasm.kind, compileTime });
    this.context.log(
      `local-wasm (v8): ${workload} compiled in ${(compileTime * 1000).toFixed(1)} ms, warmed up`,
    );
  }

  /** Warm-up runs (excluded from records); the first failure means the module cannot serve. */
  private async warmUp(workload: string, input: unknown): Promise<void> {
    const pool = this.pool as WorkerPool;
    const stdin = new TextEncoder().encode(JSON.stringify(input));
    const runs = Math.max(1, this.config.warmupRuns * pool.size);
    const outcomes = await Promise.all(
      // first runs include V8's baseline compile of the module: allow them at least 2 minutes
      Array.from({ length: runs }, () =>
        pool.run(workload, stdin, Math.max(this.config.requestTimeout, 120)),
      ),
    );
    const failed = outcomes.find((o) => o.status !== 'ok');
    if (failed) {
      throw new PlatformError(`workload ${workload} failed its warm-up run: ${failed.error}`, {
        hint: 'run the module by hand with its default input to see why',
      });
    }
  }

  invoke(request: InvokeRequest): Promise<InvokeResult> {
    // the client waits a little longer than the server's own timeout so the 504 arrives
    return invokeOverHttp(this.client as Pool, request, this.clock, this.config.requestTimeout + 5);
  }

  health(): PlatformHealth {
    return { ok: true };
  }

  inFlight(): InFlightReport {
    if (!this.host) throw new PlatformError('local-wasm: not set up', { hint: 'call setup() first' });
    return { admitted: this.host.inFlightCount.snapshot() };
  }

  stats(): Record<string, number> {
    return { ...(this.host?.counters ?? {}), ...(this.pool?.counters ?? {}) };
  }

  async report(): Promise<EngineReport> {
    return {
      engine: {
        name: 'v8',
        version: process.versions.v8,
        settings: {
          node: process.version,
          v8Flags: [...appliedV8Flags],
          workers: this.config.workers,
          warmupRunsPerWorker: this.config.warmupRuns,
          instancePolicy: 'fresh instance per request',
          wasiHost: 'in-memory WASI preview1 shim (platforms/local-wasm/wasi-shim.ts)',
        },
      },
      applied: {
        keepAlive: null,
        routing: null,
        maxConcurrency: this.config.maxConcurrency ?? null,
        cores: this.config.workers,
      },
      details: {
        workers: this.config.workers,
        ...endpointDetails(this.config),
        warmupRuns: this.config.warmupRuns,
        modules: Object.fromEntries(this.deployed),
        counters: this.stats(),
      },
      warnings: [],
    };
  }

  async teardown(): Promise<void> {
    const { host, pool, client } = this;
    this.host = undefined;
    this.pool = undefined;
    this.client = undefined;
    this.deployed.clear();
    await host?.stop();
    await pool?.close();
    await client?.destroy();
  }
}
