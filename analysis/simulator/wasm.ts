/**
 * The Wasm-mode simulator: every request gets its own fresh executor at once (M/G/∞, thesis
 * §3.3). With `cores` set, the requests in flight share c cores by processor sharing: each
 * of n in flight progresses at rate min(1, c/n) (M/G/c-PS; Kleinrock, Queueing Systems
 * vol. 2 §4.4). PS is simulated exactly with a virtual-time clock V, dV/dt = min(1, c/n):
 * a request arriving at V_a with work S leaves when V reaches V_a + S, so its finish tag
 * never changes and a min-heap of tags gives the next departure.
 */
import type { Distribution } from '../distributions.js';
import type { Rng } from '../random.js';
import { EventHeap } from './event-heap.js';

export interface WasmSimOptions {
  service: Distribution;
  /** Shared cores (processor sharing); undefined = unlimited (M/G/∞). */
  cores: number | undefined;
  maxConcurrency: number;
  serviceRng: Rng;
  /** PS only: called when a request leaves, with the slot `arrive` reported in `lastSlot`. */
  onDeparture?: (slot: number, arrivedAt: number, endAt: number) => void;
}

/** Incremental Wasm simulation: call `arrive(t)` with non-decreasing times. */
export class WasmSim {
  private readonly service: Distribution;
  private readonly cores: number;
  private readonly ps: boolean;
  private readonly maxConcurrency: number;
  private readonly serviceRng: Rng;
  private readonly onDeparture: WasmSimOptions['onDeparture'];
  private readonly heap = new EventHeap();

  // per-request slots (PS only: arrival time and whether it is measured)
  private arrivedAt = new Float64Array(64);
  private measured = new Uint8Array(64);
  private freeSlots = new Int32Array(64);
  private freeCount = 0;
  private usedSlots = 0;

  /** PS virtual time and the real time it was last brought up to date. */
  private v = 0;
  private vAt = 0;

  inFlight = 0;
  maxInFlight = 0;
  totalArrivals = 0;

  measuring = false;
  windowStart = 0;
  lastT = 0;
  area = 0;
  /** Time spent with n in flight, n = index (window only). */
  hist = new Float64Array(64);
  arrivals = 0;
  served = 0;
  rejected = 0;
  /** Sum and count of response times of measured requests (PS: counted at departure). */
  respSum = 0;
  respCount = 0;

  lastServiceTime = 0;
  lastRejected = false;
  /** PS only: the slot of the last accepted arrival (reused after its departure). */
  lastSlot = -1;

  constructor(options: WasmSimOptions) {
    this.service = options.service;
    this.ps = options.cores !== undefined;
    this.cores = options.cores ?? Number.POSITIVE_INFINITY;
    this.maxConcurrency = options.maxConcurrency;
    this.serviceRng = options.serviceRng;
    this.onDeparture = options.onDeparture;
  }

  startMeasuring(t: number): void {
    this.measuring = true;
    this.windowStart = t;
    this.lastT = t;
    this.area = 0;
    this.hist.fill(0);
    this.arrivals = 0;
    this.served = 0;
    this.rejected = 0;
    this.respSum = 0;
    this.respCount = 0;
  }

  stopMeasuring(): void {
    this.measuring = false;
  }

  tick(t: number): void {
    if (!this.measuring) return;
    const dt = t - this.lastT;
    const n = this.inFlight;
    this.area += n * dt;
    if (n >= this.hist.length) {
      const h = new Float64Array(Math.max(n + 1, this.hist.length * 2));
      h.set(this.hist);
      this.hist = h;
    }
    this.hist[n] = (this.hist[n] as number) + dt;
    this.lastT = t;
  }

  private rate(): number {
    const n = this.inFlight;
    return n <= this.cores ? 1 : this.cores / n;
  }

  /** Process every departure at or before `t`. */
  advanceTo(t: number): void {
    const heap = this.heap;
    if (!this.ps) {
      while (heap.size > 0 && heap.peekTime() <= t) {
        const end = heap.peekTime();
        heap.pop();
        this.tick(end);
        this.inFlight--;
      }
      return;
    }
    while (heap.size > 0) {
      const r = this.rate();
      const tag = heap.peekTime();
      const end = this.vAt + (tag - this.v) / r;
      if (end > t) break;
      const s = heap.pop();
      this.v = tag;
      this.vAt = end;
      this.tick(end);
      this.inFlight--;
      const resp = end - (this.arrivedAt[s] as number);
      if (this.measured[s] === 1) {
        this.respSum += resp;
        this.respCount++;
      }
      this.freeSlots[this.freeCount++] = s;
      if (this.onDeparture) this.onDeparture(s, this.arrivedAt[s] as number, end);
    }
    if (t !== Number.POSITIVE_INFINITY) {
      this.v += (t - this.vAt) * this.rate();
      this.vAt = t;
    }
  }

  /**
   * When the next request would leave if nothing else arrived (+Infinity when none in flight).
   * Under PS a later arrival slows everyone down and postpones it.
   */
  nextDepartureAt(): number {
    if (this.heap.size === 0) return Number.POSITIVE_INFINITY;
    if (!this.ps) return this.heap.peekTime();
    return this.vAt + (this.heap.peekTime() - this.v) / this.rate();
  }

  /** One arrival at `t`; false when rejected (maxConcurrency in flight). */
  arrive(t: number): boolean {
    this.advanceTo(t);
    this.tick(t);
    this.totalArrivals++;
    if (this.measuring) this.arrivals++;
    if (this.inFlight >= this.maxConcurrency) {
      if (this.measuring) this.rejected++;
      this.lastRejected = true;
      this.lastServiceTime = 0;
      return false;
    }
    const work = this.service.sample(this.serviceRng);
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    if (this.measuring) this.served++;
    if (this.ps) {
      const s = this.allocSlot();
      this.arrivedAt[s] = t;
      this.measured[s] = this.measuring ? 1 : 0;
      this.heap.push(this.v + work, s);
      this.lastSlot = s;
    } else {
      this.heap.push(t + work, 0);
      if (this.measuring) {
        this.respSum += work;
        this.respCount++;
      }
    }
    this.lastRejected = false;
    this.lastServiceTime = work;
    return true;
  }

  /** Share of the window's time with exactly n in flight (trailing zeros dropped). */
  inFlightDistribution(): number[] {
    let total = 0;
    let last = 0;
    for (let n = 0; n < this.hist.length; n++) {
      total += this.hist[n] as number;
      if ((this.hist[n] as number) > 0) last = n;
    }
    return Array.from(this.hist.subarray(0, last + 1), (x) => x / total);
  }

  /** Smallest n with P(N ≤ n) ≥ p under the time-weighted in-flight distribution of the window. */
  inFlightPercentile(p: number): number {
    let total = 0;
    for (const x of this.hist) total += x;
    if (total === 0) return Number.NaN;
    let cum = 0;
    for (let n = 0; n < this.hist.length; n++) {
      cum += this.hist[n] as number;
      if (cum >= p * total * (1 - 1e-12)) return n;
    }
    return this.hist.length - 1;
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount] as number;
    if (this.usedSlots === this.arrivedAt.length) {
      const cap = this.arrivedAt.length * 2;
      const a = new Float64Array(cap);
      a.set(this.arrivedAt);
      this.arrivedAt = a;
      const m = new Uint8Array(cap);
      m.set(this.measured);
      this.measured = m;
      const f = new Int32Array(cap);
      f.set(this.freeSlots);
      this.freeSlots = f;
    }
    return this.usedSlots++;
  }
}
