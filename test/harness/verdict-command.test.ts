/**
 * The answer at the command line (issue 16, docs/verdict.md): `faasmark advise` on the
 * Table 4.1 inputs and on a results directory; every run's summary.json, terminal and
 * report.html carry the verdict; two labelled entries of one platform are reported apart;
 * progress is visible during a point off a terminal and absent with --quiet.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { log, progress, progressDone, setSinks, setVerbosity } from '../../harness/cli/io.js';
import { schemaProblems } from '../../results/schemas.js';
import type { RunSummary } from '../../results/types.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-verdict-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const AES = ['--warm', '0.0259', '--cold', '2.5849', '--wasm', '0.0308'];

describe('faasmark advise', () => {
  it('aes at 1 req/s, keep-alive 60 s: --json gives winners per metric and the crossover', async () => {
    const r = await runCli(['advise', '--arrival-rate', '1', ...AES, '--keep-alive', '60', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      cases: {
        latency: { winner: string; container: number; wasm: number };
        memory: { winner: string };
        coldProb: { winner: string; container: number; wasm: number };
        crossoverKeepAlive: number;
        capacity: { containerSaturation: number | null };
      }[];
    };
    const c = doc.cases[0];
    assert.ok(c);
    assert.equal(c.latency.winner, 'wasm');
    assert.equal(c.memory.winner, 'wasm');
    assert.equal(c.coldProb.wasm, 0);
    assert.ok(Math.abs(c.crossoverKeepAlive - 103) < 1);
    assert.ok(c.capacity.containerSaturation !== null);
  });

  it('aes at 600 s and float at 60 s: the container wins latency; the text says so', async () => {
    const aes = await runCli(['advise', '--arrival-rate', '1', ...AES, '--keep-alive', '600']);
    assert.equal(aes.code, 0, aes.stderr);
    assert.match(aes.stdout, /the container wins latency/);
    const float = await runCli([
      'advise',
      '--arrival-rate',
      '1',
      '--warm',
      '1.5288',
      '--cold',
      '4.1202',
      '--wasm',
      '4.876',
      '--keep-alive',
      '60',
      '--cores',
      '10',
    ]);
    assert.equal(float.code, 0, float.stderr);
    assert.match(float.stdout, /the container wins latency/);
    assert.match(float.stdout, /even with every request cold/);
  });

  for (const [argv, re] of [
    [['--arrival-rate', '-1', ...AES, '--keep-alive', '60'], /--arrival-rate must be a number > 0, got "-1"/],
    [['--arrival-rate', '1', '--warm', '0.02', '--cold', '2', '--keep-alive', '60'], /--wasm/],
    [['--arrival-rate', '1', '--trace', 'x.txt', ...AES, '--keep-alive', '60'], /not both/],
    [[...AES, '--keep-alive', '60', '--trace', '/no/such/trace.txt'], /cannot read the trace/],
  ] as const) {
    it(`exits 2 with the reason: ${argv.slice(0, 2).join(' ')}`, async () => {
      const r = await runCli(['advise', ...argv]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    });
  }

  it('takes a per-minute trace', async () => {
    const trace = join(dir, 'trace.txt');
    writeFileSync(trace, '60\n0\n120\n');
    const r = await runCli(['advise', '--trace', trace, ...AES, '--keep-alive', '60', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { cases: { arrivalRate: null; notes: string[] }[] };
    assert.equal(doc.cases[0]?.arrivalRate, null);
    assert.match(doc.cases[0]?.notes.join(' ') ?? '', /3 minutes, 180 requests/);
  });
});

/** A docker-like and a process-like container entry of one platform (sim), and a Wasm entry. */
function twoLabelSuite(): string {
  const file = join(dir, 'two-labels.yaml');
  writeFileSync(
    file,
    [
      'name: two-labels',
      'warmup: 0s',
      'duration: 120s',
      'arrivalRate: 2',
      'keepAlive: [1, 30]',
      'workloads: [aes]',
      'platforms:',
      '  - name: sim',
      '    label: docker',
      '    serviceTime: {warm: 0.03, cold: 0.4}',
      '  - name: sim',
      '    label: process',
      '    serviceTime: {warm: 0.03, cold: 0.01}',
      '  - name: sim',
      '    label: wasm',
      '    mode: wasm',
      '    serviceTime: {wasm: 0.02}',
      '',
    ].join('\n'),
  );
  return file;
}

describe('a verdict in every run; labelled entries apart', () => {
  const out = join(dir, 'two');
  let stdout = '';
  before(async () => {
    const r = await runCli(['run', twoLabelSuite(), '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    stdout = r.stdout;
  });

  it('summary.json holds a verdict per container entry and keep-alive, valid by the run-summary schema', () => {
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    assert.deepEqual(schemaProblems('run-summary', s), []);
    const v = s.verdicts ?? [];
    assert.equal(v.length, 4);
    assert.deepEqual([...new Set(v.map((x) => x.container.label))].sort(), ['docker', 'process']);
    for (const x of v) {
      assert.equal(x.wasm.label, 'wasm');
      assert.ok(['container', 'wasm', 'tie', 'too close to call'].includes(x.latency.winner));
      assert.ok(x.latency.container && x.latency.container.lo <= x.latency.container.value);
      assert.ok(x.model, 'the models answer beside the measurement');
    }
    // a 0.4 s cold start against 20 ms Wasm at keep-alive 1 s: Wasm, and the models agree it never flips
    const docker1 = v.find((x) => x.container.label === 'docker' && x.container.keepAlive === 1);
    assert.equal(docker1?.latency.winner, 'wasm');
    assert.equal(docker1?.model?.crossoverKeepAlive, null);
  });

  it('the terminal ends with the verdict in words, per entry', () => {
    const words = stdout.slice(stdout.indexOf('which executor wins:'));
    assert.match(words, /aes at 2 req\/s \(docker vs wasm\):/);
    assert.match(words, /aes at 2 req\/s \(process vs wasm\):/);
    assert.match(stdout, /client latency: mean.*p50.*p99/);
  });

  it('report.html opens with the verdict; service times and MAPE rows are per entry', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const sections = [...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
    assert.equal(sections[0], 'Which executor wins');
    const first = html.slice(
      html.indexOf('Which executor wins'),
      html.indexOf('<h2>', html.indexOf('Which executor wins')),
    );
    assert.match(first, /docker vs wasm/);
    assert.match(first, /Latency vs keep-alive: aes/);
    assert.match(first, /Memory-time vs keep-alive: aes/);
    const table41 = html.slice(html.indexOf('<h2>Service times'));
    assert.match(table41.slice(0, table41.indexOf('</table>')), /docker[\s\S]*process/);
  });

  it('report --csv --no-figures keeps the figures a report rendered before', async () => {
    const r = await runCli(['report', out, '--csv', '--no-figures']);
    assert.equal(r.code, 0, r.stderr);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /nothing to plot/);
    assert.match(html, /href="figures\/[^"]+\.svg"/);
  });

  it("advise on the results directory takes each workload's service times from the run", async () => {
    const r = await runCli(['advise', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      cases: { workload: string; keepAlive: number; serviceTimes: { source: string } }[];
    };
    assert.deepEqual(
      doc.cases.map((c) => c.keepAlive),
      [1, 30],
    );
    assert.match(doc.cases[0]?.serviceTimes.source ?? '', /model-input profiles/);
  });
});

describe('progress', () => {
  it('off a terminal: a plain line at most every 10 s; --quiet: none; on a terminal: the live line', () => {
    let err = '';
    const sink = { stdout: () => {}, stderr: (s: string) => (err += s), isTTY: false };
    setSinks(sink);
    for (const t of [0, 3, 9.9, 10, 15, 20.5]) progress(`at ${t}`, t);
    assert.deepEqual(err.trim().split('\n'), ['at 0', 'at 10', 'at 20.5']);
    err = '';
    setSinks(sink);
    setVerbosity('quiet');
    progress('hidden', 0);
    progressDone();
    log('a warning still shows');
    assert.equal(err, 'a warning still shows\n');
    err = '';
    setSinks({ ...sink, isTTY: true });
    progress('live', 0);
    progress('live again', 1);
    assert.equal(err, '\r\x1b[2Klive\r\x1b[2Klive again');
    setSinks(undefined);
  });

  function realTimeSuite(): string {
    const file = join(dir, 'real-time.yaml');
    writeFileSync(
      file,
      [
        'name: progress',
        'warmup: 0s',
        'duration: 3s',
        'arrivalRate: 20',
        'keepAlive: 5',
        'workloads: [aes]',
        'modelInputs: {source: given, given: {aes: {warm: 0.01, cold: 0.05}}}',
        'thresholds: {minRequests: 10}',
        'platforms:',
        '  - name: sim',
        '    serviceTime: {warm: 0.01, cold: 0.05}',
        '    timeScale: 1',
        '',
      ].join('\n'),
    );
    return file;
  }

  it('a run off a terminal shows the point in progress; --quiet shows nothing routine', async () => {
    const loud = await runCli(['run', realTimeSuite(), '--out', join(dir, 'p1'), '--no-report']);
    assert.equal(loud.code, 0, loud.stderr);
    assert.match(loud.stderr, /\[1\/1\] sim\.aes\.rate20\.ka5\.rep0 \d+\/3 s \| sent \d+ ok \d+/);
    const quiet = await runCli(['run', realTimeSuite(), '--out', join(dir, 'p2'), '--no-report', '--quiet']);
    assert.equal(quiet.code, 0, quiet.stderr);
    // warnings stay (the sim says it is a simulation); progress and routine lines go
    assert.doesNotMatch(quiet.stderr, /sent \d+ ok|suite progress|results: /);
    assert.ok(
      quiet.stderr.split('\n').every((l) => l === '' || /warning/.test(l)),
      quiet.stderr,
    );
    assert.match(quiet.stdout, /which executor wins|respTime/);
  });
});
