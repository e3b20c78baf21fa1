/**
 * The open-loop load generator: every arrival is sent at its scheduled time whatever the
 * platform does, latency runs from the *intended* send time (no coordinated omission), and
 * the send lag (actual − intended) is recorded per request.
 *
 * Timing: a timer sleeps until ~2 ms before the next arrival (timers have 1 ms resolution);
 * closer than that the loop yields once to the event loop (setImmediate: responses and writes
 * get processed), then — when more than 150 µs remain — naps in the kernel with Atomics.wait
 * (µs precision) until 80 µs before the arrival, and busy-waits the rest. Arrivals already due go out in one batch, and the loop
 * yields at least every ~2 ms of sending, so responses, timers and writes are never starved and
 * no core is burnt spinning (on a 2-core host the platform under test needs it; and the OS
 * wakes a sleeping process promptly where it preempts a spinning one for a whole time slice).
 *
 * Timeouts: requests leave in send order and share one timeout, so the oldest pending request
 * always expires first; one sweep timer walks the pending map from its head (no timer per
 * request).
 *
 * Every arrival that was sent produces exactly one record: `ok`/`error`/`rejected` from the
 * platform, `timeout` when the per-request timeout or the final drain timeout runs out (the
 * request is aborted; a late answer is ignored), `error` when `invoke` itself throws.
 * Records are handed to `onRecord` as they complete (the runner streams them to JSONL), so
 * memory stays flat; an HdrHistogram keeps the tails for the progress display.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { PercentileRecorder } from '../../analysis/stats/percentiles.js';
import type { Platform, PointClock } from '../../platforms/types.js';
import type { RequestCounts } from '../../results/types.js';
import type { Arrival } from '../arrivals.js';
import type { RequestRecord } from '../records.js';

export interface OpenLoopOptions {
  platform: Pick<Platform, 'invoke'>;
  schedule: Iterable<Arrival>;
  clock: PointClock;
  pointId: string;
  workload: string;
  input: unknown;
  /** Per-request timeout (s). */
  requestTimeout: number;
  /** How long to wait for in-flight requests after the last arrival (s). */
  drainTimeout: number;
  /** Called once per request, as it completes (awaited: backpressure from the writer). */
  onRecord: (record: RequestRecord) => void | Promise<void>;
  /** Stops sending (SIGINT); in-flight requests are aborted and recorded as timeouts. */
  signal?: AbortSignal;
  /** Called about every `progressInterval` seconds with a snapshot. */
  onProgress?: (p: LoadProgress) => void;
  progressInterval?: number;
}

export interface LoadProgress {
  elapsed: number;
  sent: number;
  inFlight: number;
  counts: RequestCounts;
  /** Client latency p50 / p99 so far (s). */
  p50: number | null;
  p99: number | null;
}

export interface OpenLoopResult {
  /** Every sent request by status (warm-up included). */
  counts: RequestCounts;
  /** Arrivals scheduled but never sent because the run was aborted. */
  unsent: number;
  aborted: boolean;
  /** Scheduled measured (non-warm-up) arrivals and the last one's intended time. */
  measuredScheduled: number;
  lastMeasuredAt: number | null;
  firstMeasuredAt: number | null;
  /**
   * Realised gaps: differences of the actual send times of consecutive measured arrivals (s),
   * what the platform really received — for the KS test against the exponential.
   */
  measuredGaps: Float64Array;
  sendLag: PercentileRecorder;
  latency: PercentileRecorder;
}

const SLEEP_MARGIN = 0.002; // timers (1 ms resolution) wake us 2 ms early
const SPIN_BELOW = 0.00005; // closer than 50 µs: just spin
const NAP_ABOVE = 0.00015; // nap only for waits above 150 µs (a futex wake-up is late by tens of µs)
const NAP_MARGIN = 0.00008; // and wake 80 µs early, then spin
/** For sub-millisecond sleeps: Atomics.wait blocks in the kernel (futex) with µs precision. */
const napCell = new Int32Array(new SharedArrayBuffer(4));
const MAX_BATCH_TIME = 0.002; // yield at least every 2 ms of sending
const SWEEP_INTERVAL_MS = 10; // timeout sweep granularity

function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, Math.max(0, seconds * 1000));
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Growable Float64 buffer (gaps of measured arrivals; 8 bytes each). */
class GapBuffer {
  private buf = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = x;
  }
  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Run one point's schedule open-loop against `platform`. Never throws for request failures. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { platform, clock, signal } = options;
  const counts: RequestCounts = { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 };
  const sendLag = new PercentileRecorder();
  const latency = new PercentileRecorder();
  const gaps = new GapBuffer();
  const pending = new Map<number, { sentAt: number; abort: (reason: string) => void }>();
  const writes = new Set<Promise<void>>();
  let measuredScheduled = 0;
  let lastMeasuredAt: number | null = null;
  let firstMeasuredAt: number | null = null;
  let unsent = 0;
  let drainWaiter: (() => void) | null = null;
  let writeError: unknown = null;

  const emit = (record: RequestRecord) => {
    counts[record.status]++;
    if (record.status === 'ok') latency.record(record.respTime);
    try {
      const maybe = options.onRecord(record);
      if (maybe) {
        const p = maybe.then(
          () => {
            writes.delete(p);
          },
          (err: unknown) => {
            writeError ??= err;
            writes.delete(p);
          },
        );
        writes.add(p);
      }
    } catch (err) {
      writeError ??= err;
    }
    if (pending.size === 0 && drainWaiter) drainWaiter();
  };

  // one timer expires requests older than requestTimeout, oldest first
  const sweep = setInterval(
    () => {
      const limit = clock.now() - options.requestTimeout;
      for (const [, entry] of pending) {
        if (entry.sentAt > limit) break;
        entry.abort(`request timeout after ${options.requestTimeout} s`);
      }
    },
    Math.min(SWEEP_INTERVAL_MS, options.requestTimeout * 1000),
  );

  const fire = (arrival: Arrival): number => {
    const sentAt = clock.now();
    counts.sent++;
    sendLag.record(sentAt - arrival.at);
    const controller = new AbortController();
    let settled = false;
    const finish = (
      partial: Omit<
        RequestRecord,
        'seq' | 'pointId' | 'workload' | 'intendedAt' | 'sentAt' | 'doneAt' | 'respTime' | 'warmup'
      >,
    ) => {
      if (settled) return;
      settled = true;
      pending.delete(arrival.seq);
      const doneAt = clock.now();
      emit({
        seq: arrival.seq,
        pointId: options.pointId,
        workload: options.workload,
        intendedAt: arrival.at,
        sentAt,
        doneAt,
        respTime: doneAt - arrival.at,
        warmup: arrival.warmup,
        ...partial,
      });
    };
    const abort = (reason: string) => {
      finish({ status: 'timeout', errorMessage: reason });
      controller.abort(new Error(reason));
    };
    pending.set(arrival.seq, { sentAt, abort });
    platform.invoke({ workload: options.workload, input: options.input, signal: controller.signal }).then(
      (res) => {
        finish({
          status: res.status,
          ...(res.httpStatus !== undefined ? { httpStatus: res.httpStatus } : {}),
          ...(res.errorMessage !== undefined ? { errorMessage: res.errorMessage } : {}),
          ...(res.platform ? { platform: res.platform } : {}),
        });
      },
      (err: unknown) => {
        finish({
          status: 'error',
          errorMessage: `invoke threw: ${err instanceof Error ? err.message : String(err)}`,
        });
      },
    );
    return sentAt;
  };

  const progressEvery = options.progressInterval ?? 1;
  let nextProgress = clock.now() + progressEvery;
  const reportProgress = () => {
    const now = clock.now();
    if (!options.onProgress || now < nextProgress) return;
    nextProgress = now + progressEvery;
    options.onProgress({
      elapsed: now,
      sent: counts.sent,
      inFlight: pending.size,
      counts: { ...counts },
      p50: latency.at(50),
      p99: latency.at(99),
    });
  };

  const drive = async (): Promise<OpenLoopResult> => {
    const iterator = options.schedule[Symbol.iterator]();
    let next = iterator.next();
    let batchStart = clock.now();
    let yielded = false;
    let lastMeasuredSentAt: number | null = null;
    while (!next.done) {
      if (signal?.aborted) break;
      const arrival = next.value;
      const wait = arrival.at - clock.now();
      if (wait > SLEEP_MARGIN) {
        reportProgress();
        await sleep(wait - SLEEP_MARGIN, signal);
        batchStart = clock.now();
        continue;
      }
      if (wait > SPIN_BELOW) {
        if (!yielded) {
          // let responses and writes run once before the nap
          await yieldToLoop();
          yielded = true;
          batchStart = clock.now();
          continue;
        }
        // nap in the kernel instead of spinning: the CPU stays free for the platform, and a
        // sleeping process is woken promptly by the scheduler where a spinning one is preempted
        if (wait > NAP_ABOVE) Atomics.wait(napCell, 0, 0, (wait - NAP_MARGIN) * 1000);
      }
      // bounded spin: at most SPIN_BELOW (50 µs)
      while (clock.now() < arrival.at) {
        /* busy-wait for sub-millisecond accuracy */
      }
      const sentAt = fire(arrival);
      yielded = false;
      if (!arrival.warmup) {
        if (lastMeasuredSentAt !== null) gaps.push(sentAt - lastMeasuredSentAt);
        lastMeasuredSentAt = sentAt;
        firstMeasuredAt ??= arrival.at;
        lastMeasuredAt = arrival.at;
        measuredScheduled++;
      }
      next = iterator.next();
      if (clock.now() - batchStart > MAX_BATCH_TIME) {
        await yieldToLoop();
        reportProgress();
        batchStart = clock.now();
      }
    }
    const aborted = signal?.aborted ?? false;
    if (aborted) {
      while (!next.done) {
        unsent++;
        if (!next.value.warmup) measuredScheduled++;
        next = iterator.next();
      }
    }

    // drain: wait for in-flight requests, up to drainTimeout (immediately on abort)
    if (pending.size > 0 && !aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.drainTimeout * 1000);
        const onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        drainWaiter = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
      drainWaiter = null;
    }
    for (const { abort } of [...pending.values()]) {
      abort(aborted ? 'aborted (interrupt)' : `drain timeout after ${options.drainTimeout} s`);
    }
    while (writes.size > 0) await Promise.all([...writes]);
    if (writeError) throw writeError;
    return {
      counts,
      unsent,
      aborted,
      measuredScheduled,
      lastMeasuredAt,
      firstMeasuredAt,
      measuredGaps: gaps.view(),
      sendLag,
      latency,
    };
  };
  try {
    return await drive();
  } finally {
    clearInterval(sweep);
  }
}
