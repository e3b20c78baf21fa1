import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../analysis/random.js';
import { createPointClock } from '../../core/clock.js';
import type { RequestRecord } from '../../core/records.js';
import { type Arrival, arrivalSchedule } from '../../harness/arrivals.js';
import { runOpenLoop } from '../../harness/loadgen/open-loop.js';
import { FakePlatform } from './fakes/fake-platform.js';

async function setupFake(fake: FakePlatform, keepAlive = 1) {
  const clock = createPointClock();
  await fake.setup({ keepAlive }, clock);
  return clock;
}

/** This file's defaults for runOpenLoop: a point of aes, 5 s timeouts, every record pushed to `records`. */
function defaults(records: RequestRecord[]) {
  return {
    pointId: 'p',
    workload: 'aes',
    input: {},
    requestTimeout: 5,
    drainTimeout: 5,
    onRecord: (r: RequestRecord) => {
      records.push(r);
    },
  };
}

function balanced(c: { sent: number; ok: number; error: number; timeout: number; rejected: number }) {
  return c.sent === c.ok + c.error + c.timeout + c.rejected;
}

describe('runOpenLoop', () => {
  it('sends every arrival once, records it once, and measures from the intended time', async () => {
    const fake = new FakePlatform({ warm: 0.005, cold: 0.02 });
    const clock = await setupFake(fake);
    const records: RequestRecord[] = [];
    const schedule = [
      ...arrivalSchedule({ process: 'poisson', rate: 100, warmup: 0.1, duration: 0.4 }, createRng(7)),
    ];
    const res = await runOpenLoop({
      ...defaults(records),
      platform: fake,
      schedule,
      clock,
      pointId: 'p1',
    });
    await fake.teardown();
    assert.equal(res.counts.sent, schedule.length);
    assert.equal(records.length, schedule.length);
    assert.deepEqual(
      records.map((r) => r.seq).sort((a, b) => a - b),
      schedule.map((a) => a.seq),
    );
    assert.ok(balanced(res.counts));
    assert.equal(res.counts.ok, schedule.length);
    for (const r of records) {
      assert.ok(r.sentAt >= r.intendedAt, 'never sent early');
      assert.equal(r.respTime, r.doneAt - r.intendedAt);
      assert.ok(r.respTime >= 0.005 - 1e-3, 'at least the service time');
      assert.equal(r.warmup, (schedule[r.seq] as Arrival).warmup);
    }
    const measured = schedule.filter((a) => !a.warmup);
    assert.equal(res.measuredScheduled, measured.length);
    assert.equal(res.lastMeasuredAt, measured.at(-1)?.at);
    assert.equal(res.measuredGaps.length, measured.length - 1);
  });

  it('records a hung request as a timeout, never drops it', async () => {
    const fake = new FakePlatform({ hang: true });
    const clock = await setupFake(fake);
    const records: RequestRecord[] = [];
    const schedule: Arrival[] = [
      { seq: 0, at: 0.01, warmup: false },
      { seq: 1, at: 0.02, warmup: false },
    ];
    const res = await runOpenLoop({
      ...defaults(records),
      platform: fake,
      schedule,
      clock,
      requestTimeout: 0.05,
    });
    assert.equal(res.counts.timeout, 2);
    assert.equal(records.length, 2);
    assert.ok(records.every((r) => r.status === 'timeout' && /request timeout/.test(r.errorMessage ?? '')));
  });

  it('ends with a drain timeout: requests still in flight become timeouts', async () => {
    const fake = new FakePlatform({ warm: 2, cold: 2 });
    const clock = await setupFake(fake);
    const records: RequestRecord[] = [];
    const res = await runOpenLoop({
      ...defaults(records),
      platform: fake,
      schedule: [{ seq: 0, at: 0, warmup: false }],
      clock,
      requestTimeout: 30,
      drainTimeout: 0.05,
    });
    await fake.teardown();
    assert.equal(res.counts.timeout, 1);
    assert.match(records[0]?.errorMessage ?? '', /drain timeout/);
  });

  it('passes rejections through and keeps the books balanced', async () => {
    const fake = new FakePlatform({ warm: 0.05, cold: 0.05 });
    const clock = createPointClock();
    await fake.setup({ keepAlive: 1, maxConcurrency: 1 }, clock);
    const schedule: Arrival[] = [0, 0.001, 0.002].map((at, seq) => ({ seq, at, warmup: false }));
    const res = await runOpenLoop({
      ...defaults([]),
      platform: fake,
      schedule,
      clock,
    });
    await fake.teardown();
    assert.equal(res.counts.ok, 1);
    assert.equal(res.counts.rejected, 2);
    assert.ok(balanced(res.counts));
  });

  it('stops on abort: unsent arrivals are counted, in-flight ones recorded', async () => {
    const fake = new FakePlatform({ warm: 1, cold: 1 });
    const clock = await setupFake(fake);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const records: RequestRecord[] = [];
    const schedule = [
      ...arrivalSchedule({ process: 'deterministic', rate: 100, warmup: 0, duration: 10 }, createRng(1)),
    ];
    const res = await runOpenLoop({
      ...defaults(records),
      platform: fake,
      schedule,
      clock,
      signal: controller.signal,
    });
    await fake.teardown();
    assert.equal(res.aborted, true);
    assert.ok(res.unsent > 0);
    assert.equal(res.counts.sent + res.unsent, schedule.length);
    assert.equal(records.length, res.counts.sent);
    assert.ok(balanced(res.counts));
  });

  it('integrity: executors killed mid-run — every sent request is still accounted for', async () => {
    const fake = new FakePlatform({ warm: 0.02, cold: 0.04 });
    const clock = await setupFake(fake, 0.2);
    const records: RequestRecord[] = [];
    let killed = 0;
    const killer = setInterval(() => {
      if (fake.killBusyExecutor()) killed++;
    }, 15);
    const schedule = [
      ...arrivalSchedule({ process: 'poisson', rate: 150, warmup: 0, duration: 0.6 }, createRng(3)),
    ];
    const res = await runOpenLoop({
      ...defaults(records),
      platform: fake,
      schedule,
      clock,
    });
    clearInterval(killer);
    await fake.teardown();
    assert.ok(killed > 0, 'the test killed at least one executor');
    assert.equal(res.counts.error, killed);
    assert.equal(res.counts.sent, schedule.length);
    assert.equal(records.length, schedule.length);
    assert.ok(balanced(res.counts));
    const spans = await fake.executorSpans();
    assert.equal(spans.filter((s) => s.cause === 'crash').length, killed);
  });

  it('aborts the signal of a timed-out request, also when the platform reads it only afterwards', async () => {
    // the AbortController is created on first read of `signal`: a late reader must still see the abort
    const seen: { early: AbortSignal | undefined; late?: AbortSignal } = { early: undefined };
    const requests: { signal?: AbortSignal }[] = [];
    const platform = {
      invoke(req: { signal?: AbortSignal }) {
        requests.push(req);
        if (requests.length === 1) seen.early = req.signal;
        return new Promise<never>(() => {}); // never answers
      },
    };
    const records: RequestRecord[] = [];
    const res = await runOpenLoop({
      ...defaults(records),
      platform: platform as never,
      schedule: [
        { seq: 0, at: 0, warmup: false },
        { seq: 1, at: 0.001, warmup: false },
      ],
      clock: createPointClock(),
      requestTimeout: 0.03,
    });
    seen.late = requests[1]?.signal;
    assert.equal(res.counts.timeout, 2);
    assert.equal(seen.early?.aborted, true, 'a signal read at invoke time is aborted at the timeout');
    assert.equal(seen.late?.aborted, true, 'a signal first read after the timeout is already aborted');
    assert.ok(seen.late?.reason instanceof Error);
    assert.match(seen.late.reason.message, /request timeout after 0.03 s/);
    assert.deepEqual(records.map((r) => r.seq).sort(), [0, 1]);
  });

  it('records an invoke that throws synchronously as an error and keeps sending', async () => {
    let calls = 0;
    const platform = {
      invoke() {
        calls++;
        if (calls === 1) throw new Error('boom');
        return Promise.resolve({ status: 'ok' as const, httpStatus: 200 });
      },
    };
    const records: RequestRecord[] = [];
    const res = await runOpenLoop({
      ...defaults(records),
      platform,
      schedule: [0, 0.001, 0.002].map((at, seq) => ({ seq, at, warmup: false })),
      clock: createPointClock(),
    });
    assert.deepEqual(res.counts, { sent: 3, ok: 2, error: 1, timeout: 0, rejected: 0 });
    const failed = records.find((r) => r.seq === 0);
    assert.equal(failed?.status, 'error');
    assert.equal(failed?.errorMessage, 'invoke threw: boom');
  });

  it('writes records with the documented keys in a fixed order', async () => {
    const records: RequestRecord[] = [];
    await runOpenLoop({
      ...defaults(records),
      platform: {
        invoke: () =>
          Promise.resolve({
            status: 'ok' as const,
            httpStatus: 200,
            platform: { cold: true, startAt: 0, endAt: 0 },
          }),
      },
      schedule: [{ seq: 0, at: 0, warmup: true }],
      clock: createPointClock(),
    });
    assert.deepEqual(Object.keys(records[0] ?? {}), [
      'seq',
      'pointId',
      'workload',
      'intendedAt',
      'sentAt',
      'doneAt',
      'respTime',
      'warmup',
      'status',
      'httpStatus',
      'platform',
    ]);
  });

  it('sends arrivals that are already due in one batch, never before their time', async () => {
    // 2,000 arrivals 10 µs apart: most are due by the time the previous one has gone out
    const schedule: Arrival[] = Array.from({ length: 2000 }, (_, seq) => ({
      seq,
      at: 0.01 + seq * 1e-5,
      warmup: false,
    }));
    const records: RequestRecord[] = [];
    const res = await runOpenLoop({
      ...defaults(records),
      platform: { invoke: () => Promise.resolve({ status: 'ok' as const }) },
      schedule,
      clock: createPointClock(),
    });
    assert.equal(res.counts.ok, 2000);
    assert.equal(res.sendLag.count, 2000);
    assert.equal(records.length, 2000);
    for (const r of records) assert.ok(r.sentAt >= r.intendedAt, `seq ${r.seq} sent early`);
  });
});
