/**
 * The scale-per-request container simulator (docs/simulator.md; SimFaaS semantics,
 * pacslab/simfaas ServerlessSimulator): an arriving request goes to an idle executor chosen
 * by the routing policy, else cold-starts a new one (or is rejected at maximum concurrency);
 * an executor is destroyed exactly keepAlive s after the end of its last request.
 *
 * Data structures (typed arrays, reused slots: memory is bounded by the peak number of
 * executors, never by the number of requests): departures in a binary min-heap
 * (event-heap.ts); idle executors in a deque in the order they became idle — its front is the
 * next to expire (one keep-alive for all), its back the most recently used (`mru` pops it).
 * `newest` adds an indexed max-heap on creation serial, `random` a dense array with
 * positions. Entries taken from the middle go stale (an epoch counter tells) and are dropped
 * when they reach an end. Expiries need no events: the deque front always holds the next one.
 */
import type { Distribution } from '../distributions.js';
import type { Rng } from '../random.js';
import { EventHeap } from './event-heap.js';
import type { RoutingPolicy, SimHooks } from './types.js';

const FREE = 0;
const BUSY = 1;
const IDLE = 2;

export interface ContainerSimOptions {
  warm: Distribution;
  cold: Distribution;
  keepAlive: number;
  routing: RoutingPolicy;
  maxConcurrency: number;
  /** Stream for service times. */
  serviceRng: Rng;
  /** Stream for `random` routing. */
  routingRng: Rng;
  hooks?: SimHooks;
}

/** Incremental container simulation: call `arrive(t)` with non-decreasing times. */
export class ContainerSim {
  private readonly warm: Distribution;
  private readonly cold: Distribution;
  private readonly keepAlive: number;
  private readonly routing: RoutingPolicy;
  private readonly maxConcurrency: number;
  private readonly serviceRng: Rng;
  private readonly routingRng: Rng;
  private readonly hooks: SimHooks | undefined;

  // executor slots
  private cap = 64;
  private serial = new Float64Array(64);
  private idleSince = new Float64Array(64);
  private epoch = new Int32Array(64);
  private busyCold = new Uint8Array(64);
  private state = new Uint8Array(64);
  private freeSlots = new Int32Array(64);
  private freeCount = 0;
  private usedSlots = 0;

  // departures
  private readonly departures = new EventHeap();

  // idle deque (ring buffer, power-of-two capacity)
  private dqSlot = new Int32Array(64);
  private dqEpoch = new Int32Array(64);
  private dqHead = 0;
  private dqLen = 0;

  // `newest`: indexed max-heap of slots by serial
  private nh = new Int32Array(64);
  private nhPos = new Int32Array(64).fill(-1);
  private nhSize = 0;

  // `random`: dense array of idle slots
  private rd = new Int32Array(64);
  private rdPos = new Int32Array(64).fill(-1);
  private rdSize = 0;

  /** Current counts. */
  live = 0;
  runningWarm = 0;
  runningCold = 0;
  maxLive = 0;
  created = 0;
  destroyed = 0;
  totalArrivals = 0;

  // measurement (time-weighted integrals over the window)
  measuring = false;
  windowStart = 0;
  lastT = 0;
  areaLive = 0;
  areaWarm = 0;
  areaCold = 0;
  arrivals = 0;
  coldStarts = 0;
  warmStarts = 0;
  rejected = 0;
  respSum = 0;

  /** Outcome of the last `arrive`. */
  lastServiceTime = 0;
  lastCold = false;
  lastRejected = false;
  /** Serial (creation order) of the executor that served the last arrival, -1 if rejected. */
  lastExecutor = -1;

  constructor(options: ContainerSimOptions) {
    this.warm = options.warm;
    this.cold = options.cold;
    this.keepAlive = options.keepAlive;
    this.routing = options.routing;
    this.maxConcurrency = options.maxConcurrency;
    this.serviceRng = options.serviceRng;
    this.routingRng = options.routingRng;
    this.hooks = options.hooks;
  }

  /** Start the measurement window at `t` (resets the integrals and counters). */
  startMeasuring(t: number): void {
    this.measuring = true;
    this.windowStart = t;
    this.lastT = t;
    this.areaLive = 0;
    this.areaWarm = 0;
    this.areaCold = 0;
    this.arrivals = 0;
    this.coldStarts = 0;
    this.warmStarts = 0;
    this.rejected = 0;
    this.respSum = 0;
  }

  /** Integrate the counts up to `t` (call before any count changes at `t`). */
  tick(t: number): void {
    if (!this.measuring) return;
    const dt = t - this.lastT;
    this.areaLive += this.live * dt;
    this.areaWarm += this.runningWarm * dt;
    this.areaCold += this.runningCold * dt;
    this.lastT = t;
  }

  /** The time of the next expiry (+Infinity if none), dropping stale deque entries at the front. */
  nextExpiry(): number {
    const mask = this.dqSlot.length - 1;
    while (this.dqLen > 0) {
      const s = this.dqSlot[this.dqHead] as number;
      if (this.epoch[s] === this.dqEpoch[this.dqHead]) return (this.idleSince[s] as number) + this.keepAlive;
      this.dqHead = (this.dqHead + 1) & mask;
      this.dqLen--;
    }
    return Number.POSITIVE_INFINITY;
  }

  /**
   * Process every departure and expiry at or before `t`, in time order. At a tie a departure
   * goes first, then expiries; both precede an arrival at the same instant (keep-alive is exact:
   * an executor whose time is up at t is gone for a request arriving at t).
   */
  advanceTo(t: number): void {
    const heap = this.departures;
    for (;;) {
      const dT = heap.peekTime();
      const eT = this.nextExpiry();
      if (dT <= eT) {
        if (dT > t) return;
        this.depart(dT, heap.pop());
      } else {
        if (eT > t) return;
        this.expireFront(eT);
      }
    }
  }

  private depart(t: number, s: number): void {
    this.tick(t);
    if (this.busyCold[s] === 1) this.runningCold--;
    else this.runningWarm--;
    this.state[s] = IDLE;
    this.idleSince[s] = t;
    this.dqPushBack(s);
    if (this.routing === 'newest') this.nhInsert(s);
    else if (this.routing === 'random') this.rdAdd(s);
  }

  private expireFront(t: number): void {
    this.tick(t);
    const s = this.dqSlot[this.dqHead] as number;
    this.dqHead = (this.dqHead + 1) & (this.dqSlot.length - 1);
    this.dqLen--;
    this.epoch[s] = (this.epoch[s] as number) + 1;
    this.state[s] = FREE;
    if (this.routing === 'newest') this.nhRemove(s);
    else if (this.routing === 'random') this.rdRemove(s);
    this.freeSlots[this.freeCount++] = s;
    this.live--;
    this.destroyed++;
    if (this.hooks?.onExecutorDestroyed) this.hooks.onExecutorDestroyed(this.serial[s] as number, t);
  }

  /** Take an idle executor by the routing policy; -1 if none. */
  private pickIdle(): number {
    if (this.routing === 'mru') {
      const mask = this.dqSlot.length - 1;
      while (this.dqLen > 0) {
        const idx = (this.dqHead + this.dqLen - 1) & mask;
        this.dqLen--;
        const s = this.dqSlot[idx] as number;
        if (this.epoch[s] === this.dqEpoch[idx]) return s;
      }
      return -1;
    }
    if (this.routing === 'newest') {
      if (this.nhSize === 0) return -1;
      const s = this.nh[0] as number;
      this.nhRemove(s);
      return s;
    }
    if (this.rdSize === 0) return -1;
    const s = this.rd[Math.floor(this.routingRng.next() * this.rdSize)] as number;
    this.rdRemove(s);
    return s;
  }

  /**
   * One arrival at `t` (≥ every earlier time). Returns false when rejected. The outcome is in
   * lastServiceTime / lastCold / lastRejected / lastExecutor.
   */
  arrive(t: number): boolean {
    this.advanceTo(t);
    this.tick(t);
    this.totalArrivals++;
    if (this.measuring) this.arrivals++;
    let s = this.pickIdle();
    let service: number;
    if (s >= 0) {
      // it leaves the idle state: its deque entry (if any) goes stale
      this.epoch[s] = (this.epoch[s] as number) + 1;
      this.busyCold[s] = 0;
      this.runningWarm++;
      service = this.warm.sample(this.serviceRng);
      this.lastCold = false;
      if (this.measuring) this.warmStarts++;
    } else if (this.live < this.maxConcurrency) {
      s = this.allocSlot();
      this.serial[s] = this.created++;
      this.busyCold[s] = 1;
      this.live++;
      if (this.live > this.maxLive) this.maxLive = this.live;
      this.runningCold++;
      service = this.cold.sample(this.serviceRng);
      this.lastCold = true;
      if (this.measuring) this.coldStarts++;
      if (this.hooks?.onExecutorCreated) this.hooks.onExecutorCreated(this.serial[s] as number, t);
    } else {
      if (this.measuring) this.rejected++;
      this.lastRejected = true;
      this.lastCold = false;
      this.lastServiceTime = 0;
      this.lastExecutor = -1;
      return false;
    }
    this.state[s] = BUSY;
    this.departures.push(t + service, s);
    if (this.measuring) this.respSum += service;
    this.lastRejected = false;
    this.lastServiceTime = service;
    this.lastExecutor = this.serial[s] as number;
    return true;
  }

  private allocSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount] as number;
    if (this.usedSlots === this.cap) this.growSlots();
    return this.usedSlots++;
  }

  private growSlots(): void {
    const cap = this.cap * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array, fill = 0) => {
      const b = new Int32Array(cap).fill(fill);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.serial = f64(this.serial);
    this.idleSince = f64(this.idleSince);
    this.epoch = i32(this.epoch);
    this.busyCold = u8(this.busyCold);
    this.state = u8(this.state);
    this.freeSlots = i32(this.freeSlots);
    this.nh = i32(this.nh);
    this.nhPos = i32(this.nhPos, -1);
    this.rd = i32(this.rd);
    this.rdPos = i32(this.rdPos, -1);
    this.cap = cap;
  }

  private dqPushBack(s: number): void {
    if (this.dqLen === this.dqSlot.length) this.growDeque();
    const idx = (this.dqHead + this.dqLen) & (this.dqSlot.length - 1);
    this.dqSlot[idx] = s;
    this.dqEpoch[idx] = this.epoch[s] as number;
    this.dqLen++;
  }

  private growDeque(): void {
    const n = this.dqSlot.length;
    const slots = new Int32Array(n * 2);
    const epochs = new Int32Array(n * 2);
    for (let i = 0; i < this.dqLen; i++) {
      const idx = (this.dqHead + i) & (n - 1);
      slots[i] = this.dqSlot[idx] as number;
      epochs[i] = this.dqEpoch[idx] as number;
    }
    this.dqSlot = slots;
    this.dqEpoch = epochs;
    this.dqHead = 0;
  }

  // --- `newest`: indexed max-heap on serial ---
  private nhInsert(s: number): void {
    const i = this.nhSize++;
    this.nh[i] = s;
    this.nhPos[s] = i;
    this.nhUp(i);
  }

  private nhRemove(s: number): void {
    const i = this.nhPos[s] as number;
    this.nhPos[s] = -1;
    const last = this.nh[--this.nhSize] as number;
    if (i === this.nhSize) return;
    this.nh[i] = last;
    this.nhPos[last] = i;
    this.nhUp(i);
    this.nhDown(this.nhPos[last] as number);
  }

  private nhUp(start: number): void {
    const nh = this.nh;
    let i = start;
    const s = nh[i] as number;
    const key = this.serial[s] as number;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ps = nh[p] as number;
      if ((this.serial[ps] as number) >= key) break;
      nh[i] = ps;
      this.nhPos[ps] = i;
      i = p;
    }
    nh[i] = s;
    this.nhPos[s] = i;
  }

  private nhDown(start: number): void {
    const nh = this.nh;
    const n = this.nhSize;
    let i = start;
    const s = nh[i] as number;
    const key = this.serial[s] as number;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (
        c + 1 < n &&
        (this.serial[nh[c + 1] as number] as number) > (this.serial[nh[c] as number] as number)
      )
        c++;
      const cs = nh[c] as number;
      if ((this.serial[cs] as number) <= key) break;
      nh[i] = cs;
      this.nhPos[cs] = i;
      i = c;
    }
    nh[i] = s;
    this.nhPos[s] = i;
  }

  // --- `random`: dense array with positions ---
  private rdAdd(s: number): void {
    this.rdPos[s] = this.rdSize;
    this.rd[this.rdSize++] = s;
  }

  private rdRemove(s: number): void {
    const i = this.rdPos[s] as number;
    const last = this.rd[--this.rdSize] as number;
    this.rd[i] = last;
    this.rdPos[last] = i;
    this.rdPos[s] = -1;
  }
}
