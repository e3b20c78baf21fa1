/**
 * local-wasm, engine v8: a fresh instance per request on worker threads, WASI stdin/stdout
 * capture, traps / exit codes / hangs as error and timeout records with the worker replaced,
 * admission limits (429 / queue), body cap, in-flight counts, and the real aes module; the
 * engine choice. Fixtures: test/fixtures/wasi/*.wat (assembled to .wasm with wabt). The
 * wasmtime engine: wasmtime.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { ConfigError } from '../../../core/errors.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { compile } from '../../../core/validate.js';
import { configSchema } from '../../../platforms/local-wasm/config.js';
import { create, type LocalWasmPlatform } from '../../../platforms/local-wasm/index.js';
import { assertAesRoundTrip, context, FIXTURES } from '../local-container/helpers.js';

after(async () => {
  await runCleanups();
});

const workloads = {
  echo: { wasm: `${FIXTURES}wasi/echo.wasm`, warmupInput: { warm: true } },
  counter: { wasm: `${FIXTURES}wasi/counter.wasm` },
  spin: { wasm: `${FIXTURES}wasi/spin.wasm` },
};

async function started(extra: Record<string, unknown> = {}): Promise<LocalWasmPlatform> {
  const p = create(
    { name: 'local-wasm', engine: 'v8', workers: 2, warmupRuns: 2, workloads, ...extra },
    context,
  ) as LocalWasmPlatform;
  await p.setup({}, createPointClock());
  return p;
}

describe('local-wasm config', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['zero workers', { workers: 0 }, /local-wasm\.workers must be >= 1, got 0/],
    ['fractional maxConcurrency', { maxConcurrency: 1.5 }, /maxConcurrency must be integer, got 1\.5/],
    ['bad overflow', { overflow: 'drop' }, /overflow must be one of reject, queue, got "drop"/],
    ['non-positive timeout', { requestTimeout: 0 }, /requestTimeout must be > 0, got 0/],
    ['unknown key', { keepAlive: 3 }, /local-wasm: unknown key "keepAlive"/],
  ];
  for (const [name, cfg, re] of bad) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => create({ name: 'local-wasm', ...cfg }, context),
        (err: unknown) => err instanceof ConfigError && re.test(err.message),
      );
    });
  }
});

describe('local-wasm configSchema', () => {
  test("compiles with the suite loader's ajv and agrees with the normaliser", () => {
    const validate = compile(configSchema);
    const good = {
      name: 'local-wasm',
      engine: 'v8',
      workers: 2,
      maxConcurrency: 8,
      overflow: 'queue',
      workloads: { m: { wasm: 'm.wasm' } },
    };
    assert.equal(validate(good), true, JSON.stringify(validate.errors));
    assert.doesNotThrow(() => create(good, context));
    for (const bad of [
      { workers: 0 },
      { overflow: 'drop' },
      { requestTimeout: 0 },
      { keepAlive: 1 },
      { workloads: { m: {} } },
    ]) {
      assert.equal(validate({ name: 'local-wasm', ...bad }), false, JSON.stringify(bad));
      assert.throws(() => create({ name: 'local-wasm', ...bad }, context), ConfigError);
    }
  });
});

describe('local-wasm host', () => {
  test('stdin → stdout through the HTTP endpoint, with platform-side times on the point clock', async () => {
    const p = await started();
    await p.deploy('echo');
    const r = await p.invoke({ workload: 'echo', input: { hello: 'wasm', n: [1, 2] } });
    assert.equal(r.status, 'ok', r.errorMessage);
    assert.deepEqual(r.body, { hello: 'wasm', n: [1, 2] });
    const side = r.platform!;
    assert.ok(side.startAt! <= side.endAt!);
    assert.ok(side.waitTime! >= 0);
    assert.match(side.executorId!, /^worker-\d+$/);
    await p.teardown();
    await p.teardown(); // safe twice
  });

  test('teardown stops every worker thread (OS thread count back to where it was)', async () => {
    const threads = () => readdirSync('/proc/self/task').length;
    const before = threads();
    const p = await started({ workers: 3 });
    await p.deploy('echo');
    assert.ok(threads() >= before + 3, 'one OS thread per worker at least');
    await p.teardown();
    assert.equal(threads(), before);
  });

  test('every request gets a fresh instance (a module-global counter is always 1)', async () => {
    const p = await started({ warmupRuns: 3 });
    await p.deploy('counter');
    const bodies = await Promise.all(
      Array.from({ length: 12 }, () => p.invoke({ workload: 'counter', input: {} })),
    );
    for (const b of bodies) assert.deepEqual(b.body, { count: 1 });
    await p.teardown();
  });

  test('a trap and a non-zero exit code are error records; the host keeps serving', async () => {
    const p = await started();
    await p.deploy('echo');
    const trap = await p.invoke({ workload: 'echo', input: 'trap' }); // '"' first byte → unreachable
    assert.equal(trap.status, 'error');
    assert.equal(trap.httpStatus, 502);
    assert.match(trap.errorMessage!, /trap: unreachable/);
    const exit = await p.invoke({ workload: 'echo', input: -1 }); // '-' first byte → proc_exit(3)
    assert.equal(exit.status, 'error');
    assert.match(exit.errorMessage!, /exit code 3/);
    assert.equal((await p.invoke({ workload: 'echo', input: { ok: 1 } })).status, 'ok');
    assert.equal(p.stats().errors, 2);
    await p.teardown();
  });

  test('a hanging instance times out; its worker is replaced and the next request succeeds', async () => {
    const p = await started({ requestTimeout: 0.3 });
    await p.deploy('echo');
    const hung = await p.invoke({ workload: 'echo', input: [1] }); // '[' first byte → infinite loop
    assert.equal(hung.status, 'timeout');
    assert.equal(hung.httpStatus, 504);
    const rs = await Promise.all([1, 2, 3, 4].map((i) => p.invoke({ workload: 'echo', input: { i } })));
    assert.deepEqual(
      rs.map((r) => r.status),
      ['ok', 'ok', 'ok', 'ok'],
    );
    const stats = p.stats();
    assert.equal(stats.workerTimeouts, 1);
    assert.equal(stats.workersStarted, 3, 'two workers + one replacement');
    await p.teardown();
  });

  test('maxConcurrency with overflow reject: 429 while the slot is taken', async () => {
    const p = await started({ maxConcurrency: 1, requestTimeout: 0.5 });
    await p.deploy('echo');
    const hung = p.invoke({ workload: 'echo', input: [1] });
    await new Promise<void>((resolve) => setTimeout(resolve, 100));
    const rejected = await p.invoke({ workload: 'echo', input: {} });
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.httpStatus, 429);
    assert.equal((await hung).status, 'timeout');
    assert.equal((await p.invoke({ workload: 'echo', input: {} })).status, 'ok', 'the slot is free again');
    await p.teardown();
  });

  test('maxConcurrency with overflow queue: queued requests wait, then run', async () => {
    const p = await started({ maxConcurrency: 1, overflow: 'queue', queueLimit: 10 });
    await p.deploy('spin');
    const rs = await Promise.all(Array.from({ length: 4 }, () => p.invoke({ workload: 'spin', input: {} })));
    assert.deepEqual(
      rs.map((r) => r.status),
      ['ok', 'ok', 'ok', 'ok'],
    );
    // one in flight at a time: the admitted count never exceeds 1
    const { admitted } = p.inFlight();
    assert.equal(admitted.max, 1);
    assert.equal(admitted.current, 0);
    assert.equal(admitted.entered, 4);
    await p.teardown();
  });

  test('in-flight counts concurrent requests, returns to 0, and its integral is the busy time', async () => {
    const p = await started();
    await p.deploy('spin');
    const t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: 6 }, () => p.invoke({ workload: 'spin', input: {} })));
    const wall = (performance.now() - t0) / 1000;
    const { admitted } = p.inFlight();
    assert.ok(admitted.max >= 2, 'concurrent arrivals overlap');
    assert.equal(admitted.current, 0);
    assert.equal(admitted.entered, 6);
    // Little: ∫ in-flight dt = Σ time each request spent admitted ≥ Σ instance run times, and
    // ≤ 6 requests × the wall time of the whole burst
    const running = rs.reduce((sum, r) => sum + (r.platform!.endAt! - r.platform!.startAt!), 0);
    assert.ok(admitted.integral >= running * 0.99, `${admitted.integral} vs ${running}`);
    assert.ok(admitted.integral <= 6 * wall, `${admitted.integral} vs ${6 * wall}`);
    await p.teardown();
  });

  test('the in-flight accumulator keeps O(1) state however many requests pass', async () => {
    const { InFlightAccumulator } = await import('../../../platforms/embedded/in-flight.js');
    const acc = new InFlightAccumulator(0);
    for (let i = 0; i < 100_000; i++) {
      acc.change(1, i);
      acc.change(-1, i + 0.5);
    }
    assert.equal(Object.keys(acc).length <= 8, true, 'fixed fields only');
    const s = acc.snapshot(100_000);
    assert.equal(s.max, 1);
    assert.equal(s.current, 0);
    assert.ok(Math.abs(s.integral - 100_000 * 0.5e-3) < 1e-9, String(s.integral));
    assert.ok(Math.abs(s.mean - 0.5) < 1e-9, String(s.mean));
  });

  test('the endpoint caps bodies (413), answers 404 for unknown workloads and 405 for GET', async () => {
    const p = await started({ bodyLimitBytes: 32 });
    await p.deploy('echo');
    assert.equal((await fetch(`${p.url}/echo`, { method: 'POST', body: 'x'.repeat(100) })).status, 413);
    assert.equal((await fetch(`${p.url}/nope`, { method: 'POST', body: '{}' })).status, 404);
    assert.equal((await fetch(`${p.url}/echo`)).status, 405);
    assert.equal(
      (await fetch(`${p.url}/run`, { method: 'POST', body: '{"a":1}' })).status,
      200,
      '/run = the one workload',
    );
    await p.teardown();
  });

  test('deploy rejects a missing module and a module that fails its warm-up', async () => {
    const p = await started({
      workloads: {
        gone: { wasm: '/nonexistent/x.wasm' },
        bad: { wasm: `${FIXTURES}wasi/echo.wasm`, warmupInput: 'trap' },
      },
    });
    await assert.rejects(p.deploy('gone'), /not found at \/nonexistent\/x.wasm/);
    await assert.rejects(p.deploy('nope'), /unknown workload "nope"/);
    await assert.rejects(p.deploy('bad'), /failed its warm-up run: trap/);
    await p.teardown();
  });

  const aesBuilt = existsSync(`${context.buildDir}/aes/wasm/aes.wasm`);
  test('runs the real aes module', {
    skip: aesBuilt ? false : 'aes not built (npm run build:workloads)',
  }, async () => {
    const p = create(
      { name: 'local-wasm', engine: 'v8', workers: 1, warmupRuns: 1 },
      context,
    ) as LocalWasmPlatform;
    await assertAesRoundTrip(p);
  });

  const floatBuilt = existsSync(`${context.buildDir}/float/wasm/transpiled/float-fn.js`);
  test('runs the float function component (jco transpiled), a fresh instance per request, same answer as the kernel', {
    skip: floatBuilt ? false : 'float not built (npm run build:workloads)',
  }, async () => {
    const p = create(
      { name: 'local-wasm', engine: 'v8', workers: 1, warmupRuns: 1 },
      context,
    ) as LocalWasmPlatform;
    await p.setup({}, createPointClock());
    await p.deploy('float');
    const input = { n: 1000 };
    // the Python kernel's answer: CPython 3.11 natively and the component agree byte for byte
    // (test/workloads/float.test.ts)
    const expected: Record<string, number> = { n: 1000, x: 0.8943675385681149, y: 1, z: 0.44717950831719694 };
    for (let i = 0; i < 3; i++) {
      const r = await p.invoke({ workload: 'float', input });
      assert.equal(r.status, 'ok', r.errorMessage);
      const got = r.body as Record<string, number>;
      // compared with 1e-12 relative, as for any libm (docs/workloads.md "float")
      for (const k of ['x', 'y', 'z']) {
        assert.ok(
          Math.abs(got[k]! - expected[k]!) <= 1e-12 * Math.abs(expected[k]!),
          `${k}: ${got[k]} vs ${expected[k]}`,
        );
      }
    }
    const bad = await p.invoke({ workload: 'float', input: { n: -5 } });
    assert.equal(bad.status, 'error');
    assert.match(bad.errorMessage!, /must be an integer/);
    await p.teardown();
  });
});
