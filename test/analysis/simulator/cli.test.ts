/** `faasmark simulate`: flag parsing (unspawned, case tables) and a few end-to-end CLI runs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../core/errors.js';
import { parseSimulateFlags, type SimulateFlags } from '../../../harness/cli/commands/simulate/index.js';
import { runCli } from '../../helpers/cli.js';

const base: SimulateFlags = { arrivalRate: '1', warm: '0.5', cold: '2', keepAlive: '10' };

describe('parseSimulateFlags', () => {
  it('builds container points: the --arrival-rate × --keep-alive product, rate-major', () => {
    const { points, sweep } = parseSimulateFlags({
      ...base,
      arrivalRate: '1,2',
      keepAlive: '5,60',
      routing: 'newest',
    });
    assert.equal(sweep, true);
    assert.deepEqual(
      points.map((p) => [p.inputs.arrivalRate, p.inputs.keepAlive, p.inputs.routing]),
      [
        [1, 5, 'newest'],
        [1, 60, 'newest'],
        [2, 5, 'newest'],
        [2, 60, 'newest'],
      ],
    );
    const p = points[0]?.params;
    assert.ok(p && p.mode !== 'wasm');
    assert.deepEqual(p.warm, { kind: 'exponential', mean: 0.5 });
    assert.deepEqual(p.stop, { requests: 1_000_000 });
    assert.deepEqual(p.warmup, { requests: 100_000 });
    assert.equal(p.maxConcurrency, 1000);
  });
  it('distribution and warm-up flags', () => {
    const { points } = parseSimulateFlags({
      ...base,
      distribution: 'lognormal',
      cv: '0.5',
      requests: '5000',
      warmupRequests: '0',
    });
    const p = points[0]?.params;
    assert.ok(p && p.mode !== 'wasm');
    assert.deepEqual(p.cold, { kind: 'lognormal', mean: 2, cv: 0.5 });
    assert.deepEqual(p.warmup, { requests: 0 });
    assert.deepEqual(p.stop, { requests: 5000 });
  });
  it('wasm mode', () => {
    const { points, sweep } = parseSimulateFlags({
      mode: 'wasm',
      arrivalRate: '2',
      serviceTime: '0.3',
      cores: '4',
    });
    assert.equal(sweep, false);
    assert.deepEqual(points[0]?.params, {
      mode: 'wasm',
      arrivals: { kind: 'poisson', rate: 2 },
      service: { kind: 'exponential', mean: 0.3 },
      cores: 4,
      warmup: { requests: 100_000 },
      stop: { requests: 1_000_000 },
    });
  });
  const bad: [string, SimulateFlags, RegExp][] = [
    ['zero rate', { ...base, arrivalRate: '0' }, /--arrival-rate must be .* > 0/],
    ['negative warm', { ...base, warm: '-1' }, /--warm must be a number > 0, got "-1"/],
    ['NaN cold', { ...base, cold: 'NaN' }, /--cold must be a number > 0/],
    ['junk keep-alive list', { ...base, keepAlive: '1,x,3' }, /--keep-alive .*"x"/],
    ['max concurrency 0', { ...base, maxConcurrency: '0' }, /--max-concurrency must be an integer >= 1/],
    [
      'unknown routing',
      { ...base, routing: 'lru' },
      /--routing must be one of mru, newest, random, got "lru"/,
    ],
    ['unknown mode', { ...base, mode: 'vm' }, /--mode must be one of container, wasm/],
    [
      'unknown distribution',
      { ...base, distribution: 'weibull' },
      /--distribution must be one of exponential, deterministic, lognormal/,
    ],
    ['fractional requests', { ...base, requests: '1.5' }, /--requests must be an integer/],
    [
      'missing keep-alive',
      { arrivalRate: '1', warm: '1', cold: '2' },
      /--keep-alive is required in --mode container/,
    ],
    ['cv without lognormal', { ...base, cv: '1' }, /--cv applies to --distribution lognormal only/],
    ['cores in container mode', { ...base, cores: '2' }, /--cores does not apply to --mode container/],
    [
      'keep-alive in wasm mode',
      { mode: 'wasm', arrivalRate: '1', serviceTime: '1', keepAlive: '1' },
      /--keep-alive does not apply to --mode wasm/,
    ],
    ['missing service time', { mode: 'wasm', arrivalRate: '1' }, /--service-time is required in --mode wasm/],
    [
      'zero cores',
      { mode: 'wasm', arrivalRate: '1', serviceTime: '1', cores: '0' },
      /--cores must be an integer >= 1/,
    ],
  ];
  for (const [label, flags, re] of bad) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => parseSimulateFlags(flags),
        (e: unknown) => e instanceof UsageError && re.test(e.message),
      );
    });
  }
});

describe('faasmark simulate (CLI)', () => {
  it('--json: one object with inputs and SMP-named outputs', async () => {
    const r = await runCli([
      'simulate',
      '--arrival-rate',
      '1',
      '--warm',
      '0.5',
      '--cold',
      '2',
      '--keep-alive',
      '10',
      '--requests',
      '20000',
      '--seed',
      '3',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.arrivalRate, 1);
    assert.equal(doc.keepAlive, 10);
    assert.equal(doc.arrivals, 20000);
    for (const k of [
      'avgServerCount',
      'avgServerCountTotal',
      'avgRunningCount',
      'avgRunningWarmCount',
      'avgRunningColdCount',
      'avgIdleCount',
      'coldProb',
      'avgUtilization',
      'avgRespTime',
      'rejectionProb',
      'rejectionRate',
    ]) {
      assert.equal(typeof doc[k], 'number', k);
    }
    // Little's law on the simulated numbers (edge effects ~ 1e-4 at this length)
    assert.ok(
      Math.abs(
        doc.avgRunningCount / (doc.avgRespTime * (doc.served / (doc.windowEnd - doc.windowStart))) - 1,
      ) < 1e-3,
    );
  });
  it('--keep-alive list gives an array; the same seed reproduces the same numbers', async () => {
    const argv = [
      'simulate',
      '--arrival-rate',
      '2',
      '--warm',
      '0.2',
      '--cold',
      '1',
      '--keep-alive',
      '1,30',
      '--requests',
      '5000',
      '--json',
    ];
    const a = await runCli(argv);
    const b = await runCli(argv);
    assert.equal(a.code, 0, a.stderr);
    const docs = JSON.parse(a.stdout);
    assert.ok(Array.isArray(docs));
    assert.deepEqual(
      docs.map((d: { keepAlive: number }) => d.keepAlive),
      [1, 30],
    );
    assert.equal(a.stdout, b.stdout);
  });
  it('table by default; wasm mode', async () => {
    const r = await runCli([
      'simulate',
      '--mode',
      'wasm',
      '--arrival-rate',
      '5',
      '--service-time',
      '0.3',
      '--requests',
      '5000',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /M\/G\/∞/);
    assert.match(r.stdout, /inFlight/);
  });
  it('bad input: exit 2, the flag named on stderr, nothing on stdout', async () => {
    const r = await runCli([
      'simulate',
      '--arrival-rate',
      '1',
      '--warm',
      '1',
      '--cold',
      '2',
      '--keep-alive',
      '1',
      '--routing',
      'lru',
      '--json',
    ]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--routing must be one of mru, newest, random/);
  });
});
