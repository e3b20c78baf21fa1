/**
 * The open-loop load generator: every arrival is sent at its scheduled time whatever the
 * platform does, latency runs from the *intended* send time (no coordinated omission), and
 * the send lag (actual − intended) is recorded per request.
 *
 * Timing (one callback-driven scheduler, no promise per arrival): a timer sleeps until ~2 ms
 * before the next arrival (timers have 1 ms resolution); closer than that the loop yields to
 * the event loop (setImmediate: responses and writes get processed) and naps in the kernel
 * with Atomics.wait (µs precision) until the arrival is due, in slices of at most 250 µs with
 * a turn of the event loop between them. There is no busy-wait: every clock read allocates
 * (performance.now() is not allocation-free on Node 20), and that garbage — young-generation
 * scavenges of 1.4–1.9 ms every ~35 ms — was what set the p99 send lag. Arrivals already due
 * go out in one batch; the loop yields before a nap once 250 µs have passed and at least every
 * 2 ms of sending, so responses, timers and writes are never starved, and no core is burnt
 * spinning (on a 2-core host the platform under test needs it; and the OS wakes a sleeping
 * process promptly where it preempts a spinning one for a whole time slice).
 *
 * Per request the generator allocates one {@link InFlight} (which is also the InvokeRequest the
 * platform sees, and a node of the pending list), one record, and the promise reaction of the
 * platform's answer; the AbortController is created only if the platform reads `signal`.
 *
 * Timeouts: requests leave in send order and share one timeout, so the oldest pending request
 * always expires first; one sweep timer walks the pending list from its head (no timer per
 * request).
 *
 * Every arrival that was sent produces exactly one record: `ok`/`error`/`rejected` from the
 * platform, `timeout` when the per-request timeout or the final drain timeout runs out (the
 * request is aborted; a late answer is ignored), `error` when `invoke` itself throws.
 * Records are handed to `onRecord` as they complete (the runner streams them to JSONL), so
 * memory stays flat; an HdrHistogram keeps the tails for the progress display.
 */
import { PercentileRecorder } from '../../analysis/stats/percentiles.js';
import type { InvokeRequest, InvokeResult, Platform, PointClock } from '../../core/platform.js';
import type { RequestRecord } from '../../core/records.js';
import type { RequestCounts } from '../../results/types.js';
import type { Arrival } from '../arrivals.js';

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
const YIELD_BEFORE_NAP = 0.0001; // yield to the event loop before a nap longer than 100 µs,
const YIELD_EVERY = 0.00025; // and before any nap once 250 µs have passed since the last yield
const NAP_SLICE = 0.00025; // longest nap between two turns of the event loop
/** For sub-millisecond sleeps: Atomics.wait blocks in the kernel (futex) with µs precision. */
const napCell = new Int32Array(new SharedArrayBuffer(4));
const MAX_BATCH_TIME = 0.002; // yield at least every 2 ms of sending
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

type Outcome = Pick<RequestRecord, 'status' | 'httpStatus' | 'errorMessage' | 'platform'>;

/**
 * One sent request, and the {@link InvokeRequest} the platform sees: one object per request.
 * It links into the pending list (send order, so the oldest is at the head), and its
 * AbortController is created only when a platform reads `signal` — the embedded platforms
 * never do, and an AbortController (an EventTarget) is the largest per-request allocation.
 */
class InFlight implements InvokeRequest {
  prev: InFlight | null = null;
  next: InFlight | null = null;
  settled = false;
  private controller: AbortController | null = null;
  private abortReason: string | null = null;

  constructor(
    readonly workload: string,
    readonly input: unknown,
    readonly seq: number,
    readonly intendedAt: number,
    readonly sentAt: number,
    readonly warmup: boolean,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason !== null) this.controller.abort(new Error(this.abortReason));
    }
    return this.controller.signal;
  }

  abort(reason: string): void {
    this.abortReason ??= reason;
    this.controller?.abort(new Error(reason));
  }
}

/** Run one point's schedule open-loop against `platform`. Never throws for request failures. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { platform, clock, signal } = options;
  const counts: RequestCounts = { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 };
  const sendLag = new PercentileRecorder();
  const latency = new PercentileRecorder();
  const gaps = new GapBuffer();
  // pending requests, a doubly linked list in send order (O(1) insert and removal, no Map entries)
  let head: InFlight | null = null;
  let tail: InFlight | null = null;
  let inFlight = 0;
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
    if (inFlight === 0 && drainWaiter) drainWaiter();
  };

  /** Settle a request once: unlink it, build its record (one object, fixed key order), emit. */
  const complete = (req: InFlight, outcome: Outcome) => {
    if (req.settled) return;
    req.settled = true;
    if (req.prev) req.prev.next = req.next;
    else head = req.next;
    if (req.next) req.next.prev = req.prev;
    else tail = req.prev;
    req.prev = req.next = null;
    inFlight--;
    const doneAt = clock.now();
    const record: RequestRecord = {
      seq: req.seq,
      pointId: options.pointId,
      workload: options.workload,
      intendedAt: req.intendedAt,
      sentAt: req.sentAt,
      doneAt,
      respTime: doneAt - req.intendedAt,
      warmup: req.warmup,
      status: outcome.status,
    };
    if (outcome.httpStatus !== undefined) record.httpStatus = outcome.httpStatus;
    if (outcome.errorMessage !== undefined) record.errorMessage = outcome.errorMessage;
    if (outcome.platform) record.platform = outcome.platform;
    emit(record);
  };

  const expire = (req: InFlight, reason: string) => {
    complete(req, { status: 'timeout', errorMessage: reason });
    req.abort(reason);
  };
  const threw = (req: InFlight, err: unknown) =>
    complete(req, {
      status: 'error',
      errorMessage: `invoke threw: ${err instanceof Error ? err.message : String(err)}`,
    });

  // one timer expires requests older than requestTimeout, oldest first (the list is in send order)
  const timeoutText = `request timeout after ${options.requestTimeout} s`;
  const sweep = setInterval(
    () => {
      const limit = clock.now() - options.requestTimeout;
      for (let req = head; req !== null && req.sentAt <= limit; ) {
        const following: InFlight | null = req.next;
        expire(req, timeoutText);
        req = following;
      }
    },
    Math.min(SWEEP_INTERVAL_MS, options.requestTimeout * 1000),
  );

  const fire = (arrival: Arrival): number => {
    const sentAt = clock.now();
    counts.sent++;
    sendLag.record(sentAt - arrival.at);
    const req = new InFlight(
      options.workload,
      options.input,
      arrival.seq,
      arrival.at,
      sentAt,
      arrival.warmup,
    );
    if (tail) {
      tail.next = req;
      req.prev = tail;
    } else head = req;
    tail = req;
    inFlight++;
    let answer: Promise<InvokeResult>;
    try {
      answer = platform.invoke(req);
    } catch (err) {
      threw(req, err);
      return sentAt;
    }
    answer.then(
      (res) => complete(req, res),
      (err: unknown) => threw(req, err),
    );
    return sentAt;
  };

  const progressEvery = options.progressInterval ?? 1;
  let nextProgress = clock.now() + progressEvery;
  const reportProgress = (now: number) => {
    if (!options.onProgress || now < nextProgress) return;
    nextProgress = now + progressEvery;
    options.onProgress({
      elapsed: now,
      sent: counts.sent,
      inFlight,
      counts: { ...counts },
      p50: latency.at(50),
      p99: latency.at(99),
    });
  };

  const iterator = options.schedule[Symbol.iterator]();
  let next = iterator.next();
  let lastMeasuredSentAt: number | null = null;

  /**
   * The scheduler: one callback, no promise per arrival. Each tick sends every arrival that is
   * due, then re-arms itself: a timer when the next arrival is > 2 ms away, otherwise one
   * setImmediate (responses and writes run) and then a kernel nap until the arrival is due.
   * A batch yields after 2 ms of sending. Resolves when the schedule is exhausted or aborted.
   */
  const sendAll = () =>
    new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      let immediate: NodeJS.Immediate | null = null;
      let yielded = false;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        if (timer) clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
        signal?.removeEventListener('abort', stop);
        resolve();
      };
      const tick = () => {
        timer = null;
        immediate = null;
        if (stopped) return;
        try {
          let batchStart = -1;
          for (;;) {
            if (next.done || signal?.aborted) return stop();
            const arrival = next.value;
            const now = clock.now();
            if (batchStart < 0) batchStart = now;
            let wait = arrival.at - now;
            if (wait > SLEEP_MARGIN) {
              reportProgress(now);
              yielded = false;
              timer = setTimeout(tick, (wait - SLEEP_MARGIN) * 1000);
              return;
            }
            if (wait > 0 && !yielded && (wait > YIELD_BEFORE_NAP || now - batchStart > YIELD_EVERY)) {
              // let responses and writes run before a nap (a short one only every YIELD_EVERY)
              yielded = true;
              immediate = setImmediate(tick);
              return;
            }
            // nap in the kernel instead of spinning: the CPU stays free for the platform, a
            // sleeping process is woken promptly where a spinning one is preempted, and a spin
            // allocates (every clock read makes garbage: it is what the young-generation GC
            // pauses, which set the p99 send lag, were made of)
            if (wait > NAP_SLICE) {
              // a long nap goes in slices with a turn of the event loop between them, so a
              // response is never left unread (its doneAt late) for more than a slice
              Atomics.wait(napCell, 0, 0, NAP_SLICE * 1000);
              yielded = true;
              immediate = setImmediate(tick);
              return;
            }
            while (wait > 0) {
              Atomics.wait(napCell, 0, 0, wait * 1000);
              wait = arrival.at - clock.now();
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
            if (sentAt - batchStart > MAX_BATCH_TIME) {
              reportProgress(sentAt);
              immediate = setImmediate(tick);
              return;
            }
          }
        } catch (err) {
          stop();
          reject(err);
        }
      };
      signal?.addEventListener('abort', stop, { once: true });
      tick();
    });

  const drive = async (): Promise<OpenLoopResult> => {
    await sendAll();
    const aborted = signal?.aborted ?? false;
    if (aborted) {
      while (!next.done) {
        unsent++;
        if (!next.value.warmup) measuredScheduled++;
        next = iterator.next();
      }
    }

    // drain: wait for in-flight requests, up to drainTimeout (immediately on abort)
    if (inFlight > 0 && !aborted) {
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
    const reason = aborted ? 'aborted (interrupt)' : `drain timeout after ${options.drainTimeout} s`;
    while (head !== null) expire(head, reason);
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
