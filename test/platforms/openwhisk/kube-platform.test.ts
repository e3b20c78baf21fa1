/**
 * Kubernetes mode through the Platform interface: the cluster side is the fake cluster
 * (kind + git + helm + kubectl, fake-cluster.ts), the API side the fake OpenWhisk, whose
 * invoker is down (503 on every invoke) until the install or a restart has let its health
 * action run; the invoker log arrives live through `follow`. Two points with different
 * keep-alives: install, then upgrade + restart, never a reinstall; no request ever sees the
 * 503 of an invoker that is not healthy yet (docs/openwhisk.md "Readiness").
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { create } from '../../../platforms/openwhisk/index.js';
import { DEPLOY_KUBE_COMMIT, OPENWHISK_COMMIT } from '../../../platforms/openwhisk/pins.js';
import { FakeCluster } from './fake-cluster.js';
import { FakeOpenWhisk } from './fake-openwhisk.js';

const AUTH = 'kube-uuid:kube-key-000000001';
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-owkp-'));
});
after(async () => {
  await runCleanups();
  await rm(dir, { recursive: true, force: true });
});

describe('openwhisk platform, kubernetes mode (fake cluster + fake API)', () => {
  it('install → gate → point → upgrade + restart → gate → point → teardown, no 503 seen', async () => {
    const fake = new FakeOpenWhisk({
      auth: AUTH,
      keepAlive: 30,
      coldStartMs: 20,
      runMs: 5,
      storeDelayMs: 5,
      invoker: 'down',
    });
    const apiHost = await fake.start();
    const runner = new FakeCluster({
      api: fake,
      charts: {
        [DEPLOY_KUBE_COMMIT]: { version: '1.0.1', coreTag: 'ef725a6', openwhiskCommit: OPENWHISK_COMMIT },
      },
      dockerImages: ['faasmark/invoker:mru-ef725a6', 'faasmark/aes:dev'],
      healthDelayMs: 120,
    });
    const logs: string[] = [];
    const platform = create(
      {
        name: 'openwhisk',
        mode: 'kubernetes',
        apiHost, // the fake stands in for the chart's nginx NodePort
        auth: AUTH,
        invokerImage: 'faasmark/invoker:mru-ef725a6',
        loadInvokerImage: true,
        loadActionImages: true,
        invokerMru: true,
        actions: { aes: { image: 'faasmark/aes:dev' } },
        poll: { initialDelay: 0.01, maxDelay: 0.02, maxWait: 5 },
        readyTimeout: 5,
      },
      { buildDir: dir, workDir: join(dir, 'work'), log: (l) => logs.push(l) },
      { runner, pollInterval: 0.01, env: { FAASMARK_CACHE_DIR: join(dir, 'cache') } },
    );
    try {
      assert.equal(platform.capabilities.keepAlive, true);
      await platform.setup({ keepAlive: 30, routing: 'mru' }, createPointClock());
      assert.equal(
        fake.invokerHealthy,
        true,
        'setup returned before the controller counted a healthy invoker',
      );
      assert.ok(fake.actions.has('faasmark-readiness'), 'the readiness action was invoked');
      await platform.deploy('aes');
      const a = await platform.invoke({ workload: 'aes', input: {} });
      const b = await platform.invoke({ workload: 'aes', input: {} });
      assert.deepEqual([a.status, a.platform?.cold, b.platform?.cold], ['ok', true, false]);
      assert.equal(a.platform?.executorId, b.platform?.executorId);
      const spans = await platform.executorSpans();
      assert.equal(spans.length, 1, 'the readiness action container is not an executor of aes');

      const installs = runner.calls.filter((c) => c.startsWith('helm upgrade --install')).length;
      runner.calls.length = 0;
      await platform.setup({ keepAlive: 60, routing: 'mru' }, createPointClock());
      assert.equal(installs, 1);
      assert.ok(!runner.calls.some((c) => c.includes('--install')), 'no reinstall between points');
      assert.ok(runner.calls.some((c) => /^helm upgrade owdev .*values-keepalive-60\.yaml/.test(c)));
      assert.ok(runner.calls.some((c) => /rollout restart statefulset\/owdev-invoker/.test(c)));
      assert.ok(runner.followed.at(-1)?.includes('logs -f owdev-invoker-0'));
      const c = await platform.invoke({ workload: 'aes', input: {} });
      assert.deepEqual([c.status, c.platform?.cold], ['ok', true], 'the restart removed the warm container');
      assert.equal(fake.unavailable, 0, 'no invoke of a point met the 503 of an unhealthy invoker');

      const d = await platform.describe();
      const details = d.details as Record<string, unknown>;
      assert.deepEqual(details.keepAlive, { requested: 60, pauseGrace: 10, idleContainer: 50 });
      assert.match(String(details.invokerImageDigest), /@sha256:a{64}$/);
      assert.equal(details.chart, 'openwhisk-1.0.1');
      assert.equal((details.chartSource as { commit: string }).commit, DEPLOY_KUBE_COMMIT);
      assert.deepEqual(d.warnings, []);
    } finally {
      runner.calls.length = 0;
      await platform.teardown();
      await fake.stop();
    }
    assert.deepEqual(
      runner.calls.map((c) => c.split(' ').slice(0, 2).join(' ')),
      ['helm uninstall', 'kind delete'],
    );
    assert.ok(!JSON.stringify(logs).includes('kube-key-000000001'));
  });

  it('the second gate: a healthy count with an API that still answers 503 is waited out, bounded', async () => {
    const fake = new FakeOpenWhisk({ auth: AUTH, invoker: 'down' });
    const apiHost = await fake.start();
    // the controller counts a healthy invoker, but invokes are refused (e.g. a stale count)
    const runner = new FakeCluster({
      api: fake,
      charts: {
        [DEPLOY_KUBE_COMMIT]: { version: '1.0.1', coreTag: 'ef725a6', openwhiskCommit: OPENWHISK_COMMIT },
      },
      fail: [{ match: /invokers\/healthy\/count/, result: { exitCode: 0, stdout: '1' } }],
    });
    fake.healthyCount = () => 1;
    const platform = create(
      {
        name: 'openwhisk',
        mode: 'kubernetes',
        cluster: { provider: 'context', context: 'ctx' },
        apiHost,
        auth: AUTH,
        actions: { aes: { image: 'faasmark/aes:dev' } },
        readyTimeout: 0.3,
      },
      { buildDir: dir, workDir: join(dir, 'work2'), log: () => {} },
      { runner, pollInterval: 0.02, env: { FAASMARK_CACHE_DIR: join(dir, 'cache') } },
    );
    try {
      await assert.rejects(
        platform.setup({ keepAlive: 30 }, createPointClock()),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'FM_TIMEOUT');
          assert.match(
            e.message,
            /ran no activation of faasmark-readiness within 0\.3 s \(last answer: HTTP 503\)/,
          );
          return true;
        },
      );
      assert.ok(fake.unavailable >= 2, 'the gate retried');
    } finally {
      await platform.teardown();
      await fake.stop();
    }
  });
});
