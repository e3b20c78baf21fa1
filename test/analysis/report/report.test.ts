import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderReport } from '../../../analysis/report/index.js';
import { comparisonRows, mape, serviceTimeTable } from '../../../analysis/report/tables.js';
import { verdictFigures } from '../../../analysis/report/verdict.js';
import type { RunVerdictRecord } from '../../../results/types.js';
import { runCli } from '../../helpers/cli.js';
import { latencies, makeRun } from './fixture-run.js';

const root = mkdtempSync(join(tmpdir(), 'faasmark-report-'));
after(() => rmSync(root, { recursive: true, force: true }));

const AES = { warm: 0.0259, cold: 2.5849, source: 'thesis Table 4.1' };
// Measured = predicted × (1 + e) with e chosen per keep-alive: the MAPE of respTime is then
// mean(|e|) = (0.1 + 0.2 + 0.05 + 0.05) / 4 = 0.1 exactly (up to float rounding).
const ERRS: [number, number][] = [
  [1, 0.1],
  [5, -0.2],
  [10, 0.05],
  [30, -0.05],
];

function fixture(dir: string) {
  return makeRun(dir, {
    points: [
      ...ERRS.map(([ka, e]) => ({
        platform: 'openwhisk',
        workload: 'aes',
        keepAlive: ka,
        measured: { respTime: 0.5 * (1 + e), coldProb: 0.2, running: 0.5 * (1 + e), idle: 1.5 },
        predicted: { respTime: 0.5, coldProb: 0.25, running: 0.5, idle: 1 },
        modelInputs: AES,
        latencies: latencies(40, 0.5 * (1 + e), ka),
        colds: Array.from({ length: 40 }, (_, i) => i % 5 === 0),
      })),
      {
        platform: 'spin',
        executor: 'wasm' as const,
        workload: 'aes',
        keepAlive: null,
        measured: { respTime: 0.03, inFlight: 0.03 },
        predicted: { respTime: 0.0308, inFlight: 0.0308 },
        modelInputs: { wasm: 0.0308, source: 'thesis Table 4.1' },
        latencies: latencies(40, 0.03),
      },
      {
        platform: 'openwhisk',
        workload: 'aes',
        keepAlive: 60,
        valid: false,
        invalidReasons: ['send lag p99 0.4 s exceeds 0.05 s'],
        measured: { respTime: 9 },
        predicted: { respTime: 0.1 },
        latencies: [9, 9],
        extraLines: ['{broken'],
      },
    ],
  });
}

describe('report tables', () => {
  it('MAPE is the mean |relative error| over valid points, flagged over the threshold', () => {
    const dir = join(root, 'tables');
    const summary = fixture(dir);
    const rows = comparisonRows(summary.points);
    const m = mape(rows, 0.09);
    const resp = m.find((r) => r.platform === 'openwhisk' && r.metric === 'respTime');
    assert.ok(resp);
    assert.equal(resp.n, 4, 'the invalid point is left out');
    assert.ok(Math.abs(resp.mape - 0.1) < 1e-12);
    assert.equal(resp.overThreshold, true);
    const cold = m.find((r) => r.platform === 'openwhisk' && r.metric === 'coldProb');
    assert.ok(cold && Math.abs(cold.mape - 0.2) < 1e-12); // |0.2 − 0.25| / 0.25
    const idle = m.find((r) => r.metric === 'idle');
    assert.ok(idle && Math.abs(idle.mape - 0.5) < 1e-12);
  });
  it('Table 4.1 analog: service times and Wasm slowdown from modelInputs', () => {
    const summary = fixture(join(root, 'st'));
    const [row] = serviceTimeTable(summary.points);
    assert.ok(row);
    assert.equal(row.containerCold, 2.5849);
    assert.equal(row.containerWarm, 0.0259);
    assert.equal(row.wasm, 0.0308);
    assert.ok(Math.abs((row.wasmSlowdown as number) - 0.0308 / 0.0259) < 1e-12);
  });
});

describe('renderReport', () => {
  const dir = join(root, 'run');
  let result: Awaited<ReturnType<typeof renderReport>>;
  before(async () => {
    fixture(dir);
    result = await renderReport(dir, { csv: true, mapeThreshold: 0.1 });
  });

  it('writes a self-contained report.html', () => {
    assert.equal(result.htmlPath, join(dir, 'report.html'));
    const html = readFileSync(result.htmlPath, 'utf8');
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no external src/href');
    assert.doesNotMatch(html, /<script|<link/i);
    assert.match(html, /<svg/);
    assert.match(html, /send lag p99 0\.4 s exceeds 0\.05 s/, 'invalid points and why');
    assert.match(html, /Test CPU × 2/, 'host fingerprint');
  });

  it('table numbers match the fixture', () => {
    const html = readFileSync(result.htmlPath, 'utf8');
    // point p1 (keep-alive 5): measured 0.4, predicted 0.5, error −20.0%
    assert.match(
      html,
      /<td>p1<\/td>.*<td>respTime<\/td><td>0\.4<\/td><td>—<\/td><td>0\.5<\/td><td><span class="over">-20\.0%<\/span><\/td><td>—<\/td>/,
    );
    assert.match(html, /<td>2\.5849<\/td><td>0\.0259<\/td><td>0\.0308<\/td><td>1\.2×<\/td>/);
  });

  it('renders SVG and PNG figures (PNG magic bytes) with text', () => {
    const svgs = result.figures.filter((f) => f.endsWith('.svg'));
    const pngs = result.figures.filter((f) => f.endsWith('.png'));
    assert.ok(svgs.length >= 4, `figures: ${result.figures.join(', ')}`);
    assert.equal(svgs.length, pngs.length);
    assert.ok(svgs.some((f) => f.includes('respTime-vs-keepAlive-aes-rate-1')));
    for (const p of pngs) {
      const bytes = readFileSync(p);
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
    const svg = readFileSync(svgs.find((f) => f.includes('respTime-vs-keepAlive')) as string, 'utf8');
    assert.match(svg, /openwhisk aes \(measured\)/);
    assert.match(svg, /SMP aes/);
  });

  it('counts corrupted lines in the ledger', () => {
    const bad = result.ledger.find((r) => r.pointId === 'p5');
    assert.equal(bad?.corruptedLines, 1);
    assert.equal(result.corruptedLines[0]?.line, 3);
  });

  it('writes the CSV export', () => {
    const csv = readFileSync(join(dir, 'summary.csv'), 'utf8').trim().split('\n');
    assert.equal(
      csv[0],
      'pointId,platform,workload,executor,arrivalRate,keepAlive,repetition,valid,metric,measured,ciLo,ciHi,predicted,relError,absError,scoring,insideCi,inMape',
    );
    assert.ok(
      csv.some((l) =>
        l.startsWith('p1,openwhisk,aes,container,1,5,0,true,respTime,0.4,,,0.5,-0.19999999999999996,'),
      ),
      csv.join('\n'),
    );
    assert.ok(csv.some((l) => l.startsWith('p4,spin,aes,wasm,1,,0,true,inFlight,0.03,,,0.0308,')));
  });

  it('text summary names MAPE and integrity', () => {
    assert.match(result.text, /MAPE/);
    assert.match(result.text, /sent 202, ok 202/);
    assert.match(result.text, /invalid p5: send lag/);
  });
});

describe('faasmark report CLI', () => {
  it('prints the summary and exit 0', async () => {
    const dir = join(root, 'cli');
    fixture(dir);
    const r = await runCli(['report', dir, '--no-figures']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Model error/);
    assert.ok(existsSync(join(dir, 'report.html')));
  });
  it('--json prints one document', async () => {
    const dir = join(root, 'cli-json');
    fixture(dir);
    const r = await runCli(['report', dir, '--json', '--no-figures']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).schemaVersion, 1);
  });
  const bad: [string, () => string[], RegExp][] = [
    ['missing directory', () => ['report', join(root, 'nope')], /results directory not found/],
    [
      'empty directory',
      () => {
        const d = join(root, 'empty');
        mkdirSync(d, { recursive: true });
        return ['report', d];
      },
      /holds no results/,
    ],
    [
      'bad threshold',
      () => ['report', root, '--mape-threshold', '-1'],
      /--mape-threshold must be a number > 0/,
    ],
  ];
  for (const [name, argv, msg] of bad) {
    it(`exit 2: ${name}`, async () => {
      const r = await runCli(argv());
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, msg);
    });
  }
  it('reads a partial run (no summary.json) with a warning', async () => {
    const dir = join(root, 'partial');
    fixture(dir);
    rmSync(join(dir, 'summary.json'));
    const r = await runCli(['report', dir, '--no-figures']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /partial run/);
  });
});

describe('verdict figures', () => {
  const call = { winner: 'wasm' as const, container: null, wasm: null };
  const verdict = (arrivalRate: number, crossoverKeepAlive: number): RunVerdictRecord => ({
    workload: 'aes',
    arrivalRate,
    container: { label: 'local-container', keepAlive: 5, points: [] },
    wasm: { label: 'local-wasm', points: [] },
    latency: call,
    memory: call,
    coldProb: call,
    model: { latency: 'wasm', memory: 'wasm', coldProb: 'container', crossoverKeepAlive },
    sentence: '',
  });

  it("marks each load's own crossover, not the first one of the workload", () => {
    const figures = verdictFigures([], [verdict(1, 4), verdict(2, 9)], { memoryMb: 256, wasmMemoryMb: 256 });
    const latencyAt2 = figures.find((f) => f.title === 'Latency vs keep-alive: aes, λ = 2 req/s');
    assert.ok(latencyAt2, JSON.stringify(figures.map((f) => f.title)));
    assert.deepEqual(
      latencyAt2.markers?.map((m) => m.x),
      [9],
    );
  });
});
