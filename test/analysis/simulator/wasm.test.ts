/** Wasm mode: invariants (time-boxed fast-check), rejection at maxConcurrency, bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { erlangB } from '../../../analysis/models/capacity.js';
import { createRng } from '../../../analysis/random.js';
import { simulate, type WasmSimParams } from '../../../analysis/simulator/index.js';
import { InputError } from '../../../core/errors.js';
import { replicate } from './helpers.js';

describe('wasm simulator: invariants (time-boxed fast-check)', () => {
  const long = process.env.FAASMARK_LONG === '1';
  it('books balance, the in-flight distribution sums to 1, Little’s law within the edge bound', () => {
    fc.assert(
      fc.property(
        fc.record({
          rate: fc.double({ min: 0.1, max: 50, noNaN: true }),
          service: fc.array(fc.double({ min: 0.001, max: 2, noNaN: true }), { minLength: 1, maxLength: 5 }),
          cores: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
          maxConcurrency: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
          seed: fc.integer({ min: 0, max: 1e9 }),
        }),
        (p) => {
          const params: WasmSimParams = {
            mode: 'wasm',
            arrivals: { kind: 'poisson', rate: p.rate },
            service: { kind: 'empirical', values: p.service },
            warmup: { requests: 20 },
            stop: { requests: 1000 },
          };
          if (p.cores !== undefined) params.cores = p.cores;
          if (p.maxConcurrency !== undefined) params.maxConcurrency = p.maxConcurrency;
          const r = simulate(params, createRng(p.seed));
          assert.equal(r.arrivals, 1000);
          assert.equal(r.arrivals, r.served + r.rejected);
          assert.ok(r.rejectProb >= 0 && r.rejectProb <= 1);
          if (p.maxConcurrency !== undefined) assert.ok(r.maxInFlight <= p.maxConcurrency);
          else assert.equal(r.rejected, 0);
          const total = r.inFlightDistribution.reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(total - 1) < 1e-9);
          assert.ok(
            r.inFlightP50 <= r.inFlightP95 &&
              r.inFlightP95 <= r.inFlightP99 &&
              r.inFlightP99 <= r.maxInFlight,
          );
          // PS only slows requests down: every response ≥ its work, so the mean ≥ min work
          assert.ok(r.respTime >= Math.min(...p.service) - 1e-12);
          if (p.cores === undefined) {
            const window = r.windowEnd - r.windowStart;
            const bound = 2 * r.maxInFlight * Math.max(...p.service);
            assert.ok(Math.abs(r.inFlight * window - r.respTime * r.served) <= bound + 1e-6);
          }
        },
      ),
      { numRuns: long ? 2000 : 150, interruptAfterTimeLimit: long ? 60_000 : 4_000 },
    );
  });

  it('maxConcurrency M without cores is an M/G/M/M loss system: rejectProb = Erlang-B(M, λE[S]) within 4 SE', () => {
    const r = replicate(
      10,
      40,
      (rng) =>
        simulate(
          {
            mode: 'wasm',
            arrivals: { kind: 'poisson', rate: 4 },
            service: { kind: 'lognormal', mean: 0.5, cv: 1 },
            maxConcurrency: 3,
            warmup: { time: 20 },
            stop: { requests: 20_000 },
          },
          rng,
        ).rejectProb,
    );
    const expected = erlangB(2, 3);
    assert.ok(Math.abs(r.mean - expected) <= 4 * r.se, `${r.mean} ± ${r.se} vs ${expected}`);
    assert.ok(r.se < 0.005);
  });
});

describe('wasm simulator: bad input', () => {
  const ok: WasmSimParams = {
    mode: 'wasm',
    arrivals: { kind: 'poisson', rate: 1 },
    service: { kind: 'exponential', mean: 1 },
    stop: { requests: 10 },
  };
  const cases: [string, Partial<WasmSimParams>, RegExp][] = [
    ['zero cores', { cores: 0 }, /cores must be an integer >= 1/],
    ['fractional cores', { cores: 1.5 }, /cores must be an integer >= 1/],
    ['bad service', { service: { kind: 'exponential', mean: 0 } }, /service\.mean must be a number > 0/],
    ['max concurrency 0', { maxConcurrency: 0 }, /maxConcurrency must be an integer >= 1/],
    ['negative warm-up', { warmup: { requests: -1 } }, /warmup\.requests must be an integer >= 0/],
  ];
  for (const [label, patch, re] of cases) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => simulate({ ...ok, ...patch }, createRng(1)),
        (e: unknown) => e instanceof InputError && re.test(e.message),
      );
    });
  }
});
