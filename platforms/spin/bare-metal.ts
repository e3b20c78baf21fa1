/**
 * Spin on bare metal: one `spin up --listen 127.0.0.1:<port> -f <spin.toml>` per deployed
 * workload, owned from start to stop (platforms/spin/spin-process.ts), invoked over HTTP.
 *
 * Executors: with WASIp2 components (and WAGI modules) Spin creates a fresh instance per
 * request and reports nothing about them: no executor spans, no platform-side times. The
 * engine measures the in-flight count client-side from each request's [sentAt, doneAt]
 * (thesis §4.2; docs/engine.md `inFlight` ↔ M/G/∞ λE[S]).
 *
 * Options: `runtimeConfigFile` → `--runtime-config-file`; `pooling: false` → `--disable-pooling`;
 * a point's maxConcurrency (else `maxInstanceCount`) → env `SPIN_MAX_INSTANCE_COUNT` (Spin 3.x,
 * crates/core/src/lib.rs, default 1000) and `SPIN_WASMTIME_INSTANCE_COUNT` (the only knob in
 * Spin 2.x, and the component-instance cap derived from the former in 3.x);
 * `instanceReuse` → the Spin ≥ 3.6 reuse flags (crates/trigger-http/src/lib.rs).
 */

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';
import { ConfigError, InternalError, PlatformError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import type {
  InvokeRequest,
  InvokeResult,
  PlatformCapabilities,
  PlatformDescription,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../../core/platform.js';
import type { ExecutorSpan } from '../../core/records.js';
import { PlatformBase } from '../base.js';
import { freeLoopbackPort, loopbackPortAvailable } from '../external/ports.js';
import type { PlatformContext } from '../registry.js';
import { locateSpinApp, type SpinAppInfo } from './app.js';
import { type ResolvedBinary, readSpinVersion, resolveSpinBinary } from './binary.js';
import { SPIN_CAPABILITIES } from './capabilities.js';
import type { InstanceReuseConfig, SpinConfig } from './config.js';
import { postJson } from './http-invoke.js';
import { SpinProcess, SpinStartError } from './spin-process.js';
import { type SpinVersion, supportsInstanceReuse } from './version.js';

/** Spin's built-in health endpoint (answers "OK" without running a component; server.rs). */
export const HEALTH_PATH = '/.well-known/spin/health';

/** How the in-flight count is obtained, recorded in the manifest and the docs. */
export const IN_FLIGHT_NOTE =
  'Spin reports no instances: in-flight requests are measured client-side from request intervals [sentAt, doneAt] ' +
  '(exact time-weighted integral, plus the thesis 1-s samples); with WASIp2/WAGI each request has its own fresh instance';

/** Attempts with a fresh free port when Spin reports the auto-picked port taken (a race with another process). */
const PORT_ATTEMPTS = 3;

export interface UpArgsInput {
  port: number;
  manifestPath: string;
  logDir: string;
  runtimeConfigFile?: string;
  pooling: boolean;
  instanceReuse?: InstanceReuseConfig;
}

/** The `spin up` argument list (pure, for tests and the manifest). */
export function spinUpArgs(input: UpArgsInput): string[] {
  const args = [
    'up',
    '--listen',
    `127.0.0.1:${input.port}`,
    '-f',
    input.manifestPath,
    '--log-dir',
    input.logDir,
  ];
  if (input.runtimeConfigFile) args.push('--runtime-config-file', input.runtimeConfigFile);
  if (!input.pooling) args.push('--disable-pooling');
  const reuse = input.instanceReuse;
  if (reuse?.maxCount !== undefined) args.push('--max-instance-reuse-count', String(reuse.maxCount));
  if (reuse?.maxConcurrent !== undefined)
    args.push('--max-instance-concurrent-reuse-count', String(reuse.maxConcurrent));
  if (reuse?.idleTimeout !== undefined)
    args.push('--idle-instance-timeout', `${Math.round(reuse.idleTimeout * 1000)}ms`);
  return args;
}

/** Upper bound of a reuse count ("2..8" → 8). */
function reuseUpper(value: number | string): number {
  return typeof value === 'number' ? value : Number(value.split('..')[1]);
}

/**
 * The instance-reuse settings in force and the warnings they imply (M/G/∞ assumes a fresh
 * executor per request). Pure: version, config and the app's component kinds in, facts out.
 */
export function reuseFacts(
  version: SpinVersion,
  reuse: InstanceReuseConfig | undefined,
  apps: SpinAppInfo[],
): { settings: Record<string, unknown>; warnings: string[] } {
  if (!supportsInstanceReuse(version)) {
    return {
      settings: {
        supported: false,
        note: `Spin ${version.text} has no instance reuse: one instance per request`,
      },
      warnings: [],
    };
  }
  const settings: Record<string, unknown> = {
    supported: true,
    maxInstanceReuseCount: reuse?.maxCount ?? 'default (1 for WASIp2, 128 for WASIp3)',
    maxInstanceConcurrentReuseCount: reuse?.maxConcurrent ?? 'default (1 for WASIp2, 16 for WASIp3)',
    idleInstanceTimeout: reuse?.idleTimeout ?? 'default (1 s)',
  };
  const warnings: string[] = [];
  const p3 = apps.filter((a) => a.component.kind === 'component-p3').map((a) => a.workload);
  const others = apps.filter((a) => a.component.kind !== 'component-p3').map((a) => a.workload);
  if (reuse?.maxCount !== undefined && reuseUpper(reuse.maxCount) > 1) {
    warnings.push(
      `Spin ${version.text} with max-instance-reuse-count ${reuse.maxCount}: instances serve several requests ` +
        `(WASIp3 components${p3.length ? `: ${p3.join(', ')}` : ''}; Spin documents no effect on WASIp2 yet), ` +
        'so M/G/∞ (a fresh executor per request) does not hold as is',
    );
  } else if (reuse?.maxCount === undefined && p3.length) {
    warnings.push(
      `Spin ${version.text} reuses WASIp3 component instances by default (128 requests, 16 at once) for ${p3.join(', ')}: ` +
        'M/G/∞ does not hold as is; set instanceReuse.maxCount: 1 for a fresh instance per request',
    );
  }
  if (reuse?.maxConcurrent !== undefined && reuseUpper(reuse.maxConcurrent) > 1 && !warnings.length) {
    warnings.push(
      `Spin ${version.text} with max-instance-concurrent-reuse-count ${reuse.maxConcurrent}: WASIp3 instances serve requests concurrently, so M/G/∞ does not hold as is`,
    );
  }
  if (others.length) settings.freshInstancePerRequest = others;
  return { settings, warnings };
}

interface RunningApp {
  info: SpinAppInfo;
  process: SpinProcess;
  port: number;
  pool: Pool;
  unregister: () => void;
  args: string[];
}

export class SpinBareMetalPlatform extends PlatformBase {
  readonly name = 'spin';
  readonly executor = 'wasm' as const;
  readonly capabilities: PlatformCapabilities = SPIN_CAPABILITIES;

  private binary: ResolvedBinary | undefined;
  private version: SpinVersion | undefined;
  private options: SetupOptions = {};
  private readonly apps = new Map<string, RunningApp>();
  private readonly crashes: string[] = [];
  /** Instance-cap refusals of apps already stopped in this point. */
  private pastLimitHits = 0;

  constructor(
    private readonly config: SpinConfig,
    private readonly context: PlatformContext,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    super();
  }

  /** Resolve the binary and its version; check the options against it. */
  protected async doSetup(options: SetupOptions, _clock: PointClock): Promise<void> {
    this.options = options;
    this.crashes.length = 0;
    this.pastLimitHits = 0;
    this.binary ??= resolveSpinBinary(this.config.binary, this.env);
    this.version ??= await readSpinVersion(this.binary.path, this.config.env);
    if (this.config.instanceReuse && !supportsInstanceReuse(this.version)) {
      throw new ConfigError(
        `spin.instanceReuse needs Spin >= 3.6 (the instance-reuse flags), but ${this.binary.path} is Spin ${this.version.text}`,
        [],
        {
          hint: 'remove instanceReuse (older Spin always uses a fresh instance per request) or upgrade Spin',
        },
      );
    }
    if (this.config.runtimeConfigFile && !existsSync(this.config.runtimeConfigFile)) {
      throw new ConfigError(
        `spin.runtimeConfigFile: ${resolve(this.config.runtimeConfigFile)} does not exist`,
      );
    }
  }

  /** The instance cap passed to Spin (point maxConcurrency first), if any. */
  private instanceCap(): number | undefined {
    return this.options.maxConcurrency ?? this.config.maxInstanceCount;
  }

  private spinEnv(): Record<string, string> {
    const env: Record<string, string> = { ...this.config.env };
    const cap = this.instanceCap();
    if (cap !== undefined) {
      env.SPIN_MAX_INSTANCE_COUNT = String(cap);
      env.SPIN_WASMTIME_INSTANCE_COUNT = String(cap);
    }
    return env;
  }

  /** Locate (or generate) the workload's app and start `spin up` for it; idempotent. */
  protected async doDeploy(workload: string): Promise<void> {
    if (this.apps.has(workload)) return;
    if (!this.binary || !this.version) throw new InternalError('spin: deploy() called before setup()');
    const info = locateSpinApp(workload, {
      manifests: this.config.manifests,
      buildDir: this.context.buildDir,
      workDir: this.context.workDir,
    });
    const appDir = join(this.context.workDir, 'spin', workload);
    for (let attempt = 1; ; attempt++) {
      const port = await this.pickPort();
      const args = spinUpArgs({
        port,
        manifestPath: info.manifestPath,
        logDir: join(appDir, 'logs'),
        ...(this.config.runtimeConfigFile
          ? { runtimeConfigFile: resolve(this.config.runtimeConfigFile) }
          : {}),
        pooling: this.config.pooling,
        ...(this.config.instanceReuse ? { instanceReuse: this.config.instanceReuse } : {}),
      });
      this.context.log(`spin: starting ${workload} on 127.0.0.1:${port}`);
      const proc = SpinProcess.start({
        binary: this.binary.path,
        args,
        env: this.spinEnv(),
        cwd: appDir,
        logPath: join(appDir, 'spin-up.log'),
      });
      const unregister = onShutdown(`spin up (${workload}, pid ${proc.pid})`, () =>
        proc.stop(this.config.stopGrace),
      );
      try {
        await proc.waitReady(
          `http://127.0.0.1:${port}${HEALTH_PATH}`,
          this.config.startTimeout,
          this.options.signal,
        );
      } catch (err) {
        await proc.stop(this.config.stopGrace);
        unregister();
        if (err instanceof SpinStartError && err.portInUse) {
          if (this.config.port === undefined && attempt < PORT_ATTEMPTS) continue;
          throw new PlatformError(
            `spin up could not listen on 127.0.0.1:${port}: the port is already in use`,
            {
              cause: err,
              hint:
                this.config.port !== undefined
                  ? 'free that port or change spin.port (omit it to use a free port)'
                  : 'free ports kept being taken by another process; retry',
            },
          );
        }
        throw err;
      }
      const pool = new Pool(`http://127.0.0.1:${port}`, { keepAliveTimeout: 30_000 /* ms */ });
      this.apps.set(workload, { info, process: proc, port, pool, unregister, args });
      void proc.exited.then(() => {
        if (!proc.crashed) return;
        const tail = proc.stderrTail(1000);
        const reason = `spin up (${workload}) ${proc.describeExit()} mid-run${tail ? `: ${tail}` : ''}`;
        this.crashes.push(reason);
        this.context.log(`spin: ${reason}`);
      });
      return;
    }
  }

  private async pickPort(): Promise<number> {
    const fixed = this.config.port;
    if (fixed === undefined) return freeLoopbackPort();
    if (!(await loopbackPortAvailable(fixed))) {
      throw new PlatformError(`spin.port ${fixed}: 127.0.0.1:${fixed} is already in use`, {
        hint: 'free that port or change spin.port (omit it to use a free port)',
      });
    }
    return fixed;
  }

  /** POST the input to the workload's route. Never throws for request-level failures. */
  protected async doInvoke(request: InvokeRequest): Promise<InvokeResult> {
    const app = this.apps.get(request.workload);
    if (!app) return { status: 'error', errorMessage: `spin: workload ${request.workload} is not deployed` };
    if (app.process.exit) {
      return { status: 'error', errorMessage: `spin up ${app.process.describeExit()}; request not sent` };
    }
    const result = await postJson(app.pool, app.info.route, request.input, {
      ...(this.options.requestTimeout !== undefined ? { timeout: this.options.requestTimeout } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      maxResponseBytes: this.config.maxResponseBytes,
    });
    if (result.status === 'error' && result.httpStatus === undefined) {
      // A dead server shows up as a refused or reset connection, usually a moment before its
      // exit is reaped: wait for it (bounded; a live server never gets here in normal runs).
      const grace = new Promise((r) => setTimeout(r, 1000).unref());
      await Promise.race([app.process.exited, grace]);
      if (app.process.exit) {
        return {
          ...result,
          errorMessage: `spin up ${app.process.describeExit()} mid-run (${result.errorMessage ?? 'error'})`,
        };
      }
    }
    return result;
  }

  /** Spin does not expose its instances. */
  async executorSpans(): Promise<ExecutorSpan[]> {
    return [];
  }

  override health(): PlatformHealth {
    return this.crashes.length ? { ok: false, reason: this.crashes.join('; ') } : { ok: true };
  }

  async describe(): Promise<PlatformDescription> {
    const apps = [...this.apps.values()];
    const reuse = this.version
      ? reuseFacts(
          this.version,
          this.config.instanceReuse,
          apps.map((a) => a.info),
        )
      : undefined;
    const cap = this.instanceCap();
    const limitHits = apps.reduce((n, a) => n + a.process.instanceLimitHits, 0) + this.pastLimitHits;
    const warnings = [...(reuse?.warnings ?? [])];
    if (limitHits > 0) {
      warnings.push(
        `Spin refused ${limitHits} instantiation(s) at its instance cap (${cap ?? 1000}): those requests were answered with an empty HTTP 500 and recorded as errors`,
      );
    }
    return {
      name: 'spin',
      executor: 'wasm',
      ...(this.version ? { version: this.version.text } : {}),
      ...(this.version ? { engine: { name: 'spin (wasmtime)', version: this.version.text } } : {}),
      applied: {
        keepAlive: null,
        routing: null,
        // Spin's default instance cap (docs/design/platform-facts.md "Spin")
        maxConcurrency: cap ?? 1000,
        cores: availableParallelism(),
      },
      details: {
        mode: 'bare-metal',
        ...(this.version ? { versionOutput: this.version.raw } : {}),
        ...(this.binary ? { binary: this.binary.path, binarySource: this.binary.source } : {}),
        pooling: this.config.pooling,
        maxInstanceCount: cap ?? 'default (1000)',
        ...(this.config.runtimeConfigFile
          ? { runtimeConfigFile: resolve(this.config.runtimeConfigFile) }
          : {}),
        ...(reuse ? { instanceReuse: reuse.settings } : {}),
        inFlight: IN_FLIGHT_NOTE,
        apps: Object.fromEntries(
          apps.map((a) => [
            a.info.workload,
            {
              manifest: a.info.manifestPath,
              manifestOrigin: a.info.origin,
              route: a.info.route,
              component: a.info.component,
              command: a.args,
            },
          ]),
        ),
        instanceLimitHits: limitHits,
        crashed: this.crashes.length > 0,
        ...(this.crashes.length ? { crashes: [...this.crashes] } : {}),
      },
      ...(warnings.length ? { warnings } : {}),
    };
  }

  /** Stop every `spin up` this platform started. Safe to call twice. */
  protected async doTeardown(): Promise<void> {
    const apps = [...this.apps.values()];
    this.apps.clear();
    await Promise.all(
      apps.map(async (app) => {
        await app.pool.destroy().catch(() => undefined);
        await app.process.stop(this.config.stopGrace);
        this.pastLimitHits += app.process.instanceLimitHits;
        app.unregister();
      }),
    );
  }
}
