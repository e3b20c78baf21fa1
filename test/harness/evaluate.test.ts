/**
 * The evaluate stage on its own (harness/engine/evaluate.ts): hand-built records and spans on
 * a window W = [0, 10] s, so every measured value is exact arithmetic (tolerance 1e-12 only
 * absorbs floating-point summation), predictions from the models' own closed forms, and the
 * validity rules applied to the measured counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smpMetrics, solveSmp } from '../../analysis/models/smp.js';
import type { ExecutorKind, PlatformDescription } from '../../core/platform.js';
import type { ExecutorSpan, RequestRecord } from '../../core/records.js';
import {
  type EvaluateSettings,
  evaluatePoint,
  incompleteSummary,
  type PointFacts,
  type PointObservations,
  pointMeasurer,
} from '../../harness/engine/evaluate.js';
import type { PlannedPoint } from '../../harness/suite/plan.js';
import type { ModelInputs } from '../../results/types.js';

const TOL = 1e-12;
const WINDOW = { start: 0, end: 10 };
const SETTINGS: EvaluateSettings = {
  thresholds: { maxRateShortfall: 0.05, errorBudget: 0.01, minRequests: 1 },
  smpVariant: 'thesis',
  simulator: false,
  cores: 4,
};

function facts(executor: ExecutorKind, arrivalRate: number): PointFacts {
  const keepAlive = executor === 'container' ? 5 : null;
  const point: PlannedPoint = {
    id: `p.aes.rate${arrivalRate}${keepAlive === null ? '' : `.ka${keepAlive}`}.rep0`,
    platformIndex: 0,
    platform: 'p',
    label: 'p',
    executor,
    workload: 'aes',
    arrivalRate,
    keepAlive,
    repetition: 0,
    seed: 204,
    arrivals: { process: 'deterministic', rate: arrivalRate, warmup: 0, duration: 10 },
    expectedRequests: arrivalRate * 10,
    estimatedSeconds: 15,
  };
  return {
    point,
    executor,
    capabilities: {
      coldFlag: executor === 'container',
      executorSpans: executor === 'container',
      platformTimes: executor === 'container',
    },
    routing: executor === 'container' ? 'mru' : undefined,
    nominalMaxConcurrency: null,
    maxConcurrency: 1000,
    originEpochMs: 1_700_000_000_000,
  };
}

/** A request sent on time at `at` and answered after `resp` s. */
function record(at: number, resp: number, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    seq: 0,
    pointId: 'p',
    workload: 'aes',
    intendedAt: at,
    sentAt: at,
    doneAt: at + resp,
    respTime: resp,
    warmup: false,
    status: 'ok',
    ...extra,
  };
}

function observations(
  f: PointFacts,
  records: RequestRecord[],
  modelInputs: ModelInputs,
  spans: ExecutorSpan[] = [],
  measuredScheduled = records.length,
): PointObservations {
  const m = pointMeasurer(f, WINDOW);
  for (const r of records) m.add(r);
  const sends = records.map((r) => r.sentAt).sort((a, b) => a - b);
  return {
    window: WINDOW,
    records: m,
    spans,
    measuredScheduled,
    measuredGaps: Float64Array.from(sends.slice(1).map((t, i) => t - (sends[i] as number))),
    modelInputs,
    description: describedAs(f),
    health: { ok: true },
  };
}

/** A platform description with nothing to correct: applied = asked, no limits reported. */
function describedAs(f: PointFacts): PlatformDescription {
  return {
    name: 'fake',
    executor: f.executor,
    applied: {
      keepAlive: f.executor === 'container' ? f.point.keepAlive : null,
      routing: f.routing ?? null,
      maxConcurrency: null,
      cores: 2,
    },
  };
}

const near = (actual: number | null | undefined, expected: number, what: string) =>
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= TOL,
    `${what}: ${actual} ≠ ${expected}`,
  );

describe('evaluatePoint', () => {
  it('a Wasm point: measured from the records, M/G/∞ predicted, relative errors, valid', () => {
    // λ = 2: 20 requests at 0.5, 1.0, …, 10.0 s, each 0.25 s in flight
    const f = facts('wasm', 2);
    const records = Array.from({ length: 20 }, (_, i) => record((i + 1) * 0.5, 0.25, { seq: i }));
    const s = evaluatePoint(f, observations(f, records, { wasm: 0.25, source: 'given' }), SETTINGS);
    assert.equal(s.status, 'complete');
    assert.equal(s.valid, true, s.invalidReasons.join('; '));
    assert.deepEqual(s.requests, { sent: 20, ok: 20, error: 0, timeout: 0, rejected: 0 });
    // achieved = sent / max(duration, last send − W.start) = 20 / 10; scheduled = 20 / 10
    near(s.achievedRate, 2, 'achievedRate');
    near(s.scheduledRate, 2, 'scheduledRate');
    near(s.measured.respTime, 0.25, 'respTime');
    near(s.measured.rejectProb, 0, 'rejectProb');
    // in flight: 19 × 0.25 s inside W (the last request's [10, 10.25] lies past W's end) / 10 s
    near(s.measured.inFlight, 0.475, 'inFlight');
    assert.equal('coldProb' in s.measured, false, 'container metrics do not apply to Wasm');
    // M/G/∞: E[S] ↔ respTime, λE[S] ↔ inFlight
    assert.equal(s.primaryModel, 'mginf');
    assert.deepEqual(s.predicted, { respTime: 0.25, inFlight: 0.5, rejectProb: 0 });
    near(s.error.respTime, 0, 'respTime error');
    near(s.error.inFlight, -0.05, 'inFlight error');
    assert.equal(s.error.rejectProb, null, 'no relative error against a predicted 0');
    assert.ok(s.models?.capacity, 'the capacity companion ran on the given cores');
    assert.equal(s.models?.simulator, undefined, 'simulator: false');
    assert.equal(s.ks?.n, 19);
    assert.equal(s.keepAlive, null);
    assert.equal(s.unsent, 0);
  });

  it('a container point: platform-side metrics and executor spans, errors against the SMP', () => {
    // λ = 1: 10 requests at 1 … 10 s; service [at + 0.01, at + 0.09] on the platform, the first cold
    const f = facts('container', 1);
    const records = Array.from({ length: 10 }, (_, i) =>
      record(i + 1, 0.1, { seq: i, platform: { cold: i === 0, startAt: i + 1.01, endAt: i + 1.09 } }),
    );
    const spans: ExecutorSpan[] = [{ id: 'e0', createdAt: 0.5, readyAt: 0.6, destroyedAt: null }];
    const mi: ModelInputs = { warm: 0.08, cold: 0.5, source: 'given' };
    const s = evaluatePoint(f, observations(f, records, mi, spans), SETTINGS);
    assert.equal(s.valid, true, s.invalidReasons.join('; '));
    near(s.measured.respTime, 0.1, 'respTime');
    near(s.measured.coldProb, 0.1, 'coldProb');
    // 9 service intervals of 0.08 s inside W (the 10th, [10.01, 10.09], is past its end)
    near(s.measured.runningCold, 0.008, 'runningCold');
    near(s.measured.runningWarm, 0.064, 'runningWarm');
    near(s.measured.running, 0.072, 'running');
    // one executor alive from 0.5 s to the end of W
    near(s.measured.totalExecutors, 0.95, 'totalExecutors');
    near(s.measured.idle, 0.878, 'idle');
    // the SMP at the point's λ, keep-alive and M, fed the given times unchanged
    const smp = smpMetrics(
      solveSmp({
        arrivalRate: 1,
        warm: 0.08,
        cold: 0.5,
        keepAlive: 5,
        maxConcurrency: 1000,
        variant: 'thesis',
      }),
    );
    assert.equal(s.primaryModel, 'smp');
    assert.deepEqual(s.predicted, smp);
    for (const k of ['respTime', 'coldProb', 'running', 'idle', 'totalExecutors'] as const) {
      const expected = ((s.measured[k] as number) - (smp[k] as number)) / (smp[k] as number);
      near(s.error[k], expected, `${k} error`);
    }
    assert.equal(s.keepAlive, 5);
    assert.equal(s.routing, 'mru');
    assert.equal(s.platformComparison, undefined, 'given inputs: no platform-side comparison');
  });

  it('applies the validity rules to what was measured', () => {
    const f = facts('wasm', 2);
    const mi: ModelInputs = { wasm: 0.25, source: 'given' };
    const at = (i: number) => (i + 1) * 0.5;
    // 2 of 20 requests failed: 10% > the 1% budget
    const failing = Array.from({ length: 20 }, (_, i) =>
      record(at(i), 0.25, i < 2 ? { status: 'error', errorMessage: 'boom' } : {}),
    );
    const a = evaluatePoint(f, observations(f, failing, mi), SETTINGS);
    assert.equal(a.valid, false);
    assert.deepEqual(a.invalidReasons, [
      'error budget exceeded: 2 errors + 0 timeouts of 20 sent = 10.0% (budget 1.0%); most frequent (2×): "boom"',
    ]);
    // 20 measured arrivals were scheduled, 10 sent: achieved 1 req/s against the schedule's 2
    const short = Array.from({ length: 10 }, (_, i) => record(at(2 * i + 1), 0.25));
    const b = evaluatePoint(f, observations(f, short, mi, [], 20), SETTINGS);
    assert.equal(b.valid, false);
    assert.match(
      b.invalidReasons.join('; '),
      /achieved rate 1\.000 req\/s is 50\.0% below the schedule's 2\.000/,
    );
    // nothing in W: a warm-up request does not count
    const c = evaluatePoint(f, observations(f, [record(0.5, 0.25, { warmup: true })], mi, [], 0), SETTINGS);
    assert.equal(c.valid, false);
    assert.deepEqual(c.invalidReasons, ['no request arrived in the measurement window']);
  });

  it('complete and incomplete summaries share the identity block and key order', () => {
    const f = facts('container', 1);
    const complete = evaluatePoint(
      f,
      observations(f, [record(1, 0.1)], { warm: 0.08, cold: 0.5, source: 'given' }),
      SETTINGS,
    );
    const interrupted = incompleteSummary(f, {
      reason: 'interrupted (signal)',
      window: WINDOW,
      requests: { sent: 3, ok: 2, error: 0, timeout: 1, rejected: 0 },
      modelInputs: undefined,
      description: undefined,
      unsent: 7,
    });
    const identity = [
      'schemaVersion',
      'pointId',
      'label',
      'platform',
      'executor',
      'workload',
      'arrivalRate',
      'keepAlive',
      'routing',
      'repetition',
      'arrivals',
      'seed',
      'originEpochMs',
    ];
    assert.deepEqual(Object.keys(complete).slice(0, identity.length), identity);
    assert.deepEqual(Object.keys(interrupted), [
      ...identity,
      'status',
      'valid',
      'invalidReasons',
      'window',
      'requests',
      'achievedRate',
      'measured',
      'predicted',
      'error',
      'unsent',
      'notes',
    ]);
    assert.equal(interrupted.status, 'incomplete');
    assert.equal(interrupted.valid, false);
    assert.deepEqual(interrupted.invalidReasons, ['interrupted (signal)']);
    assert.equal(interrupted.unsent, 7);
    assert.equal(interrupted.arrivals, 'deterministic');
    assert.equal(interrupted.originEpochMs, 1_700_000_000_000);
  });
});
