import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FaasmarkError } from '../../core/errors.js';
import { runCleanups } from '../../core/lifecycle.js';
import type { Platform } from '../../core/platform.js';
import { runSuite } from '../../harness/engine/runner.js';
import { validateSuite } from '../../harness/suite/load.js';
import { schemaProblems } from '../../results/schemas.js';
import type { PointSummary, RunManifest, RunSummary } from '../../results/types.js';
import type { FakePlatform } from './fakes/fake-platform.js';
import { fakeResolver } from './fakes/resolver.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'fm-run-'));
  dirs.push(d);
  return d;
}
after(async () => {
  await runCleanups();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const RAW = {
  name: 'tiny',
  seed: 7,
  arrivals: 'poisson',
  warmup: '200ms',
  duration: '800ms',
  drainTimeout: '2s',
  requestTimeout: '2s',
  arrivalRate: 20,
  keepAlive: [0.2, 1],
  workloads: ['aes'],
  // profile gaps: 150 ms, capped at keepAlive / 2 = 100 ms for the 0.2 s point
  modelInputs: { runs: 2, spacing: '150ms' },
  // a short point has large sampling noise in its count: judge integrity loosely here
  thresholds: { maxRateShortfall: 0.5, errorBudget: 0.2 },
  platforms: [{ name: 'local-container', routing: 'mru' }, { name: 'local-wasm' }],
};

function readJsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

describe('runSuite with fake platforms', () => {
  it('runs every point, writes the results layout, and everything validates against the published schemas', async () => {
    const created: Platform[] = [];
    const resolver = fakeResolver({ warm: 0.01, cold: 0.03, clientOverhead: 0.004 }, created);
    const suite = await validateSuite(structuredClone(RAW), { file: 'tiny.yaml', resolver });
    const out = join(tmp(), 'run');
    const res = await runSuite({ suite, out, resolver });
    assert.deepEqual(
      res.plan.map((p) => p.id),
      [
        'local-container.aes.rate20.ka0.2.rep0',
        'local-container.aes.rate20.ka1.rep0',
        'local-wasm.aes.rate20.rep0',
      ],
    );
    // one instance per consecutive platform entry, all torn down
    assert.equal(created.length, 2);
    assert.ok(created.every((p) => (p as FakePlatform).tornDown >= 1));
    assert.deepEqual(
      (created[0] as FakePlatform).setups.map((s) => s.keepAlive),
      [0.2, 1],
    );

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as RunManifest;
    assert.deepEqual(schemaProblems('manifest', manifest), []);
    assert.equal(manifest.seed, 7);
    assert.ok(manifest.host.cores >= 1);
    assert.equal(manifest.platforms[0]?.version, 'fake-1');

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    assert.deepEqual(schemaProblems('run-summary', summary), []);
    assert.equal(summary.points.length, 3);
    for (const p of summary.points) {
      const dir = join(out, 'points', p.pointId);
      const point = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as PointSummary;
      assert.deepEqual(schemaProblems('point-summary', point), []);
      assert.equal(point.status, 'complete');
      const c = point.requests;
      assert.equal(c.sent, c.ok + c.error + c.timeout + c.rejected, 'books balance');
      const records = readJsonl(join(dir, 'requests.jsonl'));
      for (const r of records.slice(0, 20)) assert.deepEqual(schemaProblems('request-record', r), []);
      const measuredRecords = records.filter((r) => !(r as { warmup: boolean }).warmup);
      assert.equal(measuredRecords.length, c.sent);
      for (const s of readJsonl(join(dir, 'executors.jsonl')))
        assert.deepEqual(schemaProblems('executor-span', s), []);
      assert.ok(point.ks && point.ks.n > 0);
      assert.ok(point.modelInputs?.source.startsWith('profile through fake'));
      assert.equal(point.modelInputs?.spacing, point.keepAlive === 0.2 ? 0.1 : 0.15);
      if (point.executor === 'container') {
        assert.equal(point.primaryModel, 'smp');
        assert.ok(typeof point.predicted.respTime === 'number');
        assert.ok(typeof point.measured.totalExecutors === 'number');
        assert.ok(point.models?.simulator && typeof point.models.simulator.coldProb === 'number');
        assert.ok(typeof point.error.respTime === 'number');
        // the fake reports platform times: the SMP is fed the platform clock, and the client
        // respTime is bridged by the profiled overhead (the fake adds 4 ms after endAt; a timer
        // never fires early by more than its 1 ms granularity)
        const mi = point.modelInputs;
        assert.equal(mi?.clock, 'platform');
        assert.ok((mi?.clientOverhead ?? 0) >= 0.003, `clientOverhead ${mi?.clientOverhead}`);
        const pc = point.platformComparison;
        assert.ok(pc && typeof pc.predicted === 'number' && typeof pc.measured === 'number');
        assert.equal(pc.predicted + (mi?.clientOverhead ?? Number.NaN), point.predicted.respTime);
        assert.equal(pc.measured, point.platformRespTime?.mean);
      } else {
        assert.equal(point.keepAlive, null);
        assert.equal(point.primaryModel, 'mginf');
        assert.ok(typeof point.measured.inFlight === 'number');
        assert.ok(point.models?.capacity);
        assert.equal('coldProb' in point.measured, false);
        assert.equal(point.modelInputs?.clock, 'client');
        assert.equal(point.platformComparison, undefined);
      }
    }
    assert.ok(!existsSync(join(out, 'points', '.local-wasm.aes.rate20.rep0.partial')));
  });

  it('--resume skips complete points and reruns the rest; a fresh run refuses a used directory', async () => {
    const resolver = fakeResolver({ warm: 0.01, cold: 0.02 });
    const suite = await validateSuite(
      { ...structuredClone(RAW), keepAlive: 1, platforms: [{ name: 'local-container' }] },
      { file: 't.yaml', resolver },
    );
    const out = join(tmp(), 'run');
    await runSuite({ suite, out, resolver });
    await assert.rejects(runSuite({ suite, out, resolver }), /already holds results/);
    const again = await runSuite({ suite, out, resolver, resume: true });
    assert.deepEqual(again.skipped, ['local-container.aes.rate20.ka1.rep0']);
  });

  it('an interrupt marks the point incomplete, tears the platform down, and resume reruns it', async () => {
    const created: Platform[] = [];
    const resolver = fakeResolver({ warm: 0.01, cold: 0.02 }, created);
    const suite = await validateSuite(
      {
        ...structuredClone(RAW),
        duration: '5s',
        keepAlive: 1,
        // calls back to back: the interrupt at 600 ms lands in the open loop, not the profile
        modelInputs: { runs: 2, spacing: 0 },
        platforms: [{ name: 'local-container' }],
      },
      { file: 't.yaml', resolver },
    );
    const out = join(tmp(), 'run');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    await assert.rejects(
      runSuite({ suite, out, resolver, signal: controller.signal }),
      (e: unknown) => e instanceof FaasmarkError && e.code === 'FM_ABORTED',
    );
    assert.equal((created[0] as FakePlatform).tornDown, 1);
    const point = JSON.parse(
      readFileSync(join(out, 'points', 'local-container.aes.rate20.ka1.rep0', 'summary.json'), 'utf8'),
    ) as PointSummary;
    assert.deepEqual(schemaProblems('point-summary', point), []);
    assert.equal(point.status, 'incomplete');
    assert.equal(point.valid, false);
    const c = point.requests;
    assert.equal(c.sent, c.ok + c.error + c.timeout + c.rejected);
    assert.ok((point.unsent ?? 0) > 0);
    const short = await validateSuite(
      { ...structuredClone(RAW), keepAlive: 1, platforms: [{ name: 'local-container' }] },
      { file: 't.yaml', resolver },
    );
    const resumed = await runSuite({ suite: short, out, resolver, resume: true });
    assert.deepEqual(resumed.skipped, []);
    assert.equal(resumed.summary.points[0]?.status, 'complete');
  });

  it("an interrupt in the profile's idle gaps ends the wait, marks the point incomplete, and resume reruns it", async () => {
    const created: Platform[] = [];
    const resolver = fakeResolver({ warm: 0.01, cold: 0.02 }, created);
    const raw = {
      ...structuredClone(RAW),
      keepAlive: 60,
      modelInputs: { runs: 2, spacing: '30s' }, // gaps of 30 s: never waited out
      platforms: [{ name: 'local-container' }],
    };
    const suite = await validateSuite(raw, { file: 't.yaml', resolver });
    const out = join(tmp(), 'run');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(
      runSuite({ suite, out, resolver, signal: controller.signal }),
      (e: unknown) => e instanceof FaasmarkError && e.code === 'FM_ABORTED',
    );
    assert.equal((created[0] as FakePlatform).tornDown, 1);
    // the cold call, then the abort inside the first gap: no further call was made
    assert.equal((created[0] as FakePlatform).invocations, 1);
    const point = JSON.parse(
      readFileSync(join(out, 'points', 'local-container.aes.rate20.ka60.rep0', 'summary.json'), 'utf8'),
    ) as PointSummary;
    assert.deepEqual(schemaProblems('point-summary', point), []);
    assert.equal(point.status, 'incomplete');
    assert.deepEqual(point.invalidReasons, ['interrupted (signal)']);
    assert.equal(point.requests.sent, 0);
    const short = await validateSuite(
      { ...raw, modelInputs: { runs: 2, spacing: '50ms' } },
      { file: 't.yaml', resolver },
    );
    const resumed = await runSuite({ suite: short, out, resolver, resume: true });
    assert.deepEqual(resumed.skipped, []);
    assert.equal(resumed.summary.points[0]?.status, 'complete');
  });

  it('a platform that fails every request yields an invalid point with the reason, not a result', async () => {
    const resolver = fakeResolver({ warm: 0.01, cold: 0.01 });
    const suite = await validateSuite(
      {
        ...structuredClone(RAW),
        keepAlive: 1,
        thresholds: { errorBudget: 0.01 },
        platforms: [{ name: 'local-container' }],
      },
      { file: 't.yaml', resolver },
    );
    const out = join(tmp(), 'run');
    // kill executors continuously: requests fail, the books still balance
    const origCreate = resolver.create;
    let fake: FakePlatform | undefined;
    resolver.create = async (...args) => {
      fake = (await origCreate(...args)) as FakePlatform;
      return fake;
    };
    const killer = setInterval(() => fake?.killBusyExecutor(), 2);
    try {
      const res = await runSuite({ suite, out, resolver, signal: new AbortController().signal }).catch(
        (e) => e,
      );
      if (res instanceof Error) {
        // profiling hit a killed executor: that is a PlatformError naming the call
        assert.match(res.message, /profiling aes on fake/);
        return;
      }
      const p = res.summary.points[0] as PointSummary;
      assert.equal(
        p.requests.sent,
        p.requests.ok + p.requests.error + p.requests.timeout + p.requests.rejected,
      );
      if (p.requests.error / p.requests.sent > 0.01) {
        assert.equal(p.valid, false);
        assert.ok(p.invalidReasons.some((r) => /error budget exceeded/.test(r)));
      }
    } finally {
      clearInterval(killer);
    }
  });
});

describe('runSuite with the real sim platform', () => {
  it('measures the simulated system through the Platform interface; books balance; spans give totals', async () => {
    const suite = await validateSuite(
      {
        name: 'sim-run',
        seed: 3,
        warmup: '500ms',
        duration: '1500ms',
        arrivalRate: 40,
        keepAlive: 0.5,
        workloads: ['aes'],
        modelInputs: { source: 'given', given: { aes: { warm: 0.02, cold: 0.2 } } },
        thresholds: { maxRateShortfall: 0.5, errorBudget: 0.2 },
        platforms: [{ name: 'sim', serviceTime: { warm: 0.02, cold: 0.2 }, timeScale: 0 }],
      },
      { file: 'sim.yaml' },
    );
    const out = join(tmp(), 'run');
    const res = await runSuite({ suite, out });
    const p = res.summary.points[0] as PointSummary;
    assert.deepEqual(schemaProblems('point-summary', p), []);
    assert.equal(
      p.requests.sent,
      p.requests.ok + p.requests.error + p.requests.timeout + p.requests.rejected,
    );
    assert.equal(p.modelInputs?.source, 'given in the suite (modelInputs.given)');
    for (const k of ['coldProb', 'running', 'totalExecutors', 'idle'] as const) {
      assert.equal(typeof p.measured[k], 'number', `${k} observed through the sim platform`);
    }
    assert.ok((p.measured.totalExecutors ?? 0) >= (p.measured.running ?? 0));
  });
});
