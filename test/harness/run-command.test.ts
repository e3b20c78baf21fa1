import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { parseRunFlags } from '../../harness/cli/commands/run/index.js';
import { schemaProblems } from '../../results/schemas.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('faasmark run (CLI)', () => {
  it('--dry-run prints the plan of a shipped suite on stdout', async () => {
    const r = await runCli(['run', 'quick', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    // 4 × (10 s + 45 s + 5 s overhead) + profile gaps (spacing 1 s, 3 cold calls, priming 2,
    // runs 5): containers 9 gaps of min(1, τ/2) → 4.5 + 9 + 9 s, Wasm 6 × 1 s → 268.5 s, under 5 min
    assert.match(r.stdout, /suite quick: 4 points .* estimated 4m29s/);
    assert.match(r.stdout, /local-container\.aes\.rate1\.ka30\.rep0/);
    assert.match(r.stdout, /local-wasm\.aes\.rate1\.rep0/);
  });

  it('--dry-run --json gives the plan as JSON; --scale and --repeat apply', async () => {
    const r = await runCli(['run', 'quick', '--dry-run', '--json', '--scale', '0.1', '--repeat', '2']);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { points: { id: string; arrivals: { duration: number } }[] };
    assert.equal(plan.points.length, 8);
    assert.equal(plan.points[0]?.arrivals.duration, 4.5);
  });

  it('a bad suite exits 2 naming every problem with its path', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\nduration: 10s\narrivalRate: -1\nkeepAlive: [1]\nworkloads: [aes]\nplatforms:\n  - name: local-container\n    routing: lru\n',
    );
    const r = await runCli(['run', file, '--dry-run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml: arrivalRate must be > 0, got -1/);
    assert.match(
      r.stderr,
      /bad\.yaml: platforms\[0\]\.routing must be one of mru, newest, random, got "lru"/,
    );
    assert.equal(r.stdout, '');
  });

  for (const [argv, re] of [
    [['run', 'no-such-suite'], /suite "no-such-suite" not found[\s\S]*quick/],
    [['run', 'quick', '--scale', '0'], /--scale must be a number > 0/],
    [['run', 'quick', '--repeat', '1.5'], /--repeat must be an integer/],
    [['run', 'quick', '--resume'], /--resume needs --out/],
    [['run', 'quick', '--only', 'nothing-matches', '--dry-run'], /matches no point/],
    [['probe', 'capacity', '--platform', 'lambda', '--workload', 'aes'], /--platform must be one of/],
    [
      ['probe', 'capacity', '--platform', 'local-wasm', '--workload', 'aes', '--connections', '0'],
      /--connections must be an integer >= 1/,
    ],
  ] as const) {
    it(`exits 2: ${argv.join(' ')}`, async () => {
      const r = await runCli([...argv]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
    });
  }

  it('parseRunFlags parses strictly', () => {
    assert.deepEqual(parseRunFlags({ repeat: '3', scale: '0.5' }), { repeat: 3, scale: 0.5 });
    assert.throws(() => parseRunFlags({ scale: 'x' }), UsageError);
  });
});

// One short end-to-end run on the real embedded platforms (a few seconds); FAASMARK_LONG=1
// runs the shipped quick suite at scale 0.3 instead.
describe('faasmark run on the embedded platforms (end to end)', () => {
  it('runs local-container and local-wasm, writes valid results, and prints the table', async () => {
    const out = join(dir, 'e2e');
    let argv: string[];
    if (process.env.FAASMARK_LONG === '1') {
      argv = ['run', 'quick', '--scale', '0.3', '--out', out, '--no-report'];
    } else {
      const file = join(dir, 'e2e.yaml');
      writeFileSync(
        file,
        [
          'name: e2e',
          'seed: 204',
          'warmup: 500ms',
          'duration: 2s',
          'drainTimeout: 10s',
          'arrivalRate: 4',
          'keepAlive: 1',
          'workloads: [aes]',
          'modelInputs: {runs: 2, spacing: 50ms}',
          // 8 arrivals cannot hold a 5% rate tolerance nor make a result: those checks are exercised elsewhere
          'thresholds: {maxRateShortfall: 0.5, errorBudget: 0.2, minRequests: 1}',
          'platforms:',
          '  - name: local-container',
          '    routing: mru',
          '  - name: local-wasm',
          '',
        ].join('\n'),
      );
      argv = ['run', file, '--out', out, '--no-report'];
    }
    const r = await runCli(argv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /measured\s+│\s+95% CI\s+│\s+predicted/);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    assert.deepEqual(schemaProblems('run-summary', summary), []);
    assert.deepEqual(
      schemaProblems('manifest', JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))),
      [],
    );
    for (const p of summary.points) {
      const c = p.requests;
      assert.equal(c.sent, c.ok + c.error + c.timeout + c.rejected);
      assert.ok(c.ok > 0, `${p.pointId}: ${JSON.stringify(c)}`);
      assert.ok(typeof p.measured.respTime === 'number');
      assert.ok(typeof p.predicted.respTime === 'number', `${p.pointId}: ${JSON.stringify(p.notes)}`);
    }
  });

  it('probe capacity measures local-wasm closed-loop and suggests rates', async () => {
    const r = await runCli([
      'probe',
      'capacity',
      '--platform',
      'local-wasm',
      '--workload',
      'aes',
      '--duration',
      '1s',
      '--connections',
      '2',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { throughput: number; suggestedRates: number[] };
    assert.ok(doc.throughput > 0);
    assert.ok(doc.suggestedRates.length > 0);
  });
});
