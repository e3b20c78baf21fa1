import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verdictFor } from '../../../analysis/compare/compare.js';
import { parseThreshold } from '../../../harness/cli/commands/compare/index.js';
import { runCli } from '../../helpers/cli.js';
import { latencies, makeRun } from '../report/fixture-run.js';

const root = mkdtempSync(join(tmpdir(), 'faasmark-compare-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `r${n++}`);

function pointSet(scale: number, extra: { extraLines?: string[] } = {}) {
  return [
    {
      latencies: latencies(300, 0.1 * scale, 1),
      colds: Array.from({ length: 300 }, (_, i) => i % 50 === 0),
      measured: { totalExecutors: 2, idle: 1, coldProb: 0.02 },
      ...extra,
    },
  ];
}

describe('faasmark compare', () => {
  it('exit 0 and "no difference" for the same data', async () => {
    const a = fresh();
    const b = fresh();
    makeRun(a, { points: pointSet(1) });
    makeRun(b, { points: pointSet(1) });
    const r = await runCli(['compare', a, b, '--json', '--resamples', '200']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.counts.regressed, 0);
    const mean = doc.points[0].metrics.find((m: { metric: string }) => m.metric === 'respTimeMean');
    assert.equal(mean.ratio, 1);
    assert.equal(mean.verdict, 'no difference');
  });

  it('exit 1 when the candidate is 30% slower; the ratio and verdict say so', async () => {
    const a = fresh();
    const b = fresh();
    makeRun(a, { points: pointSet(1) });
    makeRun(b, { points: pointSet(1.3) });
    const r = await runCli(['compare', a, b, '--threshold', '5%', '--resamples', '500']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /REGRESSED/);
    assert.match(r.stderr, /FM_REGRESSION/);
    const j = await runCli(['compare', a, b, '--json', '--resamples', '500']);
    const mean = JSON.parse(j.stdout).points[0].metrics.find(
      (m: { metric: string }) => m.metric === 'respTimeMean',
    );
    assert.ok(Math.abs(mean.ratio - 1.3) < 1e-9);
    assert.ok(mean.lo > 1 && mean.pValue < 0.001);
  });

  it('the same pair of runs in either order gives mirrored verdicts (regressed ↔ improved)', async () => {
    const a = fresh();
    const b = fresh();
    makeRun(a, { points: pointSet(1) });
    makeRun(b, { points: pointSet(1.15) });
    const verdicts = async (x: string, y: string) => {
      const r = await runCli(['compare', x, y, '--json', '--resamples', '300']);
      const doc = JSON.parse(r.stdout) as { points: { metrics: { metric: string; verdict: string }[] }[] };
      return new Map(doc.points[0]?.metrics.map((m) => [m.metric, m.verdict]));
    };
    const ab = await verdicts(a, b);
    const ba = await verdicts(b, a);
    const mirror: Record<string, string> = { regressed: 'improved', improved: 'regressed' };
    for (const [metric, v] of ab) assert.equal(ba.get(metric), mirror[v] ?? v, metric);
    assert.equal(ab.get('respTimeMean'), 'regressed');
  });

  it('exit 0 with "improved" when the candidate is faster', async () => {
    const a = fresh();
    const b = fresh();
    makeRun(a, { points: pointSet(1) });
    makeRun(b, { points: pointSet(0.7) });
    const r = await runCli(['compare', a, b, '--json', '--resamples', '300']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).counts.improved >= 3);
  });

  it('reports, skips and counts corrupted JSONL lines with their line numbers', async () => {
    const a = fresh();
    const b = fresh();
    makeRun(a, { points: pointSet(1) });
    makeRun(b, { points: pointSet(1, { extraLines: ['{"seq": 301, "respT', 'not json'] }) });
    const r = await runCli(['compare', a, b, '--json', '--resamples', '200']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.corruptedLines.length, 2);
    assert.deepEqual(
      doc.corruptedLines.map((c: { line: number }) => c.line),
      [301, 302],
    );
    assert.match(r.stderr, /requests\.jsonl:301: corrupted JSONL line skipped/);
  });

  it('warns when host fingerprints differ', async () => {
    const a = fresh();
    const b = fresh();
    makeRun(a, { points: pointSet(1) });
    makeRun(b, { points: pointSet(1), host: { cpuModel: 'Other CPU' } });
    const r = await runCli(['compare', a, b, '--resamples', '200']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /host fingerprints differ \(cpuModel: Test CPU vs Other CPU\)/);
  });

  it('warns about points present on one side only', async () => {
    const a = fresh();
    const b = fresh();
    makeRun(a, { points: [...pointSet(1), { ...pointSet(1)[0], arrivalRate: 2 }] });
    makeRun(b, { points: pointSet(1) });
    const r = await runCli(['compare', a, b, '--resamples', '200']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /points only in the baseline \(not compared\): sim aes λ=2 τ=10/);
  });

  // Bad input: exit 2 with one clear message, no stack trace.
  const bad: { name: string; setup: () => [string, string] | string[]; message: RegExp }[] = [
    {
      name: 'missing baseline dir',
      setup: () => [join(root, 'nope'), fresh()],
      message: /results directory not found/,
    },
    {
      name: 'empty directory',
      setup: () => {
        const a = fresh();
        mkdirSync(a);
        const b = fresh();
        makeRun(b, { points: pointSet(1) });
        return [a, b];
      },
      message: /holds no results/,
    },
    {
      name: 'mismatched suites',
      setup: () => {
        const a = fresh();
        const b = fresh();
        makeRun(a, { points: pointSet(1), suite: 'quick' });
        makeRun(b, { points: pointSet(1), suite: 'nightly' });
        return [a, b];
      },
      message: /mismatched suites: baseline ran "quick", candidate ran "nightly"/,
    },
    {
      name: 'no common points',
      setup: () => {
        const a = fresh();
        const b = fresh();
        makeRun(a, { points: pointSet(1) });
        makeRun(b, { points: [{ ...pointSet(1)[0], workload: 'float' }] });
        return [a, b];
      },
      message: /no point in common/,
    },
    {
      name: 'missing requests.jsonl',
      setup: () => {
        const a = fresh();
        const b = fresh();
        makeRun(a, { points: pointSet(1) });
        makeRun(b, { points: [{ ...pointSet(1)[0], noRequests: true }] });
        return [a, b];
      },
      message: /points\/p0\/requests\.jsonl is missing/,
    },
    {
      name: 'corrupted summary.json',
      setup: () => {
        const a = fresh();
        const b = fresh();
        makeRun(a, { points: pointSet(1) });
        makeRun(b, { points: pointSet(1) });
        writeFileSync(join(b, 'summary.json'), '{"points": [');
        return [a, b];
      },
      message: /summary\.json is not valid JSON/,
    },
    { name: 'bad threshold', setup: () => ['a', 'b', '--threshold', 'five'], message: /--threshold must be/ },
    {
      name: 'too few resamples',
      setup: () => ['a', 'b', '--resamples', '5'],
      message: /--resamples must be an integer >= 100/,
    },
  ];
  for (const c of bad) {
    it(`exit 2: ${c.name}`, async () => {
      const r = await runCli(['compare', ...c.setup()]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, c.message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  }
});

describe('verdict rule and threshold parsing', () => {
  const cases: [number | null, number | null, number | null, string][] = [
    [1.3, 1.2, 1.4, 'regressed'],
    [1.3, 0.9, 1.6, 'no difference'],
    [1.03, 1.01, 1.05, 'no difference'],
    [0.7, 0.6, 0.8, 'improved'],
    [1.3, null, null, 'inconclusive'],
    [1.02, null, null, 'no difference'],
    [null, null, null, 'inconclusive'],
  ];
  for (const [ratio, lo, hi, want] of cases) {
    it(`ratio ${ratio} CI [${lo}, ${hi}] → ${want}`, () =>
      assert.equal(verdictFor(ratio, lo, hi, 0.05), want));
  }
  it('a change beyond the band needs significance and enough samples to be a verdict', () => {
    // the thin-sample case: p = 0.074 with n = 7 must not fail a gate
    assert.equal(verdictFor(1.3, 1.05, 1.6, 0.05, { pValue: 0.074, enoughSamples: true }), 'inconclusive');
    assert.equal(verdictFor(1.3, 1.05, 1.6, 0.05, { pValue: 0.001, enoughSamples: false }), 'inconclusive');
    assert.equal(verdictFor(1.3, 1.05, 1.6, 0.05, { pValue: 0.001, enoughSamples: true }), 'regressed');
  });
  it('the band is symmetric in the log of the ratio: swapping the runs swaps the verdict', () => {
    assert.equal(verdictFor(1.06, 1.02, 1.1, 0.05), 'regressed');
    assert.equal(verdictFor(1 / 1.06, 1 / 1.1, 1 / 1.02, 0.05), 'improved');
    // 0.96 is inside [1/1.05, 1.05]: not an improvement, as 1/0.96 = 1.042 is no regression
    assert.equal(verdictFor(0.96, 0.9, 0.99, 0.05), 'no difference');
    assert.equal(verdictFor(1 / 0.96, 1.01, 1.11, 0.05), 'no difference');
  });
  it('parses 5% and 0.05 alike', () => {
    assert.equal(parseThreshold('5%'), 0.05);
    assert.equal(parseThreshold('0.05'), 0.05);
    assert.throws(() => parseThreshold('150%'), /--threshold/);
  });
});
