/**
 * The open-loop load generator: every arrival is sent at its scheduled time whatever the
 * platform does, latency runs from the *intended* send time (no coordinated omission), and
 * the send lag (actual − intended) is recorded per request. The pieces: the scheduler
 * (scheduler.ts: when each arrival goes out, without busy-waiting), the ledger (ledger.ts:
 * sending, and settling every sent request exactly once into one record), the pending list
 * (pending.ts: one object per request, in send order), and here the run itself — one timeout
 * sweep, the drain after the last arrival, and the result. Per request the generator
 * allocates one InFlight, one record and the reaction to the platform's promise.
 *
 * Records are handed to `onRecord` as they complete (the runner streams them to JSONL), so
 * memory stays flat; an HdrHistogram keeps the tails for the progress display.
 */
import type { PercentileRecorder } from '../../analysis/stats/percentiles.js';
import type { Platform, PointClock } from '../../core/platform.js';
import type { RequestRecord } from '../../core/records.js';
import type { RequestCounts } from '../../results/types.js';
import type { Arrival } from '../arrivals.js';
import { RequestLedger } from './ledger.js';
import { ScheduleCursor, sendOnSchedule } from './scheduler.js';

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

const SWEEP_INTERVAL_MS = 10; // timeout sweep granularity

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

/** The measured (non-warm-up) arrivals: how many were scheduled, when, and their realised gaps. */
export class MeasuredArrivals {
  scheduled = 0;
  firstAt: number | null = null;
  lastAt: number | null = null;
  readonly gaps = new GapBuffer();
  private lastSentAt: number | null = null;

  sent(arrival: Arrival, sentAt: number): void {
    if (arrival.warmup) return;
    if (this.lastSentAt !== null) this.gaps.push(sentAt - this.lastSentAt);
    this.lastSentAt = sentAt;
    this.firstAt ??= arrival.at;
    this.lastAt = arrival.at;
    this.scheduled++;
  }

  /** Count the arrivals never sent (an aborted run); returns how many there were. */
  unsent(cursor: ScheduleCursor): number {
    let unsent = 0;
    while (!cursor.current.done) {
      unsent++;
      if (!cursor.current.value.warmup) this.scheduled++;
      cursor.advance();
    }
    return unsent;
  }
}

/**
 * One timer expires the requests older than `requestTimeout`, oldest first: requests leave
 * in send order and share one timeout, so walking the pending list from its head is enough
 * (no timer per request).
 */
function startTimeoutSweep(ledger: RequestLedger, clock: PointClock, requestTimeout: number): NodeJS.Timeout {
  const reason = `request timeout after ${requestTimeout} s`;
  return setInterval(
    () => ledger.expireSentBy(clock.now() - requestTimeout, reason),
    Math.min(SWEEP_INTERVAL_MS, requestTimeout * 1000),
  );
}

/** A progress callback that calls `onProgress` with a snapshot at most every `every` seconds. */
function progressReporter(options: OpenLoopOptions, ledger: RequestLedger): (now: number) => void {
  const { onProgress, clock } = options;
  const every = options.progressInterval ?? 1;
  let due = clock.now() + every;
  return (now) => {
    if (!onProgress || now < due) return;
    due = now + every;
    onProgress(progressSnapshot(ledger, now));
  };
}

/** What the point has seen at `now`: sent, in flight, outcomes, latency p50/p99. */
export function progressSnapshot(ledger: RequestLedger, now: number): LoadProgress {
  return {
    elapsed: now,
    sent: ledger.counts.sent,
    inFlight: ledger.pending.size,
    counts: { ...ledger.counts },
    p50: ledger.latency.at(50),
    p99: ledger.latency.at(99),
  };
}

/** After the last arrival: wait until nothing is pending, `drainTimeout` passes or `signal` aborts. */
async function drain(
  ledger: RequestLedger,
  drainTimeout: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (ledger.pending.size === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, drainTimeout * 1000);
    const onAbort = () => resolve();
    signal?.addEventListener('abort', onAbort, { once: true });
    ledger.onIdle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
  });
  ledger.onIdle = null;
}

export function resultOf(
  ledger: RequestLedger,
  measured: MeasuredArrivals,
  aborted: boolean,
  unsent: number,
): OpenLoopResult {
  return {
    counts: ledger.counts,
    unsent,
    aborted,
    measuredScheduled: measured.scheduled,
    lastMeasuredAt: measured.lastAt,
    firstMeasuredAt: measured.firstAt,
    measuredGaps: measured.gaps.view(),
    sendLag: ledger.sendLag,
    latency: ledger.latency,
  };
}

/**
 * Run one point's schedule open-loop against `platform`. Never throws for request failures;
 * every sent request produces exactly one record (those still pending at the end of the drain,
 * or at an abort, become timeouts).
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { clock, signal } = options;
  const ledger = new RequestLedger(options);
  const measured = new MeasuredArrivals();
  const sweep = startTimeoutSweep(ledger, clock, options.requestTimeout);
  try {
    const progress = progressReporter(options, ledger);
    const cursor = new ScheduleCursor(options.schedule);
    await sendOnSchedule(cursor, {
      clock,
      signal,
      send: (arrival) => {
        const sentAt = ledger.send(arrival);
        measured.sent(arrival, sentAt);
        return sentAt;
      },
      progress,
    });
    const aborted = signal?.aborted ?? false;
    const unsent = aborted ? measured.unsent(cursor) : 0;
    if (!aborted) await drain(ledger, options.drainTimeout, signal); // on abort: at once
    ledger.expireAll(aborted ? 'aborted (interrupt)' : `drain timeout after ${options.drainTimeout} s`);
    await ledger.flushed();
    return resultOf(ledger, measured, aborted, unsent);
  } finally {
    clearInterval(sweep);
  }
}
