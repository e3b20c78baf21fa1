/**
 * SpinKube manifests for a workload: a `SpinApp` (core.spinkube.dev/v1alpha1: image, replicas,
 * executor, resources, runtimeConfig), optionally the Secret holding its runtime config, and the
 * cluster prerequisites faasmark can apply itself (Namespace, RuntimeClass `wasmtime-spin-v2`
 * with handler `spin`, SpinAppExecutor `containerd-shim-spin`). Field names and semantics from
 * spin-operator's api/v1alpha1/spinapp_types.go and config/samples (spinkube/spin-operator);
 * checked against the CRD subset in spinapp-crd-subset.json by {@link validateSpinApp}.
 *
 * Prerequisites faasmark does not generate (installed by `installPrerequisites` or by hand, see
 * docs/spin.md): cert-manager (spin-operator's admission webhooks), the SpinApp and
 * SpinAppExecutor CRDs, the spin-operator Helm chart, and containerd-shim-spin on every node.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { rootPath } from '../../../core/paths.js';
import { compile, type JsonSchema } from '../../../core/validate.js';

/** Spin's health endpoint, used as the pods' readiness and liveness probe. */
export const SPIN_HEALTH_PATH = '/.well-known/spin/health';
export const RUNTIME_CLASS = 'wasmtime-spin-v2';
export const SHIM_EXECUTOR = 'containerd-shim-spin';
/** The port spin-operator gives every SpinApp Service (pkg/spinapp: DefaultHTTPPort = 80). */
export const SERVICE_PORT = 80;
export { DEFAULT_IMAGE_TEMPLATE } from '../config.js';

/** What every generated SpinApp says about scaling (docs/spin.md repeats it). */
export const SPINKUBE_NOTES = [
  'Under SpinKube, pods (replicas) are scaled by Kubernetes (fixed replicas, or an HPA/KEDA with enableAutoscaling),',
  'not per request; the per-request Wasm instances live inside each pod, where Spin creates a fresh instance per',
  'request (WASIp2/WAGI). M/G/∞ therefore applies per pod only while the pods have spare cores.',
];

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  [key: string]: unknown;
};

export interface SpinAppInput {
  workload: string;
  image: string;
  namespace: string;
  executor: string;
  /** Ignored (not set) with enableAutoscaling. */
  replicas: number;
  enableAutoscaling?: boolean;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  /** Name of the Secret holding runtime-config.toml. */
  runtimeConfigSecret?: string;
}

/** The SpinApp (and Service / Deployment) name for a workload. */
export function spinAppName(workload: string): string {
  return `faasmark-${workload}`;
}

function labels(workload: string): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'faasmark', 'faasmark.dev/workload': workload };
}

/** The SpinApp object for one workload. */
export function spinAppObject(input: SpinAppInput): K8sObject {
  const probe = { httpGet: { path: SPIN_HEALTH_PATH }, initialDelaySeconds: 1, periodSeconds: 2 };
  return {
    apiVersion: 'core.spinkube.dev/v1alpha1',
    kind: 'SpinApp',
    metadata: {
      name: spinAppName(input.workload),
      namespace: input.namespace,
      labels: labels(input.workload),
    },
    spec: {
      image: input.image,
      executor: input.executor,
      ...(input.enableAutoscaling ? { enableAutoscaling: true } : { replicas: input.replicas }),
      ...(input.resources ? { resources: input.resources } : {}),
      ...(input.runtimeConfigSecret ? { runtimeConfig: { loadFromSecret: input.runtimeConfigSecret } } : {}),
      checks: { readiness: probe, liveness: probe },
    },
  };
}

/** The Secret spin-operator reads with `runtimeConfig.loadFromSecret` (key `runtime-config.toml`). */
export function runtimeConfigSecretObject(name: string, namespace: string, toml: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'faasmark' } },
    type: 'Opaque',
    data: { 'runtime-config.toml': Buffer.from(toml, 'utf8').toString('base64') },
  };
}

export function runtimeConfigSecretFromFile(workload: string, namespace: string, path: string): K8sObject {
  return runtimeConfigSecretObject(
    `${spinAppName(workload)}-runtime-config`,
    namespace,
    readFileSync(path, 'utf8'),
  );
}

export function namespaceObject(namespace: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
}

/** RuntimeClass for the Spin shim (cluster-scoped; handler `spin` as in config/samples/spin-runtime-class.yaml). */
export function runtimeClassObject(): K8sObject {
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: { name: RUNTIME_CLASS },
    handler: 'spin',
  };
}

/**
 * The shim SpinAppExecutor (namespaced: spin-operator's webhook looks the executor up in the
 * SpinApp's own namespace), as in config/samples/spin-shim-executor.yaml.
 */
export function shimExecutorObject(namespace: string, name = SHIM_EXECUTOR): K8sObject {
  return {
    apiVersion: 'core.spinkube.dev/v1alpha1',
    kind: 'SpinAppExecutor',
    metadata: { name, namespace },
    spec: {
      createDeployment: true,
      deploymentConfig: { runtimeClassName: RUNTIME_CLASS, installDefaultCACerts: true },
    },
  };
}

/** Multi-document YAML with `#` header lines. */
export function renderYaml(objects: K8sObject[], header: string[] = []): string {
  const head = header.map((l) => `# ${l}`.trimEnd()).join('\n');
  const docs = objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd());
  return `${head ? `${head}\n` : ''}${docs.map((d) => `---\n${d}`).join('\n')}\n`;
}

let crdSubset: JsonSchema | undefined;

/**
 * Problems with a SpinApp object: the CRD schema subset, plus spin-operator's webhook rules
 * (internal/webhook/spinapp_validating.go: replicas cannot be set when autoscaling is enabled;
 * otherwise replicas must be > 0). Empty when valid.
 */
export function validateSpinApp(object: unknown): string[] {
  const problems: string[] = [];
  crdSubset ??= JSON.parse(
    readFileSync(rootPath('platforms', 'spin', 'spinkube', 'spinapp-crd-subset.json'), 'utf8'),
  ) as JsonSchema;
  const validateSubset = compile(crdSubset);
  if (!validateSubset(object)) {
    const errors = validateSubset.errors ?? [];
    const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
    for (const e of errors) {
      const where = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)';
      if (anyOfPaths.has(e.instancePath)) {
        // the only anyOf is a resource quantity (int-or-string): one message instead of three
        if (e.keyword === 'anyOf') {
          problems.push(
            `${where} must be a Kubernetes quantity (e.g. 500m, 2, 256Mi), got ${JSON.stringify(e.data)}`,
          );
        }
        continue;
      }
      const extra =
        e.keyword === 'additionalProperties'
          ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
          : '';
      problems.push(`${where} ${e.message ?? 'is invalid'}${extra}`);
    }
    return problems;
  }
  const spec = (object as { spec: { replicas?: number; enableAutoscaling?: boolean } }).spec;
  if (spec.enableAutoscaling && spec.replicas !== undefined) {
    problems.push('spec.replicas cannot be set when autoscaling is enabled');
  }
  if (!spec.enableAutoscaling && spec.replicas !== undefined && spec.replicas < 1) {
    problems.push(`spec.replicas must be > 0, got ${spec.replicas}`);
  }
  return problems;
}
