/**
 * The cluster a SpinKube run uses (the same choices as the OpenWhisk platform): an `existing`
 * kubectl context, a `kind` cluster from a node image that carries containerd-shim-spin (given
 * in the config: v0.24.0 publishes none for kind), or a K3s container (@testcontainers/k3s)
 * from the shim's k3d image, which exists. Clusters faasmark creates take the app images from
 * the local Docker engine (`kind load`, or `docker save` + `ctr import` in K3s), so no
 * registry is needed. Versions in one place: spin-operator v0.6.1 and cert-manager v1.20.0
 * (SpinKube docs), containerd-shim-spin v0.24.0 embedding Spin 3.6.3 (docs/spin.md).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InternalError, PlatformError } from '../../../core/errors.js';
import { privateDir } from '../../../core/ownership.js';
import { registerKubeconfigSecrets } from '../../../core/secrets.js';
import type { SpinKubeConfig } from '../config.js';
import type { KubeRunner } from './runner.js';

export const SPIN_OPERATOR_VERSION = '0.6.1';
export const CERT_MANAGER_VERSION = 'v1.20.0';
export const SHIM_VERSION = 'v0.24.0';
/** The node image containerd-shim-spin v0.24.0 publishes (release.yaml: k3d only; kind images start after it). */
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
  /** Put a local Docker image on the node(s); returns its local image id. Only for clusters faasmark created. */
  loadImage(image: string): Promise<string>;
  teardown(): Promise<void>;
}

/** A started K3s container (the testcontainers one in production). */
export interface K3sHandle {
  kubeConfig: string;
  /** Import an image archive (`docker save`) into the node's containerd (namespace k8s.io). */
  importImage(archive: string): Promise<void>;
  stop(): Promise<void>;
}
export type StartK3s = (image: string) => Promise<K3sHandle>;

/** Production K3s: @testcontainers/k3s (privileged container; needs Docker). */
export const startK3sContainer: StartK3s = async (image) => {
  const { K3sContainer } = await import('@testcontainers/k3s');
  const container = await new K3sContainer(image).start();
  return {
    kubeConfig: container.getKubeConfig(),
    importImage: async (archive) => {
      const target = '/tmp/faasmark-image.tar';
      await container.copyFilesToContainer([{ source: archive, target }]);
      const r = await container.exec(['ctr', '-n', 'k8s.io', 'images', 'import', target]);
      await container.exec(['rm', '-f', target]);
      if (r.exitCode !== 0) throw new Error(`ctr images import failed: ${r.output.trim()}`);
    },
    stop: async () => void (await container.stop()),
  };
};

/** The local image id (`docker image inspect`), or a PlatformError naming how to build it. */
async function localImageId(runner: KubeRunner, image: string): Promise<string> {
  const r = await runner.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeout: 60 });
  if (r.exitCode !== 0)
    throw new PlatformError(`app image ${image} is not in the local Docker engine`, {
      hint: 'build it: faasmark spin image <workload> --tag <image> (or set spinkube.images to a registry image and loadImages: false)',
    });
  return r.stdout.trim();
}

/** `docker save` an image and import it into a K3s node. */
async function importIntoK3s(runner: KubeRunner, k3s: K3sHandle, image: string): Promise<string> {
  const id = await localImageId(runner, image);
  const dir = mkdtempSync(join(tmpdir(), 'faasmark-image-'));
  try {
    const archive = join(dir, 'image.tar');
    const saved = await runner.run('docker', ['save', '-o', archive, image], { timeout: 600 });
    if (saved.exitCode !== 0) throw new PlatformError(`docker save ${image} failed: ${saved.stderr.trim()}`);
    await k3s.importImage(archive).catch((err: unknown) => {
      throw new PlatformError(
        `importing ${image} into K3s failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    return id;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
      loadImage: async () => {
        throw new InternalError('spinkube: images are only loaded into clusters faasmark creates');
      },
      teardown: async () => {},
    };
  }
  // credentials: in the private directory, never in the results (core/ownership.ts)
  const kubeconfig = join(privateDir('spinkube'), 'kubeconfig');
  if (c.type === 'kind') {
    const image = c.image;
    if (!image) throw new ConfigError('spin.spinkube.cluster.image is required with cluster.type kind');
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
      loadImage: async (app) => {
        const id = await localImageId(runner, app);
        const r = await runner.run(config.kind, ['load', 'docker-image', app, '--name', c.name], {
          timeout: 600,
        });
        if (r.exitCode !== 0)
          throw new PlatformError(`kind load docker-image ${app} failed: ${r.stderr.trim()}`);
        return id;
      },
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
    loadImage: (app) => importIntoK3s(runner, k3s, app),
    teardown: () => k3s.stop(),
  };
}
