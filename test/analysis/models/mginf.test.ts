import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mginfMetrics, solveMginf } from '../../../analysis/models/mginf.js';
import { logFactorial, poissonPmf, poissonQuantile } from '../../../analysis/models/poisson.js';
import { InputError } from '../../../core/errors.js';

describe('poissonQuantile', () => {
  // Reference: scipy 1.17.1 scipy.stats.poisson.ppf(p, mean) for p = 0.5, 0.95, 0.99 (exact integers).
  const table: [number, [number, number, number]][] = [
    [0.001, [0, 0, 0]],
    [0.5, [0, 2, 3]],
    [1, [1, 3, 4]],
    [2.5, [2, 5, 7]],
    [7.3, [7, 12, 14]],
    [30, [30, 39, 43]],
    [123.4, [123, 142, 150]],
    [1000, [1000, 1052, 1074]],
    [1e5, [100000, 100520, 100736]],
    [3e6, [3000000, 3002849, 3004030]],
  ];
  for (const [mean, expected] of table) {
    it(`matches scipy at mean ${mean}`, () => {
      assert.deepEqual(
        [0.5, 0.95, 0.99].map((p) => poissonQuantile(mean, p)),
        expected,
      );
    });
  }
  it('mean 0 is always 0; bad levels and means throw', () => {
    assert.equal(poissonQuantile(0, 0.99), 0);
    assert.throws(() => poissonQuantile(1, 1), RangeError);
    assert.throws(() => poissonQuantile(1, 0), RangeError);
    assert.throws(() => poissonQuantile(Number.NaN, 0.5), RangeError);
    assert.throws(() => poissonQuantile(-1, 0.5), RangeError);
  });
});

describe('logFactorial and poissonPmf', () => {
  it('agree with exact factorials on both sides of the Stirling switch (1e-14 relative, absolute below 1)', () => {
    let f = 1;
    for (let k = 1; k <= 60; k++) {
      f *= k;
      const err = Math.abs(logFactorial(k) - Math.log(f));
      assert.ok(err <= 1e-14 * Math.max(1, Math.log(f)), `k = ${k}: err ${err}`);
    }
    assert.equal(logFactorial(0), 0);
  });
  it('pmf sums to 1 and matches e^-m m^k/k!', () => {
    let s = 0;
    for (let k = 0; k < 100; k++) s += poissonPmf(7.5, k);
    assert.ok(Math.abs(s - 1) < 1e-12);
    assert.ok(Math.abs(poissonPmf(2, 3) - (Math.exp(-2) * 8) / 6) < 1e-15);
    assert.equal(poissonPmf(0, 0), 1);
  });
});

describe('solveMginf', () => {
  it('E[T] = E[S], E[N] = λE[S], Poisson quantiles', () => {
    const r = solveMginf({ arrivalRate: 4, serviceTime: 0.25 });
    assert.equal(r.meanResponseTime, 0.25);
    assert.equal(r.meanInSystem, 1);
    assert.deepEqual([r.inSystemP50, r.inSystemP95, r.inSystemP99], [1, 3, 4]);
    assert.deepEqual(mginfMetrics(r), { respTime: 0.25, inFlight: 1, rejectProb: 0 });
  });
  for (const [name, input, re] of [
    ['zero rate', { arrivalRate: 0, serviceTime: 1 }, /arrivalRate must be a finite number > 0/],
    ['NaN service', { arrivalRate: 1, serviceTime: Number.NaN }, /serviceTime must be/],
    ['negative service', { arrivalRate: 1, serviceTime: -2 }, /serviceTime must be/],
    ['absurd load', { arrivalRate: 1e9, serviceTime: 1e9 }, /at most/],
  ] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(
        () => solveMginf(input),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
    });
  }
});
