/**
 * Model error against sampling noise (analysis/metrics/assess.ts, batches.ts): CIs per
 * measured metric, absolute scoring of probabilities near zero, MAPE over the comparisons
 * that mean something.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessMetric, NEAR_ZERO } from '../../../analysis/metrics/assess.js';
import { BatchAccumulator, batchInterval, wilson } from '../../../analysis/metrics/batches.js';
import { comparisonRows, mape } from '../../../analysis/report/tables.js';
import type { PointSummary } from '../../../results/types.js';
import { pointSummary } from '../../helpers/point-summary.js';

describe('Wilson score interval', () => {
  it('0 of 59: [0, z²/(n + z²)] = [0, 0.0611] (the closed form at zero successes)', () => {
    const ci = wilson(0, 59);
    assert.ok(ci);
    assert.equal(ci.lo, 0);
    const z2 = 1.959963984540054 ** 2;
    assert.ok(Math.abs(ci.hi - z2 / (59 + z2)) < 1e-12, String(ci.hi));
  });

  it('50 of 100: 0.5 ± 0.0962 (Agresti & Coull 1998, Table 1 form: symmetric at p = ½)', () => {
    const ci = wilson(50, 100);
    assert.ok(ci);
    assert.ok(Math.abs(ci.lo - 0.40383) < 1e-4 && Math.abs(ci.hi - 0.59617) < 1e-4, JSON.stringify(ci));
  });

  it('is undefined without trials', () => assert.equal(wilson(0, 0), null));
});

describe('batch-means interval', () => {
  it('of a constant series has no width; of 10 values it is x̄ ± t(9)·s/√10', () => {
    assert.deepEqual(batchInterval([2, 2, 2, 2], 2), { lo: 2, hi: 2 });
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const ci = batchInterval(xs, 5.5);
    const s = Math.sqrt(xs.reduce((a, x) => a + (x - 5.5) ** 2, 0) / 9);
    assert.ok(ci && Math.abs(ci.hi - (5.5 + (2.262 * s) / Math.sqrt(10))) < 1e-12);
  });

  it('a time-weighted count that is the same in every batch has a zero-width CI at its value', () => {
    const acc = new BatchAccumulator({ start: 0, end: 10 });
    acc.interval('inFlight', -5, 20); // one request in flight the whole window
    const ci = acc.intervals(['inFlight'], { inFlight: 1 });
    assert.deepEqual(ci.inFlight, { lo: 1, hi: 1 });
  });

  it('0 cold starts in 59 requests: the CI still reaches above zero (Wilson), not [0, 0]', () => {
    const acc = new BatchAccumulator({ start: 0, end: 59 });
    for (let i = 0; i < 59; i++) acc.arrival(i + 0.5, 'ok', 0.03, false);
    const ci = acc.intervals(['coldProb'], { coldProb: 0 }).coldProb;
    assert.ok(ci && ci.lo === 0 && ci.hi > 0.06, JSON.stringify(ci));
  });

  it('respTime of 50 warm requests and no cold one: the CI reaches what a cold start would add (the README run at keep-alive 5 s)', () => {
    const acc = new BatchAccumulator({ start: 0, end: 50 });
    for (let i = 0; i < 50; i++) acc.arrival(i + 0.5, 'ok', 0.0035 + (i % 5) * 1e-4, false);
    const batchesOnly = acc.intervals(['respTime'], { respTime: 0.0037 }).respTime;
    assert.ok(batchesOnly && batchesOnly.hi < 0.004, 'batch means see no cold start');
    // a cold start costs 0.3 s (the profile's); 0 of 50 leaves p ≤ 7.1% (Wilson)
    const ci = acc.intervals(
      ['respTime'],
      { respTime: 0.0037 },
      { respTime: 0.3, serviceTime: 0.29 },
    ).respTime;
    const pHi = wilson(0, 50)?.hi as number;
    assert.ok(ci && Math.abs(ci.hi - (0.0037 + pHi * (0.3 - 0.0037))) < 1e-9, JSON.stringify(ci));
    assert.ok(ci.hi > 0.0055, 'the SMP prediction 5.55 ms is inside');
    assert.ok(ci.lo <= 0.0037);
  });

  it("respTime with cold requests: the mixture uses the point's own cold mean, not the hint", () => {
    const acc = new BatchAccumulator({ start: 0, end: 40 });
    for (let i = 0; i < 40; i++) acc.arrival(i + 0.5, 'ok', i % 10 === 0 ? 0.5 : 0.01, i % 10 === 0);
    const mean = (4 * 0.5 + 36 * 0.01) / 40;
    const a = acc.intervals(['respTime'], { respTime: mean }, { respTime: 99, serviceTime: 99 }).respTime;
    assert.ok(a && a.hi < 0.5, 'the hint (99 s) is not used when colds were seen');
    const p = wilson(4, 40) as { lo: number; hi: number };
    assert.ok(a.hi >= 0.01 + p.hi * 0.49 - 1e-12);
  });
});

describe('cold executor-time a short point did not see', () => {
  it('runningCold of 0 in 50 warm requests reaches rate·p_hi·S_cold (Little), running widens by as much', () => {
    const acc = new BatchAccumulator({ start: 0, end: 50 });
    for (let i = 0; i < 50; i++) acc.arrival(i + 0.5, 'ok', 0.0035, false);
    acc.interval('running', 0.5, 0.503); // one warm run's executor-time
    const plain = acc.intervals(['runningCold', 'running'], { runningCold: 0, running: 0.00006 });
    assert.deepEqual(plain.runningCold, { lo: 0, hi: 0 }, 'batch means alone: a certainty that is not there');
    const hint = { respTime: 0.3, serviceTime: 0.29 };
    const ci = acc.intervals(['runningCold', 'running'], { runningCold: 0, running: 0.00006 }, hint);
    const pHi = wilson(0, 50)?.hi as number;
    const unseen = (50 / 50) * pHi * 0.29;
    assert.ok(ci.runningCold && Math.abs(ci.runningCold.hi - unseen) < 1e-12, JSON.stringify(ci.runningCold));
    assert.equal(ci.runningCold.lo, 0);
    assert.ok(plain.running && ci.running && Math.abs(ci.running.hi - (plain.running.hi + unseen)) < 1e-12);
    assert.equal(ci.running.lo, plain.running.lo);
  });

  it('a point that saw a cold start keeps its batch-means interval (no hint used)', () => {
    const acc = new BatchAccumulator({ start: 0, end: 20 });
    for (let i = 0; i < 20; i++) acc.arrival(i + 0.5, 'ok', i === 3 ? 0.3 : 0.0035, i === 3);
    acc.interval('runningCold', 3.5, 3.8);
    const a = acc.intervals(['runningCold'], { runningCold: 0.015 });
    const b = acc.intervals(['runningCold'], { runningCold: 0.015 }, { respTime: 9, serviceTime: 9 });
    assert.deepEqual(a, b);
  });
});

describe('assessing a metric', () => {
  it('0 measured cold starts against a predicted 1.1%: absolute error −0.011, inside the noise, not in MAPE', () => {
    const a = assessMetric('coldProb', 0, 0.011, wilson(0, 59) ?? undefined, true);
    assert.equal(a.scoring, 'absolute');
    assert.ok(Math.abs((a.absError ?? 0) + 0.011) < 1e-15);
    assert.equal(a.relError, -1, 'the relative error is still reported as what it is');
    assert.equal(a.insideCi, true);
    assert.equal(a.inMape, false);
  });

  it('a probability above the near-zero band is scored relatively', () => {
    const a = assessMetric('coldProb', 0.5, 0.4, { lo: 0.45, hi: 0.55 }, true);
    assert.ok(0.4 < 1 && NEAR_ZERO < 0.4);
    assert.equal(a.scoring, 'relative');
    assert.equal(a.insideCi, false);
    assert.equal(a.inMape, true);
  });

  it('an invalid point never counts in MAPE', () => {
    assert.equal(assessMetric('respTime', 1.1, 1, { lo: 1.05, hi: 1.15 }, false).inMape, false);
  });
});

describe('MAPE covers only the comparisons that mean something', () => {
  const point = (id: string, measured: number, predicted: number, valid = true): PointSummary =>
    pointSummary({
      pointId: id,
      valid,
      invalidReasons: valid ? [] : ['x'],
      platform: 'p',
      requests: { sent: 59, ok: 59, error: 0, timeout: 0, rejected: 0 },
      measured: { coldProb: measured, respTime: 0.04 },
      predicted: { coldProb: predicted, respTime: 0.05 },
    });

  it('leaves out near-zero probabilities and invalid points; keeps relative metrics of valid ones', () => {
    const rows = comparisonRows([point('a', 0, 0.011), point('b', 0.5, 0.4), point('c', 0.9, 0.1, false)]);
    const cold = mape(rows, 0.1).find((r) => r.metric === 'coldProb');
    assert.ok(cold);
    assert.equal(cold.n, 1, 'only point b: a is near zero, c is invalid');
    assert.ok(Math.abs(cold.mape - 0.25) < 1e-12);
    const resp = mape(rows, 0.1).find((r) => r.metric === 'respTime');
    assert.equal(resp?.n, 2);
  });
});
