/**
 * The `openwhisk` suite entry: its JSON Schema (the one source of truth, validated with ajv)
 * and the normalised config type. Light module: no network, no child processes.
 *
 * Two modes (docs/openwhisk.md):
 * - `existing`: an API host you are given (apiHost, auth or env FAASMARK_OW_AUTH, namespace,
 *   insecure, invokerLog {file} | {command}); keep-alive cannot be changed by faasmark.
 * - `kubernetes`: faasmark installs/upgrades the openwhisk-deploy-kube Helm chart on a
 *   cluster (an existing kubeconfig context, a kind cluster it creates, or K3s in a
 *   testcontainer) and sets keep-alive per point with `helm upgrade` + invoker restart.
 */
import { Ajv } from 'ajv';
import { ConfigError } from '../../core/errors.js';

/** How a workload is deployed as an OpenWhisk action. */
export type ActionSpec =
  | {
      /** Docker image speaking the action protocol (/init, /run on 8080): `blackbox` action. */
      image: string;
    }
  | {
      /** A zip holding an executable `exec` (dockerskeleton protocol): `native` action. */
      zip: string;
    };

export type InvokerLogSource = { file: string } | { command: string };

export type ClusterProvider = 'context' | 'kind' | 'k3s';

export interface ClusterConfig {
  provider: ClusterProvider;
  /** kubeconfig context (provider `context`). */
  context?: string;
  /** kubeconfig file (provider `context`; default: kubectl's own default). */
  kubeconfig?: string;
  /** kind cluster name (provider `kind`). */
  kindClusterName: string;
  /** kind node image (provider `kind`), e.g. kindest/node:v1.29.2. */
  kindNodeImage?: string;
  /** K3s image (provider `k3s`). */
  k3sImage: string;
  /** Host port the API (nginx NodePort 31001) is published on. */
  apiHostPort: number;
}

export interface HelmConfig {
  release: string;
  namespace: string;
  /** Chart reference (repo/name) or a local chart directory. */
  chart: string;
  /** Helm repository added as `openwhisk` when `chart` starts with `openwhisk/`. */
  repoUrl: string;
  chartVersion?: string;
  /** Extra chart values merged over the generated ones (validated against the subset schema). */
  values: Record<string, unknown>;
  /** Bounded waits (s). */
  installTimeout: number;
  upgradeTimeout: number;
  uninstallTimeout: number;
}

export interface OpenWhiskConfig {
  name: 'openwhisk';
  mode: 'existing' | 'kubernetes';
  apiHost?: string;
  /** `<uuid>:<key>`; never logged. Falls back to env FAASMARK_OW_AUTH. */
  auth?: string;
  namespace: string;
  insecure: boolean;
  invokerLog?: InvokerLogSource;
  /** Per workload: image (blackbox) or zip (native). */
  actions: Record<string, ActionSpec>;
  actionPrefix: string;
  actionMemoryMb: number;
  /** Action time limit (s). */
  actionTimeout: number;
  /** Activation fetch: parallel GETs, backoff (s), bounded wait per activation (s). */
  poll: { concurrency: number; initialDelay: number; maxDelay: number; maxWait: number };
  /** HTTP timeout of one API call (s). */
  httpTimeout: number;
  /** How long invoke() waits for the invoker-log line of an activation to join its container (s). */
  logJoinWait: number;
  /** Kubernetes mode. */
  cluster: ClusterConfig;
  helm: HelmConfig;
  /** The invoker image (MRU build), e.g. faasmark/invoker-mru:ef725a6; loaded into kind when `loadInvokerImage`. */
  invokerImage?: string;
  loadInvokerImage: boolean;
  /** kind only: `kind load docker-image` every blackbox action image before installing. */
  loadActionImages: boolean;
  /** True when `invokerImage` carries the MRU patch (routing policy `mru`). */
  invokerMru: boolean;
  /** Pause-grace (s) used in the keep-alive split; default min(10, keepAlive / 2). */
  pauseGrace?: number;
  limits: { actionsInvokesPerminute: number; actionsInvokesConcurrent: number };
  /** whisk.containerPool.userMemory (MB). */
  userMemoryMb: number;
  controllerHeapMb: number;
  invokerHeapMb: number;
  /** Restart the invoker at every setup, so each point starts with no warm containers. */
  restartBetweenPoints: boolean;
  /** Readiness wait after install / upgrade / restart (s). */
  readyTimeout: number;
  /** Keep the cluster and release after teardown. */
  keep: boolean;
}

/** `[registry[:port]/]name[:tag]` — the chart composes imageName:imageTag, so no digests. */
export const IMAGE_PATTERN = '^([^\\s:@/]+(:\\d+)?/)?[^\\s:@]+(:[^\\s:@/]+)?$';

const seconds = { type: 'number', exclusiveMinimum: 0 } as const;

/** JSON Schema of the suite entry (draft 2020-12 subset ajv understands). */
export const configSchema: Record<string, unknown> = {
  $id: 'faasmark/platforms/openwhisk/config',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'openwhisk' },
    mode: { enum: ['existing', 'kubernetes'], default: 'existing' },
    apiHost: { type: 'string', pattern: '^https?://[^/\\s]+/?$' },
    auth: { type: 'string', pattern: '^[^:\\s]+:[^:\\s]+$' },
    namespace: { type: 'string', minLength: 1, default: '_' },
    insecure: { type: 'boolean', default: false },
    invokerLog: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['file'],
          properties: { file: { type: 'string', minLength: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['command'],
          properties: { command: { type: 'string', minLength: 1 } },
        },
      ],
    },
    actions: {
      type: 'object',
      default: {},
      additionalProperties: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['image'],
            properties: { image: { type: 'string', minLength: 1 } },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['zip'],
            properties: { zip: { type: 'string', minLength: 1 } },
          },
        ],
      },
    },
    actionPrefix: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', default: 'faasmark-' },
    actionMemoryMb: { type: 'integer', minimum: 128, maximum: 8192, default: 256 },
    actionTimeout: { ...seconds, maximum: 300, default: 60 },
    poll: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        concurrency: { type: 'integer', minimum: 1, maximum: 256, default: 16 },
        initialDelay: { ...seconds, default: 0.05 },
        maxDelay: { ...seconds, default: 2 },
        maxWait: { ...seconds, default: 120 },
      },
    },
    httpTimeout: { ...seconds, default: 30 },
    logJoinWait: { type: 'number', minimum: 0, maximum: 30, default: 0.5 },
    cluster: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        provider: { enum: ['context', 'kind', 'k3s'], default: 'kind' },
        context: { type: 'string', minLength: 1 },
        kubeconfig: { type: 'string', minLength: 1 },
        kindClusterName: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', default: 'faasmark-openwhisk' },
        kindNodeImage: { type: 'string', minLength: 1 },
        k3sImage: { type: 'string', minLength: 1, default: 'rancher/k3s:v1.29.4-k3s1' },
        apiHostPort: { type: 'integer', minimum: 1, maximum: 65535, default: 31001 },
      },
    },
    helm: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        release: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', default: 'owdev' },
        namespace: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', default: 'openwhisk' },
        chart: { type: 'string', minLength: 1, default: 'openwhisk/openwhisk' },
        repoUrl: { type: 'string', minLength: 1, default: 'https://openwhisk.apache.org/charts' },
        chartVersion: { type: 'string', minLength: 1 },
        values: { type: 'object', default: {} },
        installTimeout: { ...seconds, default: 1200 },
        upgradeTimeout: { ...seconds, default: 600 },
        uninstallTimeout: { ...seconds, default: 300 },
      },
    },
    invokerImage: { type: 'string', pattern: IMAGE_PATTERN },
    loadInvokerImage: { type: 'boolean', default: false },
    loadActionImages: { type: 'boolean', default: false },
    invokerMru: { type: 'boolean', default: false },
    pauseGrace: { type: 'number', exclusiveMinimum: 0 },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        actionsInvokesPerminute: { type: 'integer', minimum: 1, default: 60000 },
        actionsInvokesConcurrent: { type: 'integer', minimum: 1, default: 1000 },
      },
    },
    userMemoryMb: { type: 'integer', minimum: 256, default: 8192 },
    controllerHeapMb: { type: 'integer', minimum: 256, default: 2048 },
    invokerHeapMb: { type: 'integer', minimum: 256, default: 1024 },
    restartBetweenPoints: { type: 'boolean', default: true },
    readyTimeout: { ...seconds, default: 600 },
    keep: { type: 'boolean', default: false },
  },
};

let validator: ReturnType<Ajv['compile']> | undefined;

/**
 * Validate a suite entry, fill defaults, resolve `auth` from env FAASMARK_OW_AUTH and apply
 * the cross-field rules. Throws ConfigError listing every problem (dot paths), never the key.
 */
export function normalizeConfig(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): OpenWhiskConfig {
  validator ??= new Ajv({ allErrors: true, useDefaults: true, strict: false }).compile(configSchema);
  const copy = structuredClone(raw);
  if (!validator(copy)) {
    const problems = (validator.errors ?? []).map((e) => {
      const path = `platforms.openwhisk${e.instancePath.replaceAll('/', '.')}`;
      // never echo a rejected auth value
      return e.instancePath === '/auth'
        ? `${path}: must look like <uuid>:<key>`
        : `${path}: ${e.message ?? 'invalid'}`;
    });
    throw new ConfigError('invalid openwhisk platform entry', [...new Set(problems)]);
  }
  const cfg = copy as unknown as OpenWhiskConfig;
  const problems: string[] = [];
  if (cfg.auth === undefined && env.FAASMARK_OW_AUTH) {
    if (!/^[^:\s]+:[^:\s]+$/.test(env.FAASMARK_OW_AUTH))
      problems.push('env FAASMARK_OW_AUTH: must look like <uuid>:<key>');
    else cfg.auth = env.FAASMARK_OW_AUTH;
  }
  if (cfg.mode === 'existing') {
    if (!cfg.apiHost)
      problems.push('platforms.openwhisk.apiHost: required in mode existing (e.g. http://127.0.0.1:3233)');
    if (!cfg.auth)
      problems.push('platforms.openwhisk.auth: required in mode existing (or set env FAASMARK_OW_AUTH)');
  }
  if (cfg.mode === 'kubernetes' && cfg.cluster.provider === 'context' && !cfg.cluster.context) {
    problems.push('platforms.openwhisk.cluster.context: required when cluster.provider is context');
  }
  if (cfg.loadInvokerImage && !cfg.invokerImage) {
    problems.push('platforms.openwhisk.loadInvokerImage: needs invokerImage');
  }
  if (cfg.poll.initialDelay > cfg.poll.maxDelay) {
    problems.push('platforms.openwhisk.poll.initialDelay: must be <= poll.maxDelay');
  }
  if (problems.length) throw new ConfigError('invalid openwhisk platform entry', problems);
  if (cfg.apiHost) cfg.apiHost = cfg.apiHost.replace(/\/$/, '');
  return cfg;
}
