/**
 * Simulator vs the analytical models.
 *
 * Wasm mode vs M/G/∞ and M/G/c-PS: these models are exact in steady state, so the simulator
 * must agree within sampling error: 10 independent replications (helpers.ts), |mean − model|
 * ≤ 4 SE, plus SE small enough (< 1% of the value) that a real bias would show.
 *
 * Container mode vs the SMP: the SMP is itself an approximation (Erlang-B split of traffic over
 * ordered servers, exponential idle gaps per server, a cumulative kill rate), so even where its
 * assumptions hold (Poisson arrivals, exponential service) agreement is within model error,
 * not sampling error. The tolerances below are the gaps measured with this simulator (1e6
 * requests, see docs/simulator.md "Where the SMP holds") rounded up; the sampling error of
 * these runs is far below them. Where the SMP does not hold (small keep-alive), a test pins
 * the size of the gap so that it stays documented.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DistributionSpec } from '../../../analysis/distributions.js';
import { solveCores } from '../../../analysis/models/capacity.js';
import { solveMginf } from '../../../analysis/models/mginf.js';
import { poissonPmf } from '../../../analysis/models/poisson.js';
import { solveSmp } from '../../../analysis/models/smp.js';
import { createRng } from '../../../analysis/random.js';
import { simulate, type WasmSimParams } from '../../../analysis/simulator/index.js';
import { replicate } from './helpers.js';

function within4se(name: string, r: { mean: number; se: number }, expected: number): void {
  // + 1e-9 relative: rounding of long sums when the SE is 0 (deterministic service)
  assert.ok(
    Math.abs(r.mean - expected) <= 4 * r.se + 1e-9 * Math.abs(expected),
    `${name}: simulated ${r.mean} ± ${r.se} (SE) vs model ${expected} (${((r.mean / expected - 1) * 100).toFixed(2)}%)`,
  );
  assert.ok(r.se < 0.01 * expected, `${name}: SE ${r.se} too large to tell a 1% bias`);
}

describe('wasm mode vs M/G/∞ (exact in steady state; insensitive to the service distribution)', () => {
  const services: [string, DistributionSpec][] = [
    ['exponential', { kind: 'exponential', mean: 0.3 }],
    ['lognormal cv 1.5', { kind: 'lognormal', mean: 0.3, cv: 1.5 }],
    ['deterministic', { kind: 'deterministic', value: 0.3 }],
  ];
  for (const [label, service] of services) {
    it(`λ = 5, E[S] = 0.3, ${label}: respTime and inFlight within 4 SE`, () => {
      const model = solveMginf({ arrivalRate: 5, serviceTime: 0.3 });
      const params: WasmSimParams = {
        mode: 'wasm',
        arrivals: { kind: 'poisson', rate: 5 },
        service,
        // long enough that requests from before the window (none at t < 0) no longer matter
        warmup: { time: 200 },
        stop: { requests: 100_000 },
      };
      const runs = Array.from({ length: 10 }, (_, i) => simulate(params, createRng(100 + i)));
      const stat = (f: (r: (typeof runs)[number]) => number) => summarise(runs.map(f));
      within4se(
        'respTime',
        stat((r) => r.respTime),
        model.meanResponseTime,
      );
      within4se(
        'inFlight',
        stat((r) => r.inFlight),
        model.meanInSystem,
      );
    });
  }

  it('the time-weighted in-flight distribution is Poisson(λE[S]) and its percentiles match', () => {
    const model = solveMginf({ arrivalRate: 5, serviceTime: 0.3 });
    const r = simulate(
      {
        mode: 'wasm',
        arrivals: { kind: 'poisson', rate: 5 },
        service: { kind: 'lognormal', mean: 0.3, cv: 1 },
        warmup: { time: 20 },
        stop: { requests: 400_000 },
      },
      createRng(9),
    );
    assert.deepEqual(
      [r.inFlightP50, r.inFlightP95, r.inFlightP99],
      [model.inSystemP50, model.inSystemP95, model.inSystemP99],
    );
    // total variation distance between the observed and Poisson(1.5) distributions; its
    // sampling error at 400k requests (~80k s) is ~1e-3, a wrong shape (e.g. mean 1.6) gives > 0.03.
    let tv = 0;
    let probed = 0;
    for (let n = 0; n <= 30; n++) {
      const observed = timeShare(r, n);
      probed += observed;
      tv += Math.abs(observed - poissonPmf(1.5, n)) / 2;
    }
    assert.ok(probed > 0.999999);
    assert.ok(tv < 0.006, `total variation ${tv}`);
  });
});

describe('wasm mode with c cores vs M/G/c processor sharing (exact mean; symmetric queue, insensitive)', () => {
  for (const [label, service] of [
    ['exponential', { kind: 'exponential', mean: 0.3 }],
    ['lognormal cv 1.5', { kind: 'lognormal', mean: 0.3, cv: 1.5 }],
  ] as [string, DistributionSpec][]) {
    it(`c = 2, λ = 5, E[S] = 0.3 (ρ = 0.75), ${label}: respTime within 4 SE of solveCores`, () => {
      const model = solveCores({ arrivalRate: 5, serviceTime: 0.3, cores: 2 });
      const r = replicate(
        10,
        200,
        (rng) =>
          simulate(
            {
              mode: 'wasm',
              arrivals: { kind: 'poisson', rate: 5 },
              service,
              cores: 2,
              warmup: { time: 50 },
              stop: { requests: 100_000 },
            },
            rng,
          ).respTime,
      );
      within4se('respTime', r, model.meanResponseTime as number);
    });
  }

  it('c = 1 is M/G/1-PS: E[T] = E[S]/(1 − ρ) for deterministic service too', () => {
    const r = replicate(
      10,
      300,
      (rng) =>
        simulate(
          {
            mode: 'wasm',
            arrivals: { kind: 'poisson', rate: 2 },
            service: { kind: 'deterministic', value: 0.25 },
            cores: 1,
            warmup: { time: 50 },
            stop: { requests: 100_000 },
          },
          rng,
        ).respTime,
    );
    within4se('respTime', r, 0.25 / (1 - 0.5));
  });

  it('with more cores than ever in flight, PS gives exactly the M/G/∞ run (same seed)', () => {
    const params: WasmSimParams = {
      mode: 'wasm',
      arrivals: { kind: 'poisson', rate: 5 },
      service: { kind: 'lognormal', mean: 0.3, cv: 1 },
      stop: { requests: 20_000 },
    };
    const inf = simulate(params, createRng(5));
    const ps = simulate({ ...params, cores: 1000 }, createRng(5));
    assert.ok(inf.maxInFlight < 1000);
    assert.ok(Math.abs(ps.respTime - inf.respTime) < 1e-9 * inf.respTime);
    assert.ok(Math.abs(ps.inFlight - inf.inFlight) < 1e-9 * inf.inFlight);
  });
});

/** Container vs SMP where its assumptions hold: Poisson, exponential service, τ ≫ 1/λ. */
const HOLDS: { name: string; arrivalRate: number; warm: number; cold: number; keepAlive: number }[] = [
  // thesis Table 4.1 service times (docs/design/platform-facts.md), λ = 1 as in the thesis
  { name: 'float', arrivalRate: 1, warm: 1.5288, cold: 4.1202, keepAlive: 60 },
  { name: 'float', arrivalRate: 1, warm: 1.5288, cold: 4.1202, keepAlive: 600 },
  // aes at τ = 60 is NOT in this list: coldProb 0.0062 vs 0.0046 times c ≫ w moves respTime by +12%
  { name: 'aes', arrivalRate: 1, warm: 0.0259, cold: 2.5849, keepAlive: 600 },
  { name: 'moderate', arrivalRate: 5, warm: 0.2, cold: 1, keepAlive: 60 },
];

describe('container mode vs the SMP (thesis variant) where its assumptions hold', () => {
  for (const routing of ['mru', 'newest'] as const) {
    for (const c of HOLDS) {
      it(`${c.name} λ=${c.arrivalRate} τ=${c.keepAlive} ${routing}: respTime ±2%, running ±2%, total executors ±7%, coldProb ±0.01`, () => {
        const smp = solveSmp(c);
        const r = simulate(
          {
            arrivals: { kind: 'poisson', rate: c.arrivalRate },
            warm: { kind: 'exponential', mean: c.warm },
            cold: { kind: 'exponential', mean: c.cold },
            keepAlive: c.keepAlive,
            routing,
            warmup: { time: 20 * c.keepAlive },
            stop: { requests: 300_000 },
          },
          createRng(11),
        );
        const rel = (a: number, b: number) => Math.abs(a / b - 1);
        assert.ok(
          rel(r.avgRespTime, smp.avgRespTime) < 0.02,
          `avgRespTime ${r.avgRespTime} vs ${smp.avgRespTime}`,
        );
        assert.ok(
          rel(r.avgRunningCount, smp.avgRunningCount) < 0.02,
          `avgRunningCount ${r.avgRunningCount} vs ${smp.avgRunningCount}`,
        );
        assert.ok(
          rel(r.avgServerCountTotal, smp.avgServerCountTotal) < 0.07,
          `avgServerCountTotal ${r.avgServerCountTotal} vs ${smp.avgServerCountTotal}`,
        );
        assert.ok(Math.abs(r.coldProb - smp.coldProb) < 0.01, `coldProb ${r.coldProb} vs ${smp.coldProb}`);
      });
    }
  }
});

describe('container mode vs the SMP where it does NOT hold (documented gap, docs/simulator.md)', () => {
  it('float, λ = 1, τ = 1 s: the SMP predicts coldProb 0.85, the simulation ≈ 0.51 (MRU)', () => {
    const smp = solveSmp({ arrivalRate: 1, warm: 1.5288, cold: 4.1202, keepAlive: 1 });
    const r = replicate(
      5,
      400,
      (rng) =>
        simulate(
          {
            arrivals: { kind: 'poisson', rate: 1 },
            warm: { kind: 'exponential', mean: 1.5288 },
            cold: { kind: 'exponential', mean: 4.1202 },
            keepAlive: 1,
            warmup: { time: 100 },
            stop: { requests: 100_000 },
          },
          rng,
        ).coldProb,
    );
    assert.ok(Math.abs(smp.coldProb - 0.8455) < 1e-3, `SMP ${smp.coldProb}`);
    // the gap measured with 1e6 requests is 0.335 (0.8455 vs 0.5106); pin it to ±0.02
    assert.ok(
      Math.abs(smp.coldProb - r.mean - 0.335) < 0.02,
      `gap ${smp.coldProb - r.mean} (sim ${r.mean} ± ${r.se})`,
    );
  });
});

function summarise(values: number[]): { mean: number; se: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n) };
}

/** Share of the window's time with exactly n in flight. */
function timeShare(r: { inFlightDistribution: number[] }, n: number): number {
  return r.inFlightDistribution[n] ?? 0;
}

describe('container mode vs SimFaaS (pacslab/simfaas README.rst example output)', () => {
  // SimFaaS: arrival_rate 0.9, warm 1.991 s, cold 2.244 s (exponential), expiration 600 s,
  // max_time 1e6 s, newest-created routing, no warm-up skip; it printed cold-start probability
  // 1213/898469 = 0.00135, average server count 7.6612, running 1.7879, idle 5.8733 (one run).
  // Our per-run standard deviations for this setting (8 seeds, measured while writing this
  // test): 4e-5, 0.020, 0.0014, 0.020. Both sides are single runs, so the difference has SD
  // √2·sd; accept 4·√2·sd.
  it('one run of the same length matches SimFaaS within 4·√2 per-run SDs', () => {
    const r = simulate(
      {
        arrivals: { kind: 'poisson', rate: 0.9 },
        warm: { kind: 'exponential', mean: 1.991 },
        cold: { kind: 'exponential', mean: 2.244 },
        keepAlive: 600,
        routing: 'newest',
        stop: { time: 1e6 },
      },
      createRng(2020),
    );
    const k = 4 * Math.SQRT2;
    assert.ok(Math.abs(r.coldProb - 1213 / 898469) < k * 4e-5, `coldProb ${r.coldProb}`);
    assert.ok(Math.abs(r.avgServerCountTotal - 7.6612) < k * 0.02, `server count ${r.avgServerCountTotal}`);
    assert.ok(Math.abs(r.avgRunningCount - 1.7879) < k * 0.0014, `running ${r.avgRunningCount}`);
    assert.ok(Math.abs(r.avgIdleCount - 5.8733) < k * 0.02, `idle ${r.avgIdleCount}`);
  });
});
