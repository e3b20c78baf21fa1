/**
 * Point clocks: seconds since a point's origin. The real one reads the monotonic clock; the
 * virtual one is moved by whoever drives a simulated point (harness/loadgen/virtual-loop.ts),
 * so a simulation runs as fast as it can compute, and its listeners (the simulated platform)
 * play their events up to each new time.
 */
import { performance } from 'node:perf_hooks';
import type { PointClock, VirtualClock } from './platform.js';

/** A point clock whose origin is now: monotonic seconds via performance.now(). */
export function createPointClock(): PointClock {
  const originPerf = performance.now();
  const originEpochMs = performance.timeOrigin + originPerf;
  return {
    originEpochMs,
    now: () => (performance.now() - originPerf) / 1000,
    fromEpochMs: (epochMs: number) => (epochMs - originEpochMs) / 1000,
  };
}

/** A clock at 0 that moves only forward, and only when told to. */
export function createVirtualClock(originEpochMs = Date.now()): VirtualClock {
  let t = 0;
  const listeners = new Set<(t: number) => void>();
  return {
    virtual: true,
    originEpochMs,
    now: () => t,
    fromEpochMs: (epochMs: number) => (epochMs - originEpochMs) / 1000,
    advanceTo(next: number) {
      if (!(next > t)) return;
      t = next;
      for (const listener of listeners) listener(t);
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Whether a point clock is a virtual one. */
export function isVirtualClock(clock: PointClock): clock is VirtualClock {
  return (clock as Partial<VirtualClock>).virtual === true;
}
