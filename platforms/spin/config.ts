/**
 * The `spin` platform's suite entry: its JSON Schema ({@link configSchema}: the one source of
 * shape, defaults and, via json-schema-to-ts, the config type) and {@link parseConfig}: schema
 * → durations to seconds → cross-field rules, every problem with its path.
 *
 * Two modes: `bare-metal` runs `spin up` on this host (docs/spin.md: `--listen`,
 * `--runtime-config-file`, `--disable-pooling`, env `SPIN_MAX_INSTANCE_COUNT`); `spinkube`
 * applies a `SpinApp` (core.spinkube.dev/v1alpha1) on a Kubernetes cluster.
 * Durations are seconds (a number, or a string like "30s" / "5m").
 */

import type { FromSchema } from 'json-schema-to-ts';
import { DURATION_PATTERN, parseDuration } from '../../core/duration.js';
import type { SettingsControl } from '../../core/platform.js';
import { IMAGE_REF_PATTERN, parseImageRef, pullsAlways } from '../external/image-ref.js';
import { entryPath, parseEntry, type RuleContext } from '../platform-config.js';

/**
 * The app image of a workload when `spinkube.images` has none: a local image built by
 * `faasmark spin image <workload>` and loaded into the cluster (docs/spin.md "SpinKube").
 */
export const DEFAULT_IMAGE_TEMPLATE = 'faasmark/spin-{workload}:local';

/** A duration: seconds, or a string like "30s" (parsed to seconds by {@link parseConfig}). */
const duration = { type: ['number', 'string'], exclusiveMinimum: 0, pattern: DURATION_PATTERN } as const;
/** A Spin instance-reuse count: an integer, or a range "lo..hi" Spin samples per instance (Spin ≥ 3.6). */
const reuseCount = {
  oneOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^[0-9]+\\.\\.[0-9]+$' },
  ],
} as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string', minLength: 1 } } as const;
const text = { type: 'string', minLength: 1 } as const;
const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' } as const;
const quantities = {
  type: 'object',
  additionalProperties: false,
  properties: { limits: stringMap, requests: stringMap },
  description: 'Kubernetes quantities, e.g. {limits: {cpu: "500m", memory: "256Mi"}}',
} as const;

const spinkubeSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    images: {
      type: 'object',
      additionalProperties: { type: 'string', pattern: IMAGE_REF_PATTERN },
      default: {},
      description: 'OCI reference per workload (pushed with `spin registry push`)',
    },
    imageTemplate: {
      type: 'string',
      pattern: '\\{workload\\}',
      description: 'used when a workload has no entry in images: `{workload}` is replaced by its name',
    },
    replicas: { type: 'integer', minimum: 1, default: 1 },
    executor: {
      ...text,
      default: 'containerd-shim-spin',
      description: 'SpinAppExecutor name; the shim executor is containerd-shim-spin',
    },
    namespace: { ...dnsLabel, default: 'faasmark' },
    resources: quantities,
    runtimeConfigSecret: {
      ...text,
      description: 'Secret holding runtime-config.toml (SpinApp runtimeConfig.loadFromSecret)',
    },
    enableAutoscaling: {
      type: 'boolean',
      default: false,
      description: 'leave replicas to an HPA/KEDA (SpinApp enableAutoscaling); replicas is then not set',
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        type: { enum: ['existing', 'kind', 'k3s'], default: 'existing' },
        context: { ...text, description: 'kubectl context (existing)' },
        kubeconfig: { ...text, description: "kubeconfig file (existing; default: kubectl's own lookup)" },
        name: { ...dnsLabel, default: 'faasmark-spin', description: 'cluster name (kind)' },
        image: {
          ...text,
          description:
            'node image carrying containerd-shim-spin: k3s default …/containerd-shim-spin/k3d:v0.24.0; required for kind (v0.24.0 publishes no kind image)',
        },
      },
    },
    installPrerequisites: {
      type: 'boolean',
      description:
        'install cert-manager, the SpinApp CRDs, spin-operator, RuntimeClass and executor first (default: true for kind and k3s clusters)',
    },
    readyTimeout: {
      ...duration,
      default: 300,
      description: 'bounded wait for the SpinApp to become Available (s)',
    },
    loadImages: {
      type: 'boolean',
      description:
        'load each app image from the local Docker engine into the cluster before applying (kind load / K3s ctr import; default: true for kind and k3s clusters); build it with `faasmark spin image <workload>`',
    },
    kubectl: { ...text, default: 'kubectl' },
    helm: { ...text, default: 'helm' },
    kind: { ...text, default: 'kind' },
    endpoint: {
      type: 'string',
      pattern: '^http://(127\\.0\\.0\\.1|localhost)(:[0-9]+)?/?$',
      description:
        'reach the apps at this base URL (an Ingress / NodePort on 127.0.0.1) instead of a `kubectl port-forward` (which tunnels to one pod only)',
    },
  },
} as const;

/** JSON Schema (draft 2020-12) of a `spin` suite entry. */
export const configSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://faasmark.dev/schemas/platform-spin.json',
  title: 'faasmark platform: spin',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'spin' },
    mode: { enum: ['bare-metal', 'spinkube'], default: 'bare-metal' },
    binary: {
      ...text,
      description: 'path to the spin binary (else env FAASMARK_SPIN_BIN, else spin on PATH)',
    },
    env: {
      ...stringMap,
      default: {},
      description: 'extra environment for spin up (e.g. RUST_LOG, SPIN_WASMTIME_*)',
    },
    manifests: {
      ...stringMap,
      default: {},
      description:
        'spin.toml per workload (else workloads/<name>/spin.toml, else one generated from the build)',
    },
    runtimeConfigFile: text,
    pooling: {
      type: 'boolean',
      default: true,
      description: 'Wasmtime pooling allocator; false passes --disable-pooling',
    },
    maxInstanceCount: {
      type: 'integer',
      minimum: 1,
      description: "SPIN_MAX_INSTANCE_COUNT (Spin default 1000); a point's maxConcurrency overrides it",
    },
    instanceReuse: {
      type: 'object',
      additionalProperties: false,
      properties: {
        maxCount: {
          ...reuseCount,
          description:
            '--max-instance-reuse-count: requests one instance may serve (Spin default 1 for WASIp2, 128 for WASIp3)',
        },
        maxConcurrent: {
          ...reuseCount,
          description: '--max-instance-concurrent-reuse-count (Spin default 1 for WASIp2, 16 for WASIp3)',
        },
        idleTimeout: { ...duration, description: '--idle-instance-timeout (s; Spin default 1 s)' },
      },
    },
    port: {
      type: 'integer',
      minimum: 1,
      maximum: 65535,
      description: 'fixed listen port on 127.0.0.1 (default: a free port)',
    },
    startTimeout: { ...duration, default: 60, description: 'bounded wait for spin up to answer (s)' },
    stopGrace: { ...duration, default: 5, description: 'SIGTERM → SIGKILL grace when stopping (s)' },
    maxResponseBytes: {
      type: 'integer',
      minimum: 1024,
      default: 1024 * 1024,
      description: 'cap on a response body (bytes)',
    },
    spinkube: spinkubeSchema,
  },
} as const;

/** The validated entry, durations as written. */
type SpinEntry = FromSchema<typeof configSchema>;

/** A `spin` entry with defaults applied and every duration in seconds. */
export type SpinConfig = FromSchema<
  typeof configSchema,
  { deserialize: [{ pattern: { pattern: typeof DURATION_PATTERN }; output: number }] }
>;
export type SpinKubeConfig = SpinConfig['spinkube'];
export type ClusterKind = SpinKubeConfig['cluster']['type'];
export type InstanceReuseConfig = NonNullable<SpinConfig['instanceReuse']>;
export type ReuseCount = NonNullable<InstanceReuseConfig['maxCount']>;

/** Durations to seconds (`undefined` stays undefined); "0s" is refused like 0. */
function seconds(ctx: RuleContext, key: string, raw: number | string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = parseDuration(key, raw);
  if (!(value > 0)) ctx.problem(key, `must be > 0, got ${JSON.stringify(raw)}`);
  return value;
}

function reuseRangeOk(ctx: RuleContext, key: string, raw: ReuseCount | undefined): void {
  if (typeof raw !== 'string') return;
  const [lo, hi] = raw.split('..').map(Number) as [number, number];
  if (!(lo >= 1 && hi > lo))
    ctx.problem(key, `must be a range lo..hi with 1 <= lo < hi, got ${JSON.stringify(raw)}`);
}

/** Durations to seconds, the defaults that depend on other keys, and the cross-field rules. */
function rules(e: SpinEntry, ctx: RuleContext): SpinConfig {
  const givenKube = ctx.given.spinkube as Record<string, unknown> | undefined;
  const sk = e.spinkube;
  const reuse = e.instanceReuse;
  if (reuse) {
    reuseRangeOk(ctx, 'instanceReuse.maxCount', reuse.maxCount);
    reuseRangeOk(ctx, 'instanceReuse.maxConcurrent', reuse.maxConcurrent);
  }
  if (sk.enableAutoscaling && givenKube?.replicas !== undefined) {
    ctx.problem(
      'spinkube.replicas',
      'cannot be set with enableAutoscaling: true (the SpinApp leaves replicas to the HPA/KEDA)',
    );
  }
  if (sk.cluster.type === 'existing' && sk.cluster.image !== undefined)
    ctx.problem('spinkube.cluster.image', 'applies to kind or k3s clusters, not to an existing one');
  if (e.mode === 'spinkube' && sk.cluster.type === 'kind' && sk.cluster.image === undefined)
    ctx.problem(
      'spinkube.cluster.image',
      'is required with cluster.type kind: containerd-shim-spin v0.24.0 publishes no kind node image (only ghcr.io/spinframework/containerd-shim-spin/k3d:v0.24.0); use cluster.type k3s, or name a kind node image that carries the shim',
    );
  if (sk.cluster.type === 'existing' && sk.loadImages === true)
    ctx.problem('spinkube.loadImages', 'needs a cluster faasmark creates (cluster.type kind or k3s)');
  if (e.mode !== 'spinkube' && givenKube !== undefined)
    ctx.problem('spinkube', `is only used with mode: spinkube (mode is ${JSON.stringify(e.mode)})`);
  const { instanceReuse: _, ...rest } = e;
  let instanceReuse: InstanceReuseConfig | undefined;
  if (reuse) {
    const { idleTimeout: idle, ...counts } = reuse;
    const idleTimeout = seconds(ctx, 'instanceReuse.idleTimeout', idle);
    instanceReuse = { ...counts, ...(idleTimeout !== undefined ? { idleTimeout } : {}) };
  }
  return {
    ...rest,
    ...(instanceReuse ? { instanceReuse } : {}),
    startTimeout: seconds(ctx, 'startTimeout', e.startTimeout) as number,
    stopGrace: seconds(ctx, 'stopGrace', e.stopGrace) as number,
    spinkube: {
      ...sk,
      installPrerequisites: sk.installPrerequisites ?? sk.cluster.type !== 'existing',
      loadImages: sk.loadImages ?? sk.cluster.type !== 'existing',
      readyTimeout: seconds(ctx, 'spinkube.readyTimeout', sk.readyTimeout) as number,
      ...(sk.endpoint !== undefined ? { endpoint: sk.endpoint.replace(/\/$/, '') } : {}),
    },
  };
}

/** The image of a workload's SpinApp: `images[workload]`, else the template with `{workload}` replaced. */
export function appImage(sk: SpinKubeConfig, workload: string): string {
  return (
    sk.images[workload] ?? (sk.imageTemplate ?? DEFAULT_IMAGE_TEMPLATE).replaceAll('{workload}', workload)
  );
}

/**
 * Suite-level rule (harness/suite/load.ts), SpinKube only: each workload's image is a valid
 * reference, and one faasmark loads into the cluster is not tagged `latest` (the kubelet would
 * pull it again: the SpinApp has no pull policy).
 */
export function checkWorkloads(config: unknown, workloads: string[], where = 'spin'): string[] {
  const c = config as SpinConfig;
  if (c.mode !== 'spinkube') return [];
  const problems: string[] = [];
  for (const w of workloads) {
    const image = appImage(c.spinkube, w);
    const ref = parseImageRef(image);
    const key = entryPath(where, c.spinkube.images[w] ? `spinkube.images.${w}` : 'spinkube.imageTemplate');
    if (!ref)
      problems.push(`${key} gives ${JSON.stringify(image)} for ${w}, which is not an image reference`);
    else if (c.spinkube.loadImages && pullsAlways(ref))
      problems.push(`${key}: ${image} is loaded into the cluster, so it needs a tag other than latest`);
  }
  return problems;
}

/**
 * Validate a `spin` entry: defaults filled in, durations in seconds.
 * @throws ConfigError listing every problem at `<where>.<key>`
 */
export function parseConfig(raw: unknown, where = 'spin'): SpinConfig {
  return parseEntry('spin', configSchema, raw, where, rules);
}

/** Spin instantiates per request: no keep-alive, no routing. */
export function settingsControl(_config: SpinConfig): SettingsControl {
  return { keepAlive: 'none', routing: false };
}
