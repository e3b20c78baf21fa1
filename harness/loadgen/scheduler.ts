/**
 * The open loop's scheduler: one callback, no promise per arrival. A timer sleeps until ~2 ms
 * before the next arrival (timers have 1 ms resolution); closer, the tick yields to the event
 * loop (setImmediate: responses and writes run) and naps in the kernel with Atomics.wait (µs
 * precision) until the arrival is due, in slices of ≤ 250 µs with a turn of the event loop
 * between them. No busy-wait: every clock read allocates on Node 20, and that garbage
 * (young-generation scavenges of 1.4–1.9 ms every ~35 ms) set the p99 send lag; a spinning
 * process also burns the core the platform needs and is preempted for whole time slices where
 * a sleeping one is woken promptly. Arrivals already due go out in one batch; the tick yields
 * before a nap once 250 µs have passed and at least every 2 ms of sending, so responses,
 * timers and writes are never starved (docs/engine.md "The load generator").
 */
import type { PointClock } from '../../core/platform.js';
import type { Arrival } from '../arrivals.js';

const SLEEP_MARGIN = 0.002; // timers (1 ms resolution) wake us 2 ms early
const YIELD_BEFORE_NAP = 0.0001; // yield to the event loop before a nap longer than 100 µs,
const YIELD_EVERY = 0.00025; // and before any nap once 250 µs have passed since the last yield
const NAP_SLICE = 0.00025; // longest nap between two turns of the event loop
/** For sub-millisecond sleeps: Atomics.wait blocks in the kernel (futex) with µs precision. */
const napCell = new Int32Array(new SharedArrayBuffer(4));
const MAX_BATCH_TIME = 0.002; // yield at least every 2 ms of sending

/** The schedule's next arrival: read by the scheduler, and by the run to count what was never sent. */
export class ScheduleCursor {
  private readonly iterator: Iterator<Arrival>;
  current: IteratorResult<Arrival>;

  constructor(schedule: Iterable<Arrival>) {
    this.iterator = schedule[Symbol.iterator]();
    this.current = this.iterator.next();
  }

  advance(): void {
    this.current = this.iterator.next();
  }
}

export interface SchedulerHooks {
  clock: PointClock;
  /** Stops the scheduler (SIGINT): the promise resolves, the cursor stays on the first unsent arrival. */
  signal?: AbortSignal | undefined;
  /** Send this arrival now; returns the actual send time. */
  send: (arrival: Arrival) => number;
  /** Called with the current time before a timer sleep and after a long batch. */
  progress: (now: number) => void;
}

/**
 * Send every arrival of `cursor` at its time. Each tick sends every arrival that is due, then
 * re-arms itself: a timer when the next arrival is > 2 ms away, otherwise one setImmediate
 * and then a kernel nap until the arrival is due. A batch yields after 2 ms of sending.
 * Resolves when the schedule is exhausted or `signal` aborts; rejects if `send` throws.
 */
export function sendOnSchedule(cursor: ScheduleCursor, hooks: SchedulerHooks): Promise<void> {
  const { clock, signal, send, progress } = hooks;
  return new Promise<void>((resolve, reject) => {
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
          const next = cursor.current;
          if (next.done || signal?.aborted) return stop();
          const arrival = next.value;
          const now = clock.now();
          if (batchStart < 0) batchStart = now;
          let wait = arrival.at - now;
          if (wait > SLEEP_MARGIN) {
            progress(now);
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
          const sentAt = send(arrival);
          yielded = false;
          cursor.advance();
          if (sentAt - batchStart > MAX_BATCH_TIME) {
            progress(sentAt);
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
}
