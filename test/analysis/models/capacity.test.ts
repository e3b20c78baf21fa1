import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  erlangB,
  erlangC,
  overloadResponseTime,
  smpSaturation,
  solveCores,
} from '../../../analysis/models/capacity.js';
import { solveSmp } from '../../../analysis/models/smp.js';
import { InputError } from '../../../core/errors.js';

/** Independent check: mean number in the M/M/c birth–death chain, truncated far out. */
function bruteForceMeanInSystem(lambda: number, s: number, c: number): number {
  let p = 1;
  let total = 0;
  let weighted = 0;
  for (let n = 0; n < 20_000; n++) {
    total += p;
    weighted += n * p;
    p *= (lambda * s) / Math.min(n + 1, c);
    if (p < 1e-300 && n > c) break;
  }
  return weighted / total;
}

describe('Erlang B / C', () => {
  it('textbook values', () => {
    // B(a = 1, c = 2) = (1/2)/(1 + 1 + 1/2) = 0.2; C(1, 2) = 1/3 (Gross & Harris, M/M/2 at ρ = 0.5)
    assert.ok(Math.abs(erlangB(1, 2) - 0.2) < 1e-15);
    assert.ok(Math.abs(erlangC(1, 2) - 1 / 3) < 1e-15);
    // c = 1: C = ρ
    assert.ok(Math.abs(erlangC(0.7, 1) - 0.7) < 1e-15);
    // stable for large c (no factorial overflow)
    const b = erlangB(900, 1000);
    assert.ok(b > 0 && b < 0.01);
    assert.throws(() => erlangC(2, 2), RangeError);
  });
});

describe('solveCores (M/G/c processor sharing)', () => {
  it('c = 1 reduces to M/G/1-PS: E[S]/(1 − ρ)', () => {
    const r = solveCores({ arrivalRate: 0.6, serviceTime: 1, cores: 1 });
    assert.ok(Math.abs(r.meanResponseTime! - 1 / 0.4) < 1e-12);
  });
  it("matches the birth–death chain's mean by Little's law over a grid (1e-9 relative)", () => {
    for (const cores of [1, 2, 10, 64])
      for (const rho of [0.05, 0.5, 0.9, 0.99]) {
        const s = 2.44;
        const lambda = (rho * cores) / s;
        const r = solveCores({ arrivalRate: lambda, serviceTime: s, cores });
        const expected = bruteForceMeanInSystem(lambda, s, cores);
        assert.ok(Math.abs(r.meanInSystem! - expected) <= 1e-9 * expected, `c=${cores} ρ=${rho}`);
        assert.ok(r.meanResponseTime! >= s);
      }
  });
  it('the knee: flat below c/E[S], steep near it, saturated at and past it', () => {
    // thesis: Spin float saturated near 4 req/s on 10 cores; E[S] = 2.44 s puts λ* at 4.1 req/s
    const s = 2.44;
    const at = (lambda: number) => solveCores({ arrivalRate: lambda, serviceTime: s, cores: 10 });
    assert.ok(Math.abs(at(1).saturationArrivalRate - 10 / s) < 1e-12);
    assert.ok(at(2).slowdown! < 1.01);
    assert.ok(at(4).slowdown! > 2);
    const sat = at(5);
    assert.equal(sat.saturated, true);
    assert.equal(sat.meanResponseTime, null);
    assert.equal(sat.meanInSystem, null);
    assert.ok(sat.backlogGrowthRate > 0.8 && sat.backlogGrowthRate < 0.91);
    assert.match(sat.notes[0]!, /saturated.*unbounded/);
    // exactly at ρ = 1: saturated, not NaN
    const edge = solveCores({ arrivalRate: 5, serviceTime: 2, cores: 10 });
    assert.equal(edge.saturated, true);
  });
  it('overloadResponseTime: fluid growth E[S] + (ρ − 1)D/2 past the knee, steady state below', () => {
    assert.equal(overloadResponseTime({ arrivalRate: 3, serviceTime: 1, cores: 2 }, 100), 1 + 0.5 * 50);
    const below = { arrivalRate: 1, serviceTime: 1, cores: 2 };
    assert.equal(overloadResponseTime(below, 100), solveCores(below).meanResponseTime);
  });
  for (const [name, input, re] of [
    ['zero cores', { arrivalRate: 1, serviceTime: 1, cores: 0 }, /cores must be an integer/],
    ['fractional cores', { arrivalRate: 1, serviceTime: 1, cores: 1.5 }, /cores must be an integer/],
    ['negative rate', { arrivalRate: -1, serviceTime: 1, cores: 2 }, /arrivalRate/],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => solveCores(input),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
    });
  }
});

describe('smpSaturation (SMP finite-capacity view)', () => {
  for (const maxConcurrency of [1, 2, 8, 1000]) {
    it(`M = ${maxConcurrency}: the rate found is the crossing of the threshold`, () => {
      const base = { warm: 1.5288, cold: 4.1202, keepAlive: 60, maxConcurrency };
      const r = smpSaturation(base);
      const lam = r.saturationArrivalRate;
      assert.ok(r.atSaturation.rejectionProb > 0.01);
      assert.ok(solveSmp({ ...base, arrivalRate: lam * (1 - 1e-6) }).rejectionProb <= 0.01);
      assert.ok(r.solves < 200);
    });
  }
  it('grows with M and honours the threshold', () => {
    const base = { warm: 0.5, cold: 2, keepAlive: 30 };
    const a = smpSaturation({ ...base, maxConcurrency: 4 }).saturationArrivalRate;
    const b = smpSaturation({ ...base, maxConcurrency: 16 }).saturationArrivalRate;
    const c = smpSaturation({ ...base, maxConcurrency: 16, threshold: 0.2 }).saturationArrivalRate;
    assert.ok(a < b && b < c);
  });
  it('rejects a bad threshold and bad SMP inputs', () => {
    assert.throws(
      () => smpSaturation({ warm: 1, cold: 2, keepAlive: 10, threshold: 1.5 }),
      /threshold must be/,
    );
    assert.throws(() => smpSaturation({ warm: 1, cold: 2, keepAlive: -1 }), /keepAlive must be/);
  });
});
