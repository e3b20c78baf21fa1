import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, exponential } from '../../../analysis/random.js';
import { kolmogorovQ, ksExponential, ksTest } from '../../../analysis/stats/ks.js';

describe('kolmogorovQ', () => {
  // Critical values of the Kolmogorov distribution (Smirnov 1948 table; e.g. Massey 1951,
  // Table 1 asymptotic row 1.22/√n, 1.36/√n, 1.63/√n — here to 5 digits from Marsaglia,
  // Tsang & Wang 2003). Five digits of λ give Q to about 1e-4, hence the tolerance.
  for (const [lambda, q] of [
    [0.82757, 0.5],
    [1.22385, 0.1],
    [1.3581, 0.05],
    [1.62762, 0.01],
    [1.94947, 0.001],
  ] as const) {
    it(`Q(${lambda}) = ${q}`, () => {
      assert.ok(Math.abs(kolmogorovQ(lambda) - q) < 2e-4, `got ${kolmogorovQ(lambda)}`);
    });
  }

  it('the two series agree where they meet and elsewhere (alternating series summed long)', () => {
    for (const lambda of [0.5, 0.9, 1.17, 1.18, 1.19, 1.5]) {
      let alt = 0;
      for (let j = 1; j <= 400; j++) alt += (j % 2 === 1 ? 2 : -2) * Math.exp(-2 * j * j * lambda * lambda);
      assert.ok(Math.abs(kolmogorovQ(lambda) - alt) < 1e-12, `λ=${lambda}: ${kolmogorovQ(lambda)} vs ${alt}`);
    }
  });

  it('is 1 at 0 and decreasing', () => {
    assert.equal(kolmogorovQ(0), 1);
    let prev = 1;
    for (let l = 0.1; l < 3; l += 0.1) {
      const q = kolmogorovQ(l);
      assert.ok(q <= prev + 1e-15);
      prev = q;
    }
  });
});

describe('ksTest', () => {
  it('computes D by hand: [0.1, 0.4, 0.7] vs uniform(0,1) → D = 0.3 (at x = 0.7: 1 − 0.7)', () => {
    const r = ksTest([0.7, 0.1, 0.4], (x) => x);
    assert.ok(Math.abs(r.statistic - 0.3) < 1e-15);
    assert.equal(r.n, 3);
    const sqrtN = Math.sqrt(3);
    assert.ok(Math.abs(r.pValue - kolmogorovQ((sqrtN + 0.12 + 0.11 / sqrtN) * 0.3)) < 1e-12);
  });

  it('rejects an empty sample', () => {
    assert.throws(() => ksTest([], (x) => x), RangeError);
  });

  it('accepts seeded exponential gaps and rejects deterministic ones', () => {
    const rng = createRng(204);
    const gaps = Array.from({ length: 2000 }, () => exponential(rng, 2));
    const good = ksExponential(gaps, 2);
    assert.ok(good.pValue > 0.01, `p=${good.pValue}`);
    const bad = ksExponential(new Array(2000).fill(0.5), 2);
    // all mass at 0.5 where F = 1 − e^{−1} ≈ 0.632: D ≈ 0.632, p ≈ 0
    assert.ok(Math.abs(bad.statistic - (1 - Math.exp(-1))) < 1e-12);
    assert.ok(bad.pValue < 1e-10);
  });
});
