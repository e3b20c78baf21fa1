/**
 * A binary min-heap of (time, id) pairs in growable typed arrays: the simulator's event queue.
 * No objects per event, so a run of millions of requests allocates nothing in steady state
 * (SimFaaS keeps Python lists of instances and scans them; this is O(log n) per event).
 */
export class EventHeap {
  private times: Float64Array;
  private ids: Int32Array;
  size = 0;

  constructor(capacity = 64) {
    this.times = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  /** Earliest time, or +Infinity when empty. */
  peekTime(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  /** Id of the earliest event (undefined behaviour when empty: check `size`). */
  peekId(): number {
    return this.ids[0] as number;
  }

  push(time: number, id: number): void {
    if (this.size === this.times.length) this.grow();
    const times = this.times;
    const ids = this.ids;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt <= time) break;
      times[i] = pt;
      ids[i] = ids[parent] as number;
      i = parent;
    }
    times[i] = time;
    ids[i] = id;
  }

  /** Remove the earliest event and return its id. */
  pop(): number {
    const times = this.times;
    const ids = this.ids;
    const top = ids[0] as number;
    const n = --this.size;
    if (n === 0) return top;
    const time = times[n] as number;
    const id = ids[n] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (times[right] as number) < (times[child] as number)) child = right;
      const ct = times[child] as number;
      if (ct >= time) break;
      times[i] = ct;
      ids[i] = ids[child] as number;
      i = child;
    }
    times[i] = time;
    ids[i] = id;
    return top;
  }

  clear(): void {
    this.size = 0;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.times = times;
    this.ids = ids;
  }
}
