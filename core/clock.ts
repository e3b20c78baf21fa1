import { performance } from 'node:perf_hooks';
import type { PointClock } from './platform.js';

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
