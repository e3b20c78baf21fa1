import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSeconds } from '../../harness/cli/commands/run/render.js';
import { booksBalance, invalidReasons } from '../../harness/engine/integrity.js';
import { niceRate, suggestRates } from '../../harness/loadgen/capacity-probe.js';

const thresholds = { maxRateShortfall: 0.05, errorBudget: 0.01, minRequests: 5 };
const counts = (sent: number, ok: number, error = 0, timeout = 0, rejected = 0) => ({
  sent,
  ok,
  error,
  timeout,
  rejected,
});

describe('invalidReasons', () => {
  const cases: [string, Parameters<typeof invalidReasons>[0], RegExp | null][] = [
    [
      'a clean point',
      { requests: counts(100, 100), complete: true, achievedRate: 1, scheduledRate: 1, thresholds },
      null,
    ],
    [
      '4.9% short is fine',
      { requests: counts(100, 100), complete: true, achievedRate: 0.951, scheduledRate: 1, thresholds },
      null,
    ],
    [
      '6% short',
      { requests: counts(100, 100), complete: true, achievedRate: 0.94, scheduledRate: 1, thresholds },
      /6\.0% below the schedule's 1\.000 req\/s \(limit 5\.0%\)/,
    ],
    [
      'error budget',
      { requests: counts(100, 97, 2, 1), complete: true, achievedRate: 1, scheduledRate: 1, thresholds },
      /2 errors \+ 1 timeouts of 100 sent = 3\.0% \(budget 1\.0%\)/,
    ],
    [
      'the error budget names the most frequent failure message',
      {
        requests: counts(29, 0, 29),
        complete: true,
        achievedRate: 1,
        scheduledRate: 1,
        thresholds,
        commonFailure: { message: "cold start failed: Cannot find module '/x.mjs'", count: 27 },
      },
      /100\.0% \(budget 1\.0%\); most frequent \(27×\): "cold start failed: Cannot find module '\/x\.mjs'"/,
    ],
    [
      'rejections are not errors',
      { requests: counts(100, 50, 0, 0, 50), complete: true, achievedRate: 1, scheduledRate: 1, thresholds },
      null,
    ],
    [
      'unbalanced books',
      { requests: counts(10, 9), complete: true, achievedRate: 1, scheduledRate: 1, thresholds },
      /books do not balance/,
    ],
    [
      'interrupted',
      { requests: counts(5, 5), complete: false, achievedRate: null, scheduledRate: 1, thresholds },
      /interrupted/,
    ],
    [
      'too few requests to be a result (7 answered, the rule asks for 30)',
      {
        requests: counts(7, 7),
        complete: true,
        achievedRate: 1,
        scheduledRate: 1,
        thresholds: { ...thresholds, minRequests: 30 },
      },
      /too few requests: 7 answered ok in the measurement window, fewer than minRequests 30/,
    ],
    [
      'a platform that failed during the point is named',
      {
        requests: counts(100, 100),
        complete: true,
        achievedRate: 1,
        scheduledRate: 1,
        thresholds,
        platformFailure: 'spin up (aes) exited with code 101 at 12.4 s',
      },
      /platform failed during the point: spin up \(aes\) exited with code 101 at 12\.4 s/,
    ],
    [
      'nothing sent',
      { requests: counts(0, 0), complete: true, achievedRate: null, scheduledRate: 1, thresholds },
      /no request arrived/,
    ],
  ];
  for (const [name, input, re] of cases) {
    it(name, () => {
      const reasons = invalidReasons(input);
      if (re === null) assert.deepEqual(reasons, []);
      else
        assert.ok(
          reasons.some((r) => re.test(r)),
          reasons.join('\n'),
        );
    });
  }
  it('booksBalance', () => {
    assert.equal(booksBalance(counts(4, 1, 1, 1, 1)), true);
    assert.equal(booksBalance(counts(4, 1, 1, 1)), false);
  });
});

describe('capacity probe helpers', () => {
  it('rounds to two significant digits', () => {
    assert.equal(niceRate(1234), 1200);
    assert.equal(niceRate(0.0567), 0.057);
    assert.equal(niceRate(0), 0);
  });
  it('suggests rates around the measured capacity', () => {
    assert.deepEqual(suggestRates(1000), [100, 250, 500, 750, 900, 1000, 1100]);
  });
});

describe('formatSeconds', () => {
  for (const [s, text] of [
    [0, '0s'],
    [59.6, '1m00s'],
    [245, '4m05s'],
    [3720, '1h02m'],
  ] as const) {
    it(`${s} → ${text}`, () => assert.equal(formatSeconds(s), text));
  }
});

describe('renderComparison', () => {
  it('shows measured, predicted and error per metric, and lists invalid points with reasons', async () => {
    const { renderComparison } = await import('../../harness/cli/commands/run/render.js');
    const base = {
      schemaVersion: 1,
      status: 'complete' as const,
      workload: 'aes',
      arrivalRate: 1,
      repetition: 0,
      arrivals: 'poisson',
      seed: 204,
      originEpochMs: 0,
      window: { start: 0, end: 10 },
      requests: { sent: 10, ok: 10, error: 0, timeout: 0, rejected: 0 },
      achievedRate: 1,
    };
    const text = renderComparison([
      {
        ...base,
        pointId: 'local-wasm.aes.rate1.rep0',
        valid: false,
        invalidReasons: ['error budget exceeded: 2 errors'],
        platform: 'local-wasm',
        executor: 'wasm',
        keepAlive: null,
        measured: { respTime: 0.012, rejectProb: 0, inFlight: 0.012 },
        predicted: { respTime: 0.01, rejectProb: 0, inFlight: 0.01 },
        error: { respTime: 0.2, rejectProb: null, inFlight: 0.2 },
        primaryModel: 'mginf',
      },
    ]);
    assert.match(text, /local-wasm\.aes\.rate1\.rep0 │ INVALID/);
    assert.match(text, /respTime \(s\)\s+│ 0\.012\s+│ —\s+│ 0\.01\s+│ \+20\.0%/);
    assert.match(text, /inFlight/);
    assert.doesNotMatch(text, /coldProb/);
    assert.match(
      text,
      /invalid points \(not results\):\n {2}- local-wasm\.aes\.rate1\.rep0: error budget exceeded: 2 errors/,
    );
  });
});
