/**
 * Service-time distributions for the simulator (SimFaaS's `SimProcess` → a `Distribution`,
 * docs/design/conventions.md). A distribution is described by a plain JSON-able spec and turned into a sampler
 * once; every sampler draws from an explicitly passed {@link Rng} (never a global one).
 *
 * Units: seconds.
 */
import { InputError } from '../core/errors.js';
import { exponential, type Rng, standardNormal } from './random.js';

export const DISTRIBUTION_KINDS = ['exponential', 'deterministic', 'lognormal', 'empirical'] as const;
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

export type DistributionSpec =
  /** Exponential with the given mean (rate 1/mean). */
  | { kind: 'exponential'; mean: number }
  /** Always `value`. */
  | { kind: 'deterministic'; value: number }
  /**
   * Lognormal with the given mean and either a coefficient of variation `cv` (σ² = ln(1+cv²))
   * or the log-scale standard deviation `sigma`; μ = ln(mean) − σ²/2 so that E[X] = mean.
   */
  | { kind: 'lognormal'; mean: number; cv?: number; sigma?: number }
  /** Resampled uniformly from measured values (bootstrap). */
  | { kind: 'empirical'; values: readonly number[] };

export interface Distribution {
  readonly spec: DistributionSpec;
  /** Exact mean of the distribution (empirical: the mean of the values). */
  readonly mean: number;
  /** Draw one value (s, ≥ 0). */
  sample(rng: Rng): number;
}

function positive(where: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InputError(`${where} must be a number > 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Build a sampler from a spec; throws InputError naming the field on bad parameters.
 * @example createDistribution({ kind: 'lognormal', mean: 0.2, cv: 0.5 }).sample(createRng(1))
 */
export function createDistribution(spec: DistributionSpec, where = 'distribution'): Distribution {
  switch (spec.kind) {
    case 'exponential': {
      const mean = positive(`${where}.mean`, spec.mean);
      const rate = 1 / mean;
      return { spec, mean, sample: (rng) => exponential(rng, rate) };
    }
    case 'deterministic': {
      const value = positive(`${where}.value`, spec.value);
      return { spec, mean: value, sample: () => value };
    }
    case 'lognormal': {
      const mean = positive(`${where}.mean`, spec.mean);
      if (spec.cv !== undefined && spec.sigma !== undefined) {
        throw new InputError(`${where}: give either cv or sigma for a lognormal, not both`);
      }
      let sigma: number;
      if (spec.sigma !== undefined) sigma = positive(`${where}.sigma`, spec.sigma);
      else sigma = Math.sqrt(Math.log1p(positive(`${where}.cv`, spec.cv ?? Number.NaN) ** 2));
      const mu = Math.log(mean) - (sigma * sigma) / 2;
      return { spec, mean, sample: (rng) => Math.exp(mu + sigma * standardNormal(rng)) };
    }
    case 'empirical': {
      const values = spec.values;
      if (!Array.isArray(values) || values.length === 0) {
        throw new InputError(`${where}.values must be a non-empty array of service times (s)`);
      }
      const copy = Float64Array.from(values, (v, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
          throw new InputError(`${where}.values[${i}] must be a number >= 0, got ${JSON.stringify(v)}`);
        }
        return v;
      });
      let sum = 0;
      for (const v of copy) sum += v;
      const mean = sum / copy.length;
      if (!(mean > 0)) throw new InputError(`${where}.values must not all be 0`);
      const n = copy.length;
      return { spec, mean, sample: (rng) => copy[Math.floor(rng.next() * n)] as number };
    }
    default:
      throw new InputError(
        `${where}.kind must be one of ${DISTRIBUTION_KINDS.join(', ')}, got ${JSON.stringify((spec as { kind?: unknown }).kind)}`,
      );
  }
}

export { specWithMean } from './distribution-spec.js';
