/**
 * The container mode: known answers from hand-worked deterministic scenarios, exact
 * keep-alive, routing, rejection (Erlang-B), books balance, reproducibility, and a
 * time-boxed fast-check property test of the invariants.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { erlangB } from '../../../analysis/models/capacity.js';
import { createRng } from '../../../analysis/random.js';
import { type ContainerSimParams, type SimRequest, simulate } from '../../../analysis/simulator/index.js';
import { InputError } from '../../../core/errors.js';
import { replicate } from './helpers.js';

const det = (value: number) => ({ kind: 'deterministic' as const, value });

/**
 * Scenario S (worked by hand): arrivals 0, 0.5, 1.2, 2, 3, 4; cold 1.0 s, warm 0.5 s, τ = 1 s.
 * 0: A cold [0,1]; 0.5: B cold [0.5,1.5]; 1.2: only A idle → A warm [1.2,1.7];
 * 2: A idle since 1.7 and B since 1.5 — MRU takes A, newest takes B (created later).
 */
function scenario(routing: 'mru' | 'newest' | 'random', seed = 1) {
  const destroyed: [number, number][] = [];
  const requests: SimRequest[] = [];
  const result = simulate(
    {
      arrivals: { kind: 'times', times: [0, 0.5, 1.2, 2, 3, 4] },
      warm: det(0.5),
      cold: det(1),
      keepAlive: 1,
      routing,
      stop: {},
    },
    createRng(seed),
    { onExecutorDestroyed: (id, at) => destroyed.push([id, at]), onRequest: (r) => requests.push(r) },
  );
  return { result, destroyed, requests };
}

describe('container simulator: hand-worked scenario', () => {
  it('MRU reuses the most recently used executor and lets the other expire exactly τ after its last request', () => {
    const { result, destroyed, requests } = scenario('mru');
    assert.deepEqual(
      requests.map((r) => [r.executorId, r.cold]),
      [
        [0, true],
        [1, true],
        [0, false],
        [0, false],
        [0, false],
        [0, false],
      ],
    );
    // B (id 1) last ended at 1.5 → destroyed at 2.5 exactly
    assert.deepEqual(destroyed, [[1, 2.5]]);
    // window [0, 4] (ends at the last arrival). Live: A all 4 s + B [0.5, 2.5] = 6 → 1.5.
    // Running cold: A [0,1] + B [0.5,1.5] = 2 → 0.5. Running warm: 3 × 0.5 s = 1.5 → 0.375.
    assert.equal(result.windowStart, 0);
    assert.equal(result.windowEnd, 4);
    assert.equal(result.avgServerCountTotal, 1.5);
    assert.equal(result.avgRunningColdCount, 0.5);
    assert.equal(result.avgRunningWarmCount, 0.375);
    assert.equal(result.avgServerCount, 1);
    assert.equal(result.avgIdleCount, 0.625);
    assert.equal(result.coldProb, 2 / 6);
    assert.equal(result.avgRespTime, 4 / 6);
    assert.equal(result.avgUtilization, 0.375);
    assert.equal(result.executorsCreated, 2);
    assert.equal(result.executorsDestroyed, 1);
  });

  it('newest picks the newest-created idle executor (SimFaaS) and so lets the older one expire', () => {
    const { destroyed, requests } = scenario('newest');
    assert.deepEqual(
      requests.map((r) => r.executorId),
      [0, 1, 0, 1, 1, 1],
    );
    // A last ended at 1.7 → destroyed at 2.7
    assert.deepEqual(destroyed, [[0, 2.7]]);
  });

  it('random picks among idle executors (both choices occur over seeds)', () => {
    const picks = new Set<number>();
    for (let seed = 1; seed <= 20; seed++)
      picks.add(scenario('random', seed).requests[3]?.executorId as number);
    assert.deepEqual([...picks].sort(), [0, 1]);
  });

  it('a time warm-up and a time stop measure the window even without arrivals in it', () => {
    // two cold starts at 0 and 1 (2 s each), τ = 10: both alive all through [5, 8]
    const r = simulate(
      {
        arrivals: { kind: 'times', times: [0, 1] },
        warm: det(0.5),
        cold: det(2),
        keepAlive: 10,
        warmup: { time: 5 },
        stop: { time: 8 },
      },
      createRng(1),
    );
    assert.deepEqual(
      [r.windowStart, r.windowEnd, r.avgServerCountTotal, r.avgIdleCount, r.arrivals],
      [5, 8, 2, 2, 0],
    );
    assert.ok(Number.isNaN(r.coldProb), 'no served arrival: coldProb is undefined (NaN), not 0');
  });

  it('keep-alive is exact: an arrival at exactly lastEnd + τ finds the executor gone', () => {
    const run = (keepAlive: number) =>
      simulate(
        { arrivals: { kind: 'times', times: [0, 2] }, warm: det(0.5), cold: det(1), keepAlive, stop: {} },
        createRng(1),
      );
    assert.equal(run(1).coldStarts, 2);
    assert.equal(run(1 + 1e-9).coldStarts, 1);
  });
});

describe('container simulator: routing under steady deterministic load', () => {
  // Two executors exist after a burst (A ends 1.0, B ends 1.1); then one request per second,
  // 0.5 s each, τ = 2.2 s. MRU always reuses B (it ended last), so A expires at 1.0 + 2.2;
  // random keeps spreading requests over both, so the first expiry comes later.
  const params = (routing: 'mru' | 'random'): ContainerSimParams => ({
    arrivals: { kind: 'times', times: [0, 0.1, ...Array.from({ length: 200 }, (_, i) => 2 + i)] },
    warm: det(0.5),
    cold: det(1),
    keepAlive: 2.2,
    routing,
    stop: {},
  });
  it('MRU: A dies at 1.0 + 2.2 s; random keeps both alive longer on average', () => {
    const mruDeaths: number[] = [];
    simulate(params('mru'), createRng(1), { onExecutorDestroyed: (_id, at) => mruDeaths.push(at) });
    // MRU takes B at every arrival: A (ended 1.0) expires at 3.2 and nothing else ever does
    assert.deepEqual(mruDeaths, [3.2]);
    const lifetimes = replicate(30, 11, (rng) => {
      let first = Number.NaN;
      simulate(params('random'), rng, {
        onExecutorDestroyed: (_id, at) => {
          if (Number.isNaN(first)) first = at;
        },
      });
      return first;
    });
    assert.ok(
      lifetimes.mean - 4 * lifetimes.se > 3.2,
      `random: first expiry at ${lifetimes.mean} ± ${lifetimes.se}`,
    );
  });
});

describe('container simulator: rejection at maximum concurrency', () => {
  // With τ = 0 every request cold-starts and its executor dies when it ends: an M/G/M/M loss
  // system, whose blocking probability is Erlang-B B(M, λc) for any service distribution.
  for (const [label, cold] of [
    ['exponential', { kind: 'exponential' as const, mean: 1 }],
    ['deterministic', det(1)],
  ] as const) {
    it(`τ = 0, M = 3, λ = 2, ${label} cold: rejectionProb = B(3, 2) within 4 SE`, () => {
      const expected = erlangB(2, 3); // offered load 2, 3 servers: 0.2105...
      const r = replicate(10, 5, (rng) => {
        const res = simulate(
          {
            arrivals: { kind: 'poisson', rate: 2 },
            warm: det(0.1),
            cold,
            keepAlive: 0,
            maxConcurrency: 3,
            warmup: { time: 10 },
            stop: { requests: 20_000 },
          },
          rng,
        );
        assert.equal(res.maxServerCountTotal, 3);
        assert.equal(res.warmStarts, 0);
        return res.rejectionProb;
      });
      assert.ok(Math.abs(r.mean - expected) <= 4 * r.se, `mean ${r.mean} ± ${r.se} vs ${expected}`);
      assert.ok(r.se < 0.005, `SE ${r.se} small enough to tell`);
    });
  }
});

describe('container simulator: books and reproducibility', () => {
  const base: ContainerSimParams = {
    arrivals: { kind: 'poisson', rate: 3 },
    warm: { kind: 'lognormal', mean: 0.4, cv: 1.5 },
    cold: { kind: 'exponential', mean: 1.2 },
    keepAlive: 2,
    maxConcurrency: 4,
    warmup: { requests: 500 },
    stop: { requests: 20_000 },
  };
  it('the same seed gives the same results, another seed different ones', () => {
    assert.deepEqual(simulate(base, createRng(42)), simulate(base, createRng(42)));
    assert.notDeepEqual(simulate(base, createRng(42)), simulate(base, createRng(43)));
  });
  it('books balance and probabilities lie in [0, 1]', () => {
    for (const routing of ['mru', 'newest', 'random'] as const) {
      const r = simulate({ ...base, routing }, createRng(7));
      assert.equal(r.arrivals, 20_000);
      assert.equal(r.arrivals, r.served + r.rejected);
      assert.equal(r.served, r.coldStarts + r.warmStarts);
      assert.ok(r.rejected > 0, 'M = 4 at this load rejects some');
      assert.ok(r.maxServerCountTotal <= 4);
      assert.ok(r.executorsCreated - r.executorsDestroyed <= 4);
      for (const p of [r.coldProb, r.rejectionProb, r.avgUtilization]) assert.ok(p >= 0 && p <= 1, `${p}`);
      assert.ok(r.avgIdleCount >= 0);
      assert.ok(Math.abs(r.avgServerCountTotal - r.avgServerCount - r.avgRunningColdCount) < 1e-12);
      assert.deepEqual(r.metrics, {
        respTime: r.avgRespTime,
        coldProb: r.coldProb,
        rejectProb: r.rejectionProb,
        runningWarm: r.avgRunningWarmCount,
        runningCold: r.avgRunningColdCount,
        running: r.avgRunningCount,
        totalExecutors: r.avgServerCountTotal,
        idle: r.avgIdleCount,
      });
    }
  });
  it('hooks observe without changing the results; onRequest sees every arrival', () => {
    let seen = 0;
    let created = 0;
    let destroyed = 0;
    const withHooks = simulate(base, createRng(42), {
      onRequest: () => seen++,
      onExecutorCreated: () => created++,
      onExecutorDestroyed: () => destroyed++,
    });
    assert.deepEqual(withHooks, simulate(base, createRng(42)));
    assert.equal(seen, withHooks.totalArrivals);
    assert.equal(created, withHooks.executorsCreated);
    assert.equal(destroyed, withHooks.executorsDestroyed);
  });
  it('deterministic and generator arrivals', () => {
    const det1 = simulate(
      { ...base, arrivals: { kind: 'deterministic', rate: 2 }, warmup: {}, stop: { requests: 4 } },
      createRng(1),
      {
        onRequest: (q) => assert.equal(q.arrivalAt, (q.seq + 1) / 2),
      },
    );
    assert.equal(det1.windowEnd, 2);
    let k = 0;
    const gen = simulate(
      {
        ...base,
        arrivals: { kind: 'generator', next: () => (k < 10 ? k++ * 0.5 : undefined) },
        warmup: {},
        stop: {},
      },
      createRng(1),
    );
    assert.equal(gen.arrivals, 10);
    assert.equal(gen.windowEnd, 4.5);
  });
  it('routing policies share the arrival stream (common random numbers)', () => {
    const seen: number[][] = [];
    for (const routing of ['mru', 'random'] as const) {
      const times: number[] = [];
      simulate({ ...base, routing, stop: { requests: 50 } }, createRng(3), {
        onRequest: (q) => times.push(q.arrivalAt),
      });
      seen.push(times);
    }
    assert.deepEqual(seen[0], seen[1]);
  });
});

describe('container simulator: property test (time-boxed fast-check)', () => {
  const long = process.env.FAASMARK_LONG === '1';
  it('invariants hold for random parameters, incl. Little’s law up to edge effects', () => {
    const value = fc.double({ min: 0.01, max: 3, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({
          rate: fc.double({ min: 0.05, max: 20, noNaN: true }),
          warm: fc.array(value, { minLength: 1, maxLength: 5 }),
          cold: fc.array(value, { minLength: 1, maxLength: 5 }),
          keepAlive: fc.double({ min: 0, max: 30, noNaN: true }),
          routing: fc.constantFrom('mru' as const, 'newest' as const, 'random' as const),
          maxConcurrency: fc.integer({ min: 1, max: 50 }),
          seed: fc.integer({ min: 0, max: 1e9 }),
        }),
        (p) => {
          const r = simulate(
            {
              arrivals: { kind: 'poisson', rate: p.rate },
              warm: { kind: 'empirical', values: p.warm },
              cold: { kind: 'empirical', values: p.cold },
              keepAlive: p.keepAlive,
              routing: p.routing,
              maxConcurrency: p.maxConcurrency,
              warmup: { requests: 50 },
              stop: { requests: 2000 },
            },
            createRng(p.seed),
          );
          assert.equal(r.arrivals, r.served + r.rejected);
          assert.equal(r.served, r.coldStarts + r.warmStarts);
          assert.ok(r.maxServerCountTotal <= p.maxConcurrency);
          for (const x of [r.coldProb, r.rejectionProb]) assert.ok(x >= 0 && x <= 1);
          assert.ok(r.avgRunningCount <= r.avgServerCountTotal + 1e-9);
          assert.ok(r.avgServerCountTotal <= p.maxConcurrency + 1e-9);
          // Little: ∫running dt vs Σ service of window arrivals differ only by work crossing the
          // window's edges: at most maxLive requests × the longest service time at each edge.
          const window = r.windowEnd - r.windowStart;
          const smax = Math.max(...p.warm, ...p.cold);
          const bound = 2 * r.maxServerCountTotal * smax;
          assert.ok(Math.abs(r.avgRunningCount * window - r.avgRespTime * r.served) <= bound + 1e-6);
        },
      ),
      { numRuns: long ? 2000 : 150, interruptAfterTimeLimit: long ? 60_000 : 4_000 },
    );
  });
});

describe('container simulator: bad input', () => {
  const ok: ContainerSimParams = {
    arrivals: { kind: 'poisson', rate: 1 },
    warm: det(1),
    cold: det(2),
    keepAlive: 1,
    stop: { requests: 10 },
  };
  const cases: [string, Partial<ContainerSimParams> & Record<string, unknown>, RegExp][] = [
    ['negative rate', { arrivals: { kind: 'poisson', rate: -1 } }, /arrivals\.rate must be a number > 0/],
    ['NaN keep-alive', { keepAlive: Number.NaN }, /keepAlive must be a number >= 0/],
    ['unknown routing', { routing: 'lru' as never }, /routing must be one of mru, newest, random/],
    ['max concurrency 0', { maxConcurrency: 0 }, /maxConcurrency must be an integer >= 1/],
    ['no stop', { stop: {} }, /stop: give requests/],
    ['zero warm time', { warm: det(0) }, /warm\.value must be a number > 0/],
    ['lognormal without cv', { warm: { kind: 'lognormal', mean: 1 } }, /warm\.cv must be a number > 0/],
    [
      'empty empirical',
      { cold: { kind: 'empirical', values: [] } },
      /cold\.values must be a non-empty array/,
    ],
    ['unsorted times', { arrivals: { kind: 'times', times: [1, 0] }, stop: {} }, /arrivals\.times\[1\]/],
    [
      'stop before warm-up',
      { warmup: { time: 5 }, stop: { time: 5 } },
      /stop\.time \(5\) must be after warmup\.time/,
    ],
    [
      'empty window',
      { arrivals: { kind: 'times', times: [1] }, warmup: { requests: 1 }, stop: {} },
      /measurement window is empty/,
    ],
  ];
  for (const [label, patch, message] of cases) {
    it(`rejects ${label}`, () => {
      assert.throws(
        () => simulate({ ...ok, ...patch } as ContainerSimParams, createRng(1)),
        (err: unknown) => err instanceof InputError && message.test(err.message),
      );
    });
  }
});
