/**
 * local-container's Docker side: one connection to the engine (engine.ts) checked before
 * anything starts — it answers, its version, its bridge, leftovers of dead faasmark processes
 * swept — then per base image kind the image checked (never pulled) and one probe container
 * created and read back, so describe() reports the flags the engine really applied. It owns
 * every container its executors create (a lifecycle cleanup removes them all) and says when
 * the engine fails mid-point (health). docs/embedded-platforms.md "Docker executor".
 */
import { readFileSync } from 'node:fs';
import {
  BuildError,
  ConfigError,
  type FaasmarkError,
  MissingToolError,
  PlatformError,
} from '../../../core/errors.js';
import { onShutdown } from '../../../core/lifecycle.js';
import type { PlatformHealth } from '../../../core/platform.js';
import {
  appliedLimits,
  type ContainerLimits,
  createBody,
  OPENWHISK_RUN_FLAGS,
  openWhiskCpuShares,
  serverCommand,
} from './container-spec.js';
import { DockerEngine, EngineError, engineSocket } from './engine.js';
import { currentOwner, type Owner, ownerLabels, sweepLeftovers } from './ownership.js';

/** Kinds of base image: compiled servers (binaries + their libraries) or Python servers. */
export type BaseKind = 'action' | 'python';

export interface DockerSettings {
  socket?: string | undefined;
  images: { action: string; python: string };
  memory: number;
  userMemory: number;
  pauseGrace: number;
  address: 'auto' | 'bridge' | 'published';
}

/** What the engine said about itself when faasmark connected (describe().engine). */
export interface EngineFacts {
  socket: string;
  version: string;
  /** The engine's API version, and the one spoken. */
  api: string;
  apiUsed: string;
  components: Record<string, string>;
  storageDriver: unknown;
  cgroup: string;
  runtime: unknown;
  kernel: unknown;
  os: unknown;
  bridgeGateway: string | null;
  /** How containers are reached. */
  address: 'bridge' | 'published';
}

export interface ImageFacts {
  ref: string;
  id: string;
  repoDigests: string[];
}

/** A base kind ready to run: its image, and the limits read back from a probe container. */
export interface Prepared {
  image: ImageFacts;
  applied: Record<string, unknown>;
}

/** How to get an engine and the images (one place: every message points at the same fix). */
export const SETUP_HINT =
  'start an engine and build the images offline (as root): bash scripts/setup-docker.sh; or set executor: process';

/** The faasmark error a failed engine connection is to the user: bad environment, exit 2. */
export function engineUnavailable(err: unknown, socket: string): FaasmarkError {
  if (err instanceof EngineError && err.kind === 'permission') {
    return new ConfigError(
      `permission denied on ${socket}: using the Docker engine needs root or the socket's group (uid ${process.getuid?.() ?? '?'})`,
      [],
      {
        hint: "run faasmark as root, or add the user to the socket's group (usermod -aG docker <user>); or set executor: process",
      },
    );
  }
  const why = err instanceof Error ? err.message : String(err);
  return new MissingToolError(`a Docker engine (${why})`, SETUP_HINT);
}

export class DockerRuntime {
  readonly owner: Owner = currentOwner();
  private readonly prepared = new Map<string, Promise<Prepared>>();
  private readonly owned = new Set<string>();
  private unregister: (() => void) | undefined;
  private failure: string | undefined;
  readonly warnings: string[] = [];
  /** Leftover containers of dead faasmark processes removed when connecting. */
  swept: string[] = [];

  private constructor(
    readonly engine: DockerEngine,
    readonly settings: DockerSettings,
    readonly facts: EngineFacts,
  ) {}

  /** Connect, read the engine's facts, sweep leftovers. @throws EngineError */
  static async connect(settings: DockerSettings): Promise<DockerRuntime> {
    const socket = engineSocket(settings.socket);
    const engine = new DockerEngine(socket);
    try {
      const engineApi = await engine.negotiate();
      const facts = await readFacts(engine, settings, engineApi);
      const runtime = new DockerRuntime(engine, settings, facts);
      runtime.swept = await sweepLeftovers(engine, runtime.owner.pidns);
      return runtime;
    } catch (err) {
      await engine.close();
      throw err;
    }
  }

  get limits(): ContainerLimits {
    return {
      memory: this.settings.memory,
      userMemory: this.settings.userMemory,
      ...OPENWHISK_RUN_FLAGS,
      capDrop: [...OPENWHISK_RUN_FLAGS.capDrop],
    };
  }

  /** Healthy until an engine call fails for want of the engine (it stopped, restarted, hangs). */
  health(): PlatformHealth {
    return this.failure ? { ok: false, reason: this.failure } : { ok: true };
  }

  /** Note a failed engine call: losing the engine makes the platform unhealthy. */
  noteFailure(err: unknown, during: string): void {
    if (!(err instanceof EngineError) || this.failure) return;
    if (
      err.kind === 'no-engine' ||
      err.kind === 'lost' ||
      err.kind === 'timeout' ||
      err.kind === 'permission'
    ) {
      this.failure = `the Docker engine at unix://${this.engine.socketPath} failed during ${during}: ${err.message}`;
    }
  }

  /** The image of `kind` checked, and a probe container created with the workload's mounts and read back. */
  prepare(
    kind: BaseKind,
    command: string,
    args: string[],
    mounts: string[],
    workload: string,
  ): Promise<Prepared> {
    const key = JSON.stringify([kind, command, args, mounts]);
    let p = this.prepared.get(key);
    if (!p) {
      p = this.probe(kind, command, args, mounts, workload);
      p.catch(() => this.prepared.delete(key));
      this.prepared.set(key, p);
    }
    return p;
  }

  private async probe(
    kind: BaseKind,
    command: string,
    args: string[],
    mounts: string[],
    workload: string,
  ): Promise<Prepared> {
    const ref = this.settings.images[kind];
    const image = await this.imageFacts(kind, ref);
    checkInterpreter(kind, ref, command, image.labels);
    let created: { Id: string; Warnings: string[] };
    try {
      created = await this.engine.create(
        createBody({
          image: ref,
          cmd: serverCommand(command, args),
          mounts,
          labels: ownerLabels(this.owner, `${workload}-probe`),
          limits: this.limits,
          publish: this.facts.address === 'published',
        }),
      );
    } catch (err) {
      throw createFailure(err, workload, this.engine.socketPath);
    }
    this.own(created.Id);
    try {
      const info = await this.engine.inspect(created.Id);
      for (const w of created.Warnings) if (!this.warnings.includes(w)) this.warnings.push(`Docker: ${w}`);
      return {
        image: { ref, id: image.id, repoDigests: image.repoDigests },
        applied: appliedLimits(info.HostConfig),
      };
    } finally {
      await this.engine.remove(created.Id).catch(() => {});
      this.disown(created.Id);
    }
  }

  private async imageFacts(
    kind: BaseKind,
    ref: string,
  ): Promise<ImageFacts & { labels: Record<string, string> }> {
    try {
      const img = await this.engine.image(ref);
      return { ref, id: img.Id, repoDigests: img.RepoDigests ?? [], labels: img.Config?.Labels ?? {} };
    } catch (err) {
      if (err instanceof EngineError && err.kind === 'not-found') {
        throw new ConfigError(
          `local-container.docker.images.${kind}: image ${ref} is not in the Docker engine at unix://${this.engine.socketPath} (faasmark never pulls)`,
          [],
          {
            hint: `build it offline: bash scripts/setup-docker.sh (or: bash scripts/build-docker-images.sh ${kind})`,
          },
        );
      }
      this.noteFailure(err, `the image check of ${ref}`);
      throw new PlatformError(`cannot inspect image ${ref}: ${err instanceof Error ? err.message : err}`, {
        cause: err,
      });
    }
  }

  /** Track a created container until it is removed (a lifecycle cleanup removes what is left). */
  own(id: string): void {
    this.owned.add(id);
    this.unregister ??= onShutdown('local-container: Docker containers', () => this.removeAll());
  }

  disown(id: string): void {
    this.owned.delete(id);
  }

  /** Remove every container still owned, in parallel. */
  async removeAll(): Promise<void> {
    const ids = [...this.owned];
    await Promise.all(
      ids.map((id) =>
        this.engine.remove(id).then(
          () => this.disown(id),
          () => {},
        ),
      ),
    );
  }

  /** Remove what is left and close the connection (the runtime can connect again later). */
  async close(): Promise<void> {
    await this.removeAll();
    this.unregister?.();
    this.unregister = undefined;
  }

  /** The engine settings for describe(): what it said about itself and what faasmark applies. */
  describeSettings(): Record<string, unknown> {
    return {
      socket: `unix://${this.facts.socket}`,
      api: this.facts.api,
      apiUsed: this.facts.apiUsed,
      components: this.facts.components,
      storageDriver: this.facts.storageDriver,
      cgroup: this.facts.cgroup,
      runtime: this.facts.runtime,
      kernel: this.facts.kernel,
      os: this.facts.os,
      address: this.facts.address,
      pauseGrace: this.settings.pauseGrace,
      userMemoryMB: this.settings.userMemory,
      cpuSharesFormula: `max(floor(1024 / floor(${this.settings.userMemory} / ${this.settings.memory})), 2) = ${openWhiskCpuShares(this.settings.memory, this.settings.userMemory)}`,
    };
  }

  /** Images and applied limits of the kinds prepared so far (settled probes only). */
  async preparedKinds(): Promise<Array<{ kind: string; prepared: Prepared }>> {
    const out: Array<{ kind: string; prepared: Prepared }> = [];
    for (const [key, p] of this.prepared) {
      const prepared = await p.catch(() => undefined);
      if (prepared) out.push({ kind: (JSON.parse(key) as string[])[0] as string, prepared });
    }
    return out;
  }
}

async function readFacts(
  engine: DockerEngine,
  settings: DockerSettings,
  engineApi: string,
): Promise<EngineFacts> {
  const [version, info, bridge] = await Promise.all([
    engine.version(),
    engine.info(),
    engine.network('bridge').catch(() => undefined),
  ]);
  const components: Record<string, string> = {};
  for (const c of version.Components ?? []) components[c.Name] = c.Version;
  const gateway = bridge?.IPAM?.Config?.find((c) => c.Gateway)?.Gateway ?? null;
  const onBridge = gateway !== null && hostReaches(gateway);
  const address = settings.address === 'auto' ? (onBridge ? 'bridge' : 'published') : settings.address;
  return {
    socket: engine.socketPath,
    version: version.Version,
    api: engineApi,
    apiUsed: engine.api,
    components,
    storageDriver: info.Driver,
    cgroup: `v${info.CgroupVersion ?? '?'} ${info.CgroupDriver ?? ''}`.trim(),
    runtime: info.DefaultRuntime,
    kernel: info.KernelVersion,
    os: info.OperatingSystem,
    bridgeGateway: gateway,
    address,
  };
}

/**
 * Is `ip` routable from this host without a gateway, i.e. is this host on the bridge? True when
 * a direct route of the kernel's table (/proc/net/route) covers it — docker0 has one even while
 * it has no container (no carrier), when Node's interface list omits it.
 */
export function hostReaches(ip: string, routes = readRoutes()): boolean {
  const target = ipv4(ip);
  if (target === undefined) return false;
  return routes.some((r) => r.gateway === 0 && r.mask !== 0 && (target & r.mask) >>> 0 === r.destination);
}

interface Route {
  destination: number;
  gateway: number;
  mask: number;
}

/** The kernel's IPv4 routes: each hex field is the address's bytes in network order, printed as a little-endian u32. */
function readRoutes(): Route[] {
  let text: string;
  try {
    text = readFileSync('/proc/net/route', 'utf8');
  } catch {
    return [];
  }
  const le = (hex: string | undefined) => {
    const b = Buffer.from((hex ?? '').padStart(8, '0'), 'hex');
    return b.length === 4 ? b.readUInt32LE(0) : 0;
  };
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 8)
    .map((f) => ({ destination: le(f[1]), gateway: le(f[2]), mask: le(f[7]) }));
}

function ipv4(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return (
    (((parts[0] as number) << 24) |
      ((parts[1] as number) << 16) |
      ((parts[2] as number) << 8) |
      (parts[3] as number)) >>>
    0
  );
}

/** The python base lists its interpreters in a label; a command it lacks would fail every start. */
function checkInterpreter(
  kind: BaseKind,
  ref: string,
  command: string,
  labels: Record<string, string>,
): void {
  const listed = labels['faasmark.interpreters'];
  if (kind !== 'python' || !listed) return;
  if (!listed.split(/\s+/).includes(command)) {
    throw new ConfigError(`image ${ref} has no ${command} (it has ${listed})`, [], {
      hint: 'run the Python action server with /usr/bin/python3.11 (unset FAASMARK_PYTHON), or rebuild the image: bash scripts/build-docker-images.sh python',
    });
  }
}

/** A failed probe create: a missing workload file (Mounts fail on it), a missing image, or the engine. */
function createFailure(err: unknown, workload: string, socket: string): FaasmarkError {
  const msg = err instanceof Error ? err.message : String(err);
  const missing = /bind source path does not exist: (\S+)/.exec(msg);
  if (missing) {
    return new BuildError(
      `workload ${workload}: ${missing[1]} does not exist (it is bind-mounted into its container)`,
      {
        hint: 'build the workloads: npm run build:workloads',
      },
    );
  }
  if (err instanceof EngineError && (err.kind === 'no-engine' || err.kind === 'permission'))
    return engineUnavailable(err, socket);
  return new PlatformError(`creating a container for ${workload} failed: ${msg}`, { cause: err });
}
