/**
 * The load of a simulated point on a virtual clock (docs/simulator.md "The `sim` platform"):
 * every arrival is sent at its scheduled time by moving the clock there — no waiting — and a
 * request is done at the end the simulation gives it (its platform-side endAt), so client
 * latency equals simulated response time. After the last arrival the clock moves on by the
 * drain timeout, which lets processor-sharing departures play out; anything still pending
 * then is a timeout, as in the real loop. Same records, same result as runOpenLoop.
 */
import type { InvokeResult, VirtualClock } from '../../core/platform.js';
import { RequestLedger } from './ledger.js';
import {
  MeasuredArrivals,
  type OpenLoopOptions,
  type OpenLoopResult,
  progressSnapshot,
  resultOf,
} from './open-loop.js';
import { ScheduleCursor } from './scheduler.js';

/** Arrivals sent between two turns of the event loop (records are written meanwhile). */
const BATCH = 2048;

export async function runVirtualLoop(
  options: OpenLoopOptions & { clock: VirtualClock },
): Promise<OpenLoopResult> {
  const { clock, signal, requestTimeout } = options;
  const ledger = new RequestLedger({
    ...options,
    platform: {
      // sent at the virtual now, which is when invoke() is called
      invoke: (req) => {
        const sentAt = clock.now();
        return options.platform.invoke(req).then((r) => timedOut(r, sentAt, requestTimeout));
      },
    },
    // a simulated request ends at its simulated end
    doneAt: (outcome, now) => outcome.platform?.endAt ?? now,
  });
  const measured = new MeasuredArrivals();
  const cursor = new ScheduleCursor(options.schedule);
  let sent = 0;
  let lastAt = 0;
  while (!cursor.current.done && !signal?.aborted) {
    const arrival = cursor.current.value;
    clock.advanceTo(arrival.at);
    lastAt = arrival.at;
    measured.sent(arrival, ledger.send(arrival));
    cursor.advance();
    if (++sent % BATCH === 0) {
      await turn();
      options.onProgress?.(progressSnapshot(ledger, clock.now()));
    }
  }
  const aborted = signal?.aborted ?? false;
  const unsent = aborted ? measured.unsent(cursor) : 0;
  await turn(); // answers already known settle
  if (!aborted) {
    clock.advanceTo(lastAt + options.drainTimeout);
    await turn();
  }
  ledger.expireAll(aborted ? 'aborted (interrupt)' : `drain timeout after ${options.drainTimeout} s`);
  await ledger.flushed();
  return resultOf(ledger, measured, aborted, unsent);
}

/** A simulated answer later than the request timeout is a timeout, ended at the timeout. */
function timedOut(r: InvokeResult, sentAt: number, timeout: number): InvokeResult {
  const end = r.platform?.endAt;
  if (r.status !== 'ok' || end === undefined || end - sentAt <= timeout) return r;
  return {
    status: 'timeout',
    errorMessage: `request timeout after ${timeout} s`,
    platform: { ...r.platform, endAt: sentAt + timeout },
  };
}

/** One turn of the event loop: pending promise reactions and writes run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
