/**
 * The `openwhisk` platform: an existing API host, or the openwhisk-deploy-kube chart on a
 * cluster faasmark provisions (docs/openwhisk.md). Requests go non-blocking; activation
 * records give start/end/wait/init (ms → s, epoch → point clock); the invoker log gives
 * executor spans and the container of each activation.
 */
import { PlatformError } from '../../core/errors.js';
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
import { OPENWHISK_DEFAULT_KEEP_ALIVE } from '../keep-alive.js';
import type { PlatformContext } from '../registry.js';
import { activationOutcome, toPlatformSide } from './activation.js';
import { OpenWhiskClient } from './client.js';
import { type OpenWhiskConfig, parseConfig } from './config.js';
import { deployAction } from './deploy.js';
import { invokeAndWait } from './invocation.js';
import { type ContainerSpan, INIT_STATES } from './invoker-log.js';
import { type K3sFactory, type KubeDescription, KubeOpenWhisk } from './kube.js';
import { CommandLogSource, FileLogSource, FollowLogSource, type LogSource } from './log-source.js';
import { ActivationPoller } from './poller.js';
import { waitForInvoke } from './readiness.js';
import { type CommandRunner, execaRunner } from './runner.js';
import { splitKeepAlive } from './values.js';

export interface OpenWhiskDeps {
  runner?: CommandRunner;
  k3sFactory?: K3sFactory;
  env?: NodeJS.ProcessEnv;
  /** Pause between readiness polls (s; default 3); tests shorten it. */
  pollInterval?: number;
}

export class OpenWhiskPlatform extends PlatformBase {
  readonly name = 'openwhisk';
  readonly executor = 'container' as const;
  readonly capabilities: PlatformCapabilities;
  readonly config: OpenWhiskConfig;
  private readonly runner: CommandRunner;
  private readonly kube: KubeOpenWhisk | undefined;
  private client: OpenWhiskClient | undefined;
  private poller: ActivationPoller | undefined;
  private logSource: LogSource | undefined;
  private clock: PointClock | undefined;
  private options: SetupOptions = {};
  private readonly deployed = new Set<string>();
  private readonly warnings = new Set<string>();
  private coldChecked = 0;
  private coldMismatches = 0;
  /** Revision counter of forceCold() action updates. */
  private revision = 0;
  private keepAlive: number | undefined;
  private kubeInfo: KubeDescription | undefined;
  private build: { build?: string; buildno?: string } | undefined;
  private readonly pollInterval: number;

  constructor(
    config: OpenWhiskConfig,
    private readonly context: PlatformContext,
    deps: OpenWhiskDeps = {},
  ) {
    super();
    this.config = config;
    this.runner = deps.runner ?? execaRunner();
    this.pollInterval = deps.pollInterval ?? 3;
    if (config.mode === 'kubernetes') {
      this.kube = new KubeOpenWhisk(config, this.runner, context.workDir, context.log, {
        ...(deps.k3sFactory ? { k3sFactory: deps.k3sFactory } : {}),
        ...(deps.pollInterval !== undefined ? { pollInterval: deps.pollInterval } : {}),
        ...(deps.env ? { env: deps.env } : {}),
      });
    }
    this.capabilities = {
      coldFlag: true,
      executorSpans: config.mode === 'kubernetes' || config.invokerLog !== undefined,
      platformTimes: true,
      keepAlive: config.mode === 'kubernetes',
      // routing is a property of the invoker image, not a per-point switch
      routing: false,
      // an action update makes a new revision, which no warm container matches
      forceCold: true,
    };
  }

  /** Record a warning for the manifest and log it once. */
  private warn(message: string): void {
    if (this.warnings.has(message)) return;
    this.warnings.add(message);
    this.context.log(`openwhisk: warning: ${message}`);
  }

  private get apiHost(): string {
    return this.kube ? this.kube.apiHost : (this.config.apiHost as string);
  }

  private get auth(): string {
    return this.kube ? this.kube.guestAuth : (this.config.auth as string);
  }

  private get insecure(): boolean {
    // the chart's nginx serves a self-signed certificate
    return this.kube ? true : this.config.insecure;
  }

  protected async doSetup(options: SetupOptions, clock: PointClock): Promise<void> {
    this.clock = clock;
    this.options = options;
    const sinceTime = new Date().toISOString();
    if (this.kube) {
      const keepAlive = options.keepAlive ?? OPENWHISK_DEFAULT_KEEP_ALIVE;
      await this.kube.setKeepAlive(keepAlive, this.config.restartBetweenPoints);
      this.keepAlive = keepAlive;
    } else if (options.keepAlive !== undefined) {
      this.warn(
        `mode existing cannot set keep-alive (asked ${options.keepAlive} s): the platform's own setting applies; measure it with \`faasmark openwhisk probe keep-alive\``,
      );
    }
    if (options.routing && (options.routing !== 'mru' || !this.config.invokerMru)) {
      this.warn(
        `routing ${options.routing} requested, but OpenWhisk's routing is fixed by the invoker image (${this.config.invokerMru ? 'MRU build' : 'stock image'}); verify with \`faasmark openwhisk probe routing\``,
      );
    }
    if (!this.client) {
      this.client = new OpenWhiskClient({
        apiHost: this.apiHost,
        auth: this.auth,
        namespace: this.config.namespace,
        insecure: this.insecure,
        timeout: this.config.httpTimeout,
        connections: Math.max(64, options.maxConcurrency ?? 0),
      });
      this.poller = new ActivationPoller(
        (id, s) => (this.client as OpenWhiskClient).getActivation(id, s),
        this.config.poll,
      );
    }
    await this.waitForApi(options.signal);
    if (this.kube) await this.waitForActivation(options.signal);
    this.build ??= await (this.client as OpenWhiskClient).info(options.signal);
    await this.logSource?.stop();
    this.logSource = this.openLogSource(sinceTime);
  }

  /** Existing mode: one check. Kubernetes mode: retry until the API answers (bounded). */
  private async waitForApi(signal?: AbortSignal): Promise<void> {
    const client = this.client as OpenWhiskClient;
    if (!this.kube) return client.checkAuth(signal);
    const deadline = Date.now() + this.config.readyTimeout * 1000;
    for (;;) {
      try {
        return await client.checkAuth(signal);
      } catch (err) {
        if (Date.now() >= deadline || signal?.aborted) {
          throw new PlatformError(
            `OpenWhisk API at ${this.apiHost} not ready within ${this.config.readyTimeout} s: ${(err as Error).message}`,
            {
              hint: `kubectl -n ${this.config.helm.namespace} get pods; the install-packages job and the controller must be Running`,
            },
          );
        }
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  }

  /**
   * The second half of the readiness gate (./readiness.ts): a small action runs to completion.
   * It is its own action (`<prefix>readiness`, the first workload's image), so no workload
   * action gets a warm container before its point.
   */
  private async waitForActivation(signal?: AbortSignal): Promise<void> {
    const [workload, spec] = Object.entries(this.config.actions)[0] ?? [];
    if (!workload || !spec) {
      this.warn('no action configured: the readiness gate could not invoke anything after the install');
      return;
    }
    const image = this.kube?.actionImage(workload);
    const target = {
      apiHost: this.apiHost,
      auth: this.auth,
      namespace: this.config.namespace,
      insecure: this.insecure,
    };
    const name = `${this.config.actionPrefix}readiness`;
    await deployAction(
      target,
      name,
      image ? { image } : spec,
      { memoryMb: this.config.actionMemoryMb, timeout: this.config.actionTimeout },
      workload,
    );
    await waitForInvoke(target, name, {
      timeout: this.config.readyTimeout,
      interval: this.pollInterval,
      ...(signal ? { signal } : {}),
    });
    this.context.log(`openwhisk: ${name} ran: the platform takes activations`);
  }

  private openLogSource(sinceTime: string): LogSource | undefined {
    if (this.kube) {
      // after a restart the new pod's whole log belongs to this point
      const since = this.config.restartBetweenPoints ? undefined : sinceTime;
      return new FollowLogSource(this.runner, 'kubectl', this.kube.followArgs(since));
    }
    const src = this.config.invokerLog;
    if (!src) return undefined;
    if ('file' in src) return new FileLogSource(src.file);
    return new CommandLogSource(this.runner, src.command);
  }

  actionName(workload: string): string {
    return `${this.config.actionPrefix}${workload}`;
  }

  protected async doDeploy(workload: string): Promise<void> {
    await this.deployRevision(workload);
    this.deployed.add(this.actionName(workload));
  }

  /**
   * The next activation of `workload` starts a fresh container: the action is updated (a new
   * revision), and ContainerPool.schedule reuses a warm container only for a structurally equal
   * action, revision included (docs/design/platform-facts.md "Warm routing").
   */
  async forceCold(workload: string): Promise<void> {
    this.revision++;
    await this.deployRevision(workload, this.revision);
  }

  private async deployRevision(workload: string, revision?: number): Promise<void> {
    const spec = this.config.actions[workload];
    const loaded = this.kube?.actionImage(workload);
    await deployAction(
      { apiHost: this.apiHost, auth: this.auth, namespace: this.config.namespace, insecure: this.insecure },
      this.actionName(workload),
      spec && loaded ? { image: loaded } : spec,
      { memoryMb: this.config.actionMemoryMb, timeout: this.config.actionTimeout },
      workload,
      revision,
    );
  }

  protected async doInvoke(request: InvokeRequest): Promise<InvokeResult> {
    const client = this.client;
    const clock = this.clock;
    if (!client || !this.poller || !clock)
      return { status: 'error', errorMessage: 'openwhisk: invoke() before the API client is set up' };
    const maxWait = this.options.requestTimeout ?? this.config.poll.maxWait;
    const outcome = await invokeAndWait(
      {
        client,
        poller: this.poller,
        parser: () => this.logSource?.parser,
        logJoinWait: this.config.logJoinWait,
        invocation: this.config.invocation,
        now: () => clock.now(),
      },
      this.actionName(request.workload),
      request.input,
      request.signal,
      maxWait,
    );
    switch (outcome.kind) {
      case 'rejected':
        return { status: 'rejected', httpStatus: outcome.httpStatus, errorMessage: outcome.message };
      case 'error':
        return {
          status: 'error',
          httpStatus: outcome.httpStatus,
          errorMessage: outcome.message,
          platform: outcome.activationId ? { activationId: outcome.activationId } : undefined,
        };
      case 'timeout':
        return {
          status: 'timeout',
          httpStatus: 202,
          errorMessage: outcome.message,
          ...(outcome.activationId ? { platform: { activationId: outcome.activationId } } : {}),
        };
      case 'done': {
        const platform = toPlatformSide(outcome.record, clock);
        const c = outcome.container;
        if (c?.container) platform.executorId = c.container;
        if (c) {
          this.coldChecked++;
          if (INIT_STATES.has(c.state) !== platform.cold) this.coldMismatches++;
        }
        const res = activationOutcome(outcome.record);
        return {
          status: res.status,
          httpStatus: 202,
          body: res.body,
          errorMessage: res.errorMessage,
          platform,
          ...(outcome.receivedAt !== undefined ? { receivedAt: outcome.receivedAt } : {}),
        };
      }
    }
  }

  async executorSpans(): Promise<ExecutorSpan[]> {
    const src = this.logSource;
    const clock = this.clock;
    if (!src || !clock) return [];
    await src.refresh();
    const mine = (s: ContainerSpan) =>
      s.actions.some((a) => this.deployed.has(a)) || (this.deployed.size === 0 && s.actions.length > 0);
    return src.parser
      .containerSpans()
      .filter(mine)
      .map((s) => ({
        id: s.container,
        createdAt: clock.fromEpochMs(s.createdMs),
        destroyedAt: s.deletedMs === null ? null : clock.fromEpochMs(s.deletedMs),
        ...(s.deletedMs === null ? {} : { cause: 'unknown' as const }),
      }));
  }

  async describe(): Promise<PlatformDescription> {
    if (this.kube && !this.kubeInfo) this.kubeInfo = await this.kube.describe().catch(() => undefined);
    const warnings = [...this.warnings];
    if (this.coldMismatches > 0) {
      warnings.push(
        `${this.coldMismatches} of ${this.coldChecked} activations: initTime annotation and invoker-log container state disagree on cold/warm`,
      );
    }
    const details: Record<string, unknown> = {
      mode: this.config.mode,
      apiHost: this.apiHost,
      namespace: this.config.namespace,
      invokerMru: this.config.invokerMru,
      actionMemoryMb: this.config.actionMemoryMb,
      poll: this.config.poll,
      coldCrossCheck: { checked: this.coldChecked, mismatches: this.coldMismatches },
    };
    if (this.kube) {
      const ka = this.keepAlive ?? OPENWHISK_DEFAULT_KEEP_ALIVE;
      details.keepAlive = { requested: ka, ...splitKeepAlive(ka, this.config.pauseGrace) };
      details.limits = { ...this.config.limits, userMemoryMb: this.config.userMemoryMb };
      details.jvmHeapMb = { controller: this.config.controllerHeapMb, invoker: this.config.invokerHeapMb };
      details.invokerImageConfigured = this.config.invokerImage ?? '(chart default)';
      details.cluster = this.config.cluster.provider;
      if (this.kubeInfo) {
        details.chart = this.kubeInfo.chart;
        details.chartSource = this.kubeInfo.chartSource;
        details.invokerImage = this.kubeInfo.invokerImage;
        details.invokerImageDigest = this.kubeInfo.invokerImageId;
        details.controllerImage = this.kubeInfo.controllerImage;
        details.controllerImageDigest = this.kubeInfo.controllerImageId;
        details.images = this.kubeInfo.images;
      }
      warnings.push(...this.kube.warnings.filter((w) => !warnings.includes(w)));
    }
    if (this.build) details.openwhiskBuild = this.build;
    if (this.logSource) details.invokerLogLines = this.logSource.parser.lines;
    return {
      name: this.name,
      executor: this.executor,
      version: this.kubeInfo?.appVersion ?? this.build?.buildno,
      applied: {
        // existing: the deployment's own keep-alive when the entry declares it, else unknown
        keepAlive: this.kube
          ? (this.keepAlive ?? OPENWHISK_DEFAULT_KEEP_ALIVE)
          : (this.config.keepAlive ?? null),
        routing: this.config.invokerMru ? 'mru' : null,
        // one invoker runs userMemory ÷ action memory containers at once (docs/design/platform-facts.md)
        maxConcurrency: this.kube ? Math.floor(this.config.userMemoryMb / this.config.actionMemoryMb) : null,
        cores: null,
      },
      details,
      warnings,
    };
  }

  protected async doTeardown(): Promise<void> {
    const problems: string[] = [];
    const src = this.logSource;
    this.logSource = undefined;
    await src?.stop().catch((e: unknown) => problems.push((e as Error).message));
    const client = this.client;
    this.client = undefined;
    this.poller = undefined;
    await client?.close().catch(() => {});
    if (this.kube) await this.kube.teardown().catch((e: unknown) => problems.push((e as Error).message));
    if (problems.length) throw new PlatformError(`openwhisk teardown: ${problems.join('; ')}`);
  }
}

/** Factory used by platforms/registry.ts. */
export function create(
  config: Record<string, unknown>,
  context: PlatformContext,
  deps: OpenWhiskDeps = {},
): Platform {
  return new OpenWhiskPlatform(parseConfig(config, 'openwhisk', deps.env), context, deps);
}
