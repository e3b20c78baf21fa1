/**
 * local-container: OpenWhisk's execution model in miniature (pool.ts): scale-per-request,
 * one request per executor, routing among idle executors, exact per-executor keep-alive.
 * Executors are Docker containers run as OpenWhisk's invoker runs them (docker/), or OS
 * processes; `executor: auto` picks docker when an engine answers (executor-choice.ts). The
 * pool is reached over its own HTTP endpoint on 127.0.0.1 (`POST /<workload>`), which answers
 * with the workload's JSON and the activation record in the x-faasmark-activation header;
 * invoke() goes through that endpoint. docs/embedded-platforms.md.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { availableParallelism, release, type } from 'node:os';
import { basename } from 'node:path';
import type { Pool } from 'undici';
import { createRng } from '../../analysis/random.js';
import { BuildError, ConfigError, PlatformError } from '../../core/errors.js';
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
import type { NativeArtifact } from '../../workloads/types.js';
import { PlatformBase } from '../base.js';
import {
  activationHeader,
  BodyTooLargeError,
  closeServer,
  deployedWorkloadFor,
  listenLoopback,
  readBody,
  sendJson,
} from '../embedded/http-endpoint.js';
import { createLoopbackClient, invokeOverHttp } from '../embedded/http-invoke.js';
import { applyEndpointOptions, endpointDetails } from '../embedded/local-config.js';
import { type ResolvedWorkload, resolveWorkload } from '../embedded/workload-source.js';
import type { PlatformContext } from '../registry.js';
import { type LocalContainerConfig, parseConfig } from './config.js';
import { DockerExecutor } from './docker/executor.js';
import type { BaseKind, DockerRuntime } from './docker/runtime.js';
import { type Executor, ProcessExecutor } from './executor.js';
import { chooseExecutor, type ExecutorChoice } from './executor-choice.js';
import { ContainerPool, type PoolCounters } from './pool.js';

/** How a workload's action server runs in a container: its base image kind and what is mounted. */
interface ContainerPlan {
  kind: BaseKind;
  mounts: string[];
}

export class LocalContainerPlatform extends PlatformBase {
  readonly name = 'local-container';
  readonly executor = 'container' as const;
  readonly capabilities: PlatformCapabilities = {
    coldFlag: true,
    executorSpans: true,
    platformTimes: true,
    keepAlive: true,
    routing: true,
    forceCold: true,
  };
  private server: Server | undefined;
  private port = 0;
  private client: Pool | undefined;
  private clock: PointClock | undefined;
  private unregister: (() => void) | undefined;
  private readonly pools = new Map<string, ContainerPool>();
  /** Pools of earlier points (torn down), kept for their spans and counters. */
  private readonly retired: ContainerPool[] = [];
  private generation = 0;

  constructor(
    readonly config: LocalContainerConfig,
    private readonly context: PlatformContext,
    /** The executor in use (decided once, at create). */
    readonly choice: ExecutorChoice = {
      kind: 'process',
      requested: config.executor,
      reason: 'executor: process',
    },
  ) {
    super();
  }

  /** The Docker side, when the executors are containers. */
  get docker(): DockerRuntime | undefined {
    return this.choice.kind === 'docker' ? this.choice.runtime : undefined;
  }

  /** The endpoint (after setup): POST `${url}/<workload>`. */
  get url(): string {
    if (!this.server) throw new PlatformError('local-container: not set up', { hint: 'call setup() first' });
    return `http://127.0.0.1:${this.port}`;
  }

  /** A new point: settings from `options`, a fresh pool (no executor survives from the previous point). */
  protected async doSetup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.clock = clock;
    if (options.keepAlive !== undefined) this.config.keepAlive = options.keepAlive;
    if (options.routing !== undefined) this.config.routing = options.routing;
    applyEndpointOptions(this.config, options);
    const previous = [...this.pools.values()];
    this.pools.clear();
    for (const pool of previous) {
      await pool.close();
      this.retired.push(pool);
    }
    if (this.server) return;
    this.unregister = onShutdown('local-container', () => this.teardown());
    const { server, port } = await this.listen();
    this.server = server;
    this.port = port;
    this.client = createLoopbackClient(port);
  }

  /** The endpoint on 127.0.0.1; a configured port in use is bad input (exit 2), not a platform failure. */
  private async listen(): Promise<{ server: Server; port: number }> {
    try {
      return await listenLoopback((req, res) => this.handle(req, res), this.config.port);
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (code !== 'EADDRINUSE') throw err;
      this.unregister?.();
      this.unregister = undefined;
      throw new ConfigError(
        `local-container.port ${this.config.port} is in use on 127.0.0.1 (EADDRINUSE)`,
        [],
        {
          hint: 'pick a free port, or port: 0 (any free port)',
        },
      );
    }
  }

  protected async doDeploy(workload: string): Promise<void> {
    if (this.pools.has(workload)) return;
    const resolved = await resolveWorkload(workload, this.config.workloads, this.context.buildDir);
    const native = resolved.artifacts.native;
    if (!native) {
      throw new BuildError(`workload ${workload} has no action server (native artifact)`, {
        hint: 'build the workloads: npm run build:workloads',
      });
    }
    const plan = containerPlan(resolved, native);
    // the image checked (never pulled), the mounts and flags tried on a probe container: before any request
    await this.docker?.prepare(plan.kind, native.command, native.args, plan.mounts, workload);
    const prefix = `${workload}-${++this.generation}-`;
    const pool = new ContainerPool(
      {
        keepAlive: this.config.keepAlive,
        routing: this.config.routing,
        maxConcurrency: this.config.maxConcurrency,
        overflow: this.config.overflow,
        queueLimit: this.config.queueLimit,
        requestTimeout: this.config.requestTimeout,
        startTimeout: this.config.startTimeout,
      },
      (id) => this.makeExecutor(id, native, plan),
      createRng(this.config.seed),
      prefix,
    );
    this.pools.set(workload, pool);
  }

  private makeExecutor(id: string, native: NativeArtifact, plan: ContainerPlan): Executor {
    const runtime = this.docker;
    if (runtime) {
      return new DockerExecutor(id, {
        runtime,
        kind: plan.kind,
        command: native.command,
        args: native.args,
        mounts: plan.mounts,
      });
    }
    return new ProcessExecutor(id, { command: native.command, args: native.args });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = deployedWorkloadFor(req, res, this.pools);
    if (name === undefined) return;
    const pool = this.pools.get(name) as ContainerPool;
    let text: string;
    try {
      text = (await readBody(req, this.config.bodyLimitBytes)).toString('utf8');
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendJson(res, 413, { error: err.message }, { connection: 'close' });
        return;
      }
      throw err;
    }
    if (text.trim() === '') text = '{}';
    try {
      JSON.parse(text);
    } catch {
      sendJson(res, 400, { error: 'the request body must be the input JSON' });
      return;
    }
    const result = await pool.invoke(text);
    const headers = activationHeader(result.activation);
    if (result.status === 'ok') sendJson(res, 200, result.text, headers);
    else sendJson(res, result.httpStatus, { error: result.text }, headers);
  }

  protected doInvoke(request: InvokeRequest): Promise<InvokeResult> {
    const timeout = this.config.startTimeout + this.config.requestTimeout + 5;
    return invokeOverHttp(this.client as Pool, request, this.clock, timeout);
  }

  async executorSpans(): Promise<ExecutorSpan[]> {
    const clock = this.clock;
    if (!clock) return [];
    const spans = [...this.retired, ...this.pools.values()].flatMap((p) => p.executorSpans());
    return spans.map((s) => {
      const span: ExecutorSpan = {
        id: s.id,
        createdAt: clock.fromEpochMs(s.createdMs),
        destroyedAt: s.destroyedMs === null ? null : clock.fromEpochMs(s.destroyedMs),
      };
      if (s.readyMs !== undefined) span.readyAt = clock.fromEpochMs(s.readyMs);
      if (s.cause !== undefined) span.cause = s.cause;
      if (s.events.length > 0) {
        span.events = s.events.map((e) => ({
          kind: e.kind,
          at: clock.fromEpochMs(e.atMs),
          duration: e.duration,
        }));
      }
      return span;
    });
  }

  /** Event counts (cold/warm, rejections, crashes, timeouts, expiries) summed over pools. */
  stats(): PoolCounters {
    const total: Record<string, number> = {};
    for (const pool of [...this.retired, ...this.pools.values()]) {
      for (const [k, v] of Object.entries(pool.counters)) total[k] = (total[k] ?? 0) + v;
    }
    return total as unknown as PoolCounters;
  }

  /** Live executors of a workload's pool. */
  liveExecutors(workload: string): number {
    return this.pools.get(workload)?.size ?? 0;
  }

  /** Retire the workload's idle executors, so its next request cold-starts one. */
  async forceCold(workload: string): Promise<void> {
    await this.pools.get(workload)?.evictIdle();
  }

  /** Unhealthy once the Docker engine failed mid-point (the reason names the call and the error). */
  override health(): PlatformHealth {
    return this.docker?.health() ?? { ok: true };
  }

  async describe(): Promise<PlatformDescription> {
    const runtime = this.docker;
    const description: PlatformDescription = {
      name: this.name,
      executor: this.executor,
      applied: {
        keepAlive: this.config.keepAlive,
        routing: this.config.routing,
        maxConcurrency: this.config.maxConcurrency ?? null,
        cores: availableParallelism(),
      },
      version: runtime
        ? `docker ${runtime.facts.version} (Engine API ${runtime.facts.api})`
        : `os processes (${type()} ${release()}, node ${process.version})`,
      engine: runtime ? await dockerEngine(runtime) : { name: 'process', version: `${type()} ${release()}` },
      details: {
        executor: this.choice.kind,
        executorRequested: this.choice.requested,
        executorChoice: this.choice.reason,
        keepAlive: this.config.keepAlive,
        ...(runtime ? { pauseGrace: runtime.settings.pauseGrace } : {}),
        routing: this.config.routing,
        seed: this.config.seed,
        ...endpointDetails(this.config),
        counters: this.stats(),
      },
    };
    if (runtime && runtime.warnings.length > 0) description.warnings = [...runtime.warnings];
    return description;
  }

  protected async doTeardown(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    for (const pool of pools) {
      await pool.close();
      this.retired.push(pool);
    }
    const server = this.server;
    const client = this.client;
    this.server = undefined;
    this.client = undefined;
    if (server) await closeServer(server);
    await client?.destroy();
    await this.docker?.close();
    this.unregister?.();
    this.unregister = undefined;
  }
}

/** The python base has the interpreter; a compiled server (or node) is mounted with its files. */
function containerPlan(resolved: ResolvedWorkload, native: NativeArtifact): ContainerPlan {
  const kind =
    resolved.containerBase ?? (/^python3(\.\d+)?$/.test(basename(native.command)) ? 'python' : 'action');
  return { kind, mounts: kind === 'python' ? [...native.files] : [native.command, ...native.files] };
}

/** describe().engine for Docker: what the engine said, the images used, the limits read back. */
async function dockerEngine(runtime: DockerRuntime): Promise<NonNullable<PlatformDescription['engine']>> {
  const settings = runtime.describeSettings();
  const images: Record<string, unknown> = {};
  const containers: Record<string, unknown> = {};
  for (const { kind, prepared } of await runtime.preparedKinds()) {
    images[kind] = prepared.image;
    containers[kind] = prepared.applied;
  }
  // before a deploy nothing was read back yet: absent, not empty
  if (Object.keys(images).length > 0) Object.assign(settings, { images, containers });
  return { name: 'docker', version: runtime.facts.version, settings };
}

/**
 * Create the platform: the config checked, the executor chosen (a Docker engine connected and
 * leftovers swept when it is docker), the choice logged.
 * @throws ConfigError / MissingToolError (exit 2) for bad config or `executor: docker` without an engine
 */
export async function create(config: Record<string, unknown>, context: PlatformContext): Promise<Platform> {
  const parsed = parseConfig(config);
  const choice = await chooseExecutor(parsed);
  context.log(`local-container: ${choice.reason}`);
  if (choice.kind === 'docker' && choice.runtime.swept.length > 0) {
    context.log(
      `local-container: removed ${choice.runtime.swept.length} leftover container(s) of faasmark processes that are gone`,
    );
  }
  return new LocalContainerPlatform(parsed, context, choice);
}
