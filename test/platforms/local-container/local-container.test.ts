/**
 * local-container: cold/warm records, exact keep-alive, routing (a deterministic
 * MRU scenario with a known answer), limits, crash/hang recovery, ownership of every child
 * process. Executors are real OS processes running test/fixtures/action-server.mjs (the
 * Docker executor has its own tests: docker.test.ts).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { ConfigError } from '../../../core/errors.js';
import { runCleanups } from '../../../core/lifecycle.js';
import { compile } from '../../../core/validate.js';
import { configSchema, parseConfig } from '../../../platforms/local-container/config.js';
import { create, type LocalContainerPlatform } from '../../../platforms/local-container/index.js';
import { assertAesRoundTrip, at, context, fixtureWorkload, pidsWith } from './helpers.js';

after(async () => {
  await runCleanups();
});

/** A pool of OS-process executors running the fixture server tagged `tag`. */
async function platform(
  tag: string,
  extra: Record<string, unknown> = {},
  args: string[] = [],
): Promise<LocalContainerPlatform> {
  return (await create(
    { name: 'local-container', executor: 'process', workloads: { fx: fixtureWorkload(tag, args) }, ...extra },
    context,
  )) as LocalContainerPlatform;
}

describe('local-container config', () => {
  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['negative keep-alive', { keepAlive: -1 }, /local-container\.keepAlive must be >= 0, got -1/],
    ['unknown routing', { routing: 'lru' }, /routing must be one of mru, newest, random/],
    ['zero max concurrency', { maxConcurrency: 0 }, /maxConcurrency must be >= 1, got 0/],
    ['bad executor', { executor: 'vm' }, /executor must be one of auto, process, docker/],
    ['bad memory', { docker: { memory: 2 } }, /docker\.memory must be >= 6, got 2/],
    [
      'user memory below memory',
      { docker: { memory: 512, userMemory: 256 } },
      /docker\.userMemory must be >= docker\.memory \(512\), got 256/,
    ],
    ['negative pause grace', { docker: { pauseGrace: -1 } }, /docker\.pauseGrace must be >= 0, got -1/],
    [
      'bad address',
      { docker: { address: 'host' } },
      /docker\.address must be one of auto, bridge, published/,
    ],
    ['old image key', { image: 'x' }, /unknown key "image"/],
    [
      'unknown key',
      { keepalive: 3 },
      /local-container: unknown key "keepalive" \(did you mean "keepAlive"\?\)/,
    ],
    ['bad overflow', { overflow: 'drop' }, /overflow must be one of reject, queue/],
    ['workload without artifact', { workloads: { w: {} } }, /workloads\.w needs wasm or native/],
    [
      'workload native without command',
      { workloads: { w: { native: { args: [] } } } },
      /workloads\.w\.native: missing required key "command"/,
    ],
    [
      'workload args not strings',
      { workloads: { w: { native: { command: 'x', args: [1] } } } },
      /native\.args\[0\] must be string, got 1/,
    ],
  ];
  for (const [name, cfg, re] of bad) {
    test(`rejects ${name}`, async () => {
      await assert.rejects(create({ name: 'local-container', ...cfg }, context), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, re);
        return true;
      });
    });
  }
  test("configSchema compiles with the suite loader's ajv and agrees with the normaliser", () => {
    const validate = compile(configSchema);
    const good = {
      name: 'local-container',
      keepAlive: 10,
      routing: 'random',
      seed: 3,
      maxConcurrency: 4,
      overflow: 'queue',
      executor: 'docker',
      docker: {
        memory: 128,
        userMemory: 1024,
        pauseGrace: 0.05,
        address: 'published',
        images: { python: 'p:1' },
      },
      workloads: { w: { native: { command: '/bin/x', args: ['a'] } } },
    };
    assert.equal(validate(good), true, JSON.stringify(validate.errors));
    assert.doesNotThrow(() => parseConfig(good));
    for (const bad of [
      { keepAlive: -1 },
      { routing: 'lru' },
      { maxConcurrency: 0 },
      { nope: 1 },
      { workloads: { w: { native: {} } } },
    ]) {
      assert.equal(validate({ name: 'local-container', ...bad }), false, JSON.stringify(bad));
      assert.throws(() => parseConfig({ name: 'local-container', ...bad }), ConfigError);
    }
  });

  test('schema declares every option the normaliser accepts', () => {
    assert.deepEqual(Object.keys(configSchema.properties).sort(), [
      'bodyLimitBytes',
      'docker',
      'executor',
      'keepAlive',
      'maxConcurrency',
      'name',
      'overflow',
      'port',
      'queueLimit',
      'requestTimeout',
      'routing',
      'seed',
      'startTimeout',
      'workloads',
    ]);
  });

  test('defaults: executor auto, OpenWhisk keep-alive (610 s), 256 MB actions in a 2048 MB invoker, 10 s pause grace', () => {
    const c = parseConfig({ name: 'local-container' });
    assert.equal(c.executor, 'auto');
    assert.equal(c.keepAlive, 610);
    assert.deepEqual(c.docker, {
      images: { action: 'faasmark/action-base:bookworm', python: 'faasmark/python-base:3.11' },
      memory: 256,
      userMemory: 2048,
      pauseGrace: 10,
      address: 'auto',
    });
  });
});

describe('local-container pool', () => {
  test('first request cold-starts an executor, the next is warm on the same one; records are consistent', async () => {
    const tag = randomUUID();
    const p = await platform(tag, { keepAlive: 30 });
    const clock = createPointClock();
    await p.setup({}, clock);
    await p.deploy('fx');
    const a = await p.invoke({ workload: 'fx', input: { n: 1 } });
    const b = await p.invoke({ workload: 'fx', input: { n: 2 } });
    assert.equal(a.status, 'ok');
    assert.deepEqual((a.body as { echo: unknown }).echo, { n: 1 });
    assert.equal(a.platform?.cold, true);
    assert.ok((a.platform?.initTime ?? 0) > 0, 'a cold start reports its init time');
    assert.equal(b.platform?.cold, false);
    assert.equal(b.platform?.initTime, undefined, 'initTime only on cold starts');
    assert.equal(b.platform?.executorId, a.platform?.executorId);
    assert.equal(
      (b.body as { pid: number }).pid,
      (a.body as { pid: number }).pid,
      'same OS process served both',
    );
    // PlatformSide semantics (core/records.ts): endAt - startAt includes initTime
    const pa = a.platform!;
    assert.ok(pa.endAt! - pa.startAt! >= pa.initTime!);
    assert.ok(pa.startAt! >= 0 && pa.endAt! <= clock.now());
    const spans = await p.executorSpans();
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.destroyedAt, null, 'still alive');
    assert.ok(spans[0]!.readyAt! > spans[0]!.createdAt);
    assert.equal(pidsWith(tag).length, 1);
    await p.teardown();
    assert.deepEqual(pidsWith(tag), [], 'teardown stops every executor process');
    const closed = await p.executorSpans();
    assert.equal(closed[0]!.cause, 'teardown');
    await p.teardown(); // safe twice
  });

  test('an executor idle for keepAlive after its last request ends is destroyed (cause keep-alive)', async () => {
    const tag = randomUUID();
    const keepAlive = 0.3;
    const p = await platform(tag, { keepAlive });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const r = await p.invoke({ workload: 'fx', input: {} });
    await new Promise<void>((resolve) => setTimeout(resolve, keepAlive * 1000 + 400));
    const [span] = await p.executorSpans();
    assert.equal(span?.cause, 'keep-alive');
    // the timer starts at the end of the last request: it cannot fire earlier than keepAlive after it
    assert.ok(
      span!.destroyedAt! - r.platform!.endAt! >= keepAlive - 0.002,
      'destroyed no earlier than keepAlive',
    );
    assert.equal(p.liveExecutors('fx'), 0);
    assert.deepEqual(pidsWith(tag), []);
    assert.equal(p.stats().expired, 1);
    await p.teardown();
  });

  /**
   * Known answer: two executors exist (E1 created first and busy longer, so it is the most
   * recently used; E2 created second). Then one short request every 0.25 s for 2 s with
   * keep-alive 1 s: MRU keeps choosing E1, so E2 expires; `newest` keeps choosing E2, so E1
   * expires. Gaps between requests (0.25 s) are far below the keep-alive (1 s), and the idle
   * executor's last use is ≥ 2 s before the end, so the answer does not depend on timing noise.
   */
  async function scenario(routing: 'mru' | 'newest' | 'random') {
    const tag = randomUUID();
    const p = await platform(tag, { keepAlive: 1, routing, seed: 7 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const [first, second] = await Promise.all([
      p.invoke({ workload: 'fx', input: { sleepMs: 600 } }),
      p.invoke({ workload: 'fx', input: { sleepMs: 50 } }),
    ]);
    const e1 = first.platform!.executorId!;
    const e2 = second.platform!.executorId!;
    assert.notEqual(e1, e2);
    const used: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 8; i++) {
      await at(t0, 0.25 * i);
      const r = await p.invoke({ workload: 'fx', input: { sleepMs: 10 } });
      assert.equal(r.platform?.cold, false, 'an idle executor always exists');
      used.push(r.platform!.executorId!);
    }
    const spans = await p.executorSpans();
    await p.teardown();
    const cause = (id: string) => {
      const span = spans.find((s) => s.id === id);
      return span?.destroyedAt === null ? 'alive' : span?.cause;
    };
    return { e1, e2, used, cause, spans };
  }

  test('MRU routing lets the less recently used executor expire (deterministic scenario)', async () => {
    const mru = await scenario('mru');
    assert.deepEqual(new Set(mru.used), new Set([mru.e1]), 'MRU sends every request to E1');
    assert.equal(mru.cause(mru.e2), 'keep-alive', 'E2 expired');
    assert.equal(mru.cause(mru.e1), 'alive', 'E1 lived to the end');
  });

  test('newest routing differs: it keeps the newest executor and lets the older expire', async () => {
    const newest = await scenario('newest');
    assert.deepEqual(new Set(newest.used), new Set([newest.e2]));
    assert.equal(newest.cause(newest.e1), 'keep-alive');
    assert.equal(newest.cause(newest.e2), 'alive');
  });

  test('random routing (seeded) spreads requests over both idle executors', async () => {
    const random = await scenario('random');
    // seed 7: both executors are chosen at least once among 8 uniform choices (P = 1 - 2/2^8)
    assert.equal(new Set(random.used).size, 2);
  });

  test('maxConcurrency with overflow reject answers 429 and records the rejection', async () => {
    const p = await platform(randomUUID(), { maxConcurrency: 1 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const slow = p.invoke({ workload: 'fx', input: { sleepMs: 400 } });
    await new Promise<void>((resolve) => setTimeout(resolve, 150));
    const rejected = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.httpStatus, 429);
    assert.equal((await slow).status, 'ok');
    assert.equal(p.stats().rejected, 1);
    await p.teardown();
  });

  test('maxConcurrency with overflow queue serves queued requests on the freed executor', async () => {
    const p = await platform(randomUUID(), { maxConcurrency: 1, overflow: 'queue', queueLimit: 1 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const results = await Promise.all([
      p.invoke({ workload: 'fx', input: { sleepMs: 200 } }),
      p.invoke({ workload: 'fx', input: {} }),
      p.invoke({ workload: 'fx', input: {} }),
    ]);
    assert.deepEqual(
      results.map((r) => r.status).sort(),
      ['ok', 'ok', 'rejected'],
      'one executor + one queue slot: the third is rejected',
    );
    const queued = results.find((r) => r.status === 'ok' && r.platform?.cold === false);
    assert.ok(queued, 'the queued request ran warm on the freed executor');
    assert.ok(queued.platform!.waitTime! > 0.1, 'its wait covers the first request');
    await p.teardown();
  });

  test('a queued request gets a new executor when the busy one crashes (maxConcurrency 1)', async () => {
    const tag = randomUUID();
    const p = await platform(tag, { maxConcurrency: 1, overflow: 'queue' });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const crashing = p.invoke({ workload: 'fx', input: { sleepMs: 100, crash: true } });
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
    const queued = await p.invoke({ workload: 'fx', input: {} });
    assert.equal((await crashing).status, 'error');
    assert.equal(queued.status, 'ok');
    assert.equal(queued.platform?.cold, true, 'a replacement was cold-started for it');
    assert.equal(p.liveExecutors('fx'), 1, 'never more than maxConcurrency executors');
    await p.teardown();
  });

  test('a crashing executor gives an error record, is replaced, and the run continues', async () => {
    const tag = randomUUID();
    const p = await platform(tag);
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    await p.invoke({ workload: 'fx', input: {} });
    const crash = await p.invoke({ workload: 'fx', input: { crash: true } });
    assert.equal(crash.status, 'error');
    assert.equal(crash.httpStatus, 502);
    const next = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(next.status, 'ok');
    assert.equal(next.platform?.cold, true, 'a new executor replaced the crashed one');
    assert.notEqual(next.platform?.executorId, crash.platform?.executorId);
    const spans = await p.executorSpans();
    assert.equal(spans.find((s) => s.id === crash.platform?.executorId)?.cause, 'crash');
    assert.equal(p.stats().crashes, 1);
    assert.equal(pidsWith(tag).length, 1);
    await p.teardown();
  });

  test('a hanging executor times out, is killed and replaced', async () => {
    const tag = randomUUID();
    const p = await platform(tag, { requestTimeout: 0.3 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const hung = await p.invoke({ workload: 'fx', input: { hang: true } });
    assert.equal(hung.status, 'timeout');
    assert.equal(hung.httpStatus, 504);
    assert.equal(pidsWith(tag).length, 0, 'the hung process was killed');
    const next = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(next.status, 'ok');
    assert.equal(p.stats().timeouts, 1);
    await p.teardown();
  });

  test('a failing cold start gives an error record and is counted', async () => {
    const tag = randomUUID();
    const p = await platform(tag, {}, ['--crash-on-init']);
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const r = await p.invoke({ workload: 'fx', input: {} });
    assert.equal(r.status, 'error');
    assert.match(r.errorMessage ?? '', /cold start failed/);
    assert.equal(p.stats().startFailures, 1);
    assert.deepEqual(pidsWith(tag), []);
    await p.teardown();
  });

  test('the endpoint caps request bodies (413) and rejects non-JSON (400)', async () => {
    const p = await platform(randomUUID(), { bodyLimitBytes: 64 });
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    const big = await fetch(`${p.url}/fx`, {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(200) }),
    });
    assert.equal(big.status, 413);
    const junk = await fetch(`${p.url}/fx`, { method: 'POST', body: '{not json' });
    assert.equal(junk.status, 400);
    const missing = await fetch(`${p.url}/nope`, { method: 'POST', body: '{}' });
    assert.equal(missing.status, 404);
    await p.teardown();
  });

  test('SIGINT-style cleanup (runCleanups) stops executors of a platform never torn down', async () => {
    const tag = randomUUID();
    const p = await platform(tag);
    await p.setup({}, createPointClock());
    await p.deploy('fx');
    await Promise.all([0, 1, 2].map(() => p.invoke({ workload: 'fx', input: { sleepMs: 50 } })));
    assert.equal(pidsWith(tag).length, 3);
    await runCleanups();
    assert.deepEqual(pidsWith(tag), []);
  });

  test('a workload without an action server is a BuildError naming the fix', async () => {
    const p = await create(
      { name: 'local-container', executor: 'process', workloads: { w: { wasm: 'x.wasm' } } },
      context,
    );
    await p.setup({}, createPointClock());
    await assert.rejects(p.deploy('w'), /has no action server/);
    await p.teardown();
  });

  const aesBuilt = existsSync(`${context.buildDir}/aes/native/aes-server`);
  test('serves the real aes workload', {
    skip: aesBuilt ? false : 'aes not built (npm run build:workloads)',
  }, async () => {
    const p = await create({ name: 'local-container', executor: 'process' }, context);
    await assertAesRoundTrip(p);
  });
});
