/**
 * OpenWhisk on Kubernetes through helm, kubectl, kind, git and docker (all through an
 * injectable CommandRunner, so the command sequence is tested without a cluster), or K3s
 * through @testcontainers/k3s (an injectable factory). docs/openwhisk.md tells the sequence:
 *
 * install: chart resolved (pinned git checkout, directory or repository version) → [kind
 *   create cluster] → [images loaded] → helm upgrade --install → invoker pod Ready → readiness
 *   gate (healthy invoker count); on failure the release (and a cluster we created) are
 *   removed unless `keep`.
 * setKeepAlive: helm upgrade (same chart, new values) → invoker restart → rollout status →
 *   Ready → readiness gate, all bounded.
 * teardown: helm uninstall → kind delete cluster / stop K3s (only what we created), unless keep.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformError, TimeoutError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import { privateDir } from '../../core/ownership.js';
import { registerKubeconfigSecrets, registerSecret } from '../../core/secrets.js';
import { type ChartDescription, imageMismatch, type ResolvedChart, resolveChart } from './chart.js';
import type { OpenWhiskConfig } from './config.js';
import { type ImagePlan, imagesToLoad, type LoadedImage, loadImages, planImages } from './images.js';
import { waitForHealthyInvoker } from './readiness.js';
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
  /** helm's chart name-version of the release. */
  chart?: string;
  appVersion?: string;
  /** Where the chart came from (pinned git commit, directory, repository version) and its image tags. */
  chartSource?: ChartDescription;
  /** The invoker pod's image and imageID as the kubelet reports them: what ran. */
  invokerImage?: string;
  invokerImageId?: string;
  controllerImage?: string;
  controllerImageId?: string;
  /** Configured image → the reference deployed and, when loaded into kind, the local image id and repo digests. */
  images?: Record<string, { deployedAs: string } & Partial<LoadedImage>>;
  cluster: string;
}

export interface KubeOptions {
  k3sFactory?: K3sFactory;
  /** Pause between readiness polls (s); tests shorten it. */
  pollInterval?: number;
  env?: NodeJS.ProcessEnv;
}

export class KubeOpenWhisk {
  private kubeconfigPath: string | undefined;
  private createdKind = false;
  private k3s: K3sCluster | undefined;
  private installed = false;
  private unregister: (() => void) | undefined;
  private currentKeepAlive: number | undefined;
  private chart: ResolvedChart | undefined;
  private loaded: Record<string, LoadedImage> = {};
  private readonly k3sFactory: K3sFactory;
  private readonly pollInterval: number;
  private readonly env: NodeJS.ProcessEnv;
  /** Which image each configured one is deployed as (digest-pinned images loaded into kind get a tag). */
  readonly images: ImagePlan;
  /** Found while installing (e.g. controller and invoker from different commits); recorded by describe(). */
  readonly warnings: string[] = [];
  /** Guest key generated per install (never logged; written only to a 0600 values file). */
  readonly guestAuth: string;
  apiHost: string;

  constructor(
    private readonly cfg: OpenWhiskConfig,
    private readonly runner: CommandRunner,
    private readonly workDir: string,
    private readonly log: (line: string) => void,
    options: KubeOptions = {},
  ) {
    this.k3sFactory = options.k3sFactory ?? startK3s;
    this.pollInterval = options.pollInterval ?? 3;
    this.env = options.env ?? process.env;
    this.images = planImages(cfg);
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
    if (this.cfg.helm.chart === undefined) await requireTool(this.runner, 'git', ['--version']);
    if (this.cfg.cluster.provider === 'kind') await requireTool(this.runner, 'kind', ['version']);
    // kind nodes and K3s run in Docker; `kind load docker-image` reads the local engine
    if (this.cfg.cluster.provider !== 'context' || imagesToLoad(this.images).length > 0) {
      await requireTool(this.runner, 'docker', ['version', '--format', '{{.Server.Version}}']);
    }
  }

  /** The reference an action is deployed with (its loaded tag for a digest-pinned image). */
  actionImage(workload: string): string | undefined {
    return this.images.actions[workload]?.deployAs;
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
      this.loaded = await loadImages(this.runner, name, imagesToLoad(this.images), this.log);
    } else if (c.provider === 'k3s') {
      this.log(`openwhisk: starting K3s (${c.k3sImage})`);
      this.k3s = await this.k3sFactory(c.k3sImage, 31001);
      this.kubeconfigPath = join(privateDir('openwhisk'), 'kubeconfig');
      registerKubeconfigSecrets(this.k3s.kubeconfig);
      await writeFile(this.kubeconfigPath, this.k3s.kubeconfig, { mode: 0o600 });
      this.apiHost = `https://localhost:${this.k3s.apiPort}`;
    }
  }

  private valuesFor(keepAlive: number): Record<string, unknown> {
    const singleNode = this.cfg.cluster.provider !== 'context';
    return generateValues({
      keepAlive,
      pauseGrace: this.cfg.pauseGrace,
      invokerImage: this.images.invoker?.deployAs,
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
    if (!this.chart) throw new PlatformError('openwhisk: the chart is not resolved yet (install first)');
    return [this.chart.ref, ...this.chart.args];
  }

  /** Resolve the chart (no cluster needed) and note an invoker from another OpenWhisk commit. */
  private async prepareChart(): Promise<void> {
    this.chart ??= await resolveChart(this.runner, this.cfg.helm, this.log, this.env);
    const mismatch = imageMismatch(this.chart.description, this.cfg.invokerImage);
    if (mismatch && !this.warnings.includes(mismatch)) {
      this.warnings.push(mismatch);
      this.log(`openwhisk: warning: ${mismatch}`);
    }
  }

  /** Install (or upgrade an existing release) with `keepAlive`, then wait until ready. */
  async install(keepAlive: number): Promise<void> {
    await this.checkTools();
    // the chart first: a version or commit that does not exist fails before any cluster exists
    await this.prepareChart();
    this.unregister = onShutdown('openwhisk helm release', () => this.teardown());
    try {
      await this.ensureCluster();
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
      await this.waitHealthyInvoker(this.cfg.helm.installTimeout);
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
      await new Promise((r2) => setTimeout(r2, this.pollInterval * 1000));
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
    await this.waitHealthyInvoker(this.cfg.readyTimeout);
  }

  /**
   * The first half of the readiness gate (./readiness.ts): the controller counts at least one
   * healthy invoker. `kubectl wait Ready` alone passes before that (the pod has no probe).
   */
  async waitHealthyInvoker(timeoutS: number): Promise<void> {
    const count = await waitForHealthyInvoker(
      (args, timeout) => this.runner.run('kubectl', this.kubectlArgs(args), { timeout }),
      this.namespace,
      this.release,
      { timeout: timeoutS, interval: this.pollInterval },
    );
    this.log(`openwhisk: ${count} healthy invoker(s)`);
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
    if (ctl.exitCode === 0) {
      const [image, imageId] = ctl.stdout.split('\n');
      d.controllerImage = image;
      d.controllerImageId = imageId;
    }
    if (this.chart) d.chartSource = this.chart.description;
    const planned = [
      ...(this.images.invoker ? [this.images.invoker] : []),
      ...Object.values(this.images.actions),
    ];
    if (planned.length > 0)
      d.images = Object.fromEntries(
        planned.map((i) => [i.requested, { deployedAs: i.deployAs, ...(this.loaded[i.requested] ?? {}) }]),
      );
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
