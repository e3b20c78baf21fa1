/**
 * Kubernetes mode through the Platform interface: the cluster side goes through the scripted
 * runner (kind + helm + kubectl), the API side is the fake OpenWhisk, and the invoker log
 * arrives live through the runner's `follow` (a stand-in for `kubectl logs -f`). Two points
 * with different keep-alives: install, then upgrade + restart, never a reinstall.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { create } from '../../../platforms/openwhisk/index.js';
import { FakeOpenWhisk } from './fake-openwhisk.js';
import { ScriptedRunner } from './scripted-runner.js';

const AUTH = 'kube-uuid:kube-key-000000001';
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-owkp-'));
});
after(async () => {
  await runCleanups();
  await rm(dir, { recursive: true, force: true });
});

describe('openwhisk platform, kubernetes mode (scripted cluster + fake API)', () => {
  it('install → point → upgrade + restart → point → teardown', async () => {
    const fake = new FakeOpenWhisk({ auth: AUTH, keepAlive: 30, coldStartMs: 20, runMs: 5, storeDelayMs: 5 });
    const apiHost = await fake.start();
    const runner = new ScriptedRunner(
      [
        { match: /^kind get clusters$/, result: { stdout: '' } },
        { match: /^kind get kubeconfig/, result: { stdout: 'apiVersion: v1\n' } },
        {
          match: /^helm list/,
          result: { stdout: '[{"name":"owdev","chart":"openwhisk-1.0.1","app_version":"2.0.0"}]' },
        },
        {
          match: /get pod\/owdev-invoker-0 -o jsonpath/,
          result: { stdout: 'faasmark/invoker:mru-ef725a6\nsha256:feed' },
        },
      ],
      (onLine) => {
        fake.logListeners.add(onLine);
        return () => fake.logListeners.delete(onLine);
      },
    );
    const logs: string[] = [];
    const platform = create(
      {
        name: 'openwhisk',
        mode: 'kubernetes',
        apiHost, // the fake stands in for the chart's nginx NodePort
        auth: AUTH,
        invokerImage: 'faasmark/invoker:mru-ef725a6',
        invokerMru: true,
        actions: { aes: { image: 'faasmark/aes:dev' } },
        poll: { initialDelay: 0.01, maxDelay: 0.02, maxWait: 5 },
        readyTimeout: 5,
      },
      { buildDir: dir, workDir: join(dir, 'work'), log: (l) => logs.push(l) },
      { runner },
    );
    try {
      assert.equal(platform.capabilities.keepAlive, true);
      await platform.setup({ keepAlive: 30, routing: 'mru' }, createPointClock());
      await platform.deploy('aes');
      const a = await platform.invoke({ workload: 'aes', input: {} });
      const b = await platform.invoke({ workload: 'aes', input: {} });
      assert.deepEqual([a.status, a.platform?.cold, b.platform?.cold], ['ok', true, false]);
      assert.equal(a.platform?.executorId, b.platform?.executorId);
      assert.ok(a.platform?.executorId?.startsWith('wskowdev-invoker-00-'));
      const spans = await platform.executorSpans();
      assert.equal(spans.length, 1);
      assert.equal(spans[0]?.destroyedAt, null);

      const installs = runner.calls.filter((c) => c.startsWith('helm upgrade --install')).length;
      runner.calls.length = 0;
      await platform.setup({ keepAlive: 60, routing: 'mru' }, createPointClock());
      assert.equal(installs, 1);
      assert.ok(!runner.calls.some((c) => c.includes('--install')), 'no reinstall between points');
      assert.ok(runner.calls.some((c) => /^helm upgrade owdev .*values-keepalive-60\.yaml/.test(c)));
      assert.ok(runner.calls.some((c) => /rollout restart statefulset\/owdev-invoker/.test(c)));
      assert.ok(runner.followed.at(-1)?.includes('logs -f owdev-invoker-0'));

      const d = await platform.describe();
      const details = d.details as Record<string, unknown>;
      assert.deepEqual(details.keepAlive, { requested: 60, pauseGrace: 10, idleContainer: 50 });
      assert.equal(details.invokerImageDigest, 'sha256:feed');
      assert.equal(details.chart, 'openwhisk-1.0.1');
      assert.equal(d.version, '2.0.0');
      assert.deepEqual(d.warnings, []);
    } finally {
      runner.calls.length = 0;
      await platform.teardown();
      await fake.stop();
    }
    assert.deepEqual(runner.verbs(), ['helm uninstall', 'kind delete']);
    assert.ok(!JSON.stringify(logs).includes('kube-key-000000001'));
  });
});
