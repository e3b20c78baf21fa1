import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../analysis/random.js';
import { ksExponential } from '../../analysis/stats/ks.js';
import { arrivalSchedule, parseTraceCounts, type ScheduleSpec } from '../../harness/arrivals.js';

const times = (spec: ScheduleSpec, seed = 204) => [...arrivalSchedule(spec, createRng(seed))];

function ascending(xs: { at: number }[]): boolean {
  return xs.every((x, i) => i === 0 || x.at >= (xs[i - 1] as { at: number }).at);
}

describe('arrivalSchedule', () => {
  it('is reproducible: the same seed gives the same schedule, another seed another', () => {
    const spec: ScheduleSpec = { process: 'poisson', rate: 3, warmup: 5, duration: 20 };
    assert.deepEqual(times(spec), times(spec));
    assert.notDeepEqual(times(spec), times(spec, 205));
  });

  it('conditional-poisson puts exactly round(λT) arrivals in each segment', () => {
    for (const [rate, warmup, duration] of [
      [1, 10, 60],
      [2.5, 3, 7.3],
      [0.2, 0, 100],
    ] as const) {
      const xs = times({ process: 'conditional-poisson', rate, warmup, duration });
      assert.equal(xs.filter((x) => x.warmup).length, Math.round(rate * warmup));
      assert.equal(xs.filter((x) => !x.warmup).length, Math.round(rate * duration));
      assert.ok(ascending(xs));
      assert.ok(xs.every((x) => (x.warmup ? x.at < warmup : x.at >= warmup && x.at < warmup + duration)));
    }
  });

  it('deterministic: t_k = k/λ, flagged by segment', () => {
    const xs = times({ process: 'deterministic', rate: 2, warmup: 1, duration: 2 });
    assert.deepEqual(
      xs.map((x) => [x.seq, x.at, x.warmup]),
      [
        [0, 0.5, true],
        [1, 1.5, false],
        [2, 2, false],
        [3, 2.5, false],
      ],
    );
  });

  it('poisson gaps pass a KS test against the exponential (seeded; p > 0.01)', () => {
    const xs = times({ process: 'poisson', rate: 5, warmup: 0, duration: 400 });
    const gaps = xs.slice(1).map((x, i) => x.at - (xs[i] as { at: number }).at);
    assert.ok(Math.abs(xs.length / 400 - 5) < 0.3, `rate ${xs.length / 400}`); // 2000 arrivals: sd 0.11
    assert.ok(ksExponential(gaps, 5).pValue > 0.01);
  });

  it('conditional-poisson gaps also look exponential', () => {
    const xs = times({ process: 'conditional-poisson', rate: 5, warmup: 0, duration: 400 });
    const gaps = xs.slice(1).map((x, i) => x.at - (xs[i] as { at: number }).at);
    assert.ok(ksExponential(gaps, 5).pValue > 0.01);
  });

  it('trace: uniform placement gives exactly the rescaled count per minute, cycling the trace', () => {
    // counts mean 30/min; rate 1 req/s = 60/min → factor 2
    const xs = times({
      process: 'trace',
      rate: 1,
      warmup: 0,
      duration: 240,
      trace: { counts: [10, 50], within: 'uniform' },
    });
    const perMinute = [0, 0, 0, 0];
    for (const x of xs) perMinute[Math.floor(x.at / 60)] = (perMinute[Math.floor(x.at / 60)] ?? 0) + 1;
    assert.deepEqual(perMinute, [20, 100, 20, 100]);
    assert.ok(ascending(xs));
  });

  it('trace: poisson placement keeps roughly the per-minute rate', () => {
    const xs = times({
      process: 'trace',
      rate: 2,
      warmup: 0,
      duration: 600,
      trace: { counts: [120], within: 'poisson' },
    });
    assert.ok(Math.abs(xs.length - 1200) < 150, `${xs.length}`); // sd √1200 ≈ 35
  });

  it('is lazy: a huge schedule yields its first arrival at once', () => {
    const it = arrivalSchedule(
      { process: 'conditional-poisson', rate: 1e6, warmup: 0, duration: 1 },
      createRng(1),
    );
    const first = it.next();
    assert.equal(first.done, false);
  });

  it('rejects a non-positive rate', () => {
    assert.throws(() => times({ process: 'poisson', rate: 0, warmup: 0, duration: 1 }), /rate must be > 0/);
  });
});

describe('parseTraceCounts', () => {
  it('reads lines, CSV with header, and JSON', () => {
    assert.deepEqual(parseTraceCounts('1\n2\n\n3\n', 't'), [1, 2, 3]);
    assert.deepEqual(parseTraceCounts('minute,count\n0,5\n1,7\n', 't'), [5, 7]);
    assert.deepEqual(parseTraceCounts('[4, 0, 2]', 't'), [4, 0, 2]);
  });
  for (const bad of ['1\n-2\n', '1\nx\n', '', '[1, "a"]']) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseTraceCounts(bad, 'trace.csv'), /trace.csv/);
    });
  }
});
