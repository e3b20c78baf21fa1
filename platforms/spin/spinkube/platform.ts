/**
 * Spin on Kubernetes through SpinKube: per workload a `SpinApp` (manifest.ts) applied with
 * kubectl, a bounded wait for its `Available` condition (spin-operator copies the Deployment's
 * conditions onto the SpinApp), and an owned `kubectl port-forward` to its Service (port 80)
 * on 127.0.0.1 — or a configured `endpoint` — for the requests. Teardown deletes what was
 * applied, stops the port-forward and removes a cluster faasmark created. Every external call
 * goes through an injectable {@link KubeRunner}.
 *
 * Executors: pods scale by replicas or an HPA/KEDA, never per request; the per-request Wasm
 * instances live inside the pods and are not observable, so, as on bare metal, the in-flight
 * count is measured client-side from request intervals.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Pool } from 'undici';
import { ConfigError, InternalError, PlatformError } from '../../../core/errors.js';
import { onShutdown } from '../../../core/lifecycle.js';
import type {
  InvokeRequest,
  InvokeResult,
  PlatformCapabilities,
  PlatformDescription,
  PlatformHealth,
  PointClock,
  SetupOptions,
} from '../../../core/platform.js';
import type { ExecutorSpan } from '../../../core/records.js';
import { PlatformBase } from '../../base.js';
import type { PlatformContext } from '../../registry.js';
import { locateSpinApp } from '../app.js';
import { IN_FLIGHT_NOTE } from '../bare-metal.js';
import { SPIN_CAPABILITIES } from '../capabilities.js';
import { appImage, type SpinConfig } from '../config.js';
import { postJson } from '../http-invoke.js';
import {
  type Cluster,
  prerequisiteSteps,
  provisionCluster,
  type StartK3s,
  startK3sContainer,
} from './cluster.js';
import {
  type K8sObject,
  namespaceObject,
  renderYaml,
  runtimeConfigSecretFromFile,
  SERVICE_PORT,
  SHIM_EXECUTOR,
  SPINKUBE_NOTES,
  shimExecutorObject,
  spinAppName,
  spinAppObject,
  validateSpinApp,
} from './manifest.js';
import { execaKubeRunner, type KubeRunner, type LongRunning } from './runner.js';

const FORWARDING = /Forwarding from 127\.0\.0\.1:(\d+) ->/;

export interface SpinKubeDeps {
  runner?: KubeRunner;
  startK3s?: StartK3s;
}

interface DeployedApp {
  workload: string;
  name: string;
  image: string;
  route: string;
  /** What was applied (deleted again at teardown). */
  objects: K8sObject[];
  forward?: LongRunning;
  pool: Pool;
  unregister: () => void;
}

/** The image for a workload: `images[workload]`, else the template with `{workload}` replaced. */
export function imageFor(config: SpinConfig['spinkube'], workload: string): string {
  return appImage(config, workload);
}

/** The SpinApp (+ runtime-config Secret) objects for one workload, validated against the CRD subset. */
export function workloadObjects(config: SpinConfig, workload: string): K8sObject[] {
  const sk = config.spinkube;
  const objects: K8sObject[] = [];
  let secretName = sk.runtimeConfigSecret;
  if (config.runtimeConfigFile) {
    if (!existsSync(config.runtimeConfigFile)) {
      throw new ConfigError(`spin.runtimeConfigFile: ${resolve(config.runtimeConfigFile)} does not exist`);
    }
    const secret = runtimeConfigSecretFromFile(workload, sk.namespace, config.runtimeConfigFile);
    secretName = (secret.metadata as { name: string }).name;
    objects.push(secret);
  }
  const app = spinAppObject({
    workload,
    image: imageFor(sk, workload),
    namespace: sk.namespace,
    executor: sk.executor,
    replicas: sk.replicas,
    enableAutoscaling: sk.enableAutoscaling,
    ...(sk.resources ? { resources: sk.resources } : {}),
    ...(secretName ? { runtimeConfigSecret: secretName } : {}),
  });
  const problems = validateSpinApp(app);
  if (problems.length)
    throw new ConfigError(`spin.spinkube: the SpinApp for ${workload} would be invalid`, problems);
  objects.push(app);
  return objects;
}

export class SpinKubePlatform extends PlatformBase {
  readonly name = 'spin';
  readonly executor = 'wasm' as const;
  readonly capabilities: PlatformCapabilities = SPIN_CAPABILITIES;

  private readonly runner: KubeRunner;
  private readonly startK3s: StartK3s;
  private cluster: Cluster | undefined;
  private unregisterCluster: (() => void) | undefined;
  private serverVersion: string | undefined;
  private options: SetupOptions = {};
  private readonly apps = new Map<string, DeployedApp>();
  private readonly failures: string[] = [];
  private prerequisitesDone = false;
  /** App images loaded into the cluster → their local image id (recorded by describe()). */
  private readonly loadedImages = new Map<string, string>();

  constructor(
    private readonly config: SpinConfig,
    private readonly context: PlatformContext,
    deps: SpinKubeDeps = {},
  ) {
    super();
    this.runner = deps.runner ?? execaKubeRunner();
    this.startK3s = deps.startK3s ?? startK3sContainer;
  }

  private get sk() {
    return this.config.spinkube;
  }

  private kubectl(args: string[], timeout: number, input?: string) {
    if (!this.cluster) throw new InternalError('spinkube: no cluster');
    return this.runner.run(this.sk.kubectl, [...this.cluster.kubectlArgs, ...args], {
      timeout,
      ...(input !== undefined ? { input } : {}),
    });
  }

  /** Connect to / create the cluster, install prerequisites when asked, check the SpinApp CRD. */
  protected async doSetup(options: SetupOptions, _clock: PointClock): Promise<void> {
    this.options = options;
    this.failures.length = 0;
    if (!this.cluster) {
      const cluster = await provisionCluster(this.sk, this.runner, this.context.workDir, this.startK3s);
      this.cluster = cluster;
      if (cluster.created) this.unregisterCluster = onShutdown('spinkube cluster', () => cluster.teardown());
    }
    if (this.sk.installPrerequisites && !this.prerequisitesDone) {
      for (const step of prerequisiteSteps()) {
        const tool = step.command === 'kubectl' ? this.sk.kubectl : this.sk.helm;
        const globals = step.command === 'kubectl' ? this.cluster.kubectlArgs : this.cluster.helmArgs;
        this.context.log(`spinkube: ${step.command} ${step.args.slice(0, 3).join(' ')} …`);
        const r = await this.runner.run(tool, [...globals, ...step.args], { timeout: step.timeout });
        if (r.exitCode !== 0) {
          throw new PlatformError(
            `installing SpinKube prerequisites failed at \`${step.command} ${step.args.join(' ')}\`: ${r.stderr.trim()}`,
          );
        }
      }
      this.prerequisitesDone = true;
    }
    const crd = await this.kubectl(['get', 'crd', 'spinapps.core.spinkube.dev', '-o', 'name'], 30);
    if (crd.exitCode !== 0) {
      throw new PlatformError(
        'the SpinApp CRD (spinapps.core.spinkube.dev) is not installed on the cluster',
        {
          hint: 'install SpinKube (cert-manager, spin-operator CRDs and chart, RuntimeClass wasmtime-spin-v2, containerd-shim-spin on the nodes), or set spinkube.installPrerequisites: true; see docs/spin.md',
        },
      );
    }
    const version = await this.kubectl(['version', '-o', 'json'], 30);
    try {
      this.serverVersion = (
        JSON.parse(version.stdout) as { serverVersion?: { gitVersion?: string } }
      ).serverVersion?.gitVersion;
    } catch {
      this.serverVersion = undefined;
    }
  }

  /** Make sure the namespace and its SpinAppExecutor exist (spin-operator looks executors up per namespace). */
  private async ensureNamespaceAndExecutor(): Promise<void> {
    const ns = await this.kubectl(['apply', '-f', '-'], 60, renderYaml([namespaceObject(this.sk.namespace)]));
    if (ns.exitCode !== 0)
      throw new PlatformError(`kubectl apply (namespace ${this.sk.namespace}) failed: ${ns.stderr.trim()}`);
    const got = await this.kubectl(
      ['get', 'spinappexecutor', this.sk.executor, '-n', this.sk.namespace, '-o', 'name'],
      30,
    );
    if (got.exitCode === 0) return;
    if (this.sk.executor !== SHIM_EXECUTOR) {
      throw new PlatformError(
        `SpinAppExecutor ${this.sk.executor} does not exist in namespace ${this.sk.namespace}`,
        {
          hint: `create it, or use the shim executor (spinkube.executor: ${SHIM_EXECUTOR}), which faasmark creates itself`,
        },
      );
    }
    this.context.log(`spinkube: creating SpinAppExecutor ${SHIM_EXECUTOR} in ${this.sk.namespace}`);
    const r = await this.kubectl(
      ['apply', '-f', '-'],
      60,
      renderYaml([shimExecutorObject(this.sk.namespace)]),
    );
    if (r.exitCode !== 0)
      throw new PlatformError(`kubectl apply (SpinAppExecutor) failed: ${r.stderr.trim()}`);
  }

  private routeFor(workload: string): string {
    try {
      return locateSpinApp(workload, {
        manifests: this.config.manifests,
        buildDir: this.context.buildDir,
        workDir: this.context.workDir,
      }).route;
    } catch {
      return `/${workload}`; // the route of faasmark's generated manifests (app.ts)
    }
  }

  /** Apply the SpinApp, wait until Available (bounded), open the port-forward; idempotent. */
  protected async doDeploy(workload: string): Promise<void> {
    if (this.apps.has(workload)) return;
    if (!this.cluster) throw new InternalError('spinkube: deploy() called before setup()');
    const objects = workloadObjects(this.config, workload);
    const name = spinAppName(workload);
    const ns = this.sk.namespace;
    await this.ensureNamespaceAndExecutor();
    const image = imageFor(this.sk, workload);
    if (this.sk.loadImages && !this.loadedImages.has(image)) {
      this.context.log(`spinkube: loading ${image} into the cluster`);
      this.loadedImages.set(image, await this.cluster.loadImage(image));
    }
    const cleanupObjects = () => this.deleteObjects(objects);
    const unregisterObjects = onShutdown(`spinkube SpinApp ${name}`, cleanupObjects);
    try {
      const applied = await this.kubectl(['apply', '-f', '-'], 60, renderYaml(objects));
      if (applied.exitCode !== 0)
        throw new PlatformError(`kubectl apply of SpinApp ${name} failed: ${applied.stderr.trim()}`);
      const timeout = this.sk.readyTimeout;
      const waited = await this.kubectl(
        [
          'wait',
          '--for=condition=Available',
          `spinapp/${name}`,
          '-n',
          ns,
          `--timeout=${Math.ceil(timeout)}s`,
        ],
        timeout + 30,
      );
      if (waited.exitCode !== 0) {
        const state = await this.kubectl(
          [
            'get',
            'spinapp,deployment,pods',
            '-n',
            ns,
            '-l',
            `core.spinkube.dev/app-name=${name}`,
            '-o',
            'wide',
          ],
          30,
        );
        throw new PlatformError(
          `SpinApp ${name} did not become Available within ${timeout} s: ${waited.stderr.trim()}\n${state.stdout.trim()}`,
          {
            hint: 'check the image reference, the shim on the nodes (RuntimeClass wasmtime-spin-v2) and kubectl describe spinapp',
          },
        );
      }
      let base = this.sk.endpoint;
      let forward: LongRunning | undefined;
      if (!base) {
        forward = this.runner.start(this.sk.kubectl, [
          ...this.cluster.kubectlArgs,
          'port-forward',
          '-n',
          ns,
          `svc/${name}`,
          `:${SERVICE_PORT}`,
          '--address',
          '127.0.0.1',
        ]);
        try {
          const m = await forward.waitFor(FORWARDING, 30);
          base = `http://127.0.0.1:${m[1]}`;
        } catch (err) {
          await forward.stop(2);
          throw new PlatformError(
            `kubectl port-forward to svc/${name} failed: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        const fw = forward;
        void fw.exited.then(() => {
          if (this.apps.get(workload)?.forward !== fw) return;
          const reason = `kubectl port-forward for ${name} exited mid-run: ${fw.output().slice(-500)}`;
          this.failures.push(reason);
          this.context.log(`spinkube: ${reason}`);
        });
      }
      const pool = new Pool(base, { keepAliveTimeout: 30_000 /* ms */ });
      const unregisterForward = forward
        ? onShutdown(`kubectl port-forward ${name}`, () => forward.stop(2))
        : () => {};
      this.apps.set(workload, {
        workload,
        name,
        image: imageFor(this.sk, workload),
        route: this.routeFor(workload),
        objects,
        ...(forward ? { forward } : {}),
        pool,
        unregister: () => {
          unregisterForward();
          unregisterObjects();
        },
      });
    } catch (err) {
      await cleanupObjects();
      unregisterObjects();
      throw err;
    }
  }

  private async deleteObjects(objects: K8sObject[]): Promise<void> {
    if (!this.cluster) return;
    const r = await this.kubectl(
      ['delete', '--ignore-not-found', '--wait=true', '--timeout=120s', '-f', '-'],
      150,
      renderYaml(objects),
    );
    if (r.exitCode !== 0) {
      const names = objects.map((o) => `${o.kind}/${String(o.metadata.name)}`).join(', ');
      this.context.log(`spinkube: deleting ${names} failed: ${r.stderr.trim()}`);
    }
  }

  protected async doInvoke(request: InvokeRequest): Promise<InvokeResult> {
    const app = this.apps.get(request.workload);
    if (!app)
      return { status: 'error', errorMessage: `spinkube: workload ${request.workload} is not deployed` };
    if (app.forward?.exit)
      return { status: 'error', errorMessage: 'kubectl port-forward exited; request not sent' };
    return postJson(app.pool, app.route, request.input, {
      ...(this.options.requestTimeout !== undefined ? { timeout: this.options.requestTimeout } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
      maxResponseBytes: this.config.maxResponseBytes,
    });
  }

  async executorSpans(): Promise<ExecutorSpan[]> {
    return [];
  }

  override health(): PlatformHealth {
    return this.failures.length ? { ok: false, reason: this.failures.join('; ') } : { ok: true };
  }

  async describe(): Promise<PlatformDescription> {
    const warnings: string[] = [];
    if (this.sk.enableAutoscaling) {
      warnings.push(
        'SpinKube autoscaling is on: the HPA/KEDA changes the number of pods during the run, so capacity is not constant',
      );
    }
    if (!this.sk.endpoint && (this.sk.enableAutoscaling || this.sk.replicas > 1)) {
      warnings.push(
        'kubectl port-forward reaches a single pod: set spinkube.endpoint (Ingress/NodePort) to spread requests over replicas',
      );
    }
    if (this.options.maxConcurrency !== undefined) {
      warnings.push(
        "maxConcurrency is not applied under SpinKube (the shim keeps Spin's default instance limit per pod)",
      );
    }
    return {
      name: 'spin',
      executor: 'wasm',
      applied: {
        keepAlive: null,
        routing: null,
        // the shim keeps Spin's default instance cap per pod
        maxConcurrency: 1000 * this.sk.replicas,
        cores: null,
      },
      details: {
        mode: 'spinkube',
        cluster: this.cluster?.description,
        ...(this.serverVersion ? { kubernetesVersion: this.serverVersion } : {}),
        namespace: this.sk.namespace,
        executor: this.sk.executor,
        replicas: this.sk.enableAutoscaling ? 'autoscaled (HPA/KEDA)' : this.sk.replicas,
        ...(this.sk.resources ? { resources: this.sk.resources } : {}),
        scaling: SPINKUBE_NOTES.join(' '),
        inFlight: IN_FLIGHT_NOTE,
        apps: Object.fromEntries(
          [...this.apps.values()].map((a) => [
            a.workload,
            { spinApp: a.name, image: a.image, route: a.route },
          ]),
        ),
        crashed: this.failures.length > 0,
        ...(this.loadedImages.size ? { loadedImages: Object.fromEntries(this.loadedImages) } : {}),
      },
      ...(warnings.length ? { warnings } : {}),
    };
  }

  protected async doTeardown(): Promise<void> {
    const apps = [...this.apps.values()];
    this.apps.clear();
    for (const app of apps) {
      await app.pool.destroy().catch(() => undefined);
      await app.forward?.stop(2);
      await this.deleteObjects(app.objects);
      app.unregister();
    }
    if (this.cluster?.created) {
      const cluster = this.cluster;
      this.cluster = undefined;
      this.prerequisitesDone = false;
      await cluster.teardown();
      this.loadedImages.clear();
      this.unregisterCluster?.();
    }
  }
}
