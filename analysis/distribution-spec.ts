/**
 * A distribution spec from its mean, with no runtime dependencies, so that CLI flag parsing
 * (harness/cli/commands/simulate/index.ts) can use it without loading the samplers.
 */
import type { DistributionKind, DistributionSpec } from './distributions.js';

/**
 * The spec of `kind` with mean `mean`: the shorthand the CLI and the sim platform use
 * (`--distribution lognormal --cv 0.5`). Empirical needs values, so it is not offered here.
 */
export function specWithMean(
  kind: Exclude<DistributionKind, 'empirical'>,
  mean: number,
  cv = 1,
): DistributionSpec {
  switch (kind) {
    case 'exponential':
      return { kind, mean };
    case 'deterministic':
      return { kind, value: mean };
    case 'lognormal':
      return { kind, mean, cv };
  }
}
