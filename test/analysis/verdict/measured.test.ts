/**
 * A run's verdict from its measurements (analysis/verdict/measured.ts) and the thesis's from
 * its published numbers (analysis/thesis/verdicts.ts): the lower value wins only when the 95%
 * CIs do not overlap; entries that differ by label are judged apart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadThesisData } from '../../../analysis/thesis/data.js';
import { callPublished, thesisVerdicts } from '../../../analysis/thesis/verdicts.js';
import { callOf, runVerdicts, verdictSummary } from '../../../analysis/verdict/measured.js';
import type { PointSummary } from '../../../results/types.js';
import { pointSummary } from '../../helpers/point-summary.js';

const point = (p: Partial<PointSummary>): PointSummary =>
  pointSummary({ platform: 'local-container', keepAlive: p.executor === 'wasm' ? null : 60, ...p });

const ci = (value: number, half: number) => ({ lo: value - half, hi: value + half });

describe('callOf', () => {
  it('calls the lower when the CIs are apart, too close when they overlap', () => {
    assert.equal(callOf({ value: 1, lo: 0.9, hi: 1.1 }, { value: 2, lo: 1.8, hi: 2.2 }).winner, 'container');
    assert.equal(callOf({ value: 2, lo: 1.8, hi: 2.2 }, { value: 1, lo: 0.9, hi: 1.1 }).winner, 'wasm');
    assert.equal(
      callOf({ value: 1, lo: 0.8, hi: 1.3 }, { value: 1.2, lo: 1.1, hi: 1.4 }).winner,
      'too close to call',
    );
    assert.equal(callOf(null, { value: 1, lo: 1, hi: 1 }).winner, 'too close to call');
  });
});

describe('runVerdicts', () => {
  const inputs = { source: 'profile', warm: 0.0259, cold: 2.5849 };
  const wasm = point({
    pointId: 'w',
    platform: 'local-wasm',
    executor: 'wasm',
    measured: { respTime: 0.031, inFlight: 0.031 },
    measuredCi: { respTime: ci(0.031, 0.002), inFlight: ci(0.031, 0.01) },
    modelInputs: { source: 'profile', wasm: 0.0308 },
  });
  const container = (label: string, respTime: number, half: number) =>
    point({
      pointId: `${label}.ka60`,
      label,
      executor: 'container',
      measured: { respTime, coldProb: 0.01, totalExecutors: 2 },
      measuredCi: { respTime: ci(respTime, half), coldProb: ci(0.01, 0.005), totalExecutors: ci(2, 0.2) },
      modelInputs: inputs,
    });

  it('judges two labelled entries of one platform apart, each against the Wasm entry', () => {
    const vs = runVerdicts([container('docker', 0.3, 0.05), container('process', 0.031, 0.005), wasm]);
    assert.equal(vs.length, 2);
    const docker = vs.find((v) => v.container.label === 'docker');
    const proc = vs.find((v) => v.container.label === 'process');
    assert.equal(docker?.latency.winner, 'wasm');
    assert.equal(proc?.latency.winner, 'too close to call');
    assert.equal(docker?.memory.winner, 'wasm');
    assert.equal(docker?.coldProb.winner, 'wasm');
    // the models from the points' own inputs: aes at 60 s
    assert.equal(docker?.model?.latency, 'wasm');
    assert.ok(Math.abs((docker?.model?.crossoverKeepAlive as number) - 103) < 1);
    assert.match(docker?.sentence ?? '', /aes at 1 req\/s, keep-alive 60 s \(docker vs local-wasm\)/);
    const words = verdictSummary(vs);
    assert.equal(words.length, 2);
    assert.match(words.join('\n'), /docker vs local-wasm\): Wasm wins latency at keep-alive 60 s/);
    assert.match(words.join('\n'), /process vs local-wasm\): latency is too close to call/);
  });

  it('leaves out invalid points and gives no verdict without both executors', () => {
    const bad = { ...container('docker', 0.3, 0.05), valid: false };
    assert.equal(runVerdicts([bad, wasm]).length, 0);
    assert.equal(runVerdicts([container('docker', 0.3, 0.05)]).length, 0);
  });
});

describe('thesis verdicts from the published numbers', () => {
  const vs = thesisVerdicts(loadThesisData());
  const ka = (fn: string) => vs.find((v) => v.family === 'keep-alive' && v.workload === fn);

  it('covers the six functions by keep-alive and the load families', () => {
    assert.equal(vs.filter((v) => v.family === 'keep-alive').length, 6);
    assert.deepEqual(
      vs.filter((v) => v.family === 'load').map((v) => v.workload),
      ['float', 'matmul', 'whatlang'],
    );
  });

  it('aes: Spin wins at every published keep-alive (OpenWhisk 0.0302 s at 150 s, Spin 0.0280 s); the models cross at ≈ 103 s', () => {
    const aes = ka('aes');
    assert.ok(aes);
    assert.ok(aes.latency.every((c) => c.winner === 'wasm'));
    const at150 = aes.latency.find((c) => c.x === 150);
    assert.ok(Math.abs((at150?.container as number) - 0.0302) < 1e-4);
    assert.equal(aes.publishedCrossover, null);
    assert.ok(Math.abs((aes.modelCrossover as number) - 103) < 1);
  });

  it('float: the container wins latency at every keep-alive and every load', () => {
    assert.ok(ka('float')?.latency.every((c) => c.winner === 'container'));
    const load = vs.find((v) => v.family === 'load' && v.workload === 'float');
    assert.ok(load?.latency.every((c) => c.winner === 'container'));
    assert.deepEqual(load?.latency.find((c) => c.x === 1)?.source, {
      container: 'published',
      wasm: 'published',
    });
    assert.deepEqual(load?.latency.find((c) => c.x === 2)?.source, { container: 'published', wasm: 'model' });
  });

  it('matmul: OpenWhisk stays at or below Spin from a published keep-alive, and says so', () => {
    const m = ka('matmul');
    assert.ok(m?.publishedCrossover !== null && (m?.publishedCrossover as number) > 1);
    assert.match(m?.sentence ?? '', /OpenWhisk stays at or below Spin from a keep-alive of/);
  });

  it('calls published means within 5% too close, a missing side lost', () => {
    assert.equal(callPublished(1, 1.04), 'too close to call');
    assert.equal(callPublished(1, 1.2), 'container');
    assert.equal(callPublished(1, null), 'container');
    assert.equal(callPublished(null, 1), 'wasm');
  });
});
