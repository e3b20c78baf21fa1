/**
 * The number of requests in flight as a streaming time-weighted accumulator: the current count,
 * its maximum, and its integral over time (request-seconds), in O(1) memory however many
 * requests pass. mean in flight = integral ÷ elapsed: M/G/∞'s number in system
 * (docs/embedded-platforms.md "Observability"). Instants are wall-clock epoch ms.
 */
import { epochMs } from './http-endpoint.js';

export interface InFlightSnapshot {
  /** Requests in flight now. */
  current: number;
  /** The most in flight at once since the last reset. */
  max: number;
  /** ∫ in-flight dt since the last reset (request-seconds). */
  integral: number;
  /** Seconds since the last reset. */
  elapsed: number;
  /** integral ÷ elapsed (0 when no time has passed). */
  mean: number;
  /** Requests that entered since the last reset. */
  entered: number;
}

export class InFlightAccumulator {
  private current = 0;
  private max = 0;
  private integral = 0;
  private entered = 0;
  private sinceMs: number;
  private lastMs: number;

  constructor(nowMs: number = epochMs()) {
    this.sinceMs = nowMs;
    this.lastMs = nowMs;
  }

  private advance(atMs: number): void {
    const t = Math.max(atMs, this.lastMs); // instants from other threads may be a hair out of order
    this.integral += (this.current * (t - this.lastMs)) / 1000;
    this.lastMs = t;
  }

  /** One request entered (+1) or left (−1) at `atMs`. */
  change(delta: 1 | -1, atMs: number = epochMs()): void {
    this.advance(atMs);
    this.current += delta;
    if (delta > 0) this.entered++;
    if (this.current > this.max) this.max = this.current;
  }

  /** Start a new observation window at `atMs` (the current count carries over). */
  reset(atMs: number = epochMs()): void {
    this.sinceMs = atMs;
    this.lastMs = atMs;
    this.integral = 0;
    this.entered = 0;
    this.max = this.current;
  }

  snapshot(atMs: number = epochMs()): InFlightSnapshot {
    this.advance(atMs);
    const elapsed = (this.lastMs - this.sinceMs) / 1000;
    return {
      current: this.current,
      max: this.max,
      integral: this.integral,
      elapsed,
      mean: elapsed > 0 ? this.integral / elapsed : 0,
      entered: this.entered,
    };
  }
}
