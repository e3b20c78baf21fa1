/**
 * A whole point against the fake OpenWhisk, through the production code path:
 * create → setup → deploy → invoke ×N → executorSpans → describe → teardown; and the error
 * table (401, unreachable, 429, never-appearing activation), with the auth key never shown.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPointClock } from '../../../core/clock.js';
import { runCleanups } from '../../../core/lifecycle.js';
import type { Platform } from '../../../core/platform.js';
import { formatError } from '../../../harness/cli/exit.js';
import { create } from '../../../platforms/openwhisk/index.js';
import type { PlatformContext } from '../../../platforms/registry.js';
import { FakeOpenWhisk } from './fake-openwhisk.js';

const AUTH =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:SECRETKEYzO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuM';
const KEY = AUTH.split(':')[1] as string;

let dir: string;
const logs: string[] = [];
const context = (): PlatformContext => ({ buildDir: dir, workDir: dir, log: (l) => logs.push(l) });

function entry(apiHost: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'openwhisk',
    mode: 'existing',
    apiHost,
    auth: AUTH,
    actions: { aes: { image: 'faasmark/aes:dev' } },
    poll: { initialDelay: 0.01, maxDelay: 0.05, maxWait: 5 },
    logJoinWait: 1,
    ...extra,
  };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fm-ow-'));
});
after(async () => {
  await runCleanups();
  await rm(dir, { recursive: true, force: true });
});

describe('openwhisk platform: a whole point against the fake API', () => {
  it('deploys, invokes non-blocking, converts records, joins the invoker log, and tears down', async () => {
    const logFile = join(dir, 'invoker-point.log');
    const fake = new FakeOpenWhisk({
      auth: AUTH,
      routing: 'mru',
      keepAlive: 30,
      coldStartMs: 40,
      runMs: 15,
      storeDelayMs: 30,
      logFile,
    });
    const apiHost = await fake.start();
    const platform: Platform = await create(entry(apiHost, { invokerLog: { file: logFile } }), context());
    try {
      const clock = createPointClock();
      await platform.setup({ keepAlive: 30, routing: 'mru', requestTimeout: 5 }, clock);
      await platform.deploy('aes');
      await platform.deploy('aes'); // idempotent
      const action = fake.actions.get('faasmark-aes') as {
        exec: { kind: string; image: string };
        limits: { memory: number };
      };
      assert.deepEqual(action.exec, { kind: 'blackbox', image: 'faasmark/aes:dev' });
      assert.equal(action.limits.memory, 256);

      // two concurrent (2 cold containers), then sequential warm ones, then the keep-alive runs out
      const results = [];
      results.push(
        ...(await Promise.all([0, 1].map(() => platform.invoke({ workload: 'aes', input: { n: 1 } })))),
      );
      for (let i = 0; i < 3; i++) results.push(await platform.invoke({ workload: 'aes', input: { n: 2 } }));
      fake.expireIdle();
      results.push(await platform.invoke({ workload: 'aes', input: { n: 3 } }));

      for (const r of results) {
        assert.equal(r.status, 'ok', r.errorMessage);
        assert.deepEqual((r.body as { ok: boolean }).ok, true);
        const p = r.platform;
        assert.ok(p?.activationId && p.startAt !== undefined && p.endAt !== undefined);
        // point seconds, not epoch ms: within the test's few seconds of the origin
        assert.ok(p.startAt > -1 && p.startAt < 30, `startAt ${p.startAt}`);
        assert.ok((p.endAt as number) >= p.startAt);
        assert.equal(p.waitTime, 0.002); // fake's waitTime 2 ms → s
        assert.ok(p.executorId, 'container joined from the invoker log');
      }
      const colds = results.map((r) => r.platform?.cold);
      assert.deepEqual(colds, [true, true, false, false, false, true]);
      assert.equal(results[0]?.platform?.initTime, 0.04); // initTime 40 ms → s
      assert.equal(results[2]?.platform?.initTime, undefined);
      // MRU fake: the sequential warm requests stay on one container
      const seq = results.slice(2, 5).map((r) => r.platform?.executorId);
      assert.equal(new Set(seq).size, 1);

      const spans = await platform.executorSpans();
      assert.equal(spans.length, 3, JSON.stringify(spans));
      const ids = new Set(results.map((r) => r.platform?.executorId));
      for (const s of spans) assert.ok(ids.has(s.id));
      const closed = spans.filter((s) => s.destroyedAt !== null);
      assert.equal(closed.length, 2, 'the two first containers were removed after the keep-alive');
      for (const s of closed) assert.ok((s.destroyedAt as number) > s.createdAt);

      const d = await platform.describe();
      assert.equal(d.executor, 'container');
      assert.deepEqual((d.details as { openwhiskBuild: unknown }).openwhiskBuild, {
        build: '2022-10-14T04:44:50Z',
        buildno: 'ef725a6',
      });
      assert.equal(d.version, 'ef725a6');
      assert.deepEqual((d.details as { coldCrossCheck: unknown }).coldCrossCheck, {
        checked: 6,
        mismatches: 0,
      });
      assert.ok(d.warnings?.some((w) => w.includes('cannot set keep-alive')));
      assert.ok(!JSON.stringify(d).includes(KEY));
    } finally {
      await platform.teardown();
      await platform.teardown(); // safe twice
      await fake.stop();
    }
  });

  it('fetches activations with bounded concurrency', async () => {
    const fake = new FakeOpenWhisk({ auth: AUTH, runMs: 5, storeDelayMs: 50 });
    const apiHost = await fake.start();
    const platform = await create(
      entry(apiHost, {
        invocation: 'polling',
        poll: { concurrency: 2, initialDelay: 0.01, maxDelay: 0.02, maxWait: 5 },
      }),
      context(),
    );
    try {
      await platform.setup({}, createPointClock());
      await platform.deploy('aes');
      const rs = await Promise.all(
        Array.from({ length: 8 }, () => platform.invoke({ workload: 'aes', input: {} })),
      );
      assert.ok(rs.every((r) => r.status === 'ok'));
      const polls = fake.requests.filter((r) => r.path.includes('/activations/')).length;
      assert.ok(polls > 8, 'records were 404 at first and polled again');
      const poller = (platform as unknown as { poller: { maxInFlight: number } }).poller;
      assert.ok(poller.maxInFlight <= 2);
    } finally {
      await platform.teardown();
      await fake.stop();
    }
  });
});

describe('openwhisk platform: error table', () => {
  it('wrong auth (401) → PlatformError at setup with the fix, key never shown', async () => {
    const fake = new FakeOpenWhisk({ auth: 'other:key0000' });
    const apiHost = await fake.start();
    const platform = await create(entry(apiHost), context());
    try {
      await assert.rejects(platform.setup({}, createPointClock()), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'FM_PLATFORM');
        assert.match(err.message, /rejected the credentials \(HTTP 401\)/);
        const text = formatError(err, true);
        assert.ok(!text.includes(KEY) && !text.includes(Buffer.from(AUTH).toString('base64')));
        assert.match(text, /FAASMARK_OW_AUTH/);
        return true;
      });
    } finally {
      await platform.teardown();
      await fake.stop();
    }
  });

  it('unreachable API host → PlatformError naming the host and the fix', async () => {
    // a port nothing listens on: start and stop a fake to get one
    const fake = new FakeOpenWhisk({ auth: AUTH });
    const apiHost = await fake.start();
    await fake.stop();
    const platform = await create(entry(apiHost), context());
    try {
      await assert.rejects(
        platform.setup({}, createPointClock()),
        (err: Error & { code?: string; hint?: string }) => {
          assert.equal(err.code, 'FM_PLATFORM');
          assert.ok(err.message.includes(apiHost) && /unreachable/.test(err.message));
          assert.match(err.hint ?? '', /apiHost/);
          assert.ok(!formatError(err, true).includes(KEY));
          return true;
        },
      );
    } finally {
      await platform.teardown();
    }
  });

  it('429 → rejected; activation never stored → timeout record after the bounded wait', async () => {
    const fake = new FakeOpenWhisk({ auth: AUTH, runMs: 300, maxConcurrent: 1 });
    const apiHost = await fake.start();
    const platform = await create(
      entry(apiHost, { invocation: 'polling', poll: { initialDelay: 0.01, maxDelay: 0.05, maxWait: 5 } }),
      context(),
    );
    try {
      await platform.setup({ requestTimeout: 5 }, createPointClock());
      await platform.deploy('aes');
      const [a, b] = await Promise.all([
        platform.invoke({ workload: 'aes', input: {} }),
        platform.invoke({ workload: 'aes', input: {} }),
      ]);
      const statuses = [a?.status, b?.status].sort();
      assert.deepEqual(statuses, ['ok', 'rejected']);
      const rejected = [a, b].find((r) => r?.status === 'rejected');
      assert.equal(rejected?.httpStatus, 429);

      fake.o.neverStore = true;
      await platform.setup({ requestTimeout: 0.3 }, createPointClock());
      const t0 = Date.now();
      const r = await platform.invoke({ workload: 'aes', input: {} });
      assert.equal(r.status, 'timeout');
      assert.ok(r.platform?.activationId);
      assert.match(r.errorMessage ?? '', /not stored within/);
      assert.ok(Date.now() - t0 < 3000, 'bounded wait');
    } finally {
      await platform.teardown();
      await fake.stop();
    }
  });

  it("blocking invoke: the client's time is the activation's, not a poll schedule's or a log join's", async () => {
    // records reach the activation store 400 ms late and the log join may wait 1 s: a polled
    // request would be done ≥ 400 ms after its end; a blocking one is answered at its end
    const fake = new FakeOpenWhisk({ auth: AUTH, runMs: 20, coldStartMs: 10, storeDelayMs: 400 });
    const apiHost = await fake.start();
    const platform = await create(entry(apiHost, { logJoinWait: 1 }), context());
    try {
      const clock = createPointClock();
      await platform.setup({ requestTimeout: 5 }, clock);
      await platform.deploy('aes');
      for (let i = 0; i < 3; i++) {
        const sentAt = clock.now();
        const r = await platform.invoke({ workload: 'aes', input: {} });
        assert.equal(r.status, 'ok');
        const answered = (r.receivedAt ?? Number.NaN) - sentAt;
        const server = (r.platform?.endAt ?? 0) - (r.platform?.startAt ?? 0);
        assert.ok(answered < 0.3, `answered after ${answered} s (server time ${server} s)`);
        assert.ok(answered >= server - 0.005, `answered ${answered} s, server ${server} s`);
      }
      assert.equal(fake.requests.filter((q) => q.path.includes('/activations/')).length, 0, 'no polls');
      // forceCold: an action update makes a new revision, which no warm container matches
      const warm = await platform.invoke({ workload: 'aes', input: {} });
      assert.equal(warm.platform?.cold, false);
      await platform.forceCold?.('aes');
      const cold = await platform.invoke({ workload: 'aes', input: {} });
      assert.equal(cold.platform?.cold, true);
    } finally {
      await platform.teardown();
      await fake.stop();
    }
  });

  it('an undeployed workload is a ConfigError naming the config key', async () => {
    const fake = new FakeOpenWhisk({ auth: AUTH });
    const apiHost = await fake.start();
    const platform = await create(entry(apiHost), context());
    try {
      await platform.setup({}, createPointClock());
      await assert.rejects(platform.deploy('matmul'), /no OpenWhisk action configured for workload "matmul"/);
    } finally {
      await platform.teardown();
      await fake.stop();
    }
  });

  it('the key never reaches records, descriptions or logs', async () => {
    const fake = new FakeOpenWhisk({ auth: AUTH });
    const apiHost = await fake.start();
    const platform = await create(entry(apiHost), context());
    try {
      await platform.setup({}, createPointClock());
      await platform.deploy('aes');
      const r = await platform.invoke({ workload: 'aes', input: {} });
      const all = JSON.stringify([r, await platform.describe(), logs]);
      assert.ok(!all.includes(KEY));
    } finally {
      await platform.teardown();
      await fake.stop();
    }
  });
});
