/**
 * Sending requests and settling each exactly once: `ok`/`error`/`rejected` from the
 * platform's answer, `timeout` when it expires (the request is aborted; a late answer is
 * ignored), `error` when `invoke` throws (synchronously or by rejecting). Each settled request
 * becomes one record (one object, fixed key order), counted and handed to `onRecord`; the
 * writes that returns are tracked so the run can wait for them and rethrow their failure.
 */
import { PercentileRecorder } from '../../analysis/stats/percentiles.js';
import type { InvokeResult, Platform, PointClock } from '../../core/platform.js';
import type { RequestRecord } from '../../core/records.js';
import type { RequestCounts } from '../../results/types.js';
import type { Arrival } from '../arrivals.js';
import { InFlight, PendingList } from './pending.js';

export type Outcome = Pick<RequestRecord, 'status' | 'httpStatus' | 'errorMessage' | 'platform'> & {
  receivedAt?: number;
};

export interface LedgerOptions {
  platform: Pick<Platform, 'invoke'>;
  clock: PointClock;
  pointId: string;
  workload: string;
  input: unknown;
  onRecord: (record: RequestRecord) => void | Promise<void>;
  /**
   * When a settled request was done (default: now). A simulated point on a virtual clock
   * knows it from the platform: the simulated end.
   */
  doneAt?: (outcome: Outcome, now: number) => number;
}

export class RequestLedger {
  /** Every sent request by status (warm-up included). */
  readonly counts: RequestCounts = { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 };
  /** Actual − intended send time of every sent request (s). */
  readonly sendLag = new PercentileRecorder();
  /** Client latency of the `ok` requests (s), for the progress display. */
  readonly latency = new PercentileRecorder();
  readonly pending = new PendingList();
  /** Called when a request settles and none is left pending (the drain waits on it). */
  onIdle: (() => void) | null = null;
  private readonly writes = new Set<Promise<void>>();
  private writeError: unknown = null;

  constructor(private readonly o: LedgerOptions) {}

  /** Send one arrival now, without waiting for the answer; returns the actual send time. */
  send(arrival: Arrival): number {
    const sentAt = this.o.clock.now();
    this.counts.sent++;
    this.sendLag.record(sentAt - arrival.at);
    const req = new InFlight(this.o.workload, this.o.input, arrival.seq, arrival.at, sentAt, arrival.warmup);
    this.pending.add(req);
    let answer: Promise<InvokeResult>;
    try {
      answer = this.o.platform.invoke(req);
    } catch (err) {
      this.threw(req, err);
      return sentAt;
    }
    answer.then(
      (res) => this.settle(req, res),
      (err: unknown) => this.threw(req, err),
    );
    return sentAt;
  }

  /** Settle a request once: unlink it, build its record, emit it. */
  settle(req: InFlight, outcome: Outcome): void {
    if (!this.pending.settle(req)) return;
    const now = this.o.clock.now();
    const doneAt = this.o.doneAt ? this.o.doneAt(outcome, now) : Math.min(now, outcome.receivedAt ?? now);
    const record: RequestRecord = {
      seq: req.seq,
      pointId: this.o.pointId,
      workload: this.o.workload,
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
    this.emit(record);
  }

  /** Settle a request as a timeout and abort it. */
  expire(req: InFlight, reason: string): void {
    this.settle(req, { status: 'timeout', errorMessage: reason });
    req.abort(reason);
  }

  /** Expire the pending requests sent at or before `limit`, oldest first. */
  expireSentBy(limit: number, reason: string): void {
    for (let req = this.pending.head; req !== null && req.sentAt <= limit; ) {
      const following: InFlight | null = req.next;
      this.expire(req, reason);
      req = following;
    }
  }

  /** Expire every pending request. */
  expireAll(reason: string): void {
    while (this.pending.head !== null) this.expire(this.pending.head, reason);
  }

  /** Wait for every record's write; rethrows the first write failure. */
  async flushed(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
    if (this.writeError) throw this.writeError;
  }

  private threw(req: InFlight, err: unknown): void {
    this.settle(req, {
      status: 'error',
      errorMessage: `invoke threw: ${err instanceof Error ? err.message : String(err)}`,
    });
  }

  private emit(record: RequestRecord): void {
    this.counts[record.status]++;
    if (record.status === 'ok') this.latency.record(record.respTime);
    try {
      const maybe = this.o.onRecord(record);
      if (maybe) {
        const p = maybe.then(
          () => {
            this.writes.delete(p);
          },
          (err: unknown) => {
            this.writeError ??= err;
            this.writes.delete(p);
          },
        );
        this.writes.add(p);
      }
    } catch (err) {
      this.writeError ??= err;
    }
    if (this.pending.size === 0 && this.onIdle) this.onIdle();
  }
}
