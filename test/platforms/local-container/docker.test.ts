/**
 * local-container with Docker executors, against the real engine (docker-helpers.ts: skipped
 * with the reason when there is none, failed when CI=true): a cold start is a real container
 * start and warm requests reuse it; keep-alive removes it; pause/unpause after the pause grace;
 * the invoker's limits as the engine applied them; the executor choice named; faults (missing
 * image or file, engine lost mid-point) give one clear error; leftovers of a dead owner swept.
 * Executors run test/fixtures/action-server.mjs with the host's node, bind-mounted.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { runCleanups } from '../../../core/lifecycle.js';
import type { ExecutorSpan } from '../../../core/records.js';
import { DEFAULT_PYTHON_IMAGE } from '../../../platforms/local-container/config.js';
import { engineSocket } from '../../../platforms/local-container/docker/engine.js';
import { create, type LocalContainerPlatform } from '../../../platforms/local-container/index.js';
import {
  containersOfInstance,
  engineIfReady,
  removeContainersOfPid,
  requireDocker,
} from './docker-helpers.js';
import { assertAesRoundTrip, context, FIXTURES, fixtureWorkload } from './helpers.js';

after(async () => {
  await runCleanups();
  const engine = await engineIfReady();
  if (engine) await removeContainersOfPid(engine, process.pid); // anything a failed test left
});

async function dockerPlatform(
  extra: Record<string, unknown> = {},
  log: string[] = [],
): Promise<LocalContainerPlatform> {
  return (await create(
    {
      name: 'local-container',
      executor: 'docker',
      workloads: { fx: fixtureWorkload(randomUUID()) },
      ...extra,
    },
    { ...context, log: (line) => log.push(line) },
  )) as LocalContainerPlatform;
}

const kinds = (s: ExecutorSpan | undefined) => (s?.events ?? []).map((e) => e.kind);

describe('local-container docker executor', () => {
  test('a cold request is a real container start (≥ 50 ms of init); warm ones reuse it, fast; keep-alive 0.5 s removes it', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ keepAlive: 0.5 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const cold = await p.invoke({ workload: 'fx', input: { n: 1 } });
    assert.equal(cold.status, 'ok', cold.errorMessage);
    assert.equal(cold.platform?.cold, true);
    const init = cold.platform?.initTime ?? 0;
    assert.ok(init >= 0.05, `a container start takes tens of ms at least, got initTime ${init} s`);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = await p.invoke({ workload: 'fx', input: { n: i } });
      warm.push((performance.now() - t0) / 1000);
      assert.equal(r.platform?.cold, false);
      assert.equal(r.platform?.initTime, undefined);
      assert.equal(r.platform?.executorId, cold.platform?.executorId, 'the same container');
    }
    warm.sort((a, b) => a - b);
    // relative, not a timed target: a warm request skips the container start entirely
    assert.ok(warm[2]! < init / 4, `warm median ${warm[2]} s vs cold init ${init} s`);
    const instance = p.docker?.owner.instance as string;
    assert.equal((await containersOfInstance(engine, instance)).length, 1);
    await new Promise((r) => setTimeout(r, 1200));
    const [span] = await p.executorSpans();
    assert.equal(span?.cause, 'keep-alive');
    assert.deepEqual(kinds(span), ['create', 'start', 'init', 'remove']);
    assert.deepEqual(await containersOfInstance(engine, instance), [], 'removed from the engine');
    const again = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(again.platform?.cold, true, 'after the keep-alive, a new container');
    await p.teardown();
    assert.deepEqual(await containersOfInstance(engine, instance), []);
  });

  test('an idle container is paused after the pause grace and unpaused by its next request (spans show both)', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ keepAlive: 30, docker: { pauseGrace: 0.1 } });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const first = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(first.status, 'ok', first.errorMessage);
    const [id] = await containersOfInstance(engine, p.docker?.owner.instance as string);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(
      (await engine.inspect(id as string)).State.Paused,
      true,
      'paused by the engine (cgroup freezer)',
    );
    const second = await p.invoke({ workload: 'fx', input: { n: 2 } });
    assert.equal(second.status, 'ok', second.errorMessage);
    assert.equal(second.platform?.cold, false, 'a paused container is warm: unpaused, not restarted');
    assert.equal((await engine.inspect(id as string)).State.Paused, false);
    const [span] = await p.executorSpans();
    assert.deepEqual(kinds(span), ['create', 'start', 'init', 'pause', 'unpause']);
    const unpause = span?.events?.find((e) => e.kind === 'unpause');
    assert.ok(
      unpause && unpause.at >= second.platform!.startAt! && unpause.at <= second.platform!.endAt!,
      'inside the request',
    );
    await new Promise((r) => setTimeout(r, 600));
    await p.teardown(); // removes a paused container too
    assert.deepEqual(await containersOfInstance(engine, p.docker?.owner.instance as string), []);
  });

  test("the invoker's limits, as the engine applied them: memory = swap, cpu shares, pids, nofile, dropped caps, read-only mounts, labels", async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ keepAlive: 30, docker: { memory: 128 } });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    assert.equal((await p.invoke({ workload: 'fx', input: {} })).status, 'ok');
    const [id] = await containersOfInstance(engine, p.docker?.owner.instance as string);
    const info = await engine.inspect(id as string);
    const h = info.HostConfig as Record<string, unknown>;
    assert.equal(h.Memory, 128 * 1024 * 1024);
    assert.equal(h.MemorySwap, 128 * 1024 * 1024, 'memory-swap = memory: no swap');
    // OpenWhisk's cpu share: max(floor(1024 / floor(2048 / 128)), 2) = 64
    assert.equal(h.CpuShares, 64);
    assert.equal(h.PidsLimit, 1024);
    assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 1024 }]);
    assert.deepEqual([...(h.CapDrop as string[])].sort(), ['NET_ADMIN', 'NET_RAW']);
    assert.equal(
      h.PortBindings === null || Object.keys(h.PortBindings as object).length === 0,
      p.docker?.facts.address === 'bridge',
    );
    const mounts = h.Mounts as Array<{ Type: string; ReadOnly: boolean }>;
    assert.ok(mounts.length >= 2 && mounts.every((m) => m.Type === 'bind' && m.ReadOnly));
    const labels = info.Config.Labels ?? {};
    assert.equal(labels['faasmark.owner.pid'], String(process.pid));
    assert.match(labels['faasmark.executor'] ?? '', /^fx-1-e1$/);
    const d = await p.describe();
    assert.equal(d.engine?.name, 'docker');
    assert.equal(d.engine?.version, (await engine.version()).Version, 'read from the engine');
    const settings = d.engine?.settings as Record<string, Record<string, Record<string, unknown>>>;
    assert.equal(settings.containers?.action?.cpuShares, 64);
    assert.equal(settings.containers?.action?.memoryMB, 128);
    assert.match(String(settings.images?.action?.id), /^sha256:[0-9a-f]{64}$/);
    assert.equal(d.details?.executor, 'docker');
    assert.match(String(d.version), /^docker \d/);
    await p.teardown();
  });

  test('a container that dies mid-request is an error record, is removed, and the next request gets a new one', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ keepAlive: 30 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    assert.equal((await p.invoke({ workload: 'fx', input: {} })).status, 'ok');
    const crash = await p.invoke({ workload: 'fx', input: { crash: true } });
    assert.equal(crash.status, 'error');
    const next = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(next.status, 'ok', next.errorMessage);
    assert.equal(next.platform?.cold, true);
    const spans = await p.executorSpans();
    assert.equal(spans.find((s) => s.id === crash.platform?.executorId)?.cause, 'crash');
    assert.equal((await containersOfInstance(engine, p.docker?.owner.instance as string)).length, 1);
    assert.equal(p.health().ok, true, 'a dead container is not a dead engine');
    await p.teardown();
    assert.deepEqual(await containersOfInstance(engine, p.docker?.owner.instance as string), []);
  });

  test('address published: the container is reached on a 127.0.0.1 port (the fallback when the bridge is not routable)', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ keepAlive: 30, docker: { address: 'published' } });
    assert.equal(
      (await p.describe()).engine?.settings?.images,
      undefined,
      'nothing read back before a deploy',
    );
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const cold = await p.invoke({ workload: 'fx', input: { n: 1 } });
    assert.equal(cold.status, 'ok', cold.errorMessage);
    const warm = await p.invoke({ workload: 'fx', input: { n: 2 } });
    assert.equal(warm.platform?.cold, false);
    const [id] = await containersOfInstance(engine, p.docker?.owner.instance as string);
    const ports = (await engine.inspect(id as string)).NetworkSettings.Ports?.['8080/tcp'] ?? [];
    assert.equal(ports[0]?.HostIp, '127.0.0.1', 'published on loopback only');
    assert.equal(p.docker?.facts.address, 'published');
    await p.teardown();
    assert.deepEqual(await containersOfInstance(engine, p.docker?.owner.instance as string), []);
  });

  test("the lifecycle cleanups (what SIGINT, SIGTERM and the crash hook run) remove a platform's containers without a teardown", async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ keepAlive: 30 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    await Promise.all([0, 1].map(() => p.invoke({ workload: 'fx', input: { sleepMs: 200 } })));
    const instance = p.docker?.owner.instance as string;
    assert.equal((await containersOfInstance(engine, instance)).length, 2);
    assert.deepEqual(await runCleanups(), [], 'no cleanup failed');
    assert.deepEqual(await containersOfInstance(engine, instance), []);
  });

  test('a container killed at its memory limit is an error record that says so (OpenWhisk: memory exhausted)', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ keepAlive: 30, docker: { memory: 128 } });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const r = await p.invoke({ workload: 'fx', input: { allocMb: 400 } });
    assert.equal(r.status, 'error');
    assert.match(r.errorMessage ?? '', /container killed at its 128 MB memory limit \(OOM, exit code 137\)/);
    const next = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(next.status, 'ok', next.errorMessage);
    assert.equal(next.platform?.cold, true, 'a new container');
    await p.teardown();
  });

  test('executor auto names docker when an engine answers (log line, describe)', async (t) => {
    if (!(await requireDocker(t))) return;
    const log: string[] = [];
    const p = await dockerPlatform({ executor: 'auto' }, log);
    assert.match(log.join('\n'), /executor: auto → docker: Docker Engine \S+ \(API [\d.]+\) on unix:\/\//);
    const d = await p.describe();
    assert.equal(d.details?.executor, 'docker');
    assert.equal(d.details?.executorRequested, 'auto');
    assert.equal(d.engine?.name, 'docker');
    await p.teardown();
  });

  test('a missing image is bad input at deploy, naming the image and the setup script (never pulled)', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const p = await dockerPlatform({ docker: { images: { action: 'faasmark/no-such-image:0' } } });
    await p.setup({}, createPointClock());
    await assert.rejects(p.deploy('fx'), (err: unknown) => {
      const e = err as { code?: string; message?: string; hint?: string };
      assert.equal(e.code, 'FM_CONFIG');
      assert.match(
        e.message ?? '',
        /docker\.images\.action: image faasmark\/no-such-image:0 is not in the Docker engine .*never pulls/,
      );
      assert.match(e.hint ?? '', /scripts\/setup-docker\.sh/);
      return true;
    });
    await p.teardown();
    assert.deepEqual(await containersOfInstance(engine, p.docker?.owner.instance as string), []);
  });

  test("a workload file that does not exist fails the deploy (a bind mount's source must exist)", async (t) => {
    if (!(await requireDocker(t))) return;
    const p = await dockerPlatform({
      workloads: {
        gone: {
          native: { command: process.execPath, args: ['/nonexistent/x.mjs'], files: ['/nonexistent/x.mjs'] },
        },
      },
    });
    await p.setup({}, createPointClock());
    await assert.rejects(p.deploy('gone'), /workload gone: \/nonexistent\/x\.mjs does not exist/);
    await p.teardown();
  });

  test('the engine lost mid-point: requests fail with the reason and health() says why', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const dir = mkdtempSync(join(tmpdir(), 'fm-engine-proxy-'));
    const proxy = await socketProxy(join(dir, 'docker.sock'), engineSocket(undefined));
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${join(dir, 'docker.sock')}`;
    let p: LocalContainerPlatform | undefined;
    try {
      p = await dockerPlatform({ keepAlive: 30 });
      await p.setup({}, createPointClock());
      await p.deploy('fx');
      assert.equal((await p.invoke({ workload: 'fx', input: {} })).status, 'ok');
      await proxy.close(); // the engine is gone, as far as the platform can tell
      await new Promise((r) => setTimeout(r, 200));
      const health = p.health();
      assert.equal(health.ok, false);
      assert.match(health.reason ?? '', /the Docker engine at unix:\/\/\S+ failed during .*/);
      await p.forceCold('fx');
      const r = await p.invoke({ workload: 'fx', input: {} });
      assert.equal(r.status, 'error');
      assert.match(r.errorMessage ?? '', /create failed: nothing answers on unix:\/\//);
    } finally {
      await p?.teardown();
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
      await removeContainersOfPid(engine, process.pid);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an interpreter + script entry runs on the Python base (the interpreter is in the image, the script mounted)', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const python = '/usr/bin/python3.11';
    const image = await engine.image(DEFAULT_PYTHON_IMAGE).catch(() => undefined);
    if (!image || !existsSync(python)) {
      const why = `needs ${python} and the image ${DEFAULT_PYTHON_IMAGE} (bash scripts/setup-docker.sh)`;
      if (process.env.CI === 'true') assert.fail(why);
      t.skip(why);
      return;
    }
    const script = `${FIXTURES}action-server.py`;
    const p = await dockerPlatform({
      workloads: { py: { native: { command: python, args: ['-I', '-S', script], files: [script] } } },
    });
    await p.setup({}, createPointClock());
    await p.deploy('py');
    const r = await p.invoke({ workload: 'py', input: { x: 1 } });
    assert.equal(r.status, 'ok', r.errorMessage);
    assert.deepEqual((r.body as { echo: unknown }).echo, { x: 1 });
    assert.match((r.body as { python: string }).python, /^3\.11\./);
    const [id] = await containersOfInstance(engine, p.docker?.owner.instance as string);
    const info = await engine.inspect(id as string);
    assert.equal(info.Image, image.Id, 'the Python base image');
    const mounts = (info.HostConfig.Mounts as Array<{ Source: string }>).map((m) => m.Source);
    assert.deepEqual(mounts, [script], 'only the script is mounted, not the interpreter');
    const settings = (await p.describe()).engine?.settings as Record<string, Record<string, unknown>>;
    assert.ok(settings.images?.python, 'describe() names the Python image used');
    await p.teardown();
  });

  test('a Python entry whose interpreter the image lacks fails the deploy, naming both', async (t) => {
    const engine = await requireDocker(t);
    if (!engine) return;
    const labels = (await engine.image(DEFAULT_PYTHON_IMAGE).catch(() => undefined))?.Config?.Labels ?? {};
    if (!labels['faasmark.interpreters']) {
      const why = `image ${DEFAULT_PYTHON_IMAGE} lacks its interpreters label: rebuild it (bash scripts/build-docker-images.sh python)`;
      if (process.env.CI === 'true') assert.fail(why);
      t.skip(why);
      return;
    }
    const p = await dockerPlatform({
      workloads: { py: { native: { command: '/opt/other/python3.11', args: ['x.py'], files: [] } } },
    });
    await p.setup({}, createPointClock());
    await assert.rejects(
      p.deploy('py'),
      /image faasmark\/python-base:3\.11 has no \/opt\/other\/python3\.11 \(it has \/usr\/bin\/python3\.11/,
    );
    await p.teardown();
  });

  const aesBuilt = existsSync(`${context.buildDir}/aes/native/aes-server`);
  test('serves the real aes workload in a container', {
    skip: aesBuilt ? false : 'aes not built (npm run build:workloads)',
  }, async (t) => {
    if (!(await requireDocker(t))) return;
    await assertAesRoundTrip(await create({ name: 'local-container', executor: 'docker' }, context));
  });
});

/** A unix-socket proxy in front of the engine, so a test can make "the engine" disappear. */
async function socketProxy(path: string, target: string): Promise<{ close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
