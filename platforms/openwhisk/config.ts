/**
 * The `openwhisk` suite entry: its JSON Schema (the one source of shape, defaults and, via
 * json-schema-to-ts, the config type) and its rules (auth from env, mode-dependent keys,
 * image references, the chart source). Light module: no network, no child processes.
 *
 * Two modes (docs/openwhisk.md): `existing` (an API host you are given) and `kubernetes`
 * (faasmark installs the openwhisk-deploy-kube chart, by default from a git checkout pinned
 * in ./pins.ts, on an existing context, a kind cluster it creates, or K3s in a testcontainer,
 * and sets keep-alive per point with `helm upgrade` + invoker restart).
 */

import type { FromSchema } from 'json-schema-to-ts';
import type { SettingsControl } from '../../core/platform.js';
import { IMAGE_REF_PATTERN, parseImageRef } from '../external/image-ref.js';
import { entryPath, parseEntry, type RuleContext } from '../platform-config.js';
import { DEPLOY_KUBE_CHART_PATH, DEPLOY_KUBE_COMMIT, DEPLOY_KUBE_REPO, MRU_INVOKER_IMAGE } from './pins.js';

/** `[registry[:port]/]name[:tag][@sha256:…]` (platforms/external/image-ref.ts). */
export const IMAGE_PATTERN = IMAGE_REF_PATTERN;

/** `<uuid>:<key>`, OpenWhisk's auth form. */
const AUTH_PATTERN = '^[^:\\s]+:[^:\\s]+$';

const seconds = { type: 'number', exclusiveMinimum: 0 } as const;
const path = { type: 'string', minLength: 1 } as const;

/** One-key objects: `{file}` or `{command}`, `{image}` or `{zip}`. */
function oneKey<K extends string>(key: K, description: string) {
  return {
    type: 'object',
    additionalProperties: false,
    required: [key],
    properties: { [key]: { ...path, description } } as { [P in K]: typeof path & { description: string } },
  } as const;
}

/** JSON Schema of the suite entry. */
export const configSchema = {
  $id: 'faasmark/platforms/openwhisk/config',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { const: 'openwhisk' },
    mode: { enum: ['existing', 'kubernetes'], default: 'existing' },
    apiHost: { type: 'string', pattern: '^https?://[^/\\s]+/?$' },
    auth: {
      type: 'string',
      pattern: AUTH_PATTERN,
      writeOnly: true,
      errorMessage: 'must look like <uuid>:<key>',
      description: '`<uuid>:<key>`; never logged. Falls back to env FAASMARK_OW_AUTH',
    },
    namespace: { type: 'string', minLength: 1, default: '_' },
    insecure: { type: 'boolean', default: false },
    invokerLog: {
      oneOf: [
        oneKey('file', 'an invoker log file, read as it grows'),
        oneKey('command', 'a shell command printing the invoker log'),
      ],
    },
    actions: {
      type: 'object',
      default: {},
      description: 'per workload: image (blackbox) or zip (native)',
      additionalProperties: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['image'],
            properties: {
              image: {
                type: 'string',
                pattern: IMAGE_REF_PATTERN,
                description:
                  'Docker image speaking the action protocol (/init, /run on 8080): blackbox action; a digest needs loadActionImages on kind',
              },
            },
          },
          oneKey('zip', 'a zip holding an executable `exec` (dockerskeleton protocol): native action'),
        ],
      },
    },
    actionPrefix: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', default: 'faasmark-' },
    actionMemoryMb: { type: 'integer', minimum: 128, maximum: 8192, default: 256 },
    keepAlive: {
      ...seconds,
      description:
        "mode existing: the deployment's own keep-alive (s) — idle-container + pause-grace, as measured with `faasmark openwhisk probe keep-alive`; the only keep-alive a suite may use with this entry",
    },
    actionTimeout: { ...seconds, maximum: 300, default: 60, description: 'action time limit (s)' },
    poll: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'activation fetch: parallel GETs, backoff (s), bounded wait per activation (s)',
      properties: {
        concurrency: { type: 'integer', minimum: 1, maximum: 256, default: 16 },
        initialDelay: { ...seconds, default: 0.05 },
        maxDelay: { ...seconds, default: 2 },
        maxWait: { ...seconds, default: 120 },
      },
    },
    httpTimeout: { ...seconds, default: 30, description: 'HTTP timeout of one API call (s)' },
    invocation: {
      enum: ['blocking', 'polling'],
      default: 'blocking',
      description:
        "blocking: the controller answers when the activation ends (the client's time is not set by a poll schedule; over 60 s it falls back to polling); polling: non-blocking invoke, then the activation is fetched with backoff",
    },
    logJoinWait: {
      type: 'number',
      minimum: 0,
      maximum: 30,
      default: 0.5,
      description:
        'how long invoke() waits for the invoker-log line of an activation to join its container (s)',
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'kubernetes mode: where the chart is installed',
      properties: {
        provider: { enum: ['context', 'kind', 'k3s'], default: 'kind' },
        context: { type: 'string', minLength: 1, description: 'kubeconfig context (provider context)' },
        kubeconfig: {
          type: 'string',
          minLength: 1,
          description: "kubeconfig file (provider context; default: kubectl's own default)",
        },
        kindClusterName: {
          type: 'string',
          pattern: '^[a-z0-9][a-z0-9-]*$',
          default: 'faasmark-openwhisk',
          description: 'kind cluster name (provider kind)',
        },
        kindNodeImage: {
          type: 'string',
          minLength: 1,
          description: 'kind node image (provider kind), e.g. kindest/node:v1.29.2',
        },
        k3sImage: {
          type: 'string',
          minLength: 1,
          default: 'rancher/k3s:v1.29.4-k3s1',
          description: 'provider k3s',
        },
        apiHostPort: {
          type: 'integer',
          minimum: 1,
          maximum: 65535,
          default: 31001,
          description: 'host port the API (nginx NodePort 31001) is published on',
        },
      },
    },
    helm: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        release: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', default: 'owdev' },
        namespace: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', default: 'openwhisk' },
        chart: {
          type: 'string',
          minLength: 1,
          description:
            'chart reference (repo/name, with chartVersion) or a local chart directory; default: the pinned git checkout (helm.git)',
        },
        git: {
          type: 'object',
          additionalProperties: false,
          description:
            'the openwhisk-deploy-kube checkout the chart is installed from (when chart is not given)',
          properties: {
            url: { type: 'string', minLength: 1, default: DEPLOY_KUBE_REPO },
            commit: {
              type: 'string',
              pattern: '^[0-9a-f]{40}$',
              default: DEPLOY_KUBE_COMMIT,
              errorMessage: 'must be a full 40-hex commit id (a pin, not a branch)',
            },
            path: { type: 'string', minLength: 1, default: DEPLOY_KUBE_CHART_PATH },
          },
        },
        repoUrl: {
          type: 'string',
          minLength: 1,
          default: 'https://openwhisk.apache.org/charts',
          description: 'Helm repository added as `openwhisk` when `chart` starts with `openwhisk/`',
        },
        chartVersion: { type: 'string', minLength: 1, description: 'with a repository chart only' },
        values: {
          type: 'object',
          default: {},
          description:
            'extra chart values merged over the generated ones (validated against the subset schema)',
        },
        installTimeout: { ...seconds, default: 1200 },
        upgradeTimeout: { ...seconds, default: 600 },
        uninstallTimeout: { ...seconds, default: 300 },
      },
    },
    invokerImage: {
      type: 'string',
      pattern: IMAGE_PATTERN,
      description: `the invoker image (MRU build), e.g. ${MRU_INVOKER_IMAGE} or name@sha256:<digest>; loaded into kind when loadInvokerImage`,
    },
    loadInvokerImage: { type: 'boolean', default: false },
    loadActionImages: {
      type: 'boolean',
      default: false,
      description: 'kind only: `kind load docker-image` every blackbox action image before installing',
    },
    invokerMru: {
      type: 'boolean',
      default: false,
      description: 'true when invokerImage carries the MRU patch (routing policy mru)',
    },
    pauseGrace: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'pause-grace (s) used in the keep-alive split; default min(10, keepAlive / 2)',
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        actionsInvokesPerminute: { type: 'integer', minimum: 1, default: 60000 },
        actionsInvokesConcurrent: { type: 'integer', minimum: 1, default: 1000 },
      },
    },
    userMemoryMb: {
      type: 'integer',
      minimum: 256,
      default: 8192,
      description: 'whisk.containerPool.userMemory (MB)',
    },
    controllerHeapMb: { type: 'integer', minimum: 256, default: 2048 },
    invokerHeapMb: { type: 'integer', minimum: 256, default: 1024 },
    restartBetweenPoints: {
      type: 'boolean',
      default: true,
      description: 'restart the invoker at every setup, so each point starts with no warm containers',
    },
    readyTimeout: {
      ...seconds,
      default: 600,
      description: 'readiness wait after install / upgrade / restart (s)',
    },
    keep: { type: 'boolean', default: false, description: 'keep the cluster and release after teardown' },
  },
} as const;

/** An `openwhisk` entry with defaults applied. */
export type OpenWhiskConfig = FromSchema<typeof configSchema>;
/** How a workload is deployed as an OpenWhisk action: `{image}` (blackbox) or `{zip}` (native). */
export type ActionSpec = OpenWhiskConfig['actions'][string];
export type InvokerLogSource = NonNullable<OpenWhiskConfig['invokerLog']>;
export type ClusterConfig = OpenWhiskConfig['cluster'];
export type ClusterProvider = ClusterConfig['provider'];
export type HelmConfig = OpenWhiskConfig['helm'];

/** Auth from env FAASMARK_OW_AUTH, then the keys each mode needs; never echoes the key. */
function rules(c: OpenWhiskConfig, ctx: RuleContext, env: NodeJS.ProcessEnv): OpenWhiskConfig {
  if (c.auth === undefined && env.FAASMARK_OW_AUTH) {
    if (!new RegExp(AUTH_PATTERN).test(env.FAASMARK_OW_AUTH))
      ctx.problems.push('env FAASMARK_OW_AUTH: must look like <uuid>:<key>');
    else c.auth = env.FAASMARK_OW_AUTH;
  }
  if (c.mode === 'existing') {
    if (!c.apiHost) ctx.problem('apiHost', 'is required in mode existing (e.g. http://127.0.0.1:3233)');
    if (!c.auth) ctx.problem('auth', 'is required in mode existing (or set env FAASMARK_OW_AUTH)');
  }
  if (c.mode === 'kubernetes' && c.cluster.provider === 'context' && !c.cluster.context)
    ctx.problem('cluster.context', 'is required when cluster.provider is context');
  if (c.loadInvokerImage && !c.invokerImage) ctx.problem('loadInvokerImage', 'needs invokerImage');
  for (const key of ['loadInvokerImage', 'loadActionImages'] as const)
    if (c[key] && (c.mode !== 'kubernetes' || c.cluster.provider !== 'kind'))
      ctx.problem(
        key,
        'applies to cluster.provider kind (mode kubernetes) only: elsewhere the nodes pull images',
      );
  if (c.mode === 'kubernetes' && c.invokerMru && !c.invokerImage)
    ctx.problem(
      'invokerMru',
      `needs invokerImage (the chart's own invoker is stock OpenWhisk): build it with platforms/openwhisk/mru/build-invoker.sh (${MRU_INVOKER_IMAGE})`,
    );
  if (c.poll.initialDelay > c.poll.maxDelay)
    ctx.problem(
      'poll.initialDelay',
      `must be <= poll.maxDelay (${c.poll.maxDelay}), got ${c.poll.initialDelay}`,
    );
  chartRules(c, ctx);
  imageRules(c, ctx);
  if (c.apiHost) c.apiHost = c.apiHost.replace(/\/$/, '');
  return c;
}

/** One chart source: a repository chart (+ chartVersion), a local directory, or the pinned git checkout. */
function chartRules(c: OpenWhiskConfig, ctx: RuleContext): void {
  const h = c.helm;
  if (h.chart !== undefined && h.git !== undefined)
    ctx.problem('helm.git', 'cannot be combined with helm.chart (give one chart source)');
  if (h.chartVersion !== undefined && !h.chart?.startsWith('openwhisk/'))
    ctx.problem(
      'helm.chartVersion',
      'applies to a repository chart (helm.chart: openwhisk/openwhisk) only; the default chart is the pinned git checkout (helm.git.commit)',
    );
  if (h.chart === undefined)
    h.git = { url: DEPLOY_KUBE_REPO, commit: DEPLOY_KUBE_COMMIT, path: DEPLOY_KUBE_CHART_PATH, ...h.git };
}

/**
 * Digests and tags that would be lost on the way: OpenWhisk's blackbox image parser drops a
 * digest (ExecManifest.ImageName.fromString, docs/openwhisk.md "Images and digests"), so a
 * digest-pinned action image is only accepted where faasmark loads it under a tag (kind +
 * loadActionImages); a loaded image tagged `latest` would be pulled again (pull policy Always).
 */
function imageRules(c: OpenWhiskConfig, ctx: RuleContext): void {
  const loads = c.mode === 'kubernetes' && c.cluster.provider === 'kind' && c.loadActionImages;
  for (const [w, spec] of Object.entries(c.actions)) {
    if (!('image' in spec)) continue;
    const ref = parseImageRef(spec.image);
    if (ref?.digest && !loads)
      ctx.problem(
        `actions.${w}.image`,
        'has a digest, which OpenWhisk drops from blackbox images; on kind set loadActionImages: true (faasmark loads it under a tag), else name a tag',
      );
    if (ref && loads && !ref.digest && (ref.tag === undefined || ref.tag === 'latest'))
      ctx.problem(
        `actions.${w}.image`,
        `must have a tag other than latest when loaded into kind (action pods would pull :latest again), got ${JSON.stringify(spec.image)}`,
      );
  }
}

/**
 * Suite-level rule (harness/suite/load.ts): every workload the suite runs needs an action, or
 * `deploy()` would fail after the install. Returns problems, `<where>.actions.<w> …`.
 */
export function checkWorkloads(config: unknown, workloads: string[], where = 'openwhisk'): string[] {
  const c = config as OpenWhiskConfig;
  return workloads
    .filter((w) => c.actions[w] === undefined)
    .map(
      (w) =>
        `${entryPath(where, `actions.${w}`)} is missing: the suite runs ${w}, so the platform needs its action (e.g. actions: {${w}: {image: faasmark/${w}:nightly}}, built with workloads/docker/build-image.sh ${w} faasmark/${w}:nightly)`,
    );
}

/**
 * Validate an `openwhisk` entry, fill defaults, resolve `auth` from env FAASMARK_OW_AUTH and
 * apply the cross-field rules.
 * @throws ConfigError listing every problem at `<where>.<key>`, never the key
 */
export function parseConfig(
  raw: unknown,
  where = 'openwhisk',
  env: NodeJS.ProcessEnv = process.env,
): OpenWhiskConfig {
  return parseEntry('openwhisk', configSchema, raw, where, (c: OpenWhiskConfig, ctx) => rules(c, ctx, env));
}

/**
 * On Kubernetes faasmark sets the invoker's keep-alive per point; an existing deployment runs
 * at its own, which the entry may declare (`keepAlive`). Routing is a property of the invoker
 * image (invokerMru), not a per-point switch.
 */
export function settingsControl(config: OpenWhiskConfig): SettingsControl {
  if (config.mode === 'kubernetes') return { keepAlive: 'set', routing: false };
  return config.keepAlive !== undefined
    ? { keepAlive: 'fixed', fixedKeepAlive: config.keepAlive, routing: false }
    : { keepAlive: 'unknown', routing: false };
}
