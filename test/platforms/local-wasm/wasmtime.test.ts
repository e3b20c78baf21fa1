/**
 * local-wasm, engine wasmtime: the engine choice and its bad input, `wasmtime serve` per
 * workload from a precompiled .cwasm, a fresh instance per request, platform-side times from
 * the component's headers, Wasmtime's 500 page as an error (never a result), the guest timeout,
 * the pooling limit, admission, a crash mid-point (unhealthy with the reason), a port clash,
 * provenance in describe(), and no process left after teardown. The component is the fixture
 * built from test/fixtures/components/handler.wat; the real aes component when built.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { BuildError, ConfigError, MissingToolError } from '../../../core/errors.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { parseWasmtimeVersion, sha256 } from '../../../platforms/external/wasmtime-cli.js';
import { parseConfig } from '../../../platforms/local-wasm/config.js';
import { create, type LocalWasmPlatform } from '../../../platforms/local-wasm/index.js';
import { assertAesRoundTrip, context, FIXTURES } from '../local-container/helpers.js';
import {
  fixtureComponent,
  needFile,
  needWasmtime,
  privateCache,
  skipWithoutWasmtime,
  WASMTIME,
  wasmtimePids,
} from './wasmtime-helpers.js';

after(async () => {
  await runCleanups();
});

const cacheDir = privateCache();
const ctx = { ...context, workDir: privateCache('faasmark-local-wasm-work-') };
let component = '';
before(() => {
  if (WASMTIME) component = fixtureComponent();
});

function platform(
  extra: Record<string, unknown> = {},
  wasmtime: Record<string, unknown> = {},
): LocalWasmPlatform {
  return create(
    {
      name: 'local-wasm',
      engine: 'wasmtime',
      warmupRuns: 2,
      wasmtime: { binary: needWasmtime(), cacheDir, ...wasmtime },
      workloads: { fx: { component } },
      ...extra,
    },
    ctx,
  ) as LocalWasmPlatform;
}

async function started(extra: Record<string, unknown> = {}, wasmtime: Record<string, unknown> = {}) {
  const p = platform(extra, wasmtime);
  await p.setup({}, createPointClock());
  await p.deploy('fx');
  return p;
}

describe('local-wasm engine choice and config', () => {
  const emptyHome = mkdtempSync(join(tmpdir(), 'faasmark-home-'));
  const bare = { PATH: '/nonexistent', HOME: emptyHome } as NodeJS.ProcessEnv;

  test('default: wasmtime when a CLI is found, else v8; v8 when the entry is written for v8', () => {
    assert.equal(parseConfig({ name: 'local-wasm' }, 'local-wasm', bare).engine, 'v8');
    assert.match(
      parseConfig({ name: 'local-wasm' }, 'local-wasm', bare).engineChoice,
      /no wasmtime CLI installed/,
    );
    const withEnv = { ...bare, FAASMARK_WASMTIME: process.execPath }; // any executable stands in
    const c = parseConfig({ name: 'local-wasm' }, 'local-wasm', withEnv);
    assert.equal(c.engine, 'wasmtime');
    assert.equal(c.wasmtimeBinary?.source, 'FAASMARK_WASMTIME');
    assert.equal(parseConfig({ name: 'local-wasm', workers: 2 }, 'local-wasm', withEnv).engine, 'v8');
    const modules = { name: 'local-wasm', workloads: { e: { wasm: 'e.wasm' } } };
    assert.match(
      parseConfig(modules, 'local-wasm', withEnv).engineChoice,
      /v8, since the workloads given are WASI modules/,
    );
    assert.equal(parseConfig({ name: 'local-wasm', engine: 'v8' }, 'local-wasm', withEnv).engine, 'v8');
  });

  test('engine wasmtime without a CLI, or a bad FAASMARK_WASMTIME: one MissingToolError naming the fix', () => {
    for (const [raw, env, re] of [
      [
        { name: 'local-wasm', engine: 'wasmtime' },
        bare,
        /no wasmtime on PATH nor at .*wasmtime-48\.0\.8\/bin\/wasmtime/,
      ],
      [
        { name: 'local-wasm' },
        { ...bare, FAASMARK_WASMTIME: '/nonexistent/wasmtime' },
        /env FAASMARK_WASMTIME is "\/nonexistent\/wasmtime"/,
      ],
      [
        { name: 'local-wasm', wasmtime: { binary: FIXTURES } },
        bare,
        /wasmtime\.binary is .*not an executable file/,
      ],
    ] as const) {
      assert.throws(
        () => parseConfig(raw, 'local-wasm', env),
        (err: unknown) =>
          err instanceof MissingToolError &&
          re.test(err.hint ?? '') &&
          /scripts\/install-wasmtime\.sh/.test(err.hint ?? ''),
      );
    }
  });

  test('rejects settings that do not fit the wasmtime engine', () => {
    const env = { ...bare, FAASMARK_WASMTIME: process.execPath };
    for (const [cfg, re] of [
      [{ workers: 2 }, /local-wasm\.workers applies to engine v8 only/],
      [
        { wasmtime: { pooling: false, totalComponentInstances: 2 } },
        /totalComponentInstances needs the pooling allocator/,
      ],
      [{ wasmtime: { instanceReuse: 2 } }, /instanceReuse must be 1, got 2/],
      [{ wasmtime: { maxMemorySize: 10 } }, /maxMemorySize must be >= 65536/],
      [{ wasmtime: { poolSize: 1 } }, /unknown key "poolSize"/],
    ] as const) {
      assert.throws(
        () => parseConfig({ name: 'local-wasm', engine: 'wasmtime', ...cfg }, 'local-wasm', env),
        (err: unknown) => err instanceof ConfigError && re.test(err.message),
        JSON.stringify(cfg),
      );
    }
  });

  test('parses `wasmtime --version`', () => {
    assert.deepEqual(parseWasmtimeVersion('wasmtime 48.0.8\n'), { text: '48.0.8', raw: 'wasmtime 48.0.8' });
    assert.equal(parseWasmtimeVersion('wasmtime 36.0.2 (a1b2c3d 2025-08-20)')?.text, '36.0.2');
    assert.equal(parseWasmtimeVersion('spin 3.6.2'), undefined);
  });
});

describe('local-wasm engine wasmtime', () => {
  test(
    'runs the component: JSON out, times from its headers on the point clock, a fresh instance each',
    skipWithoutWasmtime,
    async () => {
      const p = platform({ warmupRuns: 3 });
      const clock = createPointClock();
      await p.setup({}, clock);
      await p.deploy('fx');
      const t0 = clock.now();
      const r = await p.invoke({ workload: 'fx', input: { hello: 'wasmtime', n: [1, 2] } });
      const t1 = clock.now();
      assert.equal(r.status, 'ok', r.errorMessage);
      assert.deepEqual(r.body, { hello: 'wasmtime', n: [1, 2] });
      const side = r.platform!;
      // the guest's wall clock, converted: inside the client's [send, answer] window (1 ms slack
      // for the two clocks' rounding) and start ≤ end
      assert.ok(side.startAt! >= t0 - 1e-3 && side.endAt! <= t1 + 1e-3, JSON.stringify({ t0, t1, side }));
      assert.ok(side.startAt! <= side.endAt!);
      assert.ok(side.waitTime! >= 0);
      assert.match(side.executorId!, /^wasmtime-fx-\d+$/);
      const rs = await Promise.all(
        Array.from({ length: 12 }, (_, i) => p.invoke({ workload: 'fx', input: { i } })),
      );
      assert.deepEqual(
        rs.map((x) => x.status),
        Array(12).fill('ok'),
      );
      const stats = p.stats();
      assert.equal(stats.reusedInstances, 0, 'x-faas-instance-requests was 1 on every answer');
      assert.equal(stats.ok, 13);
      const inFlight = p.inFlight();
      assert.equal(inFlight.admitted.current, 0);
      assert.ok(inFlight.admitted.max >= 2, 'concurrent requests overlapped');
      assert.equal(inFlight.server?.answered, 13);
      assert.deepEqual(p.health(), { ok: true });
      await p.teardown();
      await p.teardown(); // safe twice
    },
  );

  test(
    'describe() names the engine, version, flags and hashes, read after setup',
    skipWithoutWasmtime,
    async () => {
      const p = await started({ maxConcurrency: 4 }, { maxConcurrentRequests: 8, maxMemorySize: 1 << 20 });
      const d = await p.describe();
      assert.equal(d.engine?.name, 'wasmtime');
      assert.match(d.engine?.version ?? '', /^\d+\.\d+\.\d+/);
      const s = d.engine?.settings as Record<string, unknown>;
      assert.equal(s.instanceReuse, 1);
      assert.ok((s.serveArgs as string[]).includes('--max-instance-reuse-count'));
      assert.ok((s.serveArgs as string[]).includes(`max-memory-size=${1 << 20}`));
      const fx = (s.components as Record<string, Record<string, unknown>>).fx!;
      assert.equal(fx.componentSha256, sha256(readFileSync(component)));
      assert.equal(fx.cwasmSha256, sha256(readFileSync(fx.cwasm as string)));
      assert.deepEqual(d.applied, {
        keepAlive: null,
        routing: null,
        maxConcurrency: 4,
        cores: d.applied.cores,
      });
      assert.ok((d.applied.cores ?? 0) >= 1);
      assert.match(String(d.details?.engineChoice), /config/);
      await p.teardown();
    },
  );

  test(
    "the workload rejecting its input is an error with its message; a trap is Wasmtime's 500, never a result",
    skipWithoutWasmtime,
    async () => {
      const p = await started();
      const rejected = await p.invoke({ workload: 'fx', input: -1 }); // '-' → 502 {"error"}
      assert.equal(rejected.status, 'error');
      assert.equal(rejected.httpStatus, 502);
      assert.equal(rejected.errorMessage, 'fixture: rejected input');
      assert.ok(rejected.platform?.startAt !== undefined, 'the component still reported its times');
      const trap = await p.invoke({ workload: 'fx', input: 'trap' }); // '"' → unreachable
      assert.equal(trap.status, 'error');
      assert.equal(trap.httpStatus, 500);
      assert.equal(trap.body, undefined);
      assert.match(trap.errorMessage!, /wasmtime answered 500/);
      assert.equal((await p.invoke({ workload: 'fx', input: { ok: 1 } })).status, 'ok', 'still serving');
      assert.equal(p.stats().wasmtime500, 1);
      assert.deepEqual(p.health(), { ok: true });
      await p.teardown();
    },
  );

  test(
    'a hung instance is interrupted at the request timeout: a timeout record, the next request is served',
    skipWithoutWasmtime,
    async () => {
      const p = await started({ requestTimeout: 0.4 });
      const t0 = performance.now();
      const hung = await p.invoke({ workload: 'fx', input: [1] }); // '[' → loops forever
      const took = (performance.now() - t0) / 1000;
      assert.equal(hung.status, 'timeout', hung.errorMessage);
      assert.ok(took >= 0.4 && took < 3, `answered after ${took} s`);
      assert.equal((await p.invoke({ workload: 'fx', input: {} })).status, 'ok');
      await p.teardown();
    },
  );

  test(
    "the pooling allocator limit: requests beyond it get Wasmtime's 500, recorded as errors",
    skipWithoutWasmtime,
    async () => {
      const p = await started({}, { pooling: true, totalComponentInstances: 1 });
      // 200 × 100,000 steps ≈ 50-100 ms each: while one instance runs, the others find no slot
      const rs = await Promise.all(Array.from({ length: 4 }, () => p.invoke({ workload: 'fx', input: 200 })));
      const statuses = rs.map((r) => r.status);
      assert.ok(statuses.includes('ok'), JSON.stringify(statuses));
      assert.ok(statuses.includes('error'), JSON.stringify(statuses));
      for (const r of rs.filter((x) => x.status === 'error')) {
        assert.equal(r.httpStatus, 500);
        assert.equal(r.body, undefined);
      }
      const d = await p.describe();
      assert.equal(d.applied.maxConcurrency, 1);
      assert.match((d.warnings ?? []).join('\n'), /totalComponentInstances \(1\)/);
      await p.teardown();
    },
  );

  test(
    'maxConcurrency: reject beyond it, or queue; the admitted count never exceeds it',
    skipWithoutWasmtime,
    async () => {
      const p = await started({ maxConcurrency: 1 });
      const slow = p.invoke({ workload: 'fx', input: 300 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const rejected = await p.invoke({ workload: 'fx', input: {} });
      assert.equal(rejected.status, 'rejected');
      assert.equal((await slow).status, 'ok');
      await p.teardown();
      const q = await started({ maxConcurrency: 1, overflow: 'queue' });
      const rs = await Promise.all(Array.from({ length: 4 }, () => q.invoke({ workload: 'fx', input: 20 })));
      assert.deepEqual(
        rs.map((r) => r.status),
        Array(4).fill('ok'),
      );
      assert.equal(q.inFlight().admitted.max, 1);
      assert.ok(
        rs.some((r) => (r.platform?.waitTime ?? 0) > 0.001),
        'queued requests waited',
      );
      await q.teardown();
    },
  );

  test(
    'a wasmtime that dies mid-point: requests are errors, the platform is unhealthy with the reason, the next point restarts it',
    skipWithoutWasmtime,
    async () => {
      const p = await started();
      const [pid] = wasmtimePids(process.pid).filter((x) =>
        readFileSync(`/proc/${x}/cmdline`, 'utf8').includes(cacheDir),
      );
      assert.ok(pid, 'its wasmtime serve runs');
      process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const r = await p.invoke({ workload: 'fx', input: {} });
      assert.equal(r.status, 'error');
      const h = p.health();
      assert.equal(h.ok, false);
      assert.match(h.reason!, /^wasmtime serve \(fx\) was killed by SIGKILL at \d+\.\d s/);
      // the next point starts it again
      await p.setup({}, createPointClock());
      assert.deepEqual(p.health(), { ok: true });
      assert.equal(p.stats().restarts, 1);
      assert.equal((await p.invoke({ workload: 'fx', input: {} })).status, 'ok');
      await p.teardown();
    },
  );

  test(
    'bad input caught at deploy: a port clash (exit-2 class), no component, a file that is not one',
    skipWithoutWasmtime,
    async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const port = (holder.address() as { port: number }).port;
      try {
        const p = platform({ port });
        await p.setup({}, createPointClock());
        await assert.rejects(
          p.deploy('fx'),
          (err: unknown) =>
            err instanceof ConfigError && /127\.0\.0\.1:\d+ is already in use/.test(err.message),
        );
        await p.teardown();
      } finally {
        holder.close();
      }
      const notComponent = join(mkdtempSync(join(tmpdir(), 'faasmark-bad-')), 'bad.wasm');
      writeFileSync(notComponent, 'not wasm');
      const p = platform({
        workloads: { mod: { wasm: `${FIXTURES}wasi/echo.wasm` }, bad: { component: notComponent } },
      });
      await p.setup({}, createPointClock());
      await assert.rejects(
        p.deploy('mod'),
        (err: unknown) =>
          err instanceof BuildError && /no wasi:http component for the wasmtime engine/.test(err.message),
      );
      await assert.rejects(
        p.deploy('bad'),
        (err: unknown) =>
          err instanceof BuildError && /wasmtime compile .*bad\.wasm failed/.test(err.message),
      );
      await p.teardown();
    },
  );

  test(
    'a new point with another request timeout restarts serve; a second deploy finds the .cwasm cached',
    skipWithoutWasmtime,
    async () => {
      const p = await started({ requestTimeout: 30 });
      const before = wasmtimePids(process.pid);
      await p.setup({ requestTimeout: 20 }, createPointClock());
      assert.equal(p.stats().restarts, 1);
      assert.equal((await p.invoke({ workload: 'fx', input: {} })).status, 'ok');
      const s = (await p.describe()).engine?.settings as {
        serveArgs: string[];
        components: Record<string, { compileSeconds: number | null }>;
      };
      assert.ok(s.serveArgs.includes('timeout=20000ms'));
      assert.equal(s.components.fx?.compileSeconds, null, 'cache hit');
      assert.notDeepEqual(wasmtimePids(process.pid), before);
      await p.teardown();
    },
  );

  test('teardown leaves no wasmtime process', skipWithoutWasmtime, async () => {
    const before = wasmtimePids(process.pid).length;
    const p = await started({ workloads: { fx: { component }, fy: { component } } });
    await p.deploy('fy');
    assert.equal(wasmtimePids(process.pid).length, before + 2);
    await p.teardown();
    assert.equal(wasmtimePids(process.pid).length, before);
  });

  test('runs the real aes component', skipWithoutWasmtime, async (t) => {
    const path = join(context.buildDir, 'aes', 'component', 'aes.wasm');
    if (!needFile(t, path, 'the aes component')) return;
    const p = create(
      {
        name: 'local-wasm',
        engine: 'wasmtime',
        warmupRuns: 1,
        wasmtime: { binary: needWasmtime(), cacheDir },
      },
      ctx,
    ) as LocalWasmPlatform;
    const r = await assertAesRoundTrip(p);
    assert.ok(r.platform?.startAt !== undefined);
  });
});
