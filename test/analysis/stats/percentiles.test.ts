/** The streaming percentile summary (analysis/stats/percentiles.ts): within 0.1% and never above the max. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PercentileRecorder } from '../../../analysis/stats/percentiles.js';

describe('PercentileRecorder', () => {
  it('is within 0.1% of the exact percentiles, and no percentile exceeds the exact maximum', () => {
    const r = new PercentileRecorder();
    const values: number[] = [];
    // the README run's case: one slow request among fast ones (0.2913 s, whose HDR bucket tops out higher)
    for (let i = 0; i < 99; i++) values.push(0.003 + i * 1e-5);
    values.push(0.2913);
    for (const v of values) r.record(v);
    const s = r.summary();
    assert.equal(s.max, 0.2913);
    for (const p of [s.p50, s.p90, s.p99]) assert.ok((p as number) <= (s.max as number), `${p} > ${s.max}`);
    const sorted = [...values].sort((a, b) => a - b);
    assert.ok(Math.abs((s.p50 as number) - (sorted[49] as number)) <= 1e-3 * (sorted[49] as number) + 1e-6);
    assert.equal(r.at(100), 0.2913);
    assert.equal(new PercentileRecorder().at(50), null);
  });
});
