/**
 * A local-container executor that is a Docker container, driven as OpenWhisk's invoker drives
 * its containers (docs/embedded-platforms.md "Docker executor"): create with the invoker's
 * flags, start, reach the server on the container's bridge IP (or a published 127.0.0.1 port),
 * retry POST /init until it answers; pause after the pause grace when idle, unpause on reuse
 * (inside the request's time, as OpenWhisk does); remove with force. Every step is an event of
 * the executor's span. The workload's files are bind-mounted read-only (runtime.ts checked them).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { PlatformError } from '../../../core/errors.js';
import { type RunResult, ServerExecutor } from '../executor.js';
import { ACTION_PORT, createBody, serverCommand } from './container-spec.js';
import { EngineError } from './engine.js';
import { ownerLabels } from './ownership.js';
import type { BaseKind, DockerRuntime } from './runtime.js';

export interface DockerExecutorOptions {
  runtime: DockerRuntime;
  kind: BaseKind;
  command: string;
  args: string[];
  /** Host paths bind-mounted read-only at the same path. */
  mounts: string[];
}

/** Pause between /init attempts while the server is not listening yet (OpenWhisk waits 50 ms). */
const INIT_RETRY_MS = 2;

/** Connection failures that mean "not listening yet" (the bridge refuses; docker-proxy accepts, then resets). */
const NOT_READY = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EHOSTUNREACH', 'EPIPE']);

export class DockerExecutor extends ServerExecutor {
  private containerId: string | undefined;
  private creating: Promise<string> | undefined;
  private readonly stopWaiting = new AbortController();
  /** Set once the container stopped on its own: why. */
  private exitReason: string | undefined;
  private pauseTimer: NodeJS.Timeout | undefined;
  private pausing: Promise<void> | undefined;
  private paused = false;

  constructor(
    id: string,
    private readonly o: DockerExecutorOptions,
  ) {
    super(id);
  }

  /** The container's id once created. */
  get container(): string | undefined {
    return this.containerId;
  }

  async start(timeoutS: number): Promise<void> {
    const deadline = performance.now() + timeoutS * 1000;
    const { runtime } = this.o;
    this.creating = this.step('create', () => this.create());
    const id = await this.creating;
    this.alive('create');
    await this.engineStep('start', `the start of ${this.id}`, () => runtime.engine.start(id));
    this.alive('start');
    this.watch(id);
    const url = await this.address(id);
    const client = new Pool(url, { connections: 1, pipelining: 1, keepAliveTimeout: 600_000 });
    this.client = client;
    await this.step('init', () => this.init(client, deadline, timeoutS));
  }

  private async create(): Promise<string> {
    const { runtime, command, args, mounts } = this.o;
    const body = createBody({
      image: runtime.settings.images[this.o.kind],
      cmd: serverCommand(command, args),
      mounts,
      labels: ownerLabels(runtime.owner, this.id),
      limits: runtime.limits,
      publish: runtime.facts.address === 'published',
    });
    try {
      const { Id } = await runtime.engine.create(body);
      runtime.own(Id);
      this.containerId = Id;
      return Id;
    } catch (err) {
      runtime.noteFailure(err, `the create of ${this.id}`);
      throw new PlatformError(`executor ${this.id}: create failed: ${messageOf(err)}`, { cause: err });
    }
  }

  /** An engine call as a lifecycle step; a failure becomes a PlatformError (and may mark the engine lost). */
  private async engineStep(
    kind: 'start' | 'pause' | 'unpause',
    during: string,
    fn: () => Promise<void>,
  ): Promise<void> {
    try {
      await this.step(kind, fn);
    } catch (err) {
      this.o.runtime.noteFailure(err, during);
      throw new PlatformError(`executor ${this.id}: ${kind} failed: ${messageOf(err)}`, { cause: err });
    }
  }

  /** Teardown during a cold start: stop here (destroy removes the container). */
  private alive(after: string): void {
    if (this.destroying)
      throw new PlatformError(`executor ${this.id}: removed during its cold start (after ${after})`);
  }

  /** Learn when the container stops on its own (exit, OOM kill, engine gone). */
  private watch(id: string): void {
    const { runtime } = this.o;
    runtime.engine.wait(id, this.stopWaiting.signal).then(
      async (r) => {
        if (this.destroying) return;
        const oom = await runtime.engine.inspect(id).then(
          (i) => i.State.OOMKilled,
          () => false,
        );
        const tail = await runtime.engine.logsTail(id, 10);
        this.exitReason = `container exited (code ${r.StatusCode}${oom ? `, killed at its ${runtime.settings.memory} MB memory limit` : ''})${tail ? `; output: ${tail.slice(-400)}` : ''}`;
        this.deathListener?.(this.exitReason);
      },
      (err: unknown) => {
        if (this.destroying || this.stopWaiting.signal.aborted) return;
        runtime.noteFailure(err, `the life of ${this.id}`);
        this.exitReason = `lost the container: ${messageOf(err)}`;
        this.deathListener?.(this.exitReason);
      },
    );
  }

  /** http://<bridge IP>:8080, or the published 127.0.0.1 port. */
  private async address(id: string): Promise<string> {
    const { runtime } = this.o;
    let info: Awaited<ReturnType<typeof runtime.engine.inspect>>;
    try {
      info = await runtime.engine.inspect(id);
    } catch (err) {
      runtime.noteFailure(err, `the inspect of ${this.id}`);
      throw new PlatformError(`executor ${this.id}: inspect failed: ${messageOf(err)}`, { cause: err });
    }
    if (runtime.facts.address === 'published') {
      const port = info.NetworkSettings.Ports?.[`${ACTION_PORT}/tcp`]?.find(
        (b) => b.HostIp === '127.0.0.1',
      )?.HostPort;
      if (!port) throw new PlatformError(`executor ${this.id}: no published port for ${ACTION_PORT}/tcp`);
      return `http://127.0.0.1:${port}`;
    }
    const ip = info.NetworkSettings.Networks?.bridge?.IPAddress || info.NetworkSettings.IPAddress;
    if (!ip)
      throw new PlatformError(
        `executor ${this.id}: the container has no bridge IP (state ${info.State.Status})`,
      );
    return `http://${ip}:${ACTION_PORT}`;
  }

  /** POST /init, retried while the server is not listening yet, until the deadline or the container exits. */
  private async init(client: Pool, deadline: number, timeoutS: number): Promise<void> {
    for (;;) {
      this.alive('start');
      if (this.exitReason)
        throw new PlatformError(`executor ${this.id}: ${this.exitReason} before /init answered`);
      const left = Math.ceil(deadline - performance.now());
      if (left <= 0)
        throw new PlatformError(`executor ${this.id}: /init did not answer within ${timeoutS} s`);
      try {
        const res = await client.request({
          path: '/init',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"value":{}}',
          signal: AbortSignal.timeout(left),
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) {
          throw new PlatformError(
            `executor ${this.id}: /init answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
          );
        }
        return;
      } catch (err) {
        if (err instanceof PlatformError) throw err;
        const code = (err as { code?: string }).code ?? '';
        if (!NOT_READY.has(code))
          throw new PlatformError(`executor ${this.id}: /init failed: ${messageOf(err)}`);
        await sleep(INIT_RETRY_MS);
      }
    }
  }

  /** A request: unpause first when paused (its time is the request's, as in OpenWhisk). */
  override async run(inputJson: string, timeoutS: number): Promise<RunResult> {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    if (this.pausing) await this.pausing;
    if (this.paused) {
      try {
        await this.engineStep('unpause', `the unpause of ${this.id}`, () =>
          this.o.runtime.engine.unpause(this.containerId as string),
        );
        this.paused = false;
      } catch (err) {
        return { status: 'crash', text: messageOf(err) };
      }
    }
    if (this.exitReason) return { status: 'crash', text: this.exitReason };
    const result = await super.run(inputJson, timeoutS);
    if (result.status !== 'crash') return result;
    return { status: 'crash', text: await this.crashReason(result.text) };
  }

  /**
   * Why the connection broke: like the invoker after a connection error, ask the engine (for up
   * to 2 s, its state lags) whether the container stopped, and whether it was OOM-killed.
   */
  private async crashReason(text: string): Promise<string> {
    const { engine, settings } = this.o.runtime;
    const deadline = performance.now() + 2000;
    while (performance.now() < deadline && this.containerId) {
      const info = await engine.inspect(this.containerId).catch(() => undefined);
      if (!info) break;
      if (info.State.OOMKilled) {
        return `container killed at its ${settings.memory} MB memory limit (OOM, exit code ${info.State.ExitCode})`;
      }
      if (!info.State.Running) return `container exited (code ${info.State.ExitCode}): ${text}`;
      await sleep(20);
    }
    return text;
  }

  /** Idle: pause after the pause grace, unless it is removed first. */
  override idle(removalInS: number): void {
    const grace = this.o.runtime.settings.pauseGrace;
    if (grace >= removalInS || this.containerId === undefined) return;
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = undefined;
      if (this.destroying || this.exitReason) return;
      const id = this.containerId as string;
      this.pausing = this.engineStep('pause', `the pause of ${this.id}`, () =>
        this.o.runtime.engine.pause(id),
      ).then(
        () => {
          this.paused = true;
        },
        () => {
          // not paused (e.g. it just exited): its next request finds out
        },
      );
      void this.pausing.finally(() => {
        this.pausing = undefined;
      });
    }, grace * 1000);
  }

  /** Whether it is paused now (tests, stats). */
  get isPaused(): boolean {
    return this.paused;
  }

  protected async doDestroy(): Promise<void> {
    clearTimeout(this.pauseTimer);
    if (this.pausing) await this.pausing;
    const id = this.containerId ?? (await this.creating?.catch(() => undefined));
    this.stopWaiting.abort();
    await this.client?.destroy().catch(() => {});
    this.client = undefined;
    if (id === undefined) return;
    const { runtime } = this.o;
    try {
      await this.step('remove', () => runtime.engine.remove(id));
      runtime.disown(id);
    } catch (err) {
      // the lifecycle cleanup (runtime.removeAll) or the next start's sweep removes it
      runtime.noteFailure(err, `the removal of ${this.id}`);
    }
  }
}

function messageOf(err: unknown): string {
  if (err instanceof EngineError || err instanceof Error) return err.message;
  return String(err);
}
