/**
 * What a local-container executor's container is created with: OpenWhisk's `docker run` flags
 * (DockerContainer.create and the invoker's run parameters, docs/design/platform-facts.md
 * "Container flags"), the workload's files bind-mounted read-only, and faasmark's ownership
 * labels (ownership.ts). Pure: the Engine API body is built here, sent by executor.ts.
 */

/** The limits OpenWhisk's invoker sets on every action container. */
export interface ContainerLimits {
  /** Action memory (MB): `--memory` and `--memory-swap` (no swap). */
  memory: number;
  /** The invoker's user memory (MB): the pool's budget, from which the cpu shares follow. */
  userMemory: number;
  /** `--pids-limit`. */
  pidsLimit: number;
  /** `--ulimit nofile=N:N`. */
  nofile: number;
  /** `--cap-drop`. */
  capDrop: string[];
}

/** OpenWhisk's invoker flags besides memory (InvokerReactive: `--cap-drop NET_RAW --cap-drop NET_ADMIN --ulimit nofile=1024:1024 --pids-limit 1024`). */
export const OPENWHISK_RUN_FLAGS = {
  pidsLimit: 1024,
  nofile: 1024,
  capDrop: ['NET_RAW', 'NET_ADMIN'],
} as const;

/** The action server's port inside the container (OpenWhisk's blackbox convention). */
export const ACTION_PORT = 8080;

/**
 * OpenWhisk's cpu shares (ContainerPoolConfig.cpuShare): `max(floor(1024 / floor(userMemory /
 * memory)), 2)`, the inner division on whole bytes (Scala Long), so on whole MB here.
 */
export function openWhiskCpuShares(memory: number, userMemory: number): number {
  const factor = Math.max(1, Math.floor(userMemory / memory));
  return Math.max(Math.floor(1024 / factor), 2);
}

export interface ContainerSpec {
  image: string;
  /** The server's command line inside the container, `--host 0.0.0.0 --port 8080` included. */
  cmd: string[];
  /** Host paths bind-mounted read-only at the same path (a missing one fails the create). */
  mounts: string[];
  labels: Record<string, string>;
  limits: ContainerLimits;
  /** Publish the action port on 127.0.0.1 (ephemeral host port) instead of using the bridge IP. */
  publish: boolean;
}

/** The command line of a workload's action server inside a container. */
export function serverCommand(command: string, args: readonly string[]): string[] {
  return [command, ...args, '--host', '0.0.0.0', '--port', String(ACTION_PORT)];
}

/** The Engine API body of `POST /containers/create` for `spec`. */
export function createBody(spec: ContainerSpec): Record<string, unknown> {
  const mb = 1024 * 1024;
  const { limits } = spec;
  const host: Record<string, unknown> = {
    // Mounts, not Binds: a missing source fails the create instead of becoming an empty directory
    Mounts: [...new Set(spec.mounts)].map((p) => ({ Type: 'bind', Source: p, Target: p, ReadOnly: true })),
    NetworkMode: 'bridge',
    Memory: limits.memory * mb,
    MemorySwap: limits.memory * mb,
    CpuShares: openWhiskCpuShares(limits.memory, limits.userMemory),
    PidsLimit: limits.pidsLimit,
    Ulimits: [{ Name: 'nofile', Soft: limits.nofile, Hard: limits.nofile }],
    CapDrop: [...limits.capDrop],
    LogConfig: { Type: 'json-file', Config: {} },
  };
  if (spec.publish) host.PortBindings = { [`${ACTION_PORT}/tcp`]: [{ HostIp: '127.0.0.1', HostPort: '' }] };
  return {
    Image: spec.image,
    Cmd: spec.cmd,
    Labels: spec.labels,
    ExposedPorts: { [`${ACTION_PORT}/tcp`]: {} },
    HostConfig: host,
  };
}

/** The limits as the engine applied them (a container's HostConfig), for describe(). */
export function appliedLimits(hostConfig: Record<string, unknown>): Record<string, unknown> {
  const mb = 1024 * 1024;
  const num = (k: string) => (typeof hostConfig[k] === 'number' ? (hostConfig[k] as number) : null);
  const ulimits = (hostConfig.Ulimits as Array<{ Name: string; Soft: number; Hard: number }> | null) ?? [];
  const nofile = ulimits.find((u) => u.Name === 'nofile');
  const memory = num('Memory');
  const swap = num('MemorySwap');
  return {
    memoryMB: memory === null ? null : memory / mb,
    memorySwapMB: swap === null ? null : swap / mb,
    cpuShares: num('CpuShares'),
    pidsLimit: num('PidsLimit'),
    nofile: nofile ? `${nofile.Soft}:${nofile.Hard}` : null,
    capDrop: (hostConfig.CapDrop as string[] | null) ?? [],
    networkMode: hostConfig.NetworkMode ?? null,
    publishedPort: hostConfig.PortBindings
      ? Object.keys(hostConfig.PortBindings as object).length > 0
      : false,
  };
}
