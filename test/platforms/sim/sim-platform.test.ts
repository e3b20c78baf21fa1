/** The `sim` platform: config schema and normalisation, invoke() semantics on a fake clock. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import type { PointClock } from '../../../core/platform.js';
import { compile } from '../../../core/validate.js';
import { configSchema, parseConfig } from '../../../platforms/sim/config.js';
import { create } from '../../../platforms/sim/index.js';

const context = { buildDir: 'workloads/build', workDir: '/tmp', log: () => {} };

function fakeClock(): PointClock & { set(t: number): void } {
  let t = 0;
  return { originEpochMs: 0, now: () => t, fromEpochMs: (ms) => ms / 1000, set: (x) => (t = x) };
}

const detConfig = {
  name: 'sim',
  timeScale: 0,
  keepAlive: 1,
  serviceTime: { warm: 0.5, cold: 1, distribution: 'deterministic' },
};

describe('sim platform config', () => {
  // the suite loader's own validator for platform entries
  const validate = compile(configSchema);
  it('the schema accepts good entries and rejects bad ones', () => {
    assert.ok(validate(detConfig), JSON.stringify(validate.errors));
    assert.ok(
      validate({
        name: 'sim',
        mode: 'wasm',
        serviceTime: { wasm: 0.03 },
        workloads: { aes: { wasm: 0.0308 } },
      }),
    );
    assert.equal(validate({ name: 'sim', serviceTime: { warm: -1 } }), false);
    assert.equal(validate({ name: 'sim', serviceTime: {}, routing: 'lru' }), false);
    assert.equal(validate({ name: 'sim' }), false);
    assert.equal(validate({ name: 'sim', serviceTime: {}, cores: 0 }), false);
    assert.equal(validate({ name: 'sim', serviceTime: {}, timeout: 2 }), false);
  });
  it('normalizes with defaults', () => {
    const c = parseConfig({ name: 'sim', serviceTime: { warm: 0.0259, cold: 2.5849 } });
    assert.equal(c.mode, 'container');
    assert.equal(c.routing, 'mru');
    assert.equal(c.keepAlive, 600);
    assert.equal(c.timeScale, 0, 'a virtual clock by default: instant runs');
    assert.equal(c.serviceTime.distribution, 'exponential');
  });
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['missing service times', { name: 'sim' }, /sim: missing required key "serviceTime"/],
    [
      'container without cold',
      { name: 'sim', serviceTime: { warm: 1 } },
      /sim\.serviceTime\.cold is required for mode container/,
    ],
    [
      'wasm without wasm time',
      { name: 'sim', mode: 'wasm', serviceTime: { warm: 1 } },
      /sim\.serviceTime\.wasm is required/,
    ],
    ['negative time scale', { ...detConfig, timeScale: -1 }, /sim\.timeScale must be >= 0, got -1/],
    ['unknown key', { ...detConfig, timeout: 2 }, /sim: unknown key "timeout"/],
    ['cores in container mode', { ...detConfig, cores: 2 }, /sim\.cores applies to mode wasm only/],
    [
      'cores with a real-time timeScale other than 1',
      { name: 'sim', mode: 'wasm', cores: 2, timeScale: 0.5, serviceTime: { wasm: 1 } },
      /sim\.cores needs timeScale 0 \(virtual clock\) or 1, got 0\.5/,
    ],
    ['bad routing', { ...detConfig, routing: 'lru' }, /sim\.routing must be one of mru, newest, random/],
    [
      'cv without lognormal',
      { name: 'sim', serviceTime: { warm: 1, cold: 2, cv: 1 } },
      /cv applies to distribution lognormal only/,
    ],
  ];
  for (const [label, raw, re] of bad) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => parseConfig(raw),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    });
  }
});

describe('sim platform: container mode on a fake clock', () => {
  it('replays the hand-worked scenario: cold flags, executors, exact keep-alive in spans', async () => {
    const platform = create(detConfig, context);
    const clock = fakeClock();
    await platform.setup({ routing: 'mru' }, clock);
    await platform.deploy('aes');
    const results = [];
    for (const t of [0, 0.5, 1.2, 2, 3, 4]) {
      clock.set(t);
      results.push(await platform.invoke({ workload: 'aes', input: {} }));
    }
    assert.deepEqual(
      results.map((r) => [r.status, r.platform?.cold, r.platform?.executorId]),
      [
        ['ok', true, 'sim-aes-0'],
        ['ok', true, 'sim-aes-1'],
        ['ok', false, 'sim-aes-0'],
        ['ok', false, 'sim-aes-0'],
        ['ok', false, 'sim-aes-0'],
        ['ok', false, 'sim-aes-0'],
      ],
    );
    assert.deepEqual(results[1]?.platform, {
      startAt: 0.5,
      endAt: 1.5,
      waitTime: 0,
      cold: true,
      executorId: 'sim-aes-1',
    });
    clock.set(10);
    // A ended last at 4.5 → destroyed at 5.5 once the clock passes it
    assert.deepEqual(await platform.executorSpans(), [
      { id: 'sim-aes-0', createdAt: 0, destroyedAt: 5.5, cause: 'keep-alive' },
      { id: 'sim-aes-1', createdAt: 0.5, destroyedAt: 2.5, cause: 'keep-alive' },
    ]);
    await platform.teardown();
  });

  it('setup keepAlive and maxConcurrency override the config; beyond it requests are rejected (429)', async () => {
    const platform = create(detConfig, context);
    const clock = fakeClock();
    await platform.setup({ keepAlive: 100, maxConcurrency: 1 }, clock);
    const a = await platform.invoke({ workload: 'w', input: {} });
    const b = await platform.invoke({ workload: 'w', input: {} });
    assert.equal(a.status, 'ok');
    assert.equal(b.status, 'rejected');
    assert.equal(b.httpStatus, 429);
    clock.set(50); // within keep-alive 100: warm
    assert.equal((await platform.invoke({ workload: 'w', input: {} })).platform?.cold, false);
    await platform.teardown();
  });

  it('timeScale > 0 resolves after the scaled service time; platform times stay simulated', async () => {
    const platform = create({ ...detConfig, timeScale: 0.002 }, context);
    const clock = fakeClock();
    await platform.setup({}, clock);
    clock.set(3);
    const r = await platform.invoke({ workload: 'w', input: {} });
    assert.equal(r.status, 'ok');
    assert.equal(r.platform?.endAt, 4);
    await platform.teardown();
  });

  it('an aborted request ends as timeout; teardown ends pending ones', async () => {
    const platform = create(
      { ...detConfig, timeScale: 1, serviceTime: { warm: 100, cold: 100, distribution: 'deterministic' } },
      context,
    );
    await platform.setup({}, fakeClock());
    const controller = new AbortController();
    const p = platform.invoke({ workload: 'w', input: {}, signal: controller.signal });
    controller.abort();
    assert.equal((await p).status, 'timeout');
    const q = platform.invoke({ workload: 'w', input: {} });
    await platform.teardown();
    assert.equal((await q).status, 'error');
  });

  it('describe() says it is a simulation', async () => {
    const platform = create(detConfig, context);
    const d = await platform.describe();
    assert.equal(d.name, 'sim');
    assert.equal(d.details?.simulation, true);
    assert.match(d.warnings?.[0] ?? '', /simulation, not a measurement/);
    assert.equal(platform.capabilities.coldFlag, true);
  });
});

describe('sim platform: wasm mode', () => {
  it('every request its own executor: no cold flag, no spans; same seed, same service times', async () => {
    const cfg = {
      name: 'sim',
      mode: 'wasm',
      timeScale: 0,
      serviceTime: { wasm: 0.03 },
      workloads: { aes: { wasm: 0.0308 } },
    };
    const run = async () => {
      const platform = create(cfg, context);
      const clock = fakeClock();
      await platform.setup({}, clock);
      const ends: number[] = [];
      for (let i = 0; i < 5; i++) {
        clock.set(i * 0.01);
        const r = await platform.invoke({ workload: 'aes', input: {} });
        assert.equal(r.status, 'ok');
        assert.equal(r.platform?.cold, undefined);
        ends.push(r.platform?.endAt as number);
      }
      assert.deepEqual(await platform.executorSpans(), []);
      assert.equal(platform.executor, 'wasm');
      await platform.teardown();
      return ends;
    };
    assert.deepEqual(await run(), await run());
  });
});

describe('sim platform: wasm mode with cores (processor sharing)', () => {
  it('two requests on one core share it: both end at 2·S; a later one is resolved by the timer', async () => {
    const platform = create(
      { name: 'sim', mode: 'wasm', cores: 1, serviceTime: { wasm: 0.01, distribution: 'deterministic' } },
      context,
    );
    const clock = fakeClock();
    await platform.setup({}, clock);
    const a = platform.invoke({ workload: 'w', input: {} });
    const b = platform.invoke({ workload: 'w', input: {} });
    // the simulated ends are at 0.02; move the (fake) point clock past them and let the timer fire
    clock.set(0.05);
    const [ra, rb] = await Promise.all([a, b]);
    assert.deepEqual(ra.platform, { startAt: 0, endAt: 0.02, waitTime: 0 });
    assert.deepEqual(rb.platform, { startAt: 0, endAt: 0.02, waitTime: 0 });
    const c = platform.invoke({ workload: 'w', input: {} });
    clock.set(0.1);
    assert.ok(Math.abs(((await c).platform?.endAt as number) - 0.06) < 1e-12);
    const d = await platform.describe();
    assert.match(String(d.details?.model), /M\/G\/1-PS/);
    await platform.teardown();
  });

  it('teardown settles pending requests and stops the timer', async () => {
    const platform = create({ name: 'sim', mode: 'wasm', cores: 1, serviceTime: { wasm: 100 } }, context);
    await platform.setup({}, fakeClock());
    const p = platform.invoke({ workload: 'w', input: {} });
    await platform.teardown();
    assert.equal((await p).status, 'error');
  });
});
