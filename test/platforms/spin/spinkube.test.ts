/**
 * The SpinKube adapter against a scripted command runner (the same KubeRunner interface
 * production uses with execa): the exact kubectl / helm / kind command sequences for setup,
 * deploy, readiness, port-forward and teardown, the failure paths, and real HTTP invocation
 * through the "forwarded" port (a loopback server standing in for the pod).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { createPointClock } from '../../../core/clock.js';
import { PlatformError } from '../../../core/errors.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { privateDir } from '../../../core/ownership.js';
import { checkWorkloads, parseConfig } from '../../../platforms/spin/config.js';
import { prerequisiteSteps } from '../../../platforms/spin/spinkube/cluster.js';
import { validateSpinApp } from '../../../platforms/spin/spinkube/manifest.js';
import { SpinKubePlatform } from '../../../platforms/spin/spinkube/platform.js';
import type {
  CommandOptions,
  CommandResult,
  KubeRunner,
  LongRunning,
} from '../../../platforms/spin/spinkube/runner.js';
import { tempDir } from './helpers.js';

type Script = (line: string, input: string | undefined) => Partial<CommandResult> | undefined;

class FakeForward implements LongRunning {
  exit: { code: number | null; signal: string | null } | null = null;
  stopped = false;
  private resolveExit!: () => void;
  readonly exited = new Promise<void>((r) => {
    this.resolveExit = r;
  });
  constructor(private readonly port: number) {}
  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const m = pattern.exec(
      `Forwarding from 127.0.0.1:${this.port} -> 80\nForwarding from [::1]:${this.port} -> 80\n`,
    );
    if (!m) throw new Error('pattern did not match');
    return m;
  }
  output(): string {
    return 'error: lost connection to pod';
  }
  crash(): void {
    this.exit = { code: 1, signal: null };
    this.resolveExit();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.exit) {
      this.exit = { code: null, signal: 'SIGTERM' };
      this.resolveExit();
    }
  }
}

class FakeRunner implements KubeRunner {
  readonly lines: string[] = [];
  readonly inputs = new Map<number, string>();
  readonly forwards: FakeForward[] = [];
  constructor(
    private readonly script: Script,
    private readonly forwardPort: number,
  ) {}
  async run(command: string, args: string[], options: CommandOptions): Promise<CommandResult> {
    const line = [command, ...args].join(' ');
    if (options.input !== undefined) this.inputs.set(this.lines.length, options.input);
    this.lines.push(line);
    return { exitCode: 0, stdout: '', stderr: '', ...this.script(line, options.input) };
  }
  start(command: string, args: string[]): LongRunning {
    this.lines.push(`start ${[command, ...args].join(' ')}`);
    const f = new FakeForward(this.forwardPort);
    this.forwards.push(f);
    return f;
  }
  /** The stdin of the `kubectl apply` that carried an object of kind `kind`. */
  inputOf(kind: string): string {
    const re = new RegExp(`^kind: ${kind}$`, 'm');
    for (const [i, input] of this.inputs)
      if (re.test(input) && this.lines[i]?.includes(' apply ')) return input;
    throw new Error(`no apply of ${kind}`);
  }
}

const defaultScript: Script = (line) => {
  if (line.includes('get spinappexecutor'))
    return {
      exitCode: 1,
      stderr: 'Error from server (NotFound): spinappexecutors "containerd-shim-spin" not found',
    };
  if (line.includes('version -o json'))
    return { stdout: JSON.stringify({ serverVersion: { gitVersion: 'v1.31.0' } }) };
  return undefined;
};

let pod: Server;
let podPort = 0;
const bodies: unknown[] = [];
before(async () => {
  pod = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      bodies.push({ path: req.url, body: JSON.parse(text) });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ echoed: JSON.parse(text) }));
    });
  });
  await new Promise<void>((r) => pod.listen(0, '127.0.0.1', () => r()));
  podPort = (pod.address() as { port: number }).port;
});
after(async () => {
  await runCleanups();
  await new Promise<void>((r) => pod.close(() => r()));
});

function context() {
  return {
    buildDir: tempDir('faasmark-sk-build-'),
    workDir: tempDir('faasmark-sk-'),
    log: () => {},
  };
}

describe('SpinKube on an existing cluster', () => {
  it('runs the documented command sequence and invokes through the port-forward', async () => {
    const runner = new FakeRunner(defaultScript, podPort);
    const config = parseConfig({
      name: 'spin',
      mode: 'spinkube',
      spinkube: {
        images: { aes: 'registry.example/faasmark-aes:1' },
        replicas: 2,
        cluster: { type: 'existing', context: 'ctx' },
      },
    });
    const platform = new SpinKubePlatform(config, context(), { runner });
    await platform.setup({ requestTimeout: 5 }, createPointClock());
    await platform.deploy('aes');
    const r = await platform.invoke({ workload: 'aes', input: { message: 'hi' } });
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.body, { echoed: { message: 'hi' } });
    assert.deepEqual(bodies.at(-1), { path: '/aes', body: { message: 'hi' } });
    await platform.teardown();

    const k = 'kubectl --context ctx';
    assert.deepEqual(runner.lines, [
      `${k} get --raw /readyz`,
      `${k} get crd spinapps.core.spinkube.dev -o name`,
      `${k} version -o json`,
      `${k} apply -f -`,
      `${k} get spinappexecutor containerd-shim-spin -n faasmark -o name`,
      `${k} apply -f -`,
      `${k} apply -f -`,
      `${k} wait --for=condition=Available spinapp/faasmark-aes -n faasmark --timeout=300s`,
      `start ${k} port-forward -n faasmark svc/faasmark-aes :80 --address 127.0.0.1`,
      `${k} delete --ignore-not-found --wait=true --timeout=120s -f -`,
    ]);
    const docs = parseAllDocuments(runner.inputOf('SpinApp')).map((d) => d.toJS());
    const app = docs.find((d) => d.kind === 'SpinApp');
    assert.deepEqual(validateSpinApp(app), [], 'the applied SpinApp passes the CRD subset');
    assert.equal(app.spec.image, 'registry.example/faasmark-aes:1');
    assert.equal(app.spec.replicas, 2);
    assert.match(runner.inputOf('SpinAppExecutor'), /runtimeClassName: wasmtime-spin-v2/);
    assert.equal(runner.forwards[0]?.stopped, true, 'port-forward stopped');

    const d = await platform.describe();
    assert.match(String((d.details as Record<string, unknown>).scaling), /HPA\/KEDA/);
    assert.match(String((d.details as Record<string, unknown>).scaling), /inside each pod/);
    assert.ok(
      d.warnings?.some((w) => /single pod/.test(w)),
      'replicas > 1 behind a port-forward is flagged',
    );
  });

  it('an existing executor is not re-created; a configured endpoint replaces the port-forward', async () => {
    const runner = new FakeRunner(
      (line) =>
        line.includes('get spinappexecutor')
          ? { stdout: 'spinappexecutor/x' }
          : defaultScript(line, undefined),
      podPort,
    );
    const config = parseConfig({
      name: 'spin',
      mode: 'spinkube',
      spinkube: { endpoint: `http://127.0.0.1:${podPort}`, cluster: { type: 'existing' } },
    });
    const platform = new SpinKubePlatform(config, context(), { runner });
    await platform.setup({}, createPointClock());
    await platform.deploy('matmul');
    assert.equal((await platform.invoke({ workload: 'matmul', input: { n: 2 } })).status, 'ok');
    await platform.teardown();
    assert.equal(runner.lines.filter((l) => l.endsWith('apply -f -')).length, 2, 'namespace + SpinApp only');
    assert.equal(
      runner.lines.some((l) => l.includes('port-forward')),
      false,
    );
    assert.match(runner.inputOf('SpinApp'), /image: faasmark\/spin-matmul:local/);
    assert.ok(
      !runner.lines.some((l) => /^(docker|kind) /.test(l)),
      'nothing is loaded into an existing cluster',
    );
  });

  it('a SpinApp that never becomes Available is reported with its pods and removed again', async () => {
    const runner = new FakeRunner((line, input) => {
      if (line.includes(' wait '))
        return { exitCode: 1, stderr: 'error: timed out waiting for the condition on spinapps/faasmark-aes' };
      if (line.includes('get spinapp,deployment,pods'))
        return { stdout: 'pod/faasmark-aes-1   0/1   ImagePullBackOff' };
      return defaultScript(line, input);
    }, podPort);
    const config = parseConfig({ name: 'spin', mode: 'spinkube', spinkube: { readyTimeout: 5 } });
    const platform = new SpinKubePlatform(config, context(), { runner });
    await platform.setup({}, createPointClock());
    await assert.rejects(platform.deploy('aes'), (err: unknown) => {
      assert.ok(err instanceof PlatformError);
      assert.match(err.message, /did not become Available within 5 s/);
      assert.match(err.message, /ImagePullBackOff/);
      return true;
    });
    assert.match(runner.lines.at(-1) ?? '', /delete --ignore-not-found .* -f -$/);
    assert.equal(runner.forwards.length, 0);
    assert.equal(
      runner.lines.find((l) => l.includes(' wait ')),
      'kubectl wait --for=condition=Available spinapp/faasmark-aes -n faasmark --timeout=5s',
    );
  });

  it('a cluster without the SpinApp CRD is refused with the install hint', async () => {
    const runner = new FakeRunner(
      (line) => (line.includes('get crd') ? { exitCode: 1, stderr: 'NotFound' } : undefined),
      podPort,
    );
    const platform = new SpinKubePlatform(parseConfig({ name: 'spin', mode: 'spinkube' }), context(), {
      runner,
    });
    await assert.rejects(platform.setup({}, createPointClock()), (err: unknown) => {
      return (
        err instanceof PlatformError && /CRD/.test(err.message) && /installPrerequisites/.test(err.hint ?? '')
      );
    });
  });

  it('an unreachable cluster is refused before anything is applied', async () => {
    const runner = new FakeRunner(
      (line) => (line.includes('/readyz') ? { exitCode: 1, stderr: 'connection refused' } : undefined),
      podPort,
    );
    const platform = new SpinKubePlatform(parseConfig({ name: 'spin', mode: 'spinkube' }), context(), {
      runner,
    });
    await assert.rejects(platform.setup({}, createPointClock()), /not reachable: connection refused/);
    assert.equal(runner.lines.length, 1);
  });

  it('a port-forward that dies mid-run makes requests errors and the platform unhealthy', async () => {
    const runner = new FakeRunner(defaultScript, podPort);
    const platform = new SpinKubePlatform(parseConfig({ name: 'spin', mode: 'spinkube' }), context(), {
      runner,
    });
    await platform.setup({}, createPointClock());
    await platform.deploy('aes');
    runner.forwards[0]!.crash();
    await new Promise((r) => setImmediate(r));
    const r = await platform.invoke({ workload: 'aes', input: {} });
    assert.equal(r.status, 'error');
    assert.match(r.errorMessage ?? '', /port-forward exited/);
    assert.equal(platform.health().ok, false);
    assert.match(platform.health().reason ?? '', /lost connection to pod/);
    await platform.teardown();
  });
});

describe('SpinKube on a cluster faasmark creates', () => {
  it('kind needs a node image that carries the shim: v0.24.0 publishes none, so it is refused without one', () => {
    assert.throws(
      () => parseConfig({ name: 'spin', mode: 'spinkube', spinkube: { cluster: { type: 'kind' } } }),
      (e: Error & { problems?: string[] }) => {
        assert.match(
          e.problems?.join('\n') ?? '',
          /spinkube\.cluster\.image is required with cluster\.type kind: containerd-shim-spin v0\.24\.0 publishes no kind node image/,
        );
        return true;
      },
    );
    assert.throws(
      () => parseConfig({ name: 'spin', mode: 'spinkube', spinkube: { loadImages: true } }),
      /spinkube\.loadImages needs a cluster faasmark creates/,
    );
  });

  it('checkWorkloads: a loaded image tagged latest, or no image reference at all, is refused per workload', () => {
    const k3s = parseConfig({
      name: 'spin',
      mode: 'spinkube',
      spinkube: {
        cluster: { type: 'k3s' },
        imageTemplate: 'me/spin-{workload}:latest',
        images: { float: 'me/float:1' },
      },
    });
    assert.deepEqual(checkWorkloads(k3s, ['aes', 'float'], 's.yaml: platforms[1]'), [
      's.yaml: platforms[1].spinkube.imageTemplate: me/spin-aes:latest is loaded into the cluster, so it needs a tag other than latest',
    ]);
    const existing = parseConfig({
      name: 'spin',
      mode: 'spinkube',
      spinkube: { imageTemplate: 'Not/{workload}' },
    });
    assert.match(
      checkWorkloads(existing, ['aes'])[0] ?? '',
      /spin\.spinkube\.imageTemplate gives "Not\/aes" for aes, which is not an image reference/,
    );
    assert.deepEqual(checkWorkloads(parseConfig({ name: 'spin' }), ['aes']), [], 'bare metal has no images');
  });

  it('kind: creates the cluster from the given node image, installs the prerequisites, loads the app image, deletes it at teardown', async () => {
    const runner = new FakeRunner(
      (line, input) =>
        line.startsWith('docker image inspect') ? { stdout: 'sha256:feed' } : defaultScript(line, input),
      podPort,
    );
    const ctx = context();
    const config = parseConfig({
      name: 'spin',
      mode: 'spinkube',
      spinkube: { cluster: { type: 'kind', name: 'fm', image: 'registry.example/kind-shim-node:v1' } },
    });
    assert.equal(config.spinkube.installPrerequisites, true, 'on by default for clusters faasmark creates');
    const platform = new SpinKubePlatform(config, ctx, { runner });
    await platform.setup({}, createPointClock());
    const kubeconfig = join(privateDir('spinkube'), 'kubeconfig');
    assert.match(
      runner.lines[0]!,
      new RegExp(
        `^kind create cluster --name fm --image registry\\.example/kind-shim-node:v1 --config - --kubeconfig ${kubeconfig} --wait 180s$`,
      ),
    );
    assert.match(runner.inputs.get(0) ?? '', /runtime_type = "io.containerd.spin.v2"/);
    const steps = prerequisiteSteps().map(
      (s) => `${s.command} --kubeconfig ${kubeconfig} ${s.args.join(' ')}`,
    );
    assert.deepEqual(runner.lines.slice(1, 1 + steps.length), steps);
    assert.ok(steps.some((s) => s.includes('oci://ghcr.io/spinframework/charts/spin-operator')));
    assert.ok(steps.some((s) => s.includes('cert-manager')));
    await platform.deploy('aes');
    assert.ok(
      runner.lines.includes('kind load docker-image faasmark/spin-aes:local --name fm'),
      'the app image is loaded, not pulled',
    );
    const d = await platform.describe();
    assert.deepEqual((d.details as { loadedImages: unknown }).loadedImages, {
      'faasmark/spin-aes:local': 'sha256:feed',
    });
    await platform.teardown();
    assert.equal(runner.lines.at(-1), 'kind delete cluster --name fm');
  });

  it('k3s: starts the shim k3d image, writes its kubeconfig, imports the app image, stops it at teardown', async () => {
    const runner = new FakeRunner(
      (line, input) =>
        line.startsWith('docker image inspect') ? { stdout: 'sha256:beef' } : defaultScript(line, input),
      podPort,
    );
    const ctx = context();
    let stopped = false;
    let image = '';
    const imported: string[] = [];
    const config = parseConfig({
      name: 'spin',
      mode: 'spinkube',
      spinkube: { cluster: { type: 'k3s' }, installPrerequisites: false },
    });
    const platform = new SpinKubePlatform(config, ctx, {
      runner,
      startK3s: async (img) => {
        image = img;
        return {
          kubeConfig: 'apiVersion: v1\nkind: Config\n',
          importImage: async (archive) => {
            imported.push(archive);
          },
          stop: async () => {
            stopped = true;
          },
        };
      },
    });
    await platform.setup({}, createPointClock());
    assert.equal(
      image,
      'ghcr.io/spinframework/containerd-shim-spin/k3d:v0.24.0',
      'the node image that exists',
    );
    assert.equal(
      readFileSync(join(privateDir('spinkube'), 'kubeconfig'), 'utf8'),
      'apiVersion: v1\nkind: Config\n',
    );
    assert.equal(
      runner.lines[0],
      `kubectl --kubeconfig ${join(privateDir('spinkube'), 'kubeconfig')} get crd spinapps.core.spinkube.dev -o name`,
    );
    await platform.deploy('matmul');
    const save = runner.lines.find((l) => l.startsWith('docker save'));
    assert.match(save ?? '', /^docker save -o \S+image\.tar faasmark\/spin-matmul:local$/);
    assert.equal(imported.length, 1);
    assert.equal(imported[0], save?.split(' ')[3]);
    await platform.teardown();
    assert.equal(stopped, true);
  });
});
