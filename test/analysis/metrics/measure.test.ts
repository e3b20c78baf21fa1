import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measurePoint, windowFromRecords } from '../../../analysis/metrics/measure.js';
import { SampleGrid } from '../../../analysis/metrics/sampled.js';
import type { ExecutorSpan, PlatformSide, RequestRecord, RequestStatus } from '../../../core/records.js';

function rec(
  seq: number,
  intendedAt: number,
  doneAt: number,
  status: RequestStatus,
  platform?: PlatformSide,
  warmup = false,
): RequestRecord {
  return {
    seq,
    pointId: 'p',
    workload: 'aes',
    intendedAt,
    sentAt: intendedAt,
    doneAt,
    respTime: doneAt - intendedAt,
    status,
    warmup,
    ...(platform ? { platform } : {}),
  };
}

const close = (a: number | null | undefined, b: number, msg = '') =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) < 1e-12, `${msg} got ${a}, want ${b}`);

// Hand-computed timeline, W = [10, 20] (|W| = 10 s):
//   A warm-up, cold, service [8, 12]      → clipped 2 s cold, not counted as a request
//   B ok warm, service [10.5 − 0.5, 11]   → 1 s warm, resp 1
//   C ok cold, service [12, 15]           → 3 s cold, resp 3
//   D rejected at 14, E timeout at 16 (gave up at 18)
//   F ok warm at 20, service [20, 22]     → clipped 0 s, resp 2
// Executors: X [5, open) → 10 s, Y [12, 17] → 5 s, Z [1, 9] → 0 s.
const records: RequestRecord[] = [
  rec(0, 8, 12, 'ok', { startAt: 8, endAt: 12, waitTime: 0, cold: true }, true),
  rec(1, 10, 11, 'ok', { startAt: 10.5, endAt: 11, waitTime: 0.5, cold: false }),
  rec(2, 12, 15, 'ok', { startAt: 12, endAt: 15, waitTime: 0, initTime: 2, cold: true }),
  rec(3, 14, 14.01, 'rejected'),
  rec(4, 16, 18, 'timeout'),
  rec(5, 20, 22, 'ok', { startAt: 20, endAt: 22, cold: false }),
];
const spans: ExecutorSpan[] = [
  { id: 'X', createdAt: 5, destroyedAt: null },
  { id: 'Y', createdAt: 12, destroyedAt: 17, cause: 'keep-alive' },
  { id: 'Z', createdAt: 1, destroyedAt: 9, cause: 'keep-alive' },
];
const allCaps = { coldFlag: true, executorSpans: true, platformTimes: true };

describe('measurePoint (container, hand-computed timeline)', () => {
  const r = measurePoint(records, spans, {
    executor: 'container',
    capabilities: allCaps,
    window: { start: 10, end: 20 },
    duration: 10,
  });

  it('counts requests by arrival in W and balances the books', () => {
    assert.deepEqual(r.requests, { sent: 5, ok: 3, error: 0, timeout: 1, rejected: 1 });
    const c = r.requests;
    assert.equal(c.sent, c.ok + c.error + c.timeout + c.rejected);
    close(r.achievedRate, 0.5);
  });

  it('exact integrals', () => {
    close(r.measured.respTime, 2, 'respTime (1+3+2)/3');
    close(r.measured.coldProb, 1 / 3, 'coldProb');
    close(r.measured.rejectProb, 1 / 5, 'rejectProb');
    close(r.measured.runningWarm, 0.1, 'runningWarm (1+0)/10');
    close(r.measured.runningCold, 0.5, 'runningCold (2+3)/10');
    close(r.measured.running, 0.6, 'running');
    close(r.measured.totalExecutors, 1.5, 'totalExecutors (10+5+0)/10');
    close(r.measured.idle, 0.9, 'idle');
    assert.equal('inFlight' in r.measured, false, 'inFlight does not apply to containers');
  });

  it('sampled estimates (running every 1 s: 11 samples; totals every 2 s: 6 samples)', () => {
    // cold at 10, 11 (A) and 12, 13, 14 (C); warm at 10 (B) and 20 (F)
    close(r.measuredSampled.runningCold, 5 / 11);
    close(r.measuredSampled.runningWarm, 2 / 11);
    close(r.measuredSampled.running, 7 / 11);
    // X at all 6 instants, Y at 12, 14, 16 → 9/6; running at 10,12,…,20 = 2,1,1,0,0,1 → 5/6
    close(r.measuredSampled.totalExecutors, 1.5);
    close(r.measuredSampled.idle, 1.5 - 5 / 6);
  });

  it('summarises latency and platform-side time', () => {
    close(r.latency.mean, 2);
    close(r.latency.max, 3);
    // platform-side = endAt − startAt + waitTime: B 1, C 3, F 2
    close(r.platformRespTime?.mean, 2);
    close(r.sendLag.max, 0);
  });

  it('is the same whatever the record order', () => {
    const again = measurePoint([...records].reverse(), spans, {
      executor: 'container',
      capabilities: allCaps,
      window: { start: 10, end: 20 },
      duration: 10,
    });
    assert.deepEqual(again.measured, r.measured);
  });
});

describe('measurePoint: what cannot be observed is null, never guessed', () => {
  it('a plain HTTP endpoint gives respTime and rejectProb only', () => {
    const plain = records.map(({ platform: _p, ...rest }) => rest);
    const r = measurePoint(plain, [], {
      executor: 'container',
      capabilities: { coldFlag: false, executorSpans: false, platformTimes: false },
      window: { start: 10, end: 20 },
    });
    close(r.measured.respTime, 2);
    close(r.measured.rejectProb, 0.2);
    for (const k of [
      'coldProb',
      'runningWarm',
      'runningCold',
      'running',
      'totalExecutors',
      'idle',
    ] as const) {
      assert.equal(r.measured[k], null, k);
      assert.ok(!(k in r.measuredSampled) || r.measuredSampled[k] === null, `sampled ${k}`);
    }
    assert.equal(r.platformRespTime, null);
  });

  it('a zero-length window has no time-weighted values', () => {
    const r = measurePoint([rec(0, 5, 6, 'ok')], [], {
      executor: 'wasm',
      capabilities: { coldFlag: false, executorSpans: false, platformTimes: false },
      window: { start: 5, end: 5 },
    });
    assert.equal(r.measured.inFlight, null);
    close(r.measured.respTime, 1);
  });
});

describe('measurePoint (wasm in-flight)', () => {
  it('integrates client in-flight intervals [sentAt, doneAt] over W = [0, 10]', () => {
    const rs = [rec(0, 0, 2, 'ok'), rec(1, 1, 4, 'ok'), rec(2, 9, 12, 'ok')];
    const r = measurePoint(rs, [], {
      executor: 'wasm',
      capabilities: { coldFlag: false, executorSpans: false, platformTimes: false },
      window: { start: 0, end: 10 },
    });
    close(r.measured.inFlight, 0.6, '(2 + 3 + 1)/10');
    close(r.measured.respTime, 8 / 3);
    // samples 0..10: [0,2) → 0,1; [1,4) → 1,2,3; [9,12) → 9,10
    close(r.measuredSampled.inFlight, 7 / 11);
    assert.deepEqual(Object.keys(r.measured).sort(), ['inFlight', 'rejectProb', 'respTime']);
  });
});

describe('measurePoint: the most frequent failure message', () => {
  const opts = {
    executor: 'wasm' as const,
    capabilities: { coldFlag: false, executorSpans: false, platformTimes: false },
    window: { start: 0, end: 10 },
  };
  it("counts the window's errors and timeouts by message shape, not the warm-up's or rejections", () => {
    const failed = (
      seq: number,
      at: number,
      status: RequestStatus,
      errorMessage?: string,
      warmup = false,
    ) => ({
      ...rec(seq, at, at + 0.1, status, undefined, warmup),
      ...(errorMessage ? { errorMessage } : {}),
    });
    const rs = [
      failed(0, 0.5, 'error', 'warm-up noise', true),
      failed(1, 1, 'error', 'cold start failed: exec format error'),
      failed(2, 2, 'error', 'cold start failed: exec format error'),
      failed(8, 2.5, 'error', 'executor e12 exited (code 1)'),
      failed(9, 2.6, 'error', 'executor e13 exited (code 1)'),
      failed(10, 2.7, 'error', 'executor e14 exited (code 1)'),
      failed(3, 3, 'timeout'),
      failed(4, 4, 'rejected', 'all executors busy'),
      failed(5, 5, 'rejected', 'all executors busy'),
      failed(6, 6, 'rejected', 'all executors busy'),
      rec(7, 7, 7.1, 'ok'),
    ];
    // messages that differ only in their numbers are one failure; the first one stands for them
    assert.deepEqual(measurePoint(rs, [], opts).commonFailure, {
      message: 'executor e12 exited (code 1)',
      count: 3,
    });
    assert.equal(measurePoint([rec(0, 1, 2, 'ok')], [], opts).commonFailure, null);
  });
});

describe('SampleGrid', () => {
  it('counts an instant on the interval start, not on its end', () => {
    const g = new SampleGrid(0, 4, 1); // samples 0..4
    g.add(1, 3); // 1, 2
    close(g.mean(), 2 / 5);
  });
  it('has no samples when end < start', () => {
    assert.equal(new SampleGrid(5, 4, 1).mean(), null);
  });
});

describe('windowFromRecords', () => {
  it('ends at the last measured arrival', () => {
    assert.deepEqual(windowFromRecords(records, 10), { start: 10, end: 20 });
  });
});
