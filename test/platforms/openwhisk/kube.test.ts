/**
 * helm / kubectl / kind command sequences through the injectable runner: install on a kind
 * cluster faasmark creates, keep-alive change by upgrade + restart, failures with cleanup
 * (no half-installed release unless keep), missing tools, and the K3s path.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCleanups } from '../../../core/lifecycle.js';
import { parseConfig } from '../../../platforms/openwhisk/config.js';
import { type K3sFactory, KubeOpenWhisk } from '../../../platforms/openwhisk/kube.js';
import { type Rule, ScriptedRunner } from './scripted-runner.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-owk-'));
});
after(async () => {
  await runCleanups();
  await rm(dir, { recursive: true, force: true });
});

const cfg = (extra: Record<string, unknown> = {}) =>
  parseConfig(
    { name: 'openwhisk', mode: 'kubernetes', readyTimeout: 5, helm: { chartVersion: '1.0.1' }, ...extra },
    'openwhisk',
    {},
  );

const ok: Rule[] = [
  { match: /^kind get clusters$/, result: { stdout: 'other' } },
  { match: /^kind get kubeconfig/, result: { stdout: 'apiVersion: v1\nkind: Config\n' } },
];

describe('openwhisk on Kubernetes: command sequences', () => {
  it('install on a new kind cluster, then change keep-alive by upgrade + restart, then teardown', async () => {
    const runner = new ScriptedRunner(ok);
    const logs: string[] = [];
    const work = join(dir, 'a');
    const k = new KubeOpenWhisk(
      cfg({
        invokerImage: 'faasmark/invoker-mru:ef725a6',
        loadInvokerImage: true,
        loadActionImages: true,
        actions: {
          aes: { image: 'faasmark/aes:nightly' },
          matmul: { image: 'faasmark/aes:nightly' },
          float: { zip: '/x.zip' },
        },
      }),
      runner,
      work,
      (l) => logs.push(l),
    );
    await k.install(30);
    assert.deepEqual(runner.verbs(), [
      'helm version',
      'kubectl version',
      'kind version',
      'docker version',
      'kind get',
      'kind create',
      'kind get',
      'kind load',
      'kind load',
      'helm repo',
      'helm upgrade',
      'kubectl --kubeconfig',
    ]);
    const install = runner.calls.find((c) => c.startsWith('helm upgrade')) as string;
    assert.match(
      install,
      /^helm upgrade --install owdev openwhisk\/openwhisk --version 1\.0\.1 --kubeconfig \S+kubeconfig --namespace openwhisk --create-namespace -f \S+values-keepalive-30\.yaml --timeout 1200s$/,
    );
    assert.match(runner.calls.at(-1) as string, /wait --for=condition=Ready pod\/owdev-invoker-0/);
    assert.deepEqual(
      runner.calls.filter((c) => c.startsWith('kind load')),
      [
        'kind load docker-image faasmark/invoker-mru:ef725a6 --name faasmark-openwhisk',
        'kind load docker-image faasmark/aes:nightly --name faasmark-openwhisk',
      ],
    );
    assert.match(
      runner.calls[5] as string,
      /^kind create cluster --name faasmark-openwhisk --config \S+kind-cluster\.yaml --wait 300s$/,
    );
    // credentials (the kubeconfig, the values holding the guest key) never enter the work
    // directory, which is inside the results: they live in the private directory
    assert.deepEqual((await readdir(work)).sort(), ['kind-cluster.yaml']);
    assert.match(await readFile(join(work, 'kind-cluster.yaml'), 'utf8'), /containerPort: 31001/);

    runner.calls.length = 0;
    await k.setKeepAlive(60, false);
    assert.deepEqual(runner.verbs(), [
      'helm upgrade',
      'kubectl --kubeconfig',
      'kubectl --kubeconfig',
      'kubectl --kubeconfig',
    ]);
    assert.match(
      runner.calls[0] as string,
      /^helm upgrade owdev openwhisk\/openwhisk --version 1\.0\.1 .* -f \S+values-keepalive-60\.yaml --timeout 600s$/,
    );
    assert.match(runner.calls[1] as string, /-n openwhisk rollout restart statefulset\/owdev-invoker$/);
    assert.match(runner.calls[2] as string, /rollout status statefulset\/owdev-invoker --timeout=5s$/);

    runner.calls.length = 0;
    await k.setKeepAlive(60, false); // unchanged, no restart asked: nothing to do
    assert.deepEqual(runner.calls, []);
    await k.setKeepAlive(60, true); // restart between points
    assert.deepEqual(runner.verbs(), [
      'kubectl --kubeconfig',
      'kubectl --kubeconfig',
      'kubectl --kubeconfig',
    ]);

    runner.calls.length = 0;
    await k.teardown();
    await k.teardown();
    assert.deepEqual(runner.verbs(), ['helm uninstall', 'kind delete']);
    assert.ok(!logs.join('\n').includes(k.guestAuth.split(':')[1] as string));
  });

  it('a failing chart install removes the release and the cluster it created', async () => {
    const runner = new ScriptedRunner([
      ...ok,
      {
        match: /^helm upgrade --install/,
        result: { exitCode: 1, stderr: 'Error: INSTALLATION FAILED: timed out waiting for the condition' },
      },
    ]);
    const k = new KubeOpenWhisk(cfg(), runner, join(dir, 'b'), () => {});
    await assert.rejects(k.install(30), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'FM_PLATFORM');
      assert.match(e.message, /helm install of OpenWhisk failed \(helm exit 1\): Error: INSTALLATION FAILED/);
      assert.match(e.hint ?? '', /kubectl -n openwhisk get pods/);
      return true;
    });
    assert.deepEqual(runner.verbs().slice(-2), ['helm uninstall', 'kind delete']);
  });

  it('an invoker that never becomes Ready → TimeoutError and cleanup; with keep: true nothing is removed', async () => {
    const never: Rule = {
      match: /wait --for=condition=Ready/,
      result: { exitCode: 1, stderr: 'timed out waiting' },
    };
    const runner = new ScriptedRunner([...ok, never]);
    const k = new KubeOpenWhisk(cfg({ helm: { installTimeout: 0.001 } }), runner, join(dir, 'c'), () => {});
    await assert.rejects(k.install(30), { code: 'FM_TIMEOUT' });
    assert.ok(runner.calls.some((c) => c.startsWith('helm uninstall owdev')));

    const kept = new ScriptedRunner([...ok, { ...never }]);
    const k2 = new KubeOpenWhisk(
      cfg({ keep: true, helm: { installTimeout: 0.001 } }),
      kept,
      join(dir, 'd'),
      () => {},
    );
    await assert.rejects(k2.install(30), { code: 'FM_TIMEOUT' });
    assert.ok(!kept.calls.some((c) => /helm uninstall|kind delete/.test(c)));
  });

  it('missing helm / kubectl / kind / docker → MissingToolError with an install hint, before side effects', async () => {
    for (const tool of ['helm', 'kubectl', 'kind', 'docker']) {
      const runner = new ScriptedRunner([{ match: new RegExp(`^${tool} `), missing: true }, ...ok]);
      const k = new KubeOpenWhisk(cfg(), runner, join(dir, `m-${tool}`), () => {});
      await assert.rejects(k.install(30), (e: Error & { code?: string; hint?: string }) => {
        assert.equal(e.code, 'FM_MISSING_TOOL');
        assert.match(e.message, new RegExp(`required tool not found: ${tool}`));
        assert.ok((e.hint ?? '').length > 10);
        return true;
      });
      assert.ok(!runner.calls.some((c) => /create|upgrade|uninstall|delete/.test(c)), tool);
    }
  });

  it('an existing kube context: no cluster creation, --kube-context / --context passed, never deleted', async () => {
    const runner = new ScriptedRunner([]);
    const k = new KubeOpenWhisk(
      cfg({ cluster: { provider: 'context', context: 'prod-ctx' } }),
      runner,
      join(dir, 'e'),
      () => {},
    );
    await k.install(45);
    assert.ok(!runner.calls.some((c) => c.startsWith('kind')));
    assert.match(runner.calls.find((c) => c.startsWith('helm upgrade')) as string, /--kube-context prod-ctx/);
    assert.match(runner.calls.at(-1) as string, /^kubectl --context prod-ctx -n openwhisk wait/);
    runner.calls.length = 0;
    await k.teardown();
    assert.deepEqual(runner.verbs(), ['helm uninstall']);
  });

  it('K3s: started through the factory, its API port used, stopped at teardown', async () => {
    let stopped = 0;
    const factory: K3sFactory = async () => ({
      kubeconfig: 'apiVersion: v1\n',
      apiPort: 40123,
      stop: async () => void stopped++,
    });
    const runner = new ScriptedRunner([]);
    const k = new KubeOpenWhisk(
      cfg({ cluster: { provider: 'k3s' } }),
      runner,
      join(dir, 'f'),
      () => {},
      factory,
    );
    await k.install(30);
    assert.equal(k.apiHost, 'https://localhost:40123');
    await k.teardown();
    assert.equal(stopped, 1);
  });

  it('describe() records chart, image and digest', async () => {
    const runner = new ScriptedRunner([
      {
        match: /^helm list/,
        result: {
          stdout: JSON.stringify([{ name: 'owdev', chart: 'openwhisk-1.0.1', app_version: '2.0.0' }]),
        },
      },
      {
        match: /get pod\/owdev-invoker-0/,
        result: { stdout: 'faasmark/invoker-mru:ef725a6\ndocker.io/faasmark/invoker-mru@sha256:abc' },
      },
      {
        match: /get pod\/owdev-controller-0/,
        result: { stdout: 'openwhisk/controller:ef725a6\ndocker.io/openwhisk/controller@sha256:def' },
      },
    ]);
    const k = new KubeOpenWhisk(
      cfg({ cluster: { provider: 'context', context: 'c' } }),
      runner,
      join(dir, 'g'),
      () => {},
    );
    assert.deepEqual(await k.describe(), {
      release: 'owdev',
      namespace: 'openwhisk',
      cluster: 'context',
      chart: 'openwhisk-1.0.1',
      appVersion: '2.0.0',
      invokerImage: 'faasmark/invoker-mru:ef725a6',
      invokerImageId: 'docker.io/faasmark/invoker-mru@sha256:abc',
      controllerImageId: 'docker.io/openwhisk/controller@sha256:def',
    });
  });
});
