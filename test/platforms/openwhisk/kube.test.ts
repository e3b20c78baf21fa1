/**
 * OpenWhisk on Kubernetes against the fake cluster (fake-cluster.ts): the chart from the
 * pinned git commit (fetched once), images loaded into kind (digest-pinned ones under a tag),
 * the single-node affinity switch, the readiness gate (a Ready invoker pod is not enough),
 * keep-alive changes by upgrade + restart, failures with cleanup, missing tools, K3s, and what
 * describe() records (docs/openwhisk.md "Chart", "Readiness", "Images and digests").
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanups } from '../../../core/lifecycle.js';
import { privateDir } from '../../../core/ownership.js';
import { parseConfig } from '../../../platforms/openwhisk/config.js';
import { type K3sFactory, KubeOpenWhisk } from '../../../platforms/openwhisk/kube.js';
import { DEPLOY_KUBE_COMMIT, OPENWHISK_COMMIT } from '../../../platforms/openwhisk/pins.js';
import { FakeCluster, type FakeClusterOptions } from './fake-cluster.js';
import { FakeOpenWhisk } from './fake-openwhisk.js';

const DIGEST = `sha256:${'d'.repeat(64)}`;
const PINNED = {
  [DEPLOY_KUBE_COMMIT]: { version: '1.0.1', coreTag: 'ef725a6', openwhiskCommit: OPENWHISK_COMMIT },
};

let dir: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-owk-'));
  env = { FAASMARK_CACHE_DIR: join(dir, 'cache') };
});
after(async () => {
  await runCleanups();
  await rm(dir, { recursive: true, force: true });
});

const cfg = (extra: Record<string, unknown> = {}) =>
  parseConfig({ name: 'openwhisk', mode: 'kubernetes', readyTimeout: 2, ...extra }, 'openwhisk', {});

function cluster(o: Partial<FakeClusterOptions> = {}): FakeCluster {
  return new FakeCluster({
    api: new FakeOpenWhisk({ auth: 'a:b', invoker: 'down' }),
    charts: PINNED,
    healthDelayMs: 40,
    dockerImages: ['faasmark/invoker:mru-ef725a6', 'faasmark/aes:nightly'],
    ...o,
  });
}

function kube(c: ReturnType<typeof cfg>, runner: FakeCluster, name: string, logs: string[] = []) {
  return new KubeOpenWhisk(c, runner, join(dir, name), (l) => logs.push(l), { pollInterval: 0.01, env });
}

const verbs = (calls: string[]) => calls.map((c) => c.split(' ').slice(0, 2).join(' '));

describe('openwhisk on Kubernetes (fake cluster)', () => {
  it('install: pinned chart from git, images loaded, single-node values; upgrade + restart; teardown', async () => {
    const runner = cluster({
      dockerImages: ['faasmark/invoker:mru-ef725a6', 'faasmark/aes:nightly', `ghcr.io/x/matmul@${DIGEST}`],
    });
    const logs: string[] = [];
    const k = kube(
      cfg({
        invokerImage: 'faasmark/invoker:mru-ef725a6',
        loadInvokerImage: true,
        loadActionImages: true,
        actions: { aes: { image: 'faasmark/aes:nightly' }, matmul: { image: `ghcr.io/x/matmul@${DIGEST}` } },
      }),
      runner,
      'a',
      logs,
    );
    await k.install(30);
    assert.deepEqual(verbs(runner.calls).slice(0, 12), [
      'helm version',
      'kubectl version',
      'git --version',
      'kind version',
      'docker version',
      'git init',
      'git -C',
      'git -C',
      'git -C',
      'kind get',
      'kind create',
      'kind get',
    ]);
    assert.ok(
      runner.calls.some(
        (c) =>
          c ===
          `git -C ${join(dir, 'cache', `openwhisk-deploy-kube-${DEPLOY_KUBE_COMMIT}.partial-${process.pid}`)} fetch -q --depth 1 https://github.com/apache/openwhisk-deploy-kube.git ${DEPLOY_KUBE_COMMIT}`,
      ),
    );
    const chartDir = join(dir, 'cache', `openwhisk-deploy-kube-${DEPLOY_KUBE_COMMIT}`, 'helm', 'openwhisk');
    const install = runner.calls.find((c) => c.startsWith('helm upgrade --install')) as string;
    assert.equal(install.split(' ')[4], chartDir, 'the chart is the checkout, no repository, no --version');
    assert.ok(!install.includes('--version'));
    // a digest-pinned action image is tagged and loaded under the tag
    assert.deepEqual(runner.loaded, [
      'faasmark/invoker:mru-ef725a6',
      'faasmark/aes:nightly',
      'ghcr.io/x/matmul:faasmark-dddddddddddd',
    ]);
    assert.equal(k.actionImage('matmul'), 'ghcr.io/x/matmul:faasmark-dddddddddddd');
    // single node: the invoker's own affinity for action pods is off, after the keep-alive split
    const inv = runner.values?.invoker as { options: string; imageName: string; imageTag: string };
    assert.equal(
      inv.options,
      '-Dwhisk.container-proxy.timeouts.idle-container=20000ms -Dwhisk.container-proxy.timeouts.pause-grace=10000ms -Dwhisk.kubernetes.user-pod-node-affinity.enabled=false',
    );
    assert.deepEqual([inv.imageName, inv.imageTag], ['faasmark/invoker', 'mru-ef725a6']);
    // the gate polled the controller's healthy-invoker count until the invoker was healthy
    assert.ok(runner.calls.some((c) => c.includes('proxy/invokers/healthy/count')));
    assert.equal(runner.o.api.invokerHealthy, true);
    // credentials (the kubeconfig, the values holding the guest key) never enter the work
    // directory, which is inside the results: they live in the private directory
    assert.deepEqual((await readdir(join(dir, 'a'))).sort(), ['kind-cluster.yaml']);

    runner.calls.length = 0;
    await k.setKeepAlive(60, false);
    assert.deepEqual(verbs(runner.calls).slice(0, 2), ['helm upgrade', 'kubectl --kubeconfig']);
    assert.match(
      runner.calls[0] as string,
      new RegExp(`^helm upgrade owdev ${chartDir} .* -f \\S+values-keepalive-60\\.yaml --timeout 600s$`),
    );
    assert.match(runner.calls[1] as string, /-n openwhisk rollout restart statefulset\/owdev-invoker$/);
    assert.ok(
      runner.calls.at(-1)?.includes('proxy/invokers/healthy/count'),
      'the gate runs after every restart',
    );
    assert.ok(!runner.calls.some((c) => c.startsWith('git')), 'the checkout is resolved once');

    runner.calls.length = 0;
    await k.setKeepAlive(60, false); // unchanged, no restart asked: nothing to do
    assert.deepEqual(runner.calls, []);

    runner.calls.length = 0;
    await k.teardown();
    await k.teardown();
    assert.deepEqual(verbs(runner.calls), ['helm uninstall', 'kind delete']);
    assert.ok(!logs.join('\n').includes(k.guestAuth.split(':')[1] as string));

    // a second platform reuses the finished checkout: no fetch
    const again = cluster();
    await kube(cfg(), again, 'a2').install(30);
    assert.ok(!again.calls.some((c) => / fetch /.test(c)));
    await rm(join(dir, 'a2'), { recursive: true, force: true });
  });

  it('an invoker pod that is Ready at once is not enough: the gate waits for a healthy invoker', async () => {
    const runner = cluster({ healthDelayMs: 150 });
    const k = kube(cfg(), runner, 'b');
    const started = Date.now();
    await k.install(30);
    assert.ok(Date.now() - started >= 140, 'install returned before the controller counted the invoker');
    const polls = runner.calls.filter((c) => c.includes('invokers/healthy/count')).length;
    assert.ok(polls >= 2, `${polls} polls`);
    await k.teardown();
  });

  it('affinity on and no labelled node: action pods stay Pending, the gate times out naming them; labelled node: ready', async () => {
    // an existing context is not single-node: faasmark does not switch the affinity off there
    const c = cfg({
      cluster: { provider: 'context', context: 'ctx' },
      readyTimeout: 0.2,
      helm: { installTimeout: 0.2 },
    });
    const runner = cluster();
    await assert.rejects(kube(c, runner, 'c').install(30), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'FM_TIMEOUT');
      assert.match(
        e.message,
        /no healthy OpenWhisk invoker within 0\.2 s \(controller \/invokers\/healthy\/count: count 0\)/,
      );
      assert.match(e.message, /invokerhealthtestaction0 +0\/1 +Pending/);
      assert.match(e.hint ?? '', /openwhisk-role=invoker .*user-pod-node-affinity\.enabled=false/);
      return true;
    });
    assert.ok(
      runner.calls.some((c) => c.startsWith('helm uninstall')),
      'the half-installed release is removed',
    );

    const labelled = cluster({ nodeLabels: { 'openwhisk-role': 'invoker' } });
    const k = kube(c, labelled, 'c2');
    await k.install(30);
    assert.equal(labelled.o.api.invokerHealthy, true);
    await k.teardown();
  });

  it('user invoker.options are appended to the generated ones, never replace them', async () => {
    const runner = cluster();
    const k = kube(cfg({ helm: { values: { invoker: { options: '-Dwhisk.foo=1' } } } }), runner, 'd');
    await k.install(5);
    const options = String((runner.values?.invoker as { options?: string } | undefined)?.options).split(' ');
    assert.deepEqual(options, [
      '-Dwhisk.container-proxy.timeouts.idle-container=2500ms',
      '-Dwhisk.container-proxy.timeouts.pause-grace=2500ms',
      '-Dwhisk.kubernetes.user-pod-node-affinity.enabled=false',
      '-Dwhisk.foo=1',
    ]);
    await k.teardown();
  });

  it('a repository chart version that does not exist is refused before any cluster exists', async () => {
    const runner = cluster();
    const k = kube(cfg({ helm: { chart: 'openwhisk/openwhisk', chartVersion: '1.0.1' } }), runner, 'e');
    await assert.rejects(k.install(30), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'FM_CONFIG');
      assert.match(
        e.message,
        /helm\.chartVersion 1\.0\.1 does not exist in https:\/\/openwhisk\.apache\.org\/charts \(it serves openwhisk\/openwhisk 1\.0\.0\)/,
      );
      return true;
    });
    assert.ok(!runner.calls.some((c) => /kind create|helm upgrade/.test(c)));
  });

  it('the repository chart 1.0.0 installs, and the MRU invoker (ef725a6) beside its 1.0.0 controller is warned about', async () => {
    const runner = cluster();
    const k = kube(
      cfg({
        helm: { chart: 'openwhisk/openwhisk', chartVersion: '1.0.0' },
        invokerImage: 'faasmark/invoker:mru-ef725a6',
      }),
      runner,
      'e2',
    );
    await k.install(30);
    assert.match(
      runner.calls.find((c) => c.startsWith('helm upgrade --install')) as string,
      / openwhisk\/openwhisk --version 1\.0\.0 /,
    );
    assert.match(
      k.warnings.join('\n'),
      /faasmark\/invoker:mru-ef725a6 does not carry the chart's core image tag 1\.0\.0/,
    );
    await k.teardown();
  });

  it('a pinned commit the remote lacks fails before any cluster exists', async () => {
    const runner = cluster({ charts: {} });
    const fresh = { FAASMARK_CACHE_DIR: join(dir, 'cache-f') };
    const k = new KubeOpenWhisk(cfg(), runner, join(dir, 'f'), () => {}, { pollInterval: 0.01, env: fresh });
    await assert.rejects(k.install(30), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'FM_PLATFORM');
      assert.match(
        e.message,
        /git fetch failed \(git exit 128\): fatal: remote error: upload-pack: not our ref/,
      );
      assert.match(e.hint ?? '', new RegExp(DEPLOY_KUBE_COMMIT));
      return true;
    });
    assert.ok(!runner.calls.some((c) => c.startsWith('kind create')));
    assert.deepEqual(await readdir(join(dir, 'cache-f')), [], 'no partial checkout left');
  });

  it('a digest-pinned invoker image not in the engine: PlatformError naming docker pull, cluster removed', async () => {
    const ref = `ghcr.io/x/invoker@${DIGEST}`;
    const runner = cluster();
    const k = kube(cfg({ invokerImage: ref, loadInvokerImage: true }), runner, 'g');
    await assert.rejects(k.install(30), (e: Error & { hint?: string }) => {
      assert.match(e.message, new RegExp(`image ${ref} is not in the local Docker engine`));
      assert.equal(e.hint, `get it first: docker pull ${ref}`);
      return true;
    });
    assert.ok(!runner.calls.some((c) => c.startsWith('helm upgrade')));
    assert.ok(
      runner.calls.some((c) => c.startsWith('kind delete')),
      'the kind cluster it created is removed',
    );
  });

  it('a digest-pinned invoker image: loaded under a tag, the chart names the tag, describe() records both', async () => {
    const ref = `ghcr.io/x/invoker:mru-ef725a6@${DIGEST}`;
    const runner = cluster({ dockerImages: [ref, 'faasmark/aes:nightly'] });
    const k = kube(
      cfg({ invokerImage: ref, loadInvokerImage: true, actions: { aes: { image: 'faasmark/aes:nightly' } } }),
      runner,
      'h',
    );
    await k.install(30);
    const inv = runner.values?.invoker as { imageName: string; imageTag: string };
    assert.deepEqual([inv.imageName, inv.imageTag], ['ghcr.io/x/invoker', 'faasmark-dddddddddddd']);
    const d = await k.describe();
    assert.deepEqual(d.images?.[ref], {
      deployedAs: 'ghcr.io/x/invoker:faasmark-dddddddddddd',
      id: `sha256:${'b'.repeat(64)}`,
      repoDigests: [`ghcr.io/x/invoker@${DIGEST}`],
    });
    assert.deepEqual(d.chartSource, {
      source: 'git',
      url: 'https://github.com/apache/openwhisk-deploy-kube.git',
      commit: DEPLOY_KUBE_COMMIT,
      path: 'helm/openwhisk',
      version: '1.0.1',
      controllerImage: 'openwhisk/controller:ef725a6',
      invokerImage: 'openwhisk/invoker:ef725a6',
      openwhiskCommit: OPENWHISK_COMMIT,
    });
    assert.equal(d.invokerImage, 'ghcr.io/x/invoker:faasmark-dddddddddddd');
    assert.match(d.invokerImageId ?? '', /@sha256:a{64}$/);
    assert.deepEqual(k.warnings, []);
    await k.teardown();
  });

  it('an invoker tagged for another commit than the chart → a warning in describe()', async () => {
    const runner = cluster({ dockerImages: ['faasmark/invoker:mru-1fae641'] });
    const logs: string[] = [];
    const k = kube(
      cfg({ invokerImage: 'faasmark/invoker:mru-1fae641', loadInvokerImage: true }),
      runner,
      'i',
      logs,
    );
    await k.install(30);
    assert.equal(k.warnings.length, 1);
    assert.match(k.warnings[0] as string, /does not carry the chart's core image tag ef725a6/);
    await k.teardown();
  });

  it('a failing chart install removes the release and the cluster it created; keep: true keeps them', async () => {
    const failing = {
      match: /^helm upgrade --install/,
      result: { stderr: 'Error: INSTALLATION FAILED: timed out' },
    };
    const runner = cluster({ fail: [failing] });
    await assert.rejects(
      kube(cfg(), runner, 'j').install(30),
      (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, 'FM_PLATFORM');
        assert.match(
          e.message,
          /helm install of OpenWhisk failed \(helm exit 1\): Error: INSTALLATION FAILED/,
        );
        assert.match(e.hint ?? '', /kubectl -n openwhisk get pods/);
        return true;
      },
    );
    assert.deepEqual(verbs(runner.calls).slice(-2), ['helm uninstall', 'kind delete']);

    const kept = cluster({ fail: [failing] });
    await assert.rejects(kube(cfg({ keep: true }), kept, 'j2').install(30), { code: 'FM_PLATFORM' });
    assert.ok(!kept.calls.some((c) => /helm uninstall|kind delete/.test(c)));
  });

  it('missing helm / kubectl / git / kind / docker → MissingToolError, before side effects', async () => {
    for (const tool of ['helm', 'kubectl', 'git', 'kind', 'docker']) {
      const runner = cluster({ missing: [tool] });
      await assert.rejects(
        kube(cfg(), runner, `m-${tool}`).install(30),
        (e: Error & { code?: string; hint?: string }) => {
          assert.equal(e.code, 'FM_MISSING_TOOL');
          assert.match(e.message, new RegExp(`required tool not found: ${tool}`));
          return true;
        },
      );
      assert.ok(!runner.calls.some((c) => /init|create|upgrade|uninstall|delete/.test(c)), tool);
    }
  });

  it('an existing kube context: no cluster creation, --kube-context / --context passed, never deleted', async () => {
    const runner = cluster({ nodeLabels: { 'openwhisk-role': 'invoker' } });
    const k = kube(cfg({ cluster: { provider: 'context', context: 'prod-ctx' } }), runner, 'k');
    await k.install(45);
    assert.ok(!runner.calls.some((c) => c.startsWith('kind')));
    assert.match(runner.calls.find((c) => c.startsWith('helm upgrade')) as string, /--kube-context prod-ctx/);
    assert.match(runner.calls.at(-1) as string, /^kubectl --context prod-ctx -n openwhisk get --raw /);
    assert.ok(
      !String((runner.values?.invoker as { options?: string } | undefined)?.options).includes('affinity'),
      'multi-node: affinity left on',
    );
    runner.calls.length = 0;
    await k.teardown();
    assert.deepEqual(verbs(runner.calls), ['helm uninstall']);
  });

  it('K3s: started through the factory, its API port used, stopped at teardown', async () => {
    let stopped = 0;
    const k3sFactory: K3sFactory = async () => ({
      kubeconfig: 'apiVersion: v1\n',
      apiPort: 40123,
      stop: async () => void stopped++,
    });
    const runner = cluster();
    const k = new KubeOpenWhisk(cfg({ cluster: { provider: 'k3s' } }), runner, join(dir, 'l'), () => {}, {
      k3sFactory,
      pollInterval: 0.01,
      env,
    });
    await k.install(30);
    assert.equal(k.apiHost, 'https://localhost:40123');
    // the kubeconfig holds credentials: in the private directory, not the work directory
    assert.match(await readFile(join(privateDir('openwhisk'), 'kubeconfig'), 'utf8'), /apiVersion: v1/);
    assert.ok(!existsSync(join(dir, 'l', 'kubeconfig')));
    await k.teardown();
    assert.equal(stopped, 1);
  });
});
