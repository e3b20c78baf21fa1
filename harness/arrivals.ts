/**
 * A point's arrival schedule, generated lazily (a million arrivals never sit in memory) from
 * an explicitly passed seeded {@link Rng}: the same seed gives the same schedule. Processes
 * (docs/engine.md "Arrival processes"):
 * - `poisson`: independent exponential gaps of rate λ (first arrival after one gap);
 * - `conditional-poisson` (the thesis): exactly N = round(λT) arrivals in [0, T), from N + 1
 *   exponential gaps rescaled to sum to T (the Poisson process conditioned on its count);
 * - `deterministic`: t_k = k/λ, k = 1, 2, …;
 * - `trace`: per-minute counts rescaled to mean rate λ, placed `uniform` or `poisson` inside
 *   each minute, cycled when the horizon is longer than the trace.
 * Warm-up and measurement are two consecutive segments [0, warmup) and
 * [warmup, warmup + duration), so conditional-poisson puts exactly round(λ·duration)
 * arrivals in the measured part.
 */
import { createRng, exponential, type Rng } from '../analysis/random.js';

export const ARRIVAL_PROCESSES = ['poisson', 'conditional-poisson', 'deterministic', 'trace'] as const;
export type ArrivalProcess = (typeof ARRIVAL_PROCESSES)[number];

export interface TraceSpec {
  /** Arrivals per minute, one entry per minute (already read from the trace file). */
  counts: readonly number[];
  /** How arrivals are placed inside a minute. */
  within: 'uniform' | 'poisson';
}

/**
 * What a point's arrival schedule is made of; {@link arrivalSchedule} turns it into arrivals.
 * (The simulator's `ArrivalSpec`, analysis/simulator/arrivals.ts, is a source of arrival times.)
 */
export interface ScheduleSpec {
  process: ArrivalProcess;
  /** Arrival rate λ (req/s). For `trace`, the mean rate the trace is rescaled to. */
  rate: number;
  /** Warm-up length (s); arrivals in it are flagged `warmup`. */
  warmup: number;
  /** Measurement length (s). */
  duration: number;
  trace?: TraceSpec;
}

export interface Arrival {
  /** Sequence number from 0. */
  seq: number;
  /** Intended send time (s since the point's origin). */
  at: number;
  warmup: boolean;
}

/** Arrival times in [start, start + length) of one process segment, ascending. */
function* segment(spec: ScheduleSpec, start: number, length: number, rng: Rng): Generator<number> {
  if (length <= 0) return;
  const end = start + length;
  switch (spec.process) {
    case 'poisson': {
      for (let t = start + exponential(rng, spec.rate); t < end; t += exponential(rng, spec.rate)) yield t;
      return;
    }
    case 'deterministic': {
      const gap = 1 / spec.rate;
      for (let k = 1; start + k * gap < end; k++) yield start + k * gap;
      return;
    }
    case 'conditional-poisson': {
      yield* conditioned(Math.round(spec.rate * length), start, length, rng);
      return;
    }
    case 'trace': {
      const trace = spec.trace;
      if (!trace || trace.counts.length === 0) throw new RangeError('trace arrivals need a non-empty trace');
      const meanPerMinute = trace.counts.reduce((a, b) => a + b, 0) / trace.counts.length;
      const factor = meanPerMinute > 0 ? (spec.rate * 60) / meanPerMinute : 0;
      // minutes are counted from the point's origin, so warm-up and measurement share one trace clock
      for (let m = Math.floor(start / 60); m * 60 < end; m++) {
        const count = Math.round((trace.counts[m % trace.counts.length] as number) * factor);
        const from = Math.max(start, m * 60);
        const to = Math.min(end, (m + 1) * 60);
        const share = (to - from) / 60;
        if (trace.within === 'uniform') {
          yield* conditioned(Math.round(count * share), from, to - from, rng);
        } else if (count > 0) {
          const r = count / 60;
          for (let t = from + exponential(rng, r); t < to; t += exponential(rng, r)) yield t;
        }
      }
      return;
    }
  }
}

/** Exactly `n` arrivals in [start, start + length): n + 1 exponential gaps rescaled to sum to length. */
function* conditioned(n: number, start: number, length: number, rng: Rng): Generator<number> {
  if (n <= 0) return;
  // a replayable child stream: the same seed twice gives the same gaps
  const seed = Math.floor(rng.next() * 0x7fffffff);
  const sumRng = createRng(seed);
  let sum = 0;
  for (let i = 0; i <= n; i++) sum += exponential(sumRng, 1);
  const emitRng = createRng(seed);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += exponential(emitRng, 1);
    yield start + (acc / sum) * length;
  }
}

/**
 * The point's schedule: warm-up arrivals then measured arrivals, ascending, lazily.
 * @example [...arrivalSchedule({process: 'deterministic', rate: 1, warmup: 2, duration: 3}, createRng(204))]
 */
export function* arrivalSchedule(spec: ScheduleSpec, rng: Rng): Generator<Arrival> {
  if (!(spec.rate > 0) || !Number.isFinite(spec.rate))
    throw new RangeError(`arrival rate must be > 0, got ${spec.rate}`);
  let seq = 0;
  for (const at of segment(spec, 0, spec.warmup, rng)) yield { seq: seq++, at, warmup: true };
  for (const at of segment(spec, spec.warmup, spec.duration, rng)) yield { seq: seq++, at, warmup: false };
}

/** Expected number of arrivals of a spec (for plans and progress). */
export function expectedArrivals(spec: ScheduleSpec): number {
  return spec.rate * (spec.warmup + spec.duration);
}

/**
 * Parse a per-minute trace file: one count per line, or a CSV whose last column is the count
 * (a header line is skipped), or a JSON array of counts. Throws RangeError naming the line.
 */
export function parseTraceCounts(text: string, where: string): number[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const arr = JSON.parse(trimmed) as unknown;
    if (!Array.isArray(arr) || arr.some((x) => typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x))) {
      throw new RangeError(`${where}: a JSON trace must be an array of counts >= 0`);
    }
    return arr as number[];
  }
  const counts: number[] = [];
  const lines = trimmed.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const cell = line.split(',').at(-1)?.trim() ?? '';
    const value = Number(cell);
    if (cell === '' || !Number.isFinite(value) || value < 0) {
      if (i === 0 && Number.isNaN(value)) return; // header
      throw new RangeError(`${where}:${i + 1}: expected a count >= 0, got ${JSON.stringify(cell)}`);
    }
    counts.push(value);
  });
  if (counts.length === 0) throw new RangeError(`${where}: the trace has no counts`);
  return counts;
}
