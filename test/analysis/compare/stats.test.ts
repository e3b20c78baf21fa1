import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng, exponential } from '../../../analysis/random.js';
import { bootstrapRatioCi, mean, quantile, singletonUnits } from '../../../analysis/stats/bootstrap.js';
import { mannWhitneyU } from '../../../analysis/stats/mann-whitney.js';

describe('Mann–Whitney U', () => {
  // Reference: SciPy 1.17.1, scipy.stats.mannwhitneyu(x, y, alternative='two-sided',
  // method='asymptotic', use_continuity=True), run on this project's machine (Debian python3-scipy).
  // Tolerance 1e-6: our erfc comes from simple-statistics' erf, accurate to 1.2e-7.
  const cases: { name: string; x: number[]; y: number[]; u: number; p: number }[] = [
    { name: 'no ties', x: [1.1, 2.2, 3.3, 4.4, 5.5, 6.6], y: [2, 7, 8, 9, 10], u: 5, p: 0.0828374251588063 },
    {
      name: 'ties across samples',
      x: [1, 2, 2, 3, 3, 3, 4, 5],
      y: [3, 4, 4, 5, 6, 6, 7],
      u: 7,
      p: 0.015984685125196244,
    },
    {
      name: 'shifted grids',
      x: Array.from({ length: 20 }, (_, i) => 0.5 * i),
      y: Array.from({ length: 25 }, (_, i) => 0.5 * i + 2.25),
      u: 120,
      p: 0.00309653729308269,
    },
    { name: 'heavy ties', x: [1, 1, 1, 1], y: [1, 1, 2, 2], u: 4, p: 0.1813582759043133 },
  ];
  for (const c of cases) {
    it(`matches SciPy: ${c.name}`, () => {
      const r = mannWhitneyU(c.x, c.y);
      assert.equal(r.statistic, c.u);
      assert.ok(Math.abs(r.pValue - c.p) < 1e-6, `p ${r.pValue} vs ${c.p}`);
    });
  }
  it('is symmetric in its p-value and gives p = 1 for identical samples', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    const y = [2, 7, 1, 8, 2, 8];
    assert.ok(Math.abs(mannWhitneyU(x, y).pValue - mannWhitneyU(y, x).pValue) < 1e-12);
    assert.equal(mannWhitneyU([1, 2, 3], [1, 2, 3]).pValue, 1);
    assert.equal(mannWhitneyU([], [1]).pValue, 1);
  });
});

describe('bootstrap ratio CI', () => {
  it('covers a known 20% shift and excludes 1 (seeded)', () => {
    const rng = createRng(7);
    const base = Array.from({ length: 400 }, () => 0.5 + exponential(rng, 10));
    const cand = Array.from({ length: 400 }, () => 1.2 * (0.5 + exponential(rng, 10)));
    const ci = bootstrapRatioCi(singletonUnits(base), singletonUnits(cand), mean, {
      rng: createRng(1),
      resamples: 1000,
    });
    assert.ok(ci.lo !== null && ci.hi !== null && ci.ratio !== null);
    assert.ok(ci.lo < 1.2 && ci.hi > 1.2, `CI [${ci.lo}, ${ci.hi}] should cover the true ratio 1.2`);
    assert.ok(ci.lo > 1, 'CI should exclude 1');
    const again = bootstrapRatioCi(singletonUnits(base), singletonUnits(cand), mean, {
      rng: createRng(1),
      resamples: 1000,
    });
    assert.deepEqual(again, ci, 'same seed, same interval');
  });
  it('covers 1 with no shift', () => {
    const rng = createRng(8);
    const base = Array.from({ length: 300 }, () => exponential(rng, 1));
    const cand = Array.from({ length: 300 }, () => exponential(rng, 1));
    const ci = bootstrapRatioCi(singletonUnits(base), singletonUnits(cand), mean, {
      rng: createRng(2),
      resamples: 1000,
    });
    assert.ok((ci.lo as number) < 1 && (ci.hi as number) > 1);
  });
  it('resampling whole repetitions widens the interval when repetitions drift', () => {
    const reps = [
      [1, 1.01, 0.99],
      [1.3, 1.31, 1.29],
      [0.8, 0.81, 0.79],
    ];
    const byRep = bootstrapRatioCi(reps, reps, mean, { rng: createRng(3), resamples: 2000 });
    const byReq = bootstrapRatioCi(singletonUnits(reps.flat()), singletonUnits(reps.flat()), mean, {
      rng: createRng(3),
      resamples: 2000,
    });
    assert.ok((byRep.hi as number) - (byRep.lo as number) > (byReq.hi as number) - (byReq.lo as number));
  });
  it('quantile is type 7 (R / numpy default)', () => {
    // numpy.quantile([1, 2, 3, 4], 0.99) = 3.97
    assert.ok(Math.abs(quantile([4, 1, 3, 2], 0.99) - 3.97) < 1e-12);
    assert.equal(quantile([5], 0.5), 5);
    assert.throws(() => quantile([1], 1.5), RangeError);
  });
});
