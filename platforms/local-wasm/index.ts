/**
 * local-wasm: Spin's execution model in miniature, a fresh Wasm instance per request, on one of
 * two engines (docs/embedded-platforms.md "local-wasm"): `wasmtime` (Spin's engine: one owned
 * `wasmtime serve` per workload component, wasmtime-engine.ts; the default when a wasmtime CLI is
 * installed) or `v8` (Node's engine: worker threads behind faasmark's own endpoint,
 * v8-engine.ts). The engine in use is logged at creation and named in describe().
 */
import { PlatformError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import type {
  InvokeRequest,
  InvokeResult,
  Platform,
  PlatformCapabilities,
  PlatformDescription,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../../core/platform.js';
import type { ExecutorSpan } from '../../core/records.js';
import { PlatformBase } from '../base.js';
import type { PlatformContext } from '../registry.js';
import { type LocalWasmConfig, parseConfig } from './config.js';
import type { InFlightReport, WasmEngine } from './engine.js';
import { V8Engine } from './v8-engine.js';
import { WasmtimeEngine } from './wasmtime-engine.js';

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
  private engineImpl: WasmEngine | undefined;
  private unregister: (() => void) | undefined;

  constructor(
    readonly config: LocalWasmConfig,
    private readonly context: PlatformContext,
  ) {
    super();
    context.log(`local-wasm: engine ${config.engine} (${config.engineChoice})`);
  }

  /** The engine in use: `wasmtime` or `v8`. */
  get engine(): LocalWasmConfig['engine'] {
    return this.config.engine;
  }

  /**
   * The endpoint (after setup): POST `${url}/<workload>`. v8: the host's; wasmtime: the one
   * deployed workload's `wasmtime serve` (each workload has its own port).
   */
  get url(): string {
    const e = this.engineImpl;
    const url =
      e instanceof V8Engine && e.port !== undefined
        ? `http://127.0.0.1:${e.port}`
        : e instanceof WasmtimeEngine
          ? e.url
          : undefined;
    if (url === undefined) {
      throw new PlatformError('local-wasm: no single endpoint', {
        hint: 'call setup() (and, for engine wasmtime, deploy exactly one workload) first; each wasmtime workload has its own port: describe().engine.settings.components',
      });
    }
    return url;
  }

  protected async doSetup(options: SetupOptions, clock: PointClock): Promise<void> {
    if (!this.engineImpl) {
      this.unregister = onShutdown('local-wasm', () => this.teardown());
      this.engineImpl =
        this.config.engine === 'wasmtime'
          ? new WasmtimeEngine(this.config, this.context)
          : new V8Engine(this.config, this.context);
    }
    try {
      await this.engineImpl.setup(options, clock);
    } catch (err) {
      await this.teardown();
      throw err;
    }
  }

  protected doDeploy(workload: string): Promise<void> {
    return (this.engineImpl as WasmEngine).deploy(workload);
  }

  protected doInvoke(request: InvokeRequest): Promise<InvokeResult> {
    return (this.engineImpl as WasmEngine).invoke(request);
  }

  async executorSpans(): Promise<ExecutorSpan[]> {
    return [];
  }

  override health(): PlatformHealth {
    return this.engineImpl?.health() ?? { ok: true };
  }

  /**
   * In-flight counts of the current point so far (O(1) memory): where requests are admitted,
   * and for wasmtime also the server side from the instances' own start/end.
   */
  inFlight(): InFlightReport {
    if (!this.engineImpl) throw new PlatformError('local-wasm: not set up', { hint: 'call setup() first' });
    return this.engineImpl.inFlight();
  }

  /** Request and engine event counts (timeouts, crashes, restarts …) so far. */
  stats(): Record<string, number> {
    return this.engineImpl?.stats() ?? {};
  }

  async describe(): Promise<PlatformDescription> {
    const base = { name: this.name, executor: this.executor };
    if (!this.engineImpl) {
      return {
        ...base,
        engine: { name: this.config.engine },
        applied: {
          keepAlive: null,
          routing: null,
          maxConcurrency: this.config.maxConcurrency ?? null,
          cores: null,
        },
        details: { engine: this.config.engine, engineChoice: this.config.engineChoice },
      };
    }
    const r = await this.engineImpl.report();
    return {
      ...base,
      version: r.engine.version ? `${r.engine.name} ${r.engine.version}` : r.engine.name,
      engine: r.engine,
      applied: r.applied,
      details: {
        engineChoice: this.config.engineChoice,
        ...r.details,
        instancePolicy: 'fresh instance per request',
      },
      ...(r.warnings.length ? { warnings: r.warnings } : {}),
    };
  }

  protected async doTeardown(): Promise<void> {
    const engine = this.engineImpl;
    this.engineImpl = undefined;
    await engine?.teardown();
    this.unregister?.();
    this.unregister = undefined;
  }
}

export function create(config: Record<string, unknown>, context: PlatformContext): Platform {
  return new LocalWasmPlatform(parseConfig(config), context);
}
