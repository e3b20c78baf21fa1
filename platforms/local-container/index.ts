/**
 * local-container: OpenWhisk's execution model in miniature (pool.ts): scale-per-request,
 * one request per executor, routing among idle executors, exact per-executor keep-alive.
 * Executors are OS processes (default) or Docker containers running the workload's action
 * server. The pool is reached over its own HTTP endpoint on 127.0.0.1 (`POST /<workload>`),
 * which answers with the workload's JSON and the activation record in the
 * x-faasmark-activation header; invoke() goes through that endpoint.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { availableParallelism } from 'node:os';
import type { Pool } from 'undici';
import { createRng } from '../../analysis/random.js';
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
import { resolveWorkload } from '../embedded/workload-source.js';
import type { PlatformContext } from '../registry.js';
import { type LocalContainerConfig, parseConfig } from './config.js';
import { checkDocker, DockerExecutor } from './docker-executor.js';
import { type Executor, ProcessExecutor } from './executor.js';
import { ContainerPool, type PoolCounters } from './pool.js';

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
  private dockerVersion: string | undefined;
  private generation = 0;

  constructor(
    readonly config: LocalContainerConfig,
    private readonly context: PlatformContext,
  ) {
    super();
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
    const { server, port } = await listenLoopback((req, res) => this.handle(req, res), this.config.port);
    this.server = server;
    this.port = port;
    this.client = createLoopbackClient(port);
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
    if (this.config.executor === 'docker' && this.dockerVersion === undefined) {
      this.dockerVersion = await checkDocker(this.config.docker, this.config.image);
    }
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
      (id) => this.makeExecutor(id, native),
      createRng(this.config.seed),
      prefix,
    );
    this.pools.set(workload, pool);
  }

  private makeExecutor(id: string, native: NativeArtifact): Executor {
    if (this.config.executor === 'docker') {
      return new DockerExecutor(id, {
        docker: this.config.docker,
        image: this.config.image,
        command: native.command,
        args: native.args,
        files: native.files,
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

  async describe(): Promise<PlatformDescription> {
    const description: PlatformDescription = {
      name: this.name,
      executor: this.executor,
      applied: {
        keepAlive: this.config.keepAlive,
        routing: this.config.routing,
        maxConcurrency: this.config.maxConcurrency ?? null,
        cores: availableParallelism(),
      },
      version:
        this.config.executor === 'docker'
          ? (this.dockerVersion ?? 'docker (not checked yet)')
          : `os processes, node ${process.version}`,
      details: {
        executor: this.config.executor,
        keepAlive: this.config.keepAlive,
        routing: this.config.routing,
        seed: this.config.seed,
        ...endpointDetails(this.config),
        counters: this.stats(),
      },
    };
    if (this.config.executor === 'docker')
      (description.details as Record<string, unknown>).image = this.config.image;
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
    this.unregister?.();
    this.unregister = undefined;
  }
}

export function create(config: Record<string, unknown>, context: PlatformContext): Platform {
  return new LocalContainerPlatform(parseConfig(config), context);
}
