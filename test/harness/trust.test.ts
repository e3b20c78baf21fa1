/**
 * Every number means what it says (docs/engine.md "Provenance", "Platform health", "Model
 * error and sampling noise"): provenance read after setup, the settings in effect and the
 * platform's real limits fed to the models, a dying platform named in its point.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { solveCores } from '../../analysis/models/capacity.js';
import { smpMetrics, solveSmp } from '../../analysis/models/smp.js';
import { runCleanups } from '../../core/lifecycle.js';
import { runSuite } from '../../harness/engine/runner.js';
import { validateSuite } from '../../harness/suite/load.js';
import { schemaProblems } from '../../results/schemas.js';
import type { PointSummary, RunManifest } from '../../results/types.js';
import { latencies, makeRun } from '../analysis/report/fixture-run.js';
import { runCli } from '../helpers/cli.js';
import { pointSummary } from '../helpers/point-summary.js';
import { fakeSpinBinary, fixtureApp } from '../platforms/spin/helpers.js';
import type { FakeOptions } from './fakes/fake-platform.js';
import { fakeResolver } from './fakes/resolver.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'fm-trust-'));
  dirs.push(d);
  return d;
}
after(async () => {
  await runCleanups();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const GIVEN = { aes: { warm: 0.01, cold: 0.05, wasm: 0.012 } };

/** A short run of one fake platform entry; returns its manifest and point summaries. */
async function runFake(opts: FakeOptions, raw: Record<string, unknown> = {}) {
  const resolver = fakeResolver(opts);
  const suite = await validateSuite(
    {
      name: 'trust',
      warmup: '100ms',
      duration: '600ms',
      drainTimeout: '2s',
      requestTimeout: '2s',
      arrivalRate: 20,
      keepAlive: 1,
      workloads: ['aes'],
      modelInputs: { source: 'given', given: GIVEN },
      thresholds: { maxRateShortfall: 0.9, errorBudget: 0.9, minRequests: 1 },
      platforms: [{ name: 'local-container' }],
      ...raw,
    },
    { file: 'trust.yaml', resolver },
  );
  const out = join(tmp(), 'run');
  const res = await runSuite({ suite, out, resolver });
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as RunManifest;
  const points = res.plan.map(
    (p) => JSON.parse(readFileSync(join(out, 'points', p.id, 'summary.json'), 'utf8')) as PointSummary,
  );
  return { manifest, points, out, res };
}

describe('provenance is read after setup and deploy', () => {
  it('records the version and the settings in effect, nominal beside applied, and feeds the applied ones to the models', async () => {
    const { manifest, points } = await runFake({
      version: 'fake-9.1',
      applyKeepAlive: () => 610, // like an OpenWhisk invoker that keeps its own setting
      limit: 8,
    });
    assert.deepEqual(schemaProblems('manifest', manifest), []);
    const entry = manifest.platforms[0];
    assert.equal(entry?.version, 'fake-9.1');
    assert.equal(entry?.applied?.keepAlive, 610);
    const [p] = points;
    assert.ok(p);
    assert.deepEqual(schemaProblems('point-summary', p), []);
    assert.deepEqual(p.provenance?.nominal, { keepAlive: 1, routing: null, maxConcurrency: null });
    assert.equal(p.provenance?.applied.keepAlive, 610);
    assert.equal(p.provenance?.applied.maxConcurrency, 8);
    // the SMP ran at the applied keep-alive and the platform's own concurrency limit
    const expected = smpMetrics(
      solveSmp({ arrivalRate: 20, warm: 0.01, cold: 0.05, keepAlive: 610, maxConcurrency: 8 }),
    );
    assert.equal(p.predicted.coldProb, expected.coldProb);
    assert.ok(p.notes?.some((n) => n.includes('applied 610 s (asked 1 s)')));
    // every measured metric carries its CI and a judgement of its error against it
    assert.ok(p.measuredCi?.respTime && p.measuredCi.respTime.lo <= (p.measured.respTime ?? 0));
    assert.equal(p.assessment?.respTime?.scoring, 'relative');
    assert.equal(typeof p.assessment?.respTime?.insideCi, 'boolean');
  });

  it("feeds a Wasm platform's own core count to the capacity model", async () => {
    const { points } = await runFake(
      { cores: 3 },
      { platforms: [{ name: 'local-wasm' }], keepAlive: undefined },
    );
    const [p] = points;
    const expected = solveCores({ arrivalRate: 20, serviceTime: 0.012, cores: 3 });
    assert.equal(p?.models?.capacity?.respTime, expected.meanResponseTime);
    assert.equal(p?.provenance?.applied.cores, 3);
  });
});

describe('a platform that fails is named in its point, and the run goes on', () => {
  it('dies mid-point: the point is invalid with the reason, the summary is written, the next point gets a fresh platform', async () => {
    const created: unknown[] = [];
    const resolver = fakeResolver({ dieAfter: 0.3 }, created as never[]);
    const suite = await validateSuite(
      {
        name: 'dies',
        warmup: '100ms',
        duration: '600ms',
        drainTimeout: '2s',
        requestTimeout: '2s',
        arrivalRate: 20,
        keepAlive: [1, 2],
        workloads: ['aes'],
        modelInputs: { source: 'given', given: GIVEN },
        thresholds: { maxRateShortfall: 0.9, errorBudget: 1, minRequests: 1 },
        platforms: [{ name: 'local-container' }],
      },
      { file: 'dies.yaml', resolver },
    );
    const out = join(tmp(), 'run');
    const res = await runSuite({ suite, out, resolver });
    assert.equal(res.summary.points.length, 2);
    for (const p of res.summary.points) {
      assert.equal(p.valid, false);
      assert.ok(
        p.invalidReasons.some(
          (r) => r === 'platform failed during the point: fake platform exited with code 101 at 0.3 s',
        ),
        p.invalidReasons.join('; '),
      );
    }
    assert.equal(created.length, 2, 'the failed platform was replaced for the second point');
  });

  it('fails while profiling: the point is written as failed with the reason, and the next point still runs', async () => {
    const resolver = fakeResolver({ failEvery: 1 });
    const suite = await validateSuite(
      {
        name: 'profile-fails',
        warmup: '0s',
        duration: '200ms',
        arrivalRate: 10,
        keepAlive: [1, 2],
        workloads: ['aes'],
        modelInputs: { runs: 1, priming: 0, coldRuns: 1, spacing: '10ms' },
        platforms: [{ name: 'local-container' }],
      },
      { file: 'pf.yaml', resolver },
    );
    const out = join(tmp(), 'run');
    const res = await runSuite({ suite, out, resolver });
    assert.deepEqual(
      res.summary.points.map((p) => p.status),
      ['failed', 'failed'],
    );
    const [p] = res.summary.points;
    assert.match(
      p?.invalidReasons[0] ?? '',
      /platform failed before the load: profiling aes on fake: 5 attempts/,
    );
    assert.deepEqual(schemaProblems('point-summary', p), []);
    const onDisk = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { points: unknown[] };
    assert.equal(onDisk.points.length, 2);
  });
});

describe('capabilities are enforced at plan time', () => {
  const suiteFile = (platform: string, keepAlive: string) => {
    const file = join(tmp(), 'ka.yaml');
    writeFileSync(
      file,
      [
        'name: ka',
        'duration: 60s',
        'arrivalRate: 1',
        `keepAlive: ${keepAlive}`,
        'workloads: [aes]',
        'platforms:',
        platform,
        '',
      ].join('\n'),
    );
    return file;
  };
  const existing = (extra = '') =>
    `  - {name: openwhisk, mode: existing, apiHost: "http://127.0.0.1:9", auth: "${AUTH}", actions: {aes: {image: "x/aes:1"}}${extra}}`;
  const AUTH =
    '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';

  it('an existing OpenWhisk whose keep-alive is unknown refuses a keep-alive sweep: exit 2, nothing started', async () => {
    const r = await runCli(['run', suiteFile(existing(), '[1, 30]'), '--dry-run']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /platforms\[0\] \(openwhisk\) cannot set keep-alive, and its own is not declared/);
    assert.equal(r.stdout, '');
  });

  it('a declared keep-alive is the only one a suite may use with it', async () => {
    const sweep = await runCli(['run', suiteFile(existing(', keepAlive: 610'), '[1, 30]'), '--dry-run']);
    assert.equal(sweep.code, 2);
    assert.match(sweep.stderr, /runs at its own keep-alive of 610 s and cannot apply keepAlive \[1, 30\]/);
    const own = await runCli(['run', suiteFile(existing(', keepAlive: 610'), '610'), '--dry-run']);
    assert.equal(own.code, 0, own.stderr);
  });
});

describe('compare sees failures and is not fooled by noise', () => {
  const compareSuite = (name: string) => ({
    name: 'cmp',
    warmup: '100ms',
    duration: '2500ms',
    drainTimeout: '2s',
    requestTimeout: '2s',
    arrivalRate: 20,
    keepAlive: 1,
    workloads: ['aes'],
    modelInputs: { source: 'given', given: GIVEN },
    thresholds: { maxRateShortfall: 0.9, errorBudget: 1, minRequests: 1 },
    platforms: [{ name: 'local-container', label: name }],
  });
  async function run(opts: FakeOptions, raw: Record<string, unknown>) {
    const resolver = fakeResolver(opts);
    const suite = await validateSuite(raw, { file: 'cmp.yaml', resolver });
    const out = join(tmp(), 'run');
    await runSuite({ suite, out, resolver });
    return out;
  }

  it('a candidate failing a third of its activations regresses (exit 1), though its ok requests are as fast', async () => {
    const base = await run({ warm: 0.005, cold: 0.01 }, compareSuite('c'));
    const cand = await run({ warm: 0.005, cold: 0.01, failEvery: 3 }, compareSuite('c'));
    const r = await runCli(['compare', base, cand, '--json', '--resamples', '200']);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      points: { metrics: { metric: string; verdict: string; candidate: number }[] }[];
    };
    const err = doc.points[0]?.metrics.find((m) => m.metric === 'errorFraction');
    assert.equal(err?.verdict, 'regressed');
    assert.ok((err?.candidate ?? 0) > 0.3);
  });

  it('two thin runs of the same code (7 requests each) compared in either order do not regress', async () => {
    const thin = { ...compareSuite('t'), duration: '350ms', warmup: '0s' };
    const a = await run({ warm: 0.005, cold: 0.01 }, thin);
    const b = await run({ warm: 0.005, cold: 0.01 }, thin);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const r = await runCli(['compare', x, y, '--resamples', '200']);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.doesNotMatch(r.stdout, /REGRESSED/);
    }
  });
});

describe('simulated results say so', () => {
  it('sim runs on a virtual clock, takes its configured service times as model inputs, and labels its points simulated', async () => {
    const suite = await validateSuite(
      {
        name: 'simulated',
        warmup: '10s',
        duration: '10m',
        arrivalRate: 5,
        keepAlive: 30,
        workloads: ['aes'],
        platforms: [{ name: 'sim', serviceTime: { warm: 0.02, cold: 0.5, distribution: 'deterministic' } }],
      },
      { file: 'simulated.yaml' },
    );
    const out = join(tmp(), 'run');
    const started = Date.now();
    const res = await runSuite({ suite, out });
    const wall = (Date.now() - started) / 1000;
    const [p] = res.summary.points;
    assert.ok(p);
    assert.equal(p.simulated, true);
    assert.equal(p.valid, true, p.invalidReasons.join('; '));
    assert.match(p.modelInputs?.source ?? '', /configured in the sim platform/);
    assert.equal(p.modelInputs?.warm, 0.02);
    // 10 simulated minutes went by on the point clock in far less wall time
    assert.ok(p.window.end > 600 && wall < p.window.end / 10, `window ${p.window.end} s in ${wall} s`);
    // the client saw the simulated response times: a warm request takes exactly w
    // (the percentile summary is an HDR histogram of µs, so within its resolution)
    assert.ok(Math.abs((p.latency?.p50 ?? 0) - 0.02) < 1e-4, JSON.stringify(p.latency));
    const report = await runCli(['report', out, '--no-figures']);
    assert.match(report.stdout + report.stderr, /simulated, not measured/);
  });

  it('the results schema refuses a negative client overhead', () => {
    const problems = schemaProblems('point-summary', {
      ...pointSummary({ keepAlive: 1, window: { start: 0, end: 1 }, achievedRate: null }),
      requests: { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 },
      modelInputs: { source: 'x', clientOverhead: -0.001 },
    });
    assert.ok(
      problems.some((p) => /clientOverhead/.test(p)),
      problems.join('\n'),
    );
  });
});

describe('results are read through the published schemas', () => {
  it('a summary whose point lacks `valid` is refused (exit 2), not read as valid', async () => {
    const dir = join(tmp(), 'bad-run');
    makeRun(dir, { points: [{ latencies: latencies(40, 0.1), measured: { respTime: 0.1 } }] });
    const file = join(dir, 'summary.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { points: Record<string, unknown>[] };
    delete doc.points[0]?.valid;
    writeFileSync(file, JSON.stringify(doc));
    const r = await runCli(['report', dir, '--no-figures']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /summary\.json is not a valid faasmark run summary/);
    assert.match(r.stderr, /must have required property 'valid'|valid/);
  });
});

describe('a Spin that dies mid-point', () => {
  it('leaves an invalid point naming its exit and a summary; the manifest has the version the binary reported', async () => {
    const bin = fakeSpinBinary();
    const app = fixtureApp('aes');
    const suite = await validateSuite(
      {
        name: 'spin-dies',
        warmup: '0s',
        duration: '2s',
        arrivalRate: 20,
        workloads: ['aes'],
        modelInputs: { source: 'given', given: GIVEN },
        thresholds: { minRequests: 1, errorBudget: 1 },
        platforms: [
          {
            name: 'spin',
            binary: bin.path,
            manifests: { aes: app.manifest },
            env: { FAKE_SPIN_VERSION: '3.6.9', FAKE_SPIN_CRASH_AFTER: '15' },
          },
        ],
      },
      { file: 'spin-dies.yaml' },
    );
    const out = join(tmp(), 'run');
    const res = await runSuite({ suite, out });
    const [p] = res.summary.points;
    assert.ok(p);
    assert.equal(p.valid, false);
    assert.ok(
      p.invalidReasons.some((r) =>
        /platform failed during the point: spin up \(aes\) exited with code 101/.test(r),
      ),
      p.invalidReasons.join('; '),
    );
    const onDisk = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { points: unknown[] };
    assert.equal(onDisk.points.length, 1);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as RunManifest;
    assert.match(manifest.platforms[0]?.version ?? '', /3\.6\.9/);
    assert.match(p.provenance?.version ?? '', /3\.6\.9/);
  });
});
