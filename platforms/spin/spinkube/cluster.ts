/**
 * The cluster a SpinKube run uses (the same choices as the OpenWhisk platform): an `existing`
 * kubectl context, a `kind` cluster created from the containerd-shim-spin kind node image, or
 * a K3s container (@testcontainers/k3s) from the shim's k3d image. Both images carry
 * containerd-shim-spin and its containerd runtime entry (handler `spin`), so only the cluster
 * prerequisites remain ({@link prerequisiteSteps}).
 *
 * Versions (one place): spin-operator v0.6.1 and cert-manager v1.20.0 as in the SpinKube docs
 * (spinframework/spin-operator, "Scaling Spin App With KEDA"); containerd-shim-spin v0.24.0,
 * which embeds Spin 3.6.3 (docs/design/platform-facts.md) — the docs' own kind example uses v0.26.0.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformError } from '../../../core/errors.js';
import { privateDir } from '../../../core/ownership.js';
import { registerKubeconfigSecrets } from '../../../core/secrets.js';
import type { SpinKubeConfig } from '../config.js';
import type { KubeRunner } from './runner.js';

export const SPIN_OPERATOR_VERSION = '0.6.1';
export const CERT_MANAGER_VERSION = 'v1.20.0';
export const SHIM_VERSION = 'v0.24.0';
export const KIND_NODE_IMAGE = `ghcr.io/spinframework/containerd-shim-spin/kind:${SHIM_VERSION}`;
export const K3S_IMAGE = `ghcr.io/spinframework/containerd-shim-spin/k3d:${SHIM_VERSION}`;

const OPERATOR_RELEASE = `https://github.com/spinframework/spin-operator/releases/download/v${SPIN_OPERATOR_VERSION}`;

/** One command of the prerequisite install, in order. */
export interface Step {
  command: 'kubectl' | 'helm';
  args: string[];
  /** Bounded wait (s). */
  timeout: number;
}

/**
 * cert-manager (spin-operator's webhooks need it), the RuntimeClass and CRDs, and the
 * spin-operator chart — the SpinKube install sequence. The shim executor is applied per
 * namespace at deploy time (spin-operator looks it up in the SpinApp's namespace).
 */
export function prerequisiteSteps(): Step[] {
  return [
    {
      command: 'kubectl',
      args: [
        'apply',
        '-f',
        `https://github.com/cert-manager/cert-manager/releases/download/${CERT_MANAGER_VERSION}/cert-manager.crds.yaml`,
      ],
      timeout: 120,
    },
    {
      command: 'helm',
      args: [
        'upgrade',
        '--install',
        'cert-manager',
        'cert-manager',
        '--repo',
        'https://charts.jetstack.io',
        '--namespace',
        'cert-manager',
        '--create-namespace',
        '--version',
        CERT_MANAGER_VERSION,
        '--wait',
        '--timeout',
        '5m',
      ],
      timeout: 330,
    },
    {
      command: 'kubectl',
      args: ['apply', '-f', `${OPERATOR_RELEASE}/spin-operator.runtime-class.yaml`],
      timeout: 60,
    },
    { command: 'kubectl', args: ['apply', '-f', `${OPERATOR_RELEASE}/spin-operator.crds.yaml`], timeout: 60 },
    {
      command: 'helm',
      args: [
        'upgrade',
        '--install',
        'spin-operator',
        'oci://ghcr.io/spinframework/charts/spin-operator',
        '--namespace',
        'spin-operator',
        '--create-namespace',
        '--version',
        SPIN_OPERATOR_VERSION,
        '--wait',
        '--timeout',
        '5m',
      ],
      timeout: 330,
    },
  ];
}

/** kind cluster config: the shim's containerd runtime entry (as in the SpinKube kind example). */
export function kindClusterConfig(): string {
  return [
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    'containerdConfigPatches:',
    '- |-',
    '  [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.spin]',
    '    runtime_type = "io.containerd.spin.v2"',
    '  [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.spin.options]',
    '    SystemdCgroup = true',
    'nodes:',
    '- role: control-plane',
    '',
  ].join('\n');
}

export interface Cluster {
  /** Global kubectl/helm flags selecting the cluster (`--kubeconfig`, `--context`). */
  kubectlArgs: string[];
  helmArgs: string[];
  /** Recorded in the manifest. */
  description: Record<string, unknown>;
  /** True when faasmark created it (then teardown removes it). */
  created: boolean;
  teardown(): Promise<void>;
}

/** A started K3s container (the testcontainers one in production). */
export interface K3sHandle {
  kubeConfig: string;
  stop(): Promise<void>;
}
export type StartK3s = (image: string) => Promise<K3sHandle>;

/** Production K3s: @testcontainers/k3s (privileged container; needs Docker). */
export const startK3sContainer: StartK3s = async (image) => {
  const { K3sContainer } = await import('@testcontainers/k3s');
  const container = await new K3sContainer(image).start();
  return { kubeConfig: container.getKubeConfig(), stop: async () => void (await container.stop()) };
};

/**
 * Connect to or create the configured cluster.
 * @throws PlatformError when it cannot be reached or created (with the tool's stderr).
 */
export async function provisionCluster(
  config: SpinKubeConfig,
  runner: KubeRunner,
  _workDir: string, // unused: the kubeconfig goes to the private directory
  startK3s: StartK3s = startK3sContainer,
): Promise<Cluster> {
  const c = config.cluster;
  if (c.type === 'existing') {
    const args = [
      ...(c.kubeconfig ? ['--kubeconfig', c.kubeconfig] : []),
      ...(c.context ? ['--context', c.context] : []),
    ];
    const helmArgs = [
      ...(c.kubeconfig ? ['--kubeconfig', c.kubeconfig] : []),
      ...(c.context ? ['--kube-context', c.context] : []),
    ];
    const ready = await runner.run(config.kubectl, [...args, 'get', '--raw', '/readyz'], { timeout: 30 });
    if (ready.exitCode !== 0) {
      throw new PlatformError(
        `the Kubernetes cluster is not reachable: ${ready.stderr.trim() || ready.stdout.trim()}`,
        {
          hint: 'check spinkube.cluster.context / kubeconfig (kubectl get --raw /readyz must answer ok)',
        },
      );
    }
    return {
      kubectlArgs: args,
      helmArgs,
      description: { type: 'existing', ...(c.context ? { context: c.context } : {}) },
      created: false,
      teardown: async () => {},
    };
  }
  // credentials: in the private directory, never in the results (core/ownership.ts)
  const kubeconfig = join(privateDir('spinkube'), 'kubeconfig');
  if (c.type === 'kind') {
    const image = c.image ?? KIND_NODE_IMAGE;
    const created = await runner.run(
      config.kind,
      [
        'create',
        'cluster',
        '--name',
        c.name,
        '--image',
        image,
        '--config',
        '-',
        '--kubeconfig',
        kubeconfig,
        '--wait',
        '180s',
      ],
      { timeout: 400, input: kindClusterConfig() },
    );
    if (created.exitCode !== 0) {
      throw new PlatformError(`kind create cluster ${c.name} failed: ${created.stderr.trim()}`, {
        hint: /already exist/i.test(created.stderr)
          ? `delete it first: kind delete cluster --name ${c.name}`
          : 'kind needs a running Docker engine',
      });
    }
    if (existsSync(kubeconfig)) registerKubeconfigSecrets(readFileSync(kubeconfig, 'utf8'));
    return {
      kubectlArgs: ['--kubeconfig', kubeconfig],
      helmArgs: ['--kubeconfig', kubeconfig],
      description: { type: 'kind', name: c.name, image },
      created: true,
      teardown: async () => {
        await runner.run(config.kind, ['delete', 'cluster', '--name', c.name], { timeout: 180 });
      },
    };
  }
  const image = c.image ?? K3S_IMAGE;
  let k3s: K3sHandle;
  try {
    k3s = await startK3s(image);
  } catch (err) {
    throw new PlatformError(
      `could not start a K3s container from ${image}: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
        hint: 'K3s via testcontainers needs a Docker engine that can run privileged containers',
      },
    );
  }
  registerKubeconfigSecrets(k3s.kubeConfig);
  writeFileSync(kubeconfig, k3s.kubeConfig, { mode: 0o600 });
  return {
    kubectlArgs: ['--kubeconfig', kubeconfig],
    helmArgs: ['--kubeconfig', kubeconfig],
    description: { type: 'k3s', image },
    created: true,
    teardown: () => k3s.stop(),
  };
}
