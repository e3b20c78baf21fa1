/**
 * Fetch activation records with bounded concurrency and exponential backoff: GET returns 404
 * until the record is stored; each activation gets a bounded total wait, after which the
 * request is recorded as `timeout`. Delays: initialDelay · 2^k, capped at maxDelay.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActivationRecord } from './activation.js';
import type { ActivationAnswer } from './client.js';

export interface PollOptions {
  concurrency: number;
  /** s */
  initialDelay: number;
  /** s */
  maxDelay: number;
  /** s, per activation */
  maxWait: number;
}

export type PollResult =
  | { kind: 'found'; record: ActivationRecord; attempts: number }
  | { kind: 'timeout'; attempts: number; waited: number }
  | { kind: 'error'; message: string; httpStatus?: number; attempts: number };

/** A counting semaphore (FIFO). */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
  get inUse(): number {
    return this.active;
  }
}

export class ActivationPoller {
  private readonly sem: Semaphore;
  /** Most GETs in flight at once (observed), for tests and describe(). */
  maxInFlight = 0;

  constructor(
    private readonly get: (id: string, signal?: AbortSignal) => Promise<ActivationAnswer>,
    private readonly o: PollOptions,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.sem = new Semaphore(o.concurrency);
  }

  /** Poll until found, a non-404 error, `maxWait` (s) elapsed, or `signal` aborts. */
  async waitFor(activationId: string, signal?: AbortSignal, maxWait = this.o.maxWait): Promise<PollResult> {
    const t0 = this.now();
    let delay = this.o.initialDelay;
    let attempts = 0;
    // the first GET after a short delay: records are never stored instantly
    for (;;) {
      const remaining = maxWait - (this.now() - t0);
      if (remaining <= 0 || signal?.aborted) return { kind: 'timeout', attempts, waited: this.now() - t0 };
      try {
        await sleep(Math.min(delay, remaining) * 1000, undefined, { signal });
      } catch {
        return { kind: 'timeout', attempts, waited: this.now() - t0 };
      }
      await this.sem.acquire();
      this.maxInFlight = Math.max(this.maxInFlight, this.sem.inUse);
      let answer: ActivationAnswer;
      try {
        attempts++;
        answer = await this.get(activationId, signal);
      } finally {
        this.sem.release();
      }
      if (answer.kind === 'found') return { kind: 'found', record: answer.record, attempts };
      if (answer.kind === 'error') {
        // transient server errors are retried like a 404; client errors end the wait
        if (answer.httpStatus !== undefined && answer.httpStatus < 500) {
          return { kind: 'error', message: answer.message, httpStatus: answer.httpStatus, attempts };
        }
      }
      delay = Math.min(this.o.maxDelay, delay * 2);
    }
  }
}
