/**
 * Helm values for apache/openwhisk-deploy-kube (helm/openwhisk/values.yaml at the commit
 * pinned in ./pins.ts, core images ef725a6; docs/openwhisk.md "Keep-alive", "Single node").
 *
 * Keep-alive split: the classic ContainerProxy keeps an idle container `pause-grace` in
 * Ready, then `idle-container` in Paused, then removes it (docs/openwhisk.md), so the effective
 * keep-alive K ≈ pauseGrace + idleContainer. We take pauseGrace = min(10 s, K/2) unless
 * given (10 s is OpenWhisk's default) and idleContainer = K − pauseGrace. The chart has no
 * value for these timeouts: they go to the invoker JVM through `invoker.options`
 * (INVOKER_OPTS) as `-Dwhisk.container-proxy.timeouts.…` system properties, in ms without
 * spaces because the start script splits INVOKER_OPTS on whitespace. Single-node clusters
 * also turn off the user-pod node affinity there. User options are appended, never replace.
 */
import { stringify } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import { compile } from '../../core/validate.js';
import { parseImageRef } from '../external/image-ref.js';
import { PAUSE_GRACE } from '../keep-alive.js';

export interface ValuesOptions {
  /** Requested effective keep-alive (s). */
  keepAlive: number;
  /** Pause-grace (s); default min(10, keepAlive / 2). */
  pauseGrace?: number;
  /** Invoker image `name[:tag][@digest]` (the MRU build); default: the chart's. */
  invokerImage?: string;
  actionsInvokesPerminute?: number;
  actionsInvokesConcurrent?: number;
  /** whisk.containerPool.userMemory (MB). */
  userMemoryMb?: number;
  /** Largest action memory allowed (MB). */
  actionMemoryMaxMb?: number;
  controllerHeapMb?: number;
  invokerHeapMb?: number;
  /** Host name and port the API is reached on from outside the cluster (NodePort). */
  apiHostName?: string;
  apiHostPort?: number;
  /**
   * Single-node clusters (kind, k3s): disable the chart's node affinity and tolerations, and
   * the invoker's required node affinity on action pods (openwhisk-role=invoker).
   */
  singleNode?: boolean;
  /** Guest auth `<uuid>:<key>` (kubernetes mode generates one per install). */
  guestAuth?: string;
  /** Extra values merged over the generated ones (deep merge; objects only). */
  overrides?: Record<string, unknown>;
}

export interface KeepAliveSplit {
  pauseGrace: number;
  idleContainer: number;
}

/** Split an effective keep-alive (s) into pause-grace + idle-container (s). */
export function splitKeepAlive(keepAlive: number, pauseGrace?: number): KeepAliveSplit {
  if (!(Number.isFinite(keepAlive) && keepAlive > 0)) {
    throw new ConfigError(`keep-alive must be a number of seconds > 0, got ${keepAlive}`);
  }
  const grace = pauseGrace ?? Math.min(PAUSE_GRACE, keepAlive / 2);
  if (!(grace > 0 && grace < keepAlive)) {
    throw new ConfigError(`pause-grace must be > 0 and < keep-alive (${keepAlive} s), got ${grace}`, [], {
      hint: 'the effective keep-alive is pause-grace + idle-container; pick a smaller pause-grace',
    });
  }
  return { pauseGrace: grace, idleContainer: keepAlive - grace };
}

/** HOCON duration in whole ms, no spaces (INVOKER_OPTS is split on whitespace). */
function hoconMs(seconds: number): string {
  return `${Math.max(1, Math.round(seconds * 1000))}ms`;
}

/** The JVM system properties carrying the keep-alive split. */
export function keepAliveOptions(split: KeepAliveSplit): string {
  return [
    `-Dwhisk.container-proxy.timeouts.idle-container=${hoconMs(split.idleContainer)}`,
    `-Dwhisk.container-proxy.timeouts.pause-grace=${hoconMs(split.pauseGrace)}`,
  ].join(' ');
}

/**
 * The invoker's own node affinity for the action pods it creates (whisk.kubernetes.
 * user-pod-node-affinity in core/invoker application.conf: enabled, key openwhisk-role,
 * value invoker). On a single unlabelled node the pods stay Pending, so it is turned off.
 */
export const USER_POD_AFFINITY_OFF = '-Dwhisk.kubernetes.user-pod-node-affinity.enabled=false';

/**
 * Split an image into the chart's `imageName` + `imageTag` (it composes `name:tag`). A digest
 * rides in the tag, `tag@sha256:…` (`pinned@sha256:…` without a tag): the composed
 * `name:tag@sha256:…` is a valid reference and containerd pulls it by digest.
 */
export function splitImage(image: string): { imageName: string; imageTag: string } {
  const ref = parseImageRef(image);
  if (!ref) throw new ConfigError(`not an image reference: ${JSON.stringify(image)}`);
  const tag = ref.tag ?? (ref.digest ? 'pinned' : 'latest');
  return { imageName: ref.name, imageTag: ref.digest ? `${tag}@${ref.digest}` : tag };
}

/** The invoker's JVM options: keep-alive split, the affinity switch, then the user's own. */
export function invokerOptions(split: KeepAliveSplit, singleNode: boolean, user?: unknown): string {
  const parts = [keepAliveOptions(split)];
  if (singleNode) parts.push(USER_POD_AFFINITY_OFF);
  if (typeof user === 'string' && user.trim() !== '') parts.push(user.trim());
  return parts.join(' ');
}

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const memory = { type: 'string', pattern: '^[0-9]+m$' } as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});

/**
 * JSON Schema of the subset of the chart's values faasmark writes or accepts as overrides
 * (names and types as in helm/openwhisk/values.yaml). Unknown keys are rejected so that a
 * typo does not silently fall back to a chart default.
 */
export const valuesSchema: Record<string, unknown> = obj({
  whisk: obj({
    ingress: obj({
      type: { enum: ['NodePort', 'LoadBalancer', 'Standard'] },
      apiHostName: str,
      apiHostPort: int,
      apiHostProto: str,
    }),
    auth: obj({ guest: { type: 'string', pattern: '^[^:\\s]+:[^:\\s]+$' }, system: str }),
    limits: obj({
      actionsInvokesPerminute: int,
      actionsInvokesConcurrent: int,
      triggersFiresPerminute: int,
      actions: obj({
        memory: obj({ min: memory, max: memory, std: memory }),
        concurrency: obj({ min: int, max: int, std: int }),
        time: obj({ min: str, max: str, std: str }),
      }),
    }),
    containerPool: obj({ userMemory: memory }),
    loadbalancer: obj({ blackboxFraction: { type: 'string', pattern: '^[0-9]+%$' }, timeoutFactor: int }),
    runtimes: str,
  }),
  controller: obj({
    imageName: str,
    imageTag: str,
    jvmHeapMB: { type: 'string', pattern: '^[0-9]+$' },
    options: str,
    loglevel: str,
  }),
  invoker: obj({
    imageName: str,
    imageTag: str,
    imagePullPolicy: { enum: ['IfNotPresent', 'Always', 'Never'] },
    jvmHeapMB: { type: 'string', pattern: '^[0-9]+$' },
    options: str,
    loglevel: { enum: ['DEBUG', 'INFO'] },
    containerFactory: obj({
      impl: { enum: ['kubernetes', 'docker'] },
      kubernetes: obj({ replicaCount: int }),
    }),
  }),
  scheduler: obj({ enabled: bool }),
  nginx: obj({ httpsNodePort: int }),
  k8s: obj({ persistence: obj({ enabled: bool }) }),
  affinity: obj({ enabled: bool }),
  toleration: obj({ enabled: bool }),
  providers: obj({ alarm: obj({ enabled: bool }), kafka: obj({ enabled: bool }) }),
});

/** Validate values against {@link valuesSchema}; returns problems as dot paths. */
export function validateValues(values: unknown): string[] {
  const compiled = compile(valuesSchema);
  if (compiled(values)) return [];
  return (compiled.errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
        : '';
    return `values${e.instancePath.replaceAll('/', '.')}: ${e.message ?? 'invalid'}${extra}`;
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

/**
 * Generate chart values for one keep-alive. Throws ConfigError when the result (including
 * overrides) does not match {@link valuesSchema}.
 */
export function generateValues(o: ValuesOptions): Record<string, unknown> {
  const split = splitKeepAlive(o.keepAlive, o.pauseGrace);
  const whisk: Record<string, unknown> = {
    limits: {
      actionsInvokesPerminute: o.actionsInvokesPerminute ?? 60_000,
      actionsInvokesConcurrent: o.actionsInvokesConcurrent ?? 1000,
      triggersFiresPerminute: o.actionsInvokesPerminute ?? 60_000,
      actions: {
        memory: { min: '128m', max: `${o.actionMemoryMaxMb ?? 512}m`, std: '256m' },
        // one activation per container: the models assume an executor serves one request
        concurrency: { min: 1, max: 1, std: 1 },
      },
    },
    containerPool: { userMemory: `${o.userMemoryMb ?? 8192}m` },
    // the workloads are blackbox/native actions: let every invoker run blackbox actions
    loadbalancer: { blackboxFraction: '100%' },
  };
  if (o.apiHostName !== undefined || o.apiHostPort !== undefined) {
    whisk.ingress = {
      type: 'NodePort',
      apiHostName: o.apiHostName ?? 'localhost',
      apiHostPort: o.apiHostPort ?? 31001,
    };
  }
  if (o.guestAuth) whisk.auth = { guest: o.guestAuth };
  const invoker: Record<string, unknown> = {
    jvmHeapMB: String(o.invokerHeapMb ?? 1024),
    options: invokerOptions(split, Boolean(o.singleNode)),
    // containerStart lines are logged at INFO
    loglevel: 'INFO',
    containerFactory: { impl: 'kubernetes' },
  };
  if (o.invokerImage) {
    Object.assign(invoker, splitImage(o.invokerImage), { imagePullPolicy: 'IfNotPresent' });
  }
  let values: Record<string, unknown> = {
    whisk,
    controller: { jvmHeapMB: String(o.controllerHeapMb ?? 2048) },
    invoker,
    // the classic invoker + ContainerPool.schedule is what the MRU patch changes
    scheduler: { enabled: false },
    nginx: { httpsNodePort: o.apiHostPort ?? 31001 },
    providers: { alarm: { enabled: false }, kafka: { enabled: false } },
  };
  if (o.singleNode) {
    values.affinity = { enabled: false };
    values.toleration = { enabled: false };
    values.k8s = { persistence: { enabled: false } };
  }
  if (o.overrides) {
    values = deepMerge(values, o.overrides);
    // appended, never replaced: the keep-alive and affinity flags must stay
    const user = (o.overrides.invoker as Record<string, unknown> | undefined)?.options;
    if (user !== undefined && typeof user === 'string')
      (values.invoker as Record<string, unknown>).options = invokerOptions(
        split,
        Boolean(o.singleNode),
        user,
      );
  }
  const problems = validateValues(values);
  if (problems.length) {
    throw new ConfigError('generated Helm values do not match the chart values faasmark supports', problems, {
      hint: 'check helm.values overrides against docs/openwhisk.md (keys as in openwhisk-deploy-kube helm/openwhisk/values.yaml)',
    });
  }
  return values;
}

/** Values as YAML (what `faasmark openwhisk values` prints). */
export function valuesToYaml(
  values: Record<string, unknown>,
  keepAlive?: number,
  pauseGrace?: number,
): string {
  const header =
    keepAlive === undefined
      ? ''
      : `# faasmark: effective keep-alive ${keepAlive} s = pause-grace ${splitKeepAlive(keepAlive, pauseGrace).pauseGrace} s + idle-container ${splitKeepAlive(keepAlive, pauseGrace).idleContainer} s\n`;
  return header + stringify(values);
}
