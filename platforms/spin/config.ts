/**
 * The `spin` platform's suite entry: its JSON Schema ({@link configSchema}, one source) and the
 * normalised config the adapter works with ({@link resolveSpinConfig}: schema → normalise →
 * cross-field rules, every problem reported with its dot path, like changesets' config parser).
 *
 * Two modes: `bare-metal` runs `spin up` on this host (PLATFORMS.md "Spin": `--listen`,
 * `--runtime-config-file`, `--disable-pooling`, env `SPIN_MAX_INSTANCE_COUNT`); `spinkube`
 * applies a `SpinApp` (core.spinkube.dev/v1alpha1) on a Kubernetes cluster.
 * Durations are seconds (a number, or a string like "30s" / "5m").
 */
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { parseDuration } from '../../core/duration.js';
import { ConfigError, UsageError } from '../../core/errors.js';

/** A Spin instance-reuse count: an integer, or a range "lo..hi" Spin samples per instance (Spin ≥ 3.6). */
export type ReuseCount = number | string;

export interface InstanceReuseConfig {
  /** `--max-instance-reuse-count`: requests one instance may serve (Spin default 1 for WASIp2, 128 for WASIp3). */
  maxCount?: ReuseCount;
  /** `--max-instance-concurrent-reuse-count` (Spin default 1 for WASIp2, 16 for WASIp3). */
  maxConcurrent?: ReuseCount;
  /** `--idle-instance-timeout` (s; Spin default 1 s). */
  idleTimeout?: number;
}

export type ClusterKind = 'existing' | 'kind' | 'k3s';

export interface SpinKubeConfig {
  /** OCI reference per workload (pushed with `spin registry push`). */
  images: Record<string, string>;
  /** Used when a workload has no entry in `images`: `{workload}` is replaced by its name. */
  imageTemplate?: string;
  replicas: number;
  /** SpinAppExecutor name; the shim executor is `containerd-shim-spin`. */
  executor: string;
  namespace: string;
  /** Kubernetes quantities, e.g. `{limits: {cpu: "500m", memory: "256Mi"}}`. */
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  /** Secret holding `runtime-config.toml` (SpinApp `runtimeConfig.loadFromSecret`). */
  runtimeConfigSecret?: string;
  /** Leave replicas to an HPA/KEDA (SpinApp `enableAutoscaling`); `replicas` is then not set. */
  enableAutoscaling: boolean;
  cluster: {
    type: ClusterKind;
    /** kubectl context for `existing`. */
    context?: string;
    /** kubeconfig file for `existing` (default: kubectl's own lookup). */
    kubeconfig?: string;
    /** Cluster name for `kind`. */
    name: string;
    /** Node image for `k3s` (must carry containerd-shim-spin) or `kind`. */
    image?: string;
  };
  /** Install cert-manager, the SpinApp CRDs, spin-operator, RuntimeClass and executor first. */
  installPrerequisites: boolean;
  /** Bounded wait for the SpinApp to become Available (s). */
  readyTimeout: number;
  kubectl: string;
  helm: string;
  kind: string;
  /**
   * Reach the apps at this base URL (an Ingress / NodePort on 127.0.0.1) instead of a
   * `kubectl port-forward` (which tunnels to one pod only).
   */
  endpoint?: string;
}

export interface SpinConfig {
  name: 'spin';
  mode: 'bare-metal' | 'spinkube';
  /** Path to the `spin` binary (else env FAASMARK_SPIN_BIN, else `spin` on PATH). */
  binary?: string;
  /** Extra environment for `spin up` (e.g. RUST_LOG, SPIN_WASMTIME_*). */
  env: Record<string, string>;
  /** spin.toml per workload (else workloads/<name>/spin.toml, else one generated from the build). */
  manifests: Record<string, string>;
  runtimeConfigFile?: string;
  /** Wasmtime pooling allocator; false passes `--disable-pooling`. */
  pooling: boolean;
  /** `SPIN_MAX_INSTANCE_COUNT` (Spin default 1000); a point's maxConcurrency overrides it. */
  maxInstanceCount?: number;
  instanceReuse?: InstanceReuseConfig;
  /** Fixed listen port on 127.0.0.1 (default: a free port). */
  port?: number;
  /** Bounded wait for `spin up` to answer (s). */
  startTimeout: number;
  /** SIGTERM → SIGKILL grace when stopping (s). */
  stopGrace: number;
  /** Cap on a response body (bytes). */
  maxResponseBytes: number;
  spinkube: SpinKubeConfig;
}

const duration = { type: ['number', 'string'] } as const;
const reuseCount = {
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^[0-9]+\\.\\.[0-9]+$' },
  ],
} as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string', minLength: 1 } } as const;
const quantities = {
  type: 'object',
  additionalProperties: false,
  properties: { limits: stringMap, requests: stringMap },
} as const;

/** JSON Schema (draft 2020-12) of a `spin` suite entry. */
export const configSchema: Record<string, unknown> = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://faasmark.dev/schemas/platform-spin.json',
  title: 'faasmark platform: spin',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'spin' },
    mode: { enum: ['bare-metal', 'spinkube'], default: 'bare-metal' },
    binary: { type: 'string', minLength: 1 },
    env: stringMap,
    manifests: stringMap,
    runtimeConfigFile: { type: 'string', minLength: 1 },
    pooling: { type: 'boolean', default: true },
    maxInstanceCount: { type: 'integer', minimum: 1 },
    instanceReuse: {
      type: 'object',
      additionalProperties: false,
      properties: { maxCount: reuseCount, maxConcurrent: reuseCount, idleTimeout: duration },
    },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    startTimeout: duration,
    stopGrace: duration,
    maxResponseBytes: { type: 'integer', minimum: 1024 },
    spinkube: {
      type: 'object',
      additionalProperties: false,
      properties: {
        images: stringMap,
        imageTemplate: { type: 'string', pattern: '\\{workload\\}' },
        replicas: { type: 'integer', minimum: 1 },
        executor: { type: 'string', minLength: 1 },
        namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
        resources: quantities,
        runtimeConfigSecret: { type: 'string', minLength: 1 },
        enableAutoscaling: { type: 'boolean' },
        cluster: {
          type: 'object',
          additionalProperties: false,
          properties: {
            type: { enum: ['existing', 'kind', 'k3s'] },
            context: { type: 'string', minLength: 1 },
            kubeconfig: { type: 'string', minLength: 1 },
            name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
            image: { type: 'string', minLength: 1 },
          },
        },
        installPrerequisites: { type: 'boolean' },
        readyTimeout: duration,
        kubectl: { type: 'string', minLength: 1 },
        helm: { type: 'string', minLength: 1 },
        kind: { type: 'string', minLength: 1 },
        endpoint: { type: 'string', pattern: '^http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?/?$' },
      },
    },
  },
};

/** Compiled on first use: the suite loader imports this module for {@link configSchema} alone. */
let validator: ReturnType<Ajv2020['compile']> | undefined;

function dotPath(where: string, err: ErrorObject): string {
  const path = err.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const base = path ? `${where}.${path}` : where;
  if (err.keyword === 'additionalProperties') {
    return `${base}: unknown key ${JSON.stringify((err.params as { additionalProperty: string }).additionalProperty)}`;
  }
  if (err.keyword === 'enum') {
    return `${base} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  }
  return `${base} ${err.message ?? 'is invalid'}`;
}

function seconds(where: string, raw: unknown, fallback: number, problems: string[]): number {
  if (raw === undefined) return fallback;
  try {
    const value = parseDuration(where, raw as string | number);
    if (value <= 0) problems.push(`${where} must be > 0, got ${JSON.stringify(raw)}`);
    return value;
  } catch (err) {
    problems.push(err instanceof UsageError ? err.message : String(err));
    return fallback;
  }
}

function reuseRangeOk(where: string, raw: ReuseCount | undefined, problems: string[]): void {
  if (typeof raw !== 'string') return;
  const [lo, hi] = raw.split('..').map(Number) as [number, number];
  if (!(lo >= 1 && hi > lo))
    problems.push(`${where} must be a range lo..hi with 1 <= lo < hi, got ${JSON.stringify(raw)}`);
}

/**
 * Validate and normalise a `spin` suite entry (defaults filled in).
 * @throws ConfigError listing every problem with its dot path (`where` prefixes them).
 */
export function resolveSpinConfig(raw: unknown, where = 'platform'): SpinConfig {
  validator ??= new Ajv2020({ allErrors: true, strict: false }).compile(configSchema);
  const validate = validator;
  if (!validate(raw)) {
    throw new ConfigError(
      `${where}: invalid spin platform config`,
      (validate.errors ?? []).map((e) => dotPath(where, e)),
    );
  }
  const r = raw as Record<string, unknown> & {
    instanceReuse?: { maxCount?: ReuseCount; maxConcurrent?: ReuseCount; idleTimeout?: number | string };
    spinkube?: Record<string, unknown> & { cluster?: Record<string, string> };
  };
  const problems: string[] = [];
  const startTimeout = seconds(`${where}.startTimeout`, r.startTimeout, 60, problems);
  const stopGrace = seconds(`${where}.stopGrace`, r.stopGrace, 5, problems);
  let instanceReuse: InstanceReuseConfig | undefined;
  if (r.instanceReuse) {
    const ir = r.instanceReuse;
    reuseRangeOk(`${where}.instanceReuse.maxCount`, ir.maxCount, problems);
    reuseRangeOk(`${where}.instanceReuse.maxConcurrent`, ir.maxConcurrent, problems);
    instanceReuse = {
      ...(ir.maxCount !== undefined ? { maxCount: ir.maxCount } : {}),
      ...(ir.maxConcurrent !== undefined ? { maxConcurrent: ir.maxConcurrent } : {}),
      ...(ir.idleTimeout !== undefined
        ? { idleTimeout: seconds(`${where}.instanceReuse.idleTimeout`, ir.idleTimeout, 1, problems) }
        : {}),
    };
  }
  const sk = r.spinkube ?? {};
  const cluster = sk.cluster ?? {};
  const spinkube: SpinKubeConfig = {
    images: (sk.images as Record<string, string> | undefined) ?? {},
    ...(sk.imageTemplate !== undefined ? { imageTemplate: sk.imageTemplate as string } : {}),
    replicas: (sk.replicas as number | undefined) ?? 1,
    executor: (sk.executor as string | undefined) ?? 'containerd-shim-spin',
    namespace: (sk.namespace as string | undefined) ?? 'faasmark',
    ...(sk.resources !== undefined ? { resources: sk.resources as SpinKubeConfig['resources'] } : {}),
    ...(sk.runtimeConfigSecret !== undefined
      ? { runtimeConfigSecret: sk.runtimeConfigSecret as string }
      : {}),
    enableAutoscaling: (sk.enableAutoscaling as boolean | undefined) ?? false,
    cluster: {
      type: (cluster.type as ClusterKind | undefined) ?? 'existing',
      ...(cluster.context !== undefined ? { context: cluster.context } : {}),
      ...(cluster.kubeconfig !== undefined ? { kubeconfig: cluster.kubeconfig } : {}),
      name: cluster.name ?? 'faasmark-spin',
      ...(cluster.image !== undefined ? { image: cluster.image } : {}),
    },
    installPrerequisites:
      (sk.installPrerequisites as boolean | undefined) ??
      (cluster.type !== undefined && cluster.type !== 'existing'),
    readyTimeout: seconds(`${where}.spinkube.readyTimeout`, sk.readyTimeout, 300, problems),
    kubectl: (sk.kubectl as string | undefined) ?? 'kubectl',
    helm: (sk.helm as string | undefined) ?? 'helm',
    kind: (sk.kind as string | undefined) ?? 'kind',
    ...(sk.endpoint !== undefined ? { endpoint: (sk.endpoint as string).replace(/\/$/, '') } : {}),
  };
  if (spinkube.enableAutoscaling && sk.replicas !== undefined) {
    problems.push(
      `${where}.spinkube.replicas cannot be set with enableAutoscaling: true (the SpinApp leaves replicas to the HPA/KEDA)`,
    );
  }
  if (spinkube.cluster.type === 'existing' && spinkube.cluster.image !== undefined) {
    problems.push(`${where}.spinkube.cluster.image applies to kind or k3s clusters, not to an existing one`);
  }
  if (r.mode !== 'spinkube' && r.spinkube !== undefined) {
    problems.push(
      `${where}.spinkube is only used with mode: spinkube (mode is ${JSON.stringify(r.mode ?? 'bare-metal')})`,
    );
  }
  if (problems.length) throw new ConfigError(`${where}: invalid spin platform config`, problems);
  return {
    name: 'spin',
    mode: (r.mode as SpinConfig['mode'] | undefined) ?? 'bare-metal',
    ...(r.binary !== undefined ? { binary: r.binary as string } : {}),
    env: (r.env as Record<string, string> | undefined) ?? {},
    manifests: (r.manifests as Record<string, string> | undefined) ?? {},
    ...(r.runtimeConfigFile !== undefined ? { runtimeConfigFile: r.runtimeConfigFile as string } : {}),
    pooling: (r.pooling as boolean | undefined) ?? true,
    ...(r.maxInstanceCount !== undefined ? { maxInstanceCount: r.maxInstanceCount as number } : {}),
    ...(instanceReuse ? { instanceReuse } : {}),
    ...(r.port !== undefined ? { port: r.port as number } : {}),
    startTimeout,
    stopGrace,
    maxResponseBytes: (r.maxResponseBytes as number | undefined) ?? 1024 * 1024,
    spinkube,
  };
}
