/**
 * local-wasm: Spin's execution model in miniature. Each deployed WASI module is compiled once
 * (WebAssembly.compile) and shared with a pool of worker threads; EVERY request runs in a
 * fresh instance that is dropped after the response. invoke() goes through the platform's own
 * HTTP endpoint on 127.0.0.1, so client latency includes the HTTP hop.
 *
 * State policy (V8 tier-up): deploy() runs `warmupRuns` requests per worker with the
 * workload's default input before returning, so V8's lazy tier-up (Liftoff → TurboFan, up to
 * 5× slower first runs: docs/embedded-platforms.md) happens at setup, not in the measured window. The
 * compiled code lives in the shared module, so the instances of later requests get it.
 *
 * JS components (float): the jco-transpiled glue is imported once per worker, its core
 * modules compiled once, and `instantiate()` runs per request (run-component.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Pool } from 'undici';
import { BuildError, PlatformError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import type {
  InvokeRequest,
  InvokeResult,
  Platform,
  PlatformCapabilities,
  PlatformDescription,
  PointClock,
  SetupOptions,
} from '../../core/platform.js';
import type { ExecutorSpan } from '../../core/records.js';
import { PlatformBase } from '../base.js';
import { createLoopbackClient, invokeOverHttp } from '../embedded/http-invoke.js';
import { applyEndpointOptions, endpointDetails } from '../embedded/local-config.js';
import { requireFile, resolveWorkload } from '../embedded/workload-source.js';
import type { PlatformContext } from '../registry.js';
import { type LocalWasmConfig, parseConfig } from './config.js';
import { WasmHost } from './host.js';
import { enableExtendedConst } from './run-component.js';
import { type WasmModule, wasmApi } from './wasm-api.js';
import { WorkerPool } from './worker-pool.js';

export class LocalWasmPlatform extends PlatformBase {
  readonly name = 'local-wasm';
  readonly executor = 'wasm' as const;
  readonly capabilities: PlatformCapabilities = {
    coldFlag: false,
    executorSpans: false,
    platformTimes: true,
    keepAlive: false,
    routing: false,
    forceCold: false,
  };
  private pool: WorkerPool | undefined;
  private host: WasmHost | undefined;
  private client: Pool | undefined;
  private clock: PointClock | undefined;
  private unregister: (() => void) | undefined;
  private readonly deployed = new Map<string, { path: string; kind: string; compileTime: number }>();

  constructor(
    readonly config: LocalWasmConfig,
    private readonly context: PlatformContext,
  ) {
    super();
  }

  /** The endpoint (after setup): POST `${url}/<workload>`. */
  get url(): string {
    if (!this.host) throw new PlatformError('local-wasm: not set up', { hint: 'call setup() first' });
    return `http://127.0.0.1:${this.host.port}`;
  }

  protected async doSetup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.clock = clock;
    applyEndpointOptions(this.config, options);
    if (this.host) return;
    this.unregister = onShutdown('local-wasm', () => this.teardown());
    this.pool = new WorkerPool(this.config.workers);
    this.host = new WasmHost(this.config, this.pool);
    try {
      await this.host.start();
    } catch (err) {
      await this.teardown();
      throw err;
    }
    this.client = createLoopbackClient(this.host.port);
  }

  protected async doDeploy(workload: string): Promise<void> {
    if (this.deployed.has(workload)) return;
    const pool = this.pool as WorkerPool;
    const host = this.host as WasmHost;
    const resolved = await resolveWorkload(workload, this.config.workloads, this.context.buildDir);
    const wasm = resolved.artifacts.wasm;
    if (!wasm) {
      throw new BuildError(`workload ${workload} has no Wasm artifact`, {
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
      const { glueUrl, modules } = await loadTranspiled(path);
      pool.loadComponent(workload, glueUrl, modules);
    }
    const compileTime = (performance.now() - t0) / 1000;
    await this.warmUp(workload, resolved.warmupInput);
    host.markDeployed(workload);
    this.deployed.set(workload, { path, kind: wasm.kind, compileTime });
    this.context.log(`local-wasm: ${workload} compiled in ${(compileTime * 1000).toFixed(1)} ms, warmed up`);
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

  protected doInvoke(request: InvokeRequest): Promise<InvokeResult> {
    // the client waits a little longer than the server's own timeout so the 504 arrives
    return invokeOverHttp(this.client as Pool, request, this.clock, this.config.requestTimeout + 5);
  }

  async executorSpans(): Promise<ExecutorSpan[]> {
    return [];
  }

  /** The in-flight count over time, on the point clock: a step function starting at setup. */
  inFlightSeries(): Array<{ at: number; inFlight: number }> {
    const clock = this.clock;
    if (!this.host || !clock) return [];
    return this.host.series.map((s) => ({ at: clock.fromEpochMs(s.atMs), inFlight: s.inFlight }));
  }

  /** Request and worker event counts (timeouts, crashes, replacements) so far. */
  stats(): Record<string, number> {
    return { ...(this.host?.counters ?? {}), ...(this.pool?.counters ?? {}) };
  }

  async describe(): Promise<PlatformDescription> {
    return {
      name: this.name,
      executor: this.executor,
      version: `node ${process.version} (V8 ${process.versions.v8})`,
      engine: { name: 'v8', version: process.versions.v8 },
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
        wasiHost: 'in-memory WASI preview1 shim (platforms/local-wasm/wasi-shim.ts)',
        instancePolicy: 'fresh instance per request',
        modules: Object.fromEntries(this.deployed),
        counters: this.stats(),
      },
    };
  }

  protected async doTeardown(): Promise<void> {
    const host = this.host;
    const pool = this.pool;
    const client = this.client;
    this.host = undefined;
    this.pool = undefined;
    this.client = undefined;
    this.deployed.clear();
    await host?.stop();
    await pool?.close();
    await client?.destroy();
    this.unregister?.();
    this.unregister = undefined;
  }
}

async function compileFile(path: string): Promise<WasmModule> {
  try {
    return await wasmApi.compile(await readFile(path));
  } catch (err) {
    throw new BuildError(`${path} is not a valid Wasm module: ${err instanceof Error ? err.message : err}`, {
      cause: err,
    });
  }
}

/**
 * A jco transpile output directory: one ESM glue file (`*.js`) and its core modules
 * (`*.wasm`, compiled here once, by file name as the glue asks for them).
 */
async function loadTranspiled(
  dir: string,
): Promise<{ glueUrl: string; modules: Record<string, WasmModule> }> {
  const files = await readdir(dir);
  const glue = files.filter((f) => f.endsWith('.js'));
  if (glue.length !== 1) {
    throw new BuildError(`${dir} should hold exactly one transpiled glue .js file, found ${glue.length}`, {
      hint: 'rebuild: npm run build:workloads',
    });
  }
  const modules: Record<string, WasmModule> = {};
  enableExtendedConst();
  for (const f of files.filter((name) => name.endsWith('.wasm')))
    modules[f] = await compileFile(join(dir, f));
  return { glueUrl: pathToFileURL(join(dir, glue[0] as string)).href, modules };
}

export function create(config: Record<string, unknown>, context: PlatformContext): Platform {
  return new LocalWasmPlatform(parseConfig(config), context);
}
