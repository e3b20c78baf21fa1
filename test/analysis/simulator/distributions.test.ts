/** Service-time distributions: means and spread by sampling (seeded), exact means, bad specs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDistribution, type DistributionSpec, specWithMean } from '../../../analysis/distributions.js';
import { createRng } from '../../../analysis/random.js';
import { EventHeap } from '../../../analysis/simulator/event-heap.js';
import { InputError } from '../../../core/errors.js';

function moments(spec: DistributionSpec, n = 200_000, seed = 1) {
  const d = createDistribution(spec);
  const rng = createRng(seed);
  let s = 0;
  let s2 = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const x = d.sample(rng);
    s += x;
    s2 += x * x;
    if (x < min) min = x;
  }
  const mean = s / n;
  const sd = Math.sqrt(s2 / n - mean * mean);
  return { d, mean, sd, min, se: sd / Math.sqrt(n) };
}

describe('distributions', () => {
  // tolerance: 4 standard errors of the sample mean (SE = sd/√n), fixed seed
  it('exponential: mean and sd equal the mean', () => {
    const m = moments({ kind: 'exponential', mean: 0.5 });
    assert.equal(m.d.mean, 0.5);
    assert.ok(Math.abs(m.mean - 0.5) < 4 * m.se);
    assert.ok(Math.abs(m.sd / 0.5 - 1) < 0.02);
    assert.ok(m.min >= 0);
  });
  it('lognormal by mean and cv: E = mean, sd = cv·mean', () => {
    const m = moments({ kind: 'lognormal', mean: 2, cv: 0.5 });
    assert.ok(Math.abs(m.mean - 2) < 4 * m.se, `${m.mean}`);
    assert.ok(Math.abs(m.sd / 1 - 1) < 0.03, `${m.sd}`);
  });
  it('lognormal by sigma: sd/mean = √(e^{σ²} − 1)', () => {
    const m = moments({ kind: 'lognormal', mean: 1, sigma: 0.3 });
    assert.ok(Math.abs(m.mean - 1) < 4 * m.se);
    assert.ok(Math.abs(m.sd - Math.sqrt(Math.expm1(0.09))) < 0.01);
  });
  it('deterministic and empirical', () => {
    assert.equal(createDistribution({ kind: 'deterministic', value: 0.7 }).sample(createRng(1)), 0.7);
    const m = moments({ kind: 'empirical', values: [1, 2, 6] });
    assert.equal(m.d.mean, 3);
    assert.ok(Math.abs(m.mean - 3) < 4 * m.se);
    const seen = new Set<number>();
    const d = createDistribution({ kind: 'empirical', values: [1, 2, 6] });
    const rng = createRng(3);
    for (let i = 0; i < 100; i++) seen.add(d.sample(rng));
    assert.deepEqual([...seen].sort(), [1, 2, 6]);
  });
  it('specWithMean', () => {
    assert.deepEqual(specWithMean('deterministic', 2), { kind: 'deterministic', value: 2 });
    assert.deepEqual(specWithMean('lognormal', 2, 0.5), { kind: 'lognormal', mean: 2, cv: 0.5 });
  });
  const bad: [string, DistributionSpec, RegExp][] = [
    ['negative mean', { kind: 'exponential', mean: -1 }, /x\.mean must be a number > 0/],
    ['cv and sigma', { kind: 'lognormal', mean: 1, cv: 1, sigma: 1 }, /either cv or sigma/],
    ['junk value', { kind: 'empirical', values: [1, Number.NaN] }, /x\.values\[1\]/],
    [
      'unknown kind',
      { kind: 'weibull' } as never,
      /x\.kind must be one of exponential, deterministic, lognormal, empirical/,
    ],
  ];
  for (const [label, spec, re] of bad) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => createDistribution(spec, 'x'),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
    });
  }
});

describe('EventHeap', () => {
  it('pops in time order through growth', () => {
    const heap = new EventHeap(2);
    const rng = createRng(8);
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = rng.next();
      times.push(t);
      heap.push(t, i);
    }
    const out: number[] = [];
    while (heap.size > 0) {
      const t = heap.peekTime();
      const id = heap.pop();
      assert.equal(times[id], t);
      out.push(t);
    }
    assert.deepEqual(
      out,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(heap.peekTime(), Number.POSITIVE_INFINITY);
  });
});
