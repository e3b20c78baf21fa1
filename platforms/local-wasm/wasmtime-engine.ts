/**
 * local-wasm's wasmtime engine: one owned `wasmtime serve` per deployed workload component
 * (platforms/external/wasmtime-serve.ts), started from a `.cwasm` precompiled once per component
 * hash (fast, deterministic start-up), a fresh instance per request (`--max-instance-reuse-count
 * 1`, as Spin). faasmark's client admits requests (admission.ts), POSTs them straight to the
 * workload's port and reads the component's timing headers (component-invoke.ts). The pooling
 * allocator and instance limits are config options, recorded in describe() with the version,
 * flags and hashes (docs/embedded-platforms.md "Wasmtime engine").
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BuildError, PlatformError } from '../../core/errors.js';
import type {
  InvokeRequest,
  InvokeResult,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../../core/platform.js';
import { epochMs } from '../embedded/http-endpoint.js';
import { InFlightAccumulator } from '../embedded/in-flight.js';
import { applyEndpointOptions, endpointDetails } from '../embedded/local-config.js';
import { resolveWorkload } from '../embedded/workload-source.js';
import { loopbackPortAvailable } from '../external/ports.js';
import {
  CODEGEN_ARGS,
  faasmarkCacheDir,
  PINNED_WASMTIME_VERSION,
  type Precompiled,
  precompile,
  readWasmtimeVersion,
  serveArgsFor,
  type WasmtimeVersion,
} from '../external/wasmtime-cli.js';
import { portInUseError, ServeStartError, WasmtimeServe } from '../external/wasmtime-serve.js';
import type { PlatformContext } from '../registry.js';
import { Admission } from './admission.js';
import { type ComponentAnswer, invokeComponent } from './component-invoke.js';
import type { LocalWasmConfig } from './config.js';
import type { EngineReport, InFlightReport, WasmEngine } from './engine.js';

interface Served {
  serve: WasmtimeServe;
  client: Pool;
  component: string;
  compiled: Precompiled;
  serveArgs: string[];
  argsKey: string;
}

export class WasmtimeEngine implements WasmEngine {
  readonly name = 'wasmtime' as const;
  private version: WasmtimeVersion | undefined;
  private clock: PointClock | undefined;
  private readonly served = new Map<string, Served>();
  private readonly admission: Admission;
  private readonly admitted = new InFlightAccumulator();
  private server = { busySeconds: 0, answered: 0, sinceMs: epochMs() };
  private readonly counters = {
    requests: 0,
    ok: 0,
    errors: 0,
    timeouts: 0,
    rejected: 0,
    wasmtime500: 0,
    reusedInstances: 0,
    restarts: 0,
  };
  /** Fixed ports (config `port` > 0): workload → port, kept across restarts. */
  private readonly ports = new Map<string, number>();

  constructor(
    private readonly config: LocalWasmConfig,
    private readonly context: PlatformContext,
  ) {
    this.admission = new Admission(config);
  }

  private get binary(): string {
    const b = this.config.wasmtimeBinary;
    if (!b) throw new PlatformError('local-wasm: engine wasmtime without a wasmtime binary (a bug)');
    return b.path;
  }

  /** The one deployed workload's `wasmtime serve` URL (any path reaches the component). */
  get url(): string | undefined {
    if (this.served.size !== 1) return undefined;
    return `http://127.0.0.1:${[...this.served.values()][0]?.serve.port}`;
  }

  /** Flags every serve process gets (the point's request timeout included). */
  commonArgs(): string[] {
    const w = this.config.wasmtime;
    // no compile cache: the component is precompiled (and ~/.cache/wasmtime is shared)
    const args = [
      '-C',
      'cache=n',
      ...CODEGEN_ARGS,
      '-W',
      `timeout=${Math.ceil(this.config.requestTimeout * 1000)}ms`,
    ];
    if (w.maxMemorySize !== undefined) args.push('-W', `max-memory-size=${w.maxMemorySize}`);
    const o: string[] = [];
    if (w.pooling !== undefined) o.push(`pooling-allocator=${w.pooling ? 'y' : 'n'}`);
    if (w.totalComponentInstances !== undefined)
      o.push(`pooling-total-component-instances=${w.totalComponentInstances}`);
    if (o.length) args.push('-O', o.join(','));
    args.push('--max-instance-reuse-count', String(w.instanceReuse ?? 1));
    if (w.maxConcurrentRequests !== undefined)
      args.push('--max-concurrent-requests', String(w.maxConcurrentRequests));
    return args;
  }

  async setup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.clock = clock;
    applyEndpointOptions(this.config, options);
    this.version ??= await readWasmtimeVersion(this.binary);
    this.admitted.reset();
    this.server = { busySeconds: 0, answered: 0, sinceMs: epochMs() };
    // restart a serve that died (the last point was unhealthy) or whose flags changed (the
    // request timeout): each point starts with its processes up and its settings applied
    const key = this.commonArgs().join(' ');
    for (const [workload, s] of [...this.served]) {
      if (s.argsKey === key && s.serve.exit === null) continue;
      await this.stopOne(workload);
      this.counters.restarts++;
      await this.deploy(workload);
    }
  }

  async deploy(workload: string): Promise<void> {
    if (this.served.has(workload)) return;
    const resolved = await resolveWorkload(workload, this.config.workloads, this.context.buildDir);
    const component = resolved.artifacts.component;
    if (!component) {
      throw new BuildError(
        `workload ${workload} has no wasi:http component for the wasmtime engine${resolved.componentPath ? ` (looked for ${resolved.componentPath}): not built` : ''}`,
        { hint: "build the workloads (npm run build:workloads), or use local-wasm's engine: v8" },
      );
    }
    const compiled = await precompile(this.binary, this.version as WasmtimeVersion, component.path, {
      cacheDir: this.config.wasmtime.cacheDir ?? faasmarkCacheDir(),
      codegenArgs: CODEGEN_ARGS,
    });
    const serveArgs = component.serveArgs ?? serveArgsFor(readFileSync(component.path));
    const common = this.commonArgs();
    const serve = await this.start(workload, compiled, [...common, ...serveArgs]);
    const client = new Pool(`http://127.0.0.1:${serve.port}`, {
      connections: null,
      pipelining: 1,
      keepAliveTimeout: 30_000,
    });
    const entry = {
      serve,
      client,
      component: component.path,
      compiled,
      serveArgs,
      argsKey: common.join(' '),
    };
    this.served.set(workload, entry);
    try {
      await this.warmUp(workload, resolved.warmupInput);
    } catch (err) {
      await this.stopOne(workload);
      throw err;
    }
    const how =
      compiled.compileSeconds === null
        ? 'cached .cwasm'
        : `compiled in ${compiled.compileSeconds.toFixed(2)} s`;
    this.context.log(
      `local-wasm (wasmtime ${this.version?.text}): ${workload} serving on 127.0.0.1:${serve.port}, ready in ${(serve.readySeconds * 1000).toFixed(1)} ms (${how}), ${this.config.warmupRuns} warm-up requests`,
    );
  }

  private async start(workload: string, compiled: Precompiled, args: string[]): Promise<WasmtimeServe> {
    const base = this.config.port ?? 0;
    if (base !== 0 && !this.ports.has(workload)) this.ports.set(workload, base + this.ports.size);
    const port = base === 0 ? 0 : (this.ports.get(workload) as number);
    const label = `wasmtime serve (${workload})`;
    if (port !== 0 && !(await loopbackPortAvailable(port))) throw portInUseError(port, label);
    try {
      return await WasmtimeServe.start({
        binary: this.binary,
        args,
        component: compiled.path,
        precompiled: true,
        port,
        readyTimeout: this.config.wasmtime.startTimeout ?? 60,
        label,
        logPath: join(this.context.workDir, `wasmtime-${workload}.log`),
      });
    } catch (err) {
      if (err instanceof ServeStartError && err.portInUse) throw portInUseError(port, label);
      throw err;
    }
  }

  /** Sequential warm-up requests (not recorded); the first failure fails deploy. */
  private async warmUp(workload: string, input: unknown): Promise<void> {
    for (let i = 0; i < Math.max(1, this.config.warmupRuns); i++) {
      const { result } = await this.call(workload, { workload, input }, epochMs());
      if (result.status !== 'ok') {
        throw new PlatformError(
          `workload ${workload} failed its warm-up run under wasmtime serve: ${result.errorMessage}`,
          {
            hint: `run it by hand: ${this.served.get(workload)?.serve.command}`,
          },
        );
      }
    }
  }

  private call(workload: string, request: InvokeRequest, arrivalMs: number): Promise<ComponentAnswer> {
    const s = this.served.get(workload) as Served;
    return invokeComponent(s.client, request, {
      clock: this.clock,
      arrivalMs,
      sentMs: epochMs(),
      requestTimeout: this.config.requestTimeout,
      executorId: `wasmtime-${workload}-${s.serve.pid}`,
      lastError: () => s.serve.recentErrors().at(-1),
    });
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const arrivalMs = epochMs();
    if (!this.served.has(request.workload)) {
      return { status: 'error', errorMessage: `workload ${request.workload} is not deployed on local-wasm` };
    }
    this.counters.requests++;
    let admitted = this.admission.admit();
    if (admitted !== true && admitted !== false) admitted = await admitted;
    if (!admitted) {
      this.counters.rejected++;
      return {
        status: 'rejected',
        errorMessage: `too many requests in flight (maxConcurrency ${this.config.maxConcurrency})`,
      };
    }
    this.admitted.change(1);
    let answer: ComponentAnswer;
    try {
      answer = await this.call(request.workload, request, arrivalMs);
    } finally {
      this.admitted.change(-1);
      this.admission.release();
    }
    this.count(answer);
    return answer.result;
  }

  private count(answer: ComponentAnswer): void {
    const { status } = answer.result;
    if (status === 'ok') this.counters.ok++;
    else if (status === 'timeout') this.counters.timeouts++;
    else this.counters.errors++;
    if (answer.wasmtime500) this.counters.wasmtime500++;
    if ((answer.instanceRequests ?? 1) > 1) this.counters.reusedInstances++;
    if (answer.busy !== undefined) {
      this.server.busySeconds += answer.busy;
      this.server.answered++;
    }
  }

  health(): PlatformHealth {
    for (const [, s] of this.served) {
      const exit = s.serve.exit;
      if (!exit || !s.serve.crashed) continue;
      const at = this.clock ? ` at ${this.clock.fromEpochMs(exit.atMs).toFixed(1)} s` : '';
      const tail = s.serve.stderrTail(500);
      return {
        ok: false,
        reason: `${s.serve.label} ${s.serve.describeExit()}${at}${tail ? `: ${tail}` : ''}`,
      };
    }
    return { ok: true };
  }

  inFlight(): InFlightReport {
    const admitted = this.admitted.snapshot();
    const elapsed = (epochMs() - this.server.sinceMs) / 1000;
    return {
      admitted,
      server: {
        busySeconds: this.server.busySeconds,
        mean: elapsed > 0 ? this.server.busySeconds / elapsed : 0,
        answered: this.server.answered,
      },
    };
  }

  stats(): Record<string, number> {
    return { ...this.counters };
  }

  /** The effective concurrency limit: the smallest of faasmark's admission and wasmtime's own limits. */
  private concurrencyLimit(): number | null {
    const w = this.config.wasmtime;
    const limits = [this.config.maxConcurrency, w.maxConcurrentRequests, w.totalComponentInstances].filter(
      (x): x is number => x !== undefined,
    );
    return limits.length ? Math.min(...limits) : null;
  }

  async report(): Promise<EngineReport> {
    const w = this.config.wasmtime;
    const warnings: string[] = [];
    if (this.version && this.version.text !== PINNED_WASMTIME_VERSION)
      warnings.push(
        `wasmtime ${this.version.text} is not the pinned ${PINNED_WASMTIME_VERSION} (scripts/install-wasmtime.sh)`,
      );
    if (
      w.totalComponentInstances !== undefined &&
      (this.config.maxConcurrency ?? Number.POSITIVE_INFINITY) > w.totalComponentInstances
    )
      warnings.push(
        `more requests may be admitted than wasmtime.totalComponentInstances (${w.totalComponentInstances}): the excess get wasmtime's 500 (recorded as errors)`,
      );
    const components = Object.fromEntries(
      [...this.served].map(([name, s]) => [
        name,
        {
          component: s.component,
          componentSha256: s.compiled.componentSha256,
          cwasm: s.compiled.path,
          cwasmSha256: s.compiled.cwasmSha256,
          compileSeconds: s.compiled.compileSeconds,
          serveArgs: s.serveArgs,
          port: s.serve.port,
          pid: s.serve.pid,
          readySeconds: s.serve.readySeconds,
        },
      ]),
    );
    return {
      engine: {
        name: 'wasmtime',
        ...(this.version ? { version: this.version.text } : {}),
        settings: {
          binary: this.config.wasmtimeBinary?.path,
          binarySource: this.config.wasmtimeBinary?.source,
          ...(this.version ? { versionLine: this.version.raw } : {}),
          serveArgs: this.commonArgs(),
          compileArgs: CODEGEN_ARGS,
          instanceReuse: w.instanceReuse ?? 1,
          pooling: w.pooling ?? 'wasmtime default (on where 42 bits of address space can be reserved)',
          ...(w.totalComponentInstances !== undefined
            ? { totalComponentInstances: w.totalComponentInstances }
            : {}),
          ...(w.maxMemorySize !== undefined ? { maxMemorySize: w.maxMemorySize } : {}),
          ...(w.maxConcurrentRequests !== undefined
            ? { maxConcurrentRequests: w.maxConcurrentRequests }
            : {}),
          components,
        },
      },
      applied: {
        keepAlive: null,
        routing: null,
        maxConcurrency: this.concurrencyLimit(),
        cores: availableParallelism(),
      },
      details: {
        ...endpointDetails(this.config),
        warmupRuns: this.config.warmupRuns,
        counters: this.stats(),
      },
      warnings,
    };
  }

  private async stopOne(workload: string): Promise<void> {
    const s = this.served.get(workload);
    if (!s) return;
    this.served.delete(workload);
    await s.client.destroy();
    await s.serve.stop();
  }

  async teardown(): Promise<void> {
    this.admission.close();
    await Promise.all([...this.served.keys()].map((w) => this.stopOne(w)));
    this.ports.clear();
  }
}
