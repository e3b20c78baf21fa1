/**
 * Admission of local-wasm's wasmtime engine, in faasmark's client: at most `maxConcurrency`
 * requests in flight; beyond that 429-like rejections (`overflow: reject`) or a FIFO of at most
 * `queueLimit`. Done here because `wasmtime serve` has no reject mode: its
 * --max-concurrent-requests queues without bound and its pooling limit answers the same 500
 * page as a trap (docs/embedded-platforms.md "Wasmtime engine").
 */
import type { LocalEndpointConfig } from '../embedded/local-config.js';

export class Admission {
  private inFlight = 0;
  private readonly waiting: Array<(admitted: boolean) => void> = [];

  constructor(private readonly config: LocalEndpointConfig) {}

  /** Take a slot: true at once, a promise when queued, false = rejected. */
  admit(): boolean | Promise<boolean> {
    const max = this.config.maxConcurrency;
    if (max === undefined || this.inFlight < max) {
      this.inFlight++;
      return true;
    }
    if (this.config.overflow !== 'queue' || this.waiting.length >= (this.config.queueLimit ?? 1000))
      return false;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Give the slot to the head of the queue, or free it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.inFlight--;
  }

  /** Reject every queued request (teardown). */
  close(): void {
    for (const w of this.waiting.splice(0)) w(false);
  }
}
