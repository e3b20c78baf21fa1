/**
 * Arrival processes for the simulator: Poisson (exponential gaps), deterministic (equal
 * gaps), a given array of arrival times, or a generator. Each source yields absolute arrival
 * times (s) in non-decreasing order, then +Infinity when exhausted.
 */
import { InputError } from '../../core/errors.js';
import { exponential, type Rng } from '../random.js';

export type ArrivalSpec =
  /** Poisson process of `rate` req/s: independent exponential gaps, first arrival after one gap. */
  | { kind: 'poisson'; rate: number }
  /** One arrival every 1/rate s, the first at `offset` (default 1/rate). */
  | { kind: 'deterministic'; rate: number; offset?: number }
  /** These arrival times (s), non-decreasing. */
  | { kind: 'times'; times: ArrayLike<number> }
  /** Calls `next()` for each arrival time (s); `undefined` ends the stream. */
  | { kind: 'generator'; next: () => number | undefined };

export interface ArrivalSource {
  /** The next arrival time, or +Infinity when there are no more. */
  next(): number;
  /** Mean rate when known (poisson, deterministic), else undefined. */
  readonly rate: number | undefined;
}

function positiveRate(where: string, rate: unknown): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
    throw new InputError(`${where}.rate must be a number > 0 (req/s), got ${JSON.stringify(rate)}`);
  }
  return rate;
}

/** Build a source; throws InputError naming the field on bad input or out-of-order times. */
export function createArrivals(spec: ArrivalSpec, rng: Rng, where = 'arrivals'): ArrivalSource {
  switch (spec.kind) {
    case 'poisson': {
      const rate = positiveRate(where, spec.rate);
      let t = 0;
      return {
        rate,
        next: () => {
          t += exponential(rng, rate);
          return t;
        },
      };
    }
    case 'deterministic': {
      const rate = positiveRate(where, spec.rate);
      const gap = 1 / rate;
      const offset = spec.offset ?? gap;
      if (!Number.isFinite(offset) || offset < 0) {
        throw new InputError(`${where}.offset must be a number >= 0, got ${JSON.stringify(spec.offset)}`);
      }
      let k = 0;
      // offset + k·gap (not repeated addition) so long runs do not drift
      return { rate, next: () => offset + k++ * gap };
    }
    case 'times': {
      const times = spec.times;
      let i = 0;
      let last = Number.NEGATIVE_INFINITY;
      return {
        rate: undefined,
        next: () => {
          if (i >= times.length) return Number.POSITIVE_INFINITY;
          const t = times[i] as number;
          if (!Number.isFinite(t) || t < last || t < 0) {
            throw new InputError(
              `${where}.times[${i}] must be a finite time >= 0 and >= the previous one (${last}), got ${t}`,
            );
          }
          i++;
          last = t;
          return t;
        },
      };
    }
    case 'generator': {
      let last = Number.NEGATIVE_INFINITY;
      let i = 0;
      return {
        rate: undefined,
        next: () => {
          const t = spec.next();
          if (t === undefined) return Number.POSITIVE_INFINITY;
          if (!Number.isFinite(t) || t < last || t < 0) {
            throw new InputError(
              `${where}: generated arrival ${i} must be a finite time >= 0 and >= ${last}, got ${t}`,
            );
          }
          i++;
          last = t;
          return t;
        },
      };
    }
    default:
      throw new InputError(
        `${where}.kind must be one of poisson, deterministic, times, generator, got ${JSON.stringify((spec as { kind?: unknown }).kind)}`,
      );
  }
}
