/**
 * The simulator against the thesis's OpenWhisk measurements (results/thesis: Monum 2024,
 * Figs 4.1–4.7 data, λ = 1 req/s, 20-minute runs on an MRU-patched invoker; service times
 * from thesis Table 4.1). This is where "the float cold-probability gap at small keep-alives"
 * comes from: the SMP overestimates cold starts there (0.85 vs 0.52 measured at τ = 1 s),
 * while a simulation of the same system — MRU routing, exact keep-alive, the Table 4.1 means
 * as deterministic service times — reproduces the measurement.
 *
 * Tolerance: a measured cold-start probability p from a 20-minute run rests on ≈ 1200
 * requests, so its binomial standard error is √(p(1−p)/1200) (p floored at 1/1200 so a
 * measured 0 still has an error); we accept 4 SE. The simulation itself (50k requests) is
 * 5× more precise than that and adds little.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createRng } from '../../../analysis/random.js';
import { simulate } from '../../../analysis/simulator/index.js';

const root = new URL('../../../', import.meta.url);
const table = JSON.parse(readFileSync(new URL('results/thesis/table-4.1.json', root), 'utf8')) as {
  workloads: Record<string, { warm: number; cold: number }>;
};

interface KeepAliveResults {
  OpenWhisk: { cold_start_probs: Record<string, number> };
  Model: { cold_start_probs: Record<string, number> };
}

function load(fn: string): KeepAliveResults {
  return JSON.parse(
    readFileSync(new URL(`results/thesis/keep-alive/${fn}_container_results.json`, root), 'utf8'),
  );
}

function simulatedColdProb(fn: string, keepAlive: number): number {
  const { warm, cold } = table.workloads[fn] as { warm: number; cold: number };
  return simulate(
    {
      arrivals: { kind: 'poisson', rate: 1 },
      warm: { kind: 'deterministic', value: warm },
      cold: { kind: 'deterministic', value: cold },
      keepAlive,
      routing: 'mru',
      warmup: { time: 20 * keepAlive + 100 },
      stop: { requests: 50_000 },
    },
    createRng(7),
  ).coldProb;
}

const se = (p: number) => {
  const q = Math.max(p, 1 / 1200);
  return Math.sqrt((q * (1 - q)) / 1200);
};

describe('simulator vs the thesis’s OpenWhisk measurements (cold-start probability, λ = 1)', () => {
  it('float: within 4 SE of the measurement at every keep-alive, where the SMP is off by up to 22 SE', () => {
    const d = load('float');
    let worstSmp = 0;
    for (const [key, measured] of Object.entries(d.OpenWhisk.cold_start_probs)) {
      const sim = simulatedColdProb('float', Number(key));
      assert.ok(
        Math.abs(sim - measured) <= 4 * se(measured),
        `τ = ${key}: simulated ${sim} vs measured ${measured} (SE ${se(measured)})`,
      );
      worstSmp = Math.max(
        worstSmp,
        Math.abs((d.Model.cold_start_probs[key] as number) - measured) / se(measured),
      );
    }
    assert.ok(worstSmp > 20, `SMP worst gap ${worstSmp} SE`);
  });

  for (const fn of ['aes', 'matmul', 'whatlang', 'image-thumbnail', 'chameleon']) {
    it(`${fn}: the simulation's mean absolute error over all keep-alives is below the SMP's`, () => {
      const d = load(fn);
      let simErr = 0;
      let smpErr = 0;
      for (const [key, measured] of Object.entries(d.OpenWhisk.cold_start_probs)) {
        simErr += Math.abs(simulatedColdProb(fn, Number(key)) - measured);
        smpErr += Math.abs((d.Model.cold_start_probs[key] as number) - measured);
      }
      assert.ok(simErr < smpErr, `sim ${simErr} vs SMP ${smpErr} (sums over keep-alives)`);
    });
  }
});
