/**
 * The requests in flight. One {@link InFlight} per sent request is also the InvokeRequest the
 * platform sees and a node of the pending list; the list keeps send order, so the oldest
 * pending request is always at its head (requests share one timeout: the head expires first).
 * Insert and removal are O(1) and allocate nothing (no Map entries).
 */
import type { InvokeRequest } from '../../core/platform.js';

/**
 * One sent request: one object per request. Its AbortController is created only when a
 * platform reads `signal` — the embedded platforms never do, and an AbortController (an
 * EventTarget) is the largest per-request allocation; a signal read after an abort is
 * already aborted.
 */
export class InFlight implements InvokeRequest {
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

/** The pending requests, a doubly linked list in send order. */
export class PendingList {
  /** The oldest pending request. */
  head: InFlight | null = null;
  private tail: InFlight | null = null;
  size = 0;

  /** Append a request just sent (the newest). */
  add(req: InFlight): void {
    if (this.tail) {
      this.tail.next = req;
      req.prev = this.tail;
    } else this.head = req;
    this.tail = req;
    this.size++;
  }

  /** Mark a request settled and unlink it; false if it already was (a late answer). */
  settle(req: InFlight): boolean {
    if (req.settled) return false;
    req.settled = true;
    if (req.prev) req.prev.next = req.next;
    else this.head = req.next;
    if (req.next) req.next.prev = req.prev;
    else this.tail = req.prev;
    req.prev = req.next = null;
    this.size--;
    return true;
  }
}
