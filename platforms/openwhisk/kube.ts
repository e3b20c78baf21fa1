/**
 * OpenWhisk on Kubernetes through helm, kubectl and kind (all through an injectable
 * CommandRunner, so the command sequence is tested without a cluster), or K3s through
 * @testcontainers/k3s (an injectable factory).
 *
 * install: [kind create cluster] → [kind load docker-image] → helm repo add → helm upgrade
 *   --install → wait for the invoker pod Ready; on failure the release (and a cluster we
 *   created) are removed unless `keep`.
 * setKeepAlive: helm upgrade (same chart, new values) → kubectl rollout restart of the
 *   invoker → rollout status → Ready, all bounded.
 * teardown: helm uninstall → kind delete cluster / stop K3s (only what we created), unless keep.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformError, TimeoutError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import { privateDir } from '../../core/ownership.js';
import { registerKubeconfigSecrets, registerSecret } from '../../core/secrets.js';
import type { OpenWhiskConfig } from './config.js';
import { type CommandResult, type CommandRunner, firstLine, requireTool } from './runner.js';
import { generateValues, splitKeepAlive, valuesToYaml } from './values.js';

/** A started K3s cluster (from @testcontainers/k3s, or a test double). */
export interface K3sCluster {
  kubeconfig: string;
  /** Host port mapped to the API NodePort. */
  apiPort: number;
  stop(): Promise<void>;
}
export type K3sFactory = (image: string, nodePort: number) => Promise<K3sCluster>;

/** Production K3s factory: a privileged K3s testcontainer with the API NodePort exposed. */
export const startK3s: K3sFactory = async (image, nodePort) => {
  const { K3sContainer } = await import('@testcontainers/k3s');
  const started = await new K3sContainer(image).withExposedPorts(6443, nodePort).start();
  return {
    kubeconfig: started.getKubeConfig(),
    apiPort: started.getMappedPort(nodePort),
    stop: async () => {
      await started.stop();
    },
  };
};

export interface KubeDescription {
  release: string;
  namespace: string;
  chart?: string;
  appVersion?: string;
  invokerImage?: string;
  invokerImageId?: string;
  controllerImageId?: string;
  cluster: string;
}

export class KubeOpenWhisk {
  private kubeconfigPath: string | undefined;
  private createdKind = false;
  private k3s: K3sCluster | undefined;
  private installed = false;
  private unregister: (() => void) | undefined;
  private currentKeepAlive: number | undefined;
  /** Guest key generated per install (never logged; written only to a 0600 values file). */
  readonly guestAuth: string;
  apiHost: string;

  constructor(
    private readonly cfg: OpenWhiskConfig,
    private readonly runner: CommandRunner,
    private readonly workDir: string,
    private readonly log: (line: string) => void,
    private readonly k3sFactory: K3sFactory = startK3s,
  ) {
    this.guestAuth = cfg.auth ?? `${randomUUID()}:${randomBytes(32).toString('hex')}`;
    registerSecret(this.guestAuth);
    this.apiHost = cfg.apiHost ?? `https://localhost:${cfg.cluster.apiHostPort}`;
  }

  get release(): string {
    return this.cfg.helm.release;
  }
  get namespace(): string {
    return this.cfg.helm.namespace;
  }
  get invokerPod(): string {
    return `${this.cfg.helm.release}-invoker-0`;
  }
  get invokerStatefulSet(): string {
    return `statefulset/${this.cfg.helm.release}-invoker`;
  }

  /** kubectl/helm connection flags. */
  private kubeFlags(tool: 'kubectl' | 'helm'): string[] {
    const flags: string[] = [];
    const kubeconfig = this.kubeconfigPath ?? this.cfg.cluster.kubeconfig;
    if (kubeconfig) flags.push('--kubeconfig', kubeconfig);
    if (this.cfg.cluster.provider === 'context' && this.cfg.cluster.context) {
      flags.push(tool === 'helm' ? '--kube-context' : '--context', this.cfg.cluster.context);
    }
    return flags;
  }

  kubectlArgs(args: string[]): string[] {
    return [...this.kubeFlags('kubectl'), '-n', this.namespace, ...args];
  }

  private async must(
    command: string,
    args: string[],
    timeout: number,
    what: string,
    hint: string,
  ): Promise<CommandResult> {
    const r = await this.runner.run(command, args, { timeout });
    if (r.exitCode !== 0) {
      throw new PlatformError(
        `${what} failed (${command} exit ${r.exitCode}): ${firstLine(r.stderr) || firstLine(r.stdout)}`,
        { hint },
      );
    }
    return r;
  }

  /** Every tool this provider needs, checked before any side effect. */
  async checkTools(): Promise<void> {
    await requireTool(this.runner, 'helm', ['version', '--short']);
    await requireTool(this.runner, 'kubectl', ['version', '--client']);
    if (this.cfg.cluster.provider === 'kind') await requireTool(this.runner, 'kind', ['version']);
    // kind nodes and K3s run in Docker; `kind load docker-image` reads the local engine
    if (this.cfg.cluster.provider !== 'context' || this.imagesToLoad().length > 0) {
      await requireTool(this.runner, 'docker', ['version', '--format', '{{.Server.Version}}']);
    }
  }

  /** kind cluster config: one node, API NodePort published on the host. */
  kindConfig(): string {
    const lines = [
      'kind: Cluster',
      'apiVersion: kind.x-k8s.io/v1alpha4',
      'nodes:',
      '- role: control-plane',
      '  extraPortMappings:',
      `  - hostPort: ${this.cfg.cluster.apiHostPort}`,
      '    containerPort: 31001',
      '    listenAddress: "127.0.0.1"',
    ];
    if (this.cfg.cluster.kindNodeImage) lines.splice(4, 0, `  image: ${this.cfg.cluster.kindNodeImage}`);
    return `${lines.join('\n')}\n`;
  }

  private async ensureCluster(): Promise<void> {
    await mkdir(this.workDir, { recursive: true });
    const c = this.cfg.cluster;
    if (c.provider === 'kind') {
      const name = c.kindClusterName;
      const list = await this.must(
        'kind',
        ['get', 'clusters'],
        60,
        'listing kind clusters',
        'check that Docker is running',
      );
      if (!list.stdout.split('\n').includes(name)) {
        const cfgPath = join(this.workDir, 'kind-cluster.yaml');
        await writeFile(cfgPath, this.kindConfig());
        this.log(`openwhisk: creating kind cluster ${name}`);
        this.createdKind = true;
        await this.must(
          'kind',
          ['create', 'cluster', '--name', name, '--config', cfgPath, '--wait', '300s'],
          600,
          'kind create cluster',
          'see `kind create cluster` output; Docker needs ~8 GB of memory for OpenWhisk',
        );
      }
      const kc = await this.must(
        'kind',
        ['get', 'kubeconfig', '--name', name],
        60,
        'kind get kubeconfig',
        `is cluster ${name} running?`,
      );
      // credentials: in the private directory, never in the results (core/ownership.ts)
      this.kubeconfigPath = join(privateDir('openwhisk'), 'kubeconfig');
      registerKubeconfigSecrets(kc.stdout);
      await writeFile(this.kubeconfigPath, kc.stdout, { mode: 0o600 });
      for (const image of this.imagesToLoad()) {
        this.log(`openwhisk: loading ${image} into kind`);
        const hint =
          image === this.cfg.invokerImage
            ? `build the image first: platforms/openwhisk/mru/build-invoker.sh (image ${image})`
            : `build the workload image first: workloads/docker/build-image.sh <workload> ${image}`;
        await this.must(
          'kind',
          ['load', 'docker-image', image, '--name', name],
          600,
          `kind load docker-image ${image}`,
          hint,
        );
      }
    } else if (c.provider === 'k3s') {
      this.log(`openwhisk: starting K3s (${c.k3sImage})`);
      this.k3s = await this.k3sFactory(c.k3sImage, 31001);
      this.kubeconfigPath = join(privateDir('openwhisk'), 'kubeconfig');
      registerKubeconfigSecrets(this.k3s.kubeconfig);
      await writeFile(this.kubeconfigPath, this.k3s.kubeconfig, { mode: 0o600 });
      this.apiHost = `https://localhost:${this.k3s.apiPort}`;
    }
  }

  /** Images `kind load` puts on the node: the invoker image and/or the blackbox action images. */
  imagesToLoad(): string[] {
    const images: string[] = [];
    if (this.cfg.loadInvokerImage && this.cfg.invokerImage) images.push(this.cfg.invokerImage);
    if (this.cfg.loadActionImages) {
      for (const spec of Object.values(this.cfg.actions)) {
        if ('image' in spec && !images.includes(spec.image)) images.push(spec.image);
      }
    }
    return images;
  }

  private valuesFor(keepAlive: number): Record<string, unknown> {
    const singleNode = this.cfg.cluster.provider !== 'context';
    return generateValues({
      keepAlive,
      pauseGrace: this.cfg.pauseGrace,
      invokerImage: this.cfg.invokerImage,
      actionsInvokesPerminute: this.cfg.limits.actionsInvokesPerminute,
      actionsInvokesConcurrent: this.cfg.limits.actionsInvokesConcurrent,
      userMemoryMb: this.cfg.userMemoryMb,
      actionMemoryMaxMb: Math.max(512, this.cfg.actionMemoryMb),
      controllerHeapMb: this.cfg.controllerHeapMb,
      invokerHeapMb: this.cfg.invokerHeapMb,
      apiHostName: singleNode ? 'localhost' : undefined,
      apiHostPort: 31001,
      singleNode,
      guestAuth: this.guestAuth,
      overrides: this.cfg.helm.values,
    });
  }

  /** Write values (they hold the guest key: mode 0600, removed after use). */
  private async writeValues(keepAlive: number): Promise<string> {
    const path = join(privateDir('openwhisk'), `values-keepalive-${keepAlive}.yaml`);
    await writeFile(path, valuesToYaml(this.valuesFor(keepAlive), keepAlive, this.cfg.pauseGrace), {
      mode: 0o600,
    });
    await chmod(path, 0o600);
    return path;
  }

  private helmChartArgs(): string[] {
    const args = [this.cfg.helm.chart];
    if (this.cfg.helm.chartVersion) args.push('--version', this.cfg.helm.chartVersion);
    return args;
  }

  /** Install (or upgrade an existing release) with `keepAlive`, then wait until ready. */
  async install(keepAlive: number): Promise<void> {
    await this.checkTools();
    this.unregister = onShutdown('openwhisk helm release', () => this.teardown());
    try {
      await this.ensureCluster();
      if (this.cfg.helm.chart.startsWith('openwhisk/')) {
        await this.must(
          'helm',
          ['repo', 'add', 'openwhisk', this.cfg.helm.repoUrl, '--force-update'],
          120,
          'helm repo add',
          `check network access to ${this.cfg.helm.repoUrl}`,
        );
      }
      const values = await this.writeValues(keepAlive);
      this.log(`openwhisk: helm upgrade --install ${this.release} (keep-alive ${keepAlive} s)`);
      this.installed = true;
      try {
        await this.must(
          'helm',
          [
            'upgrade',
            '--install',
            this.release,
            ...this.helmChartArgs(),
            ...this.kubeFlags('helm'),
            '--namespace',
            this.namespace,
            '--create-namespace',
            '-f',
            values,
            '--timeout',
            `${Math.round(this.cfg.helm.installTimeout)}s`,
          ],
          this.cfg.helm.installTimeout + 60,
          'helm install of OpenWhisk',
          `inspect with: kubectl -n ${this.namespace} get pods; helm -n ${this.namespace} status ${this.release}`,
        );
      } finally {
        await rm(values, { force: true });
      }
      await this.waitReady(this.cfg.helm.installTimeout);
      this.currentKeepAlive = keepAlive;
    } catch (err) {
      if (!this.cfg.keep) {
        this.log('openwhisk: install failed; removing the half-installed release');
        await this.teardown().catch((e: unknown) =>
          this.log(`openwhisk: cleanup after failed install: ${(e as Error).message}`),
        );
      } else {
        this.log(`openwhisk: install failed; keeping release ${this.release} (keep: true)`);
      }
      throw err;
    }
  }

  /** Wait until the invoker pod exists and is Ready (bounded). */
  async waitReady(timeoutS: number): Promise<void> {
    const deadline = Date.now() + timeoutS * 1000;
    // the StatefulSet pod appears only after the controller is up (its init container waits)
    for (;;) {
      const left = Math.max(1, Math.round((deadline - Date.now()) / 1000));
      const r = await this.runner.run(
        'kubectl',
        this.kubectlArgs([
          'wait',
          '--for=condition=Ready',
          `pod/${this.invokerPod}`,
          `--timeout=${Math.min(left, 60)}s`,
        ]),
        { timeout: Math.min(left, 60) + 30 },
      );
      if (r.exitCode === 0) return;
      if (Date.now() >= deadline) {
        throw new TimeoutError(`OpenWhisk invoker pod ${this.invokerPod} not Ready within ${timeoutS} s`, {
          hint: `kubectl -n ${this.namespace} get pods; kubectl -n ${this.namespace} describe pod ${this.invokerPod} (image pull? memory?)`,
        });
      }
      await new Promise((r2) => setTimeout(r2, 2000));
    }
  }

  /** Change keep-alive without a reinstall: helm upgrade + invoker restart + readiness. */
  async setKeepAlive(keepAlive: number, restart: boolean): Promise<void> {
    if (!this.installed) return this.install(keepAlive);
    splitKeepAlive(keepAlive, this.cfg.pauseGrace);
    if (keepAlive !== this.currentKeepAlive) {
      const values = await this.writeValues(keepAlive);
      this.log(`openwhisk: helm upgrade ${this.release} (keep-alive ${keepAlive} s)`);
      try {
        await this.must(
          'helm',
          [
            'upgrade',
            this.release,
            ...this.helmChartArgs(),
            ...this.kubeFlags('helm'),
            '--namespace',
            this.namespace,
            '-f',
            values,
            '--timeout',
            `${Math.round(this.cfg.helm.upgradeTimeout)}s`,
          ],
          this.cfg.helm.upgradeTimeout + 60,
          'helm upgrade of OpenWhisk',
          `helm -n ${this.namespace} history ${this.release}; kubectl -n ${this.namespace} get pods`,
        );
      } finally {
        await rm(values, { force: true });
      }
      this.currentKeepAlive = keepAlive;
      restart = true;
    }
    if (restart) await this.restartInvoker();
  }

  /** Restart the invoker (it removes its action containers on start) and wait for it. */
  async restartInvoker(): Promise<void> {
    const t = Math.round(this.cfg.readyTimeout);
    await this.must(
      'kubectl',
      this.kubectlArgs(['rollout', 'restart', this.invokerStatefulSet]),
      60,
      'invoker restart',
      `kubectl -n ${this.namespace} get ${this.invokerStatefulSet}`,
    );
    const r = await this.runner.run(
      'kubectl',
      this.kubectlArgs(['rollout', 'status', this.invokerStatefulSet, `--timeout=${t}s`]),
      { timeout: t + 30 },
    );
    if (r.exitCode !== 0) {
      throw new TimeoutError(`OpenWhisk invoker did not become ready within ${t} s after a restart`, {
        hint: `kubectl -n ${this.namespace} describe pod ${this.invokerPod}; kubectl -n ${this.namespace} logs ${this.invokerPod}`,
      });
    }
    await this.waitReady(this.cfg.readyTimeout);
  }

  /** `kubectl logs -f` arguments for the invoker pod (optionally since an instant). */
  followArgs(sinceTime?: string): string[] {
    const args = ['logs', '-f', this.invokerPod];
    if (sinceTime) args.push(`--since-time=${sinceTime}`);
    return this.kubectlArgs(args);
  }

  async describe(): Promise<KubeDescription> {
    const d: KubeDescription = {
      release: this.release,
      namespace: this.namespace,
      cluster: this.cfg.cluster.provider,
    };
    const list = await this.runner.run(
      'helm',
      ['list', ...this.kubeFlags('helm'), '--namespace', this.namespace, '-o', 'json'],
      { timeout: 60 },
    );
    if (list.exitCode === 0) {
      try {
        const rel = (
          JSON.parse(list.stdout) as Array<{ name: string; chart?: string; app_version?: string }>
        ).find((r) => r.name === this.release);
        if (rel) {
          d.chart = rel.chart;
          d.appVersion = rel.app_version;
        }
      } catch {
        // leave unknown
      }
    }
    const jp = (pod: string) =>
      this.runner.run(
        'kubectl',
        this.kubectlArgs([
          'get',
          pod,
          '-o',
          'jsonpath={.status.containerStatuses[0].image}{"\\n"}{.status.containerStatuses[0].imageID}',
        ]),
        { timeout: 60 },
      );
    const inv = await jp(`pod/${this.invokerPod}`);
    if (inv.exitCode === 0) {
      const [image, imageId] = inv.stdout.split('\n');
      d.invokerImage = image;
      d.invokerImageId = imageId;
    }
    const ctl = await jp(`pod/${this.release}-controller-0`);
    if (ctl.exitCode === 0) d.controllerImageId = ctl.stdout.split('\n')[1];
    return d;
  }

  /** helm uninstall, then remove a cluster we created — unless keep. Safe to call twice. */
  async teardown(): Promise<void> {
    const unregister = this.unregister;
    this.unregister = undefined;
    if (this.cfg.keep) {
      if (this.installed)
        this.log(`openwhisk: keeping release ${this.release} in namespace ${this.namespace} (keep: true)`);
      unregister?.();
      return;
    }
    const problems: string[] = [];
    if (this.installed) {
      this.installed = false;
      const r = await this.runner
        .run(
          'helm',
          [
            'uninstall',
            this.release,
            ...this.kubeFlags('helm'),
            '--namespace',
            this.namespace,
            '--wait',
            '--timeout',
            `${Math.round(this.cfg.helm.uninstallTimeout)}s`,
          ],
          {
            timeout: this.cfg.helm.uninstallTimeout + 60,
          },
        )
        .catch((e: unknown) => ({ exitCode: 1, stdout: '', stderr: (e as Error).message }));
      if (r.exitCode !== 0 && !/not found/i.test(r.stderr))
        problems.push(`helm uninstall ${this.release}: ${firstLine(r.stderr)}`);
    }
    if (this.createdKind) {
      this.createdKind = false;
      const r = await this.runner.run(
        'kind',
        ['delete', 'cluster', '--name', this.cfg.cluster.kindClusterName],
        { timeout: 300 },
      );
      if (r.exitCode !== 0) problems.push(`kind delete cluster: ${firstLine(r.stderr)}`);
    }
    if (this.k3s) {
      const k = this.k3s;
      this.k3s = undefined;
      await k.stop().catch((e: unknown) => problems.push(`k3s stop: ${(e as Error).message}`));
    }
    unregister?.();
    if (problems.length) {
      throw new PlatformError(`OpenWhisk teardown incomplete: ${problems.join('; ')}`, {
        hint: `remove by hand: helm -n ${this.namespace} uninstall ${this.release}; kind delete cluster --name ${this.cfg.cluster.kindClusterName}`,
      });
    }
  }
}
