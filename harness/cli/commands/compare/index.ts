/** `faasmark compare <baseline-dir> <candidate-dir>`: version comparison with CIs; exit 1 on a regression. */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import { parseNumber } from '../../options.js';

/** "5%" → 0.05, "0.05" → 0.05; must be in [0, 1). */
export function parseThreshold(raw: string): number {
  const text = raw.trim();
  const value = text.endsWith('%')
    ? parseNumber('--threshold', text.slice(0, -1), { min: 0, max: 100 }) / 100
    : parseNumber('--threshold', text, { min: 0 });
  if (value >= 1)
    throw new UsageError(
      `--threshold must be a fraction below 1 or a percentage like "5%", got ${JSON.stringify(raw)}`,
    );
  return value;
}

export interface CompareFlags {
  threshold: string;
  seed: string;
  resamples: string;
  json?: boolean;
}

export interface CompareOptions {
  threshold: number;
  seed: number;
  resamples: number;
  json: boolean;
}

/** Parse the flags (pure). @throws UsageError naming the flag */
export function parseCompareFlags(flags: CompareFlags): CompareOptions {
  return {
    threshold: parseThreshold(flags.threshold),
    seed: parseNumber('--seed', flags.seed, { integer: true, min: 0 }),
    resamples: parseNumber('--resamples', flags.resamples, { integer: true, min: 100, max: 100_000 }),
    json: Boolean(flags.json),
  };
}

export default function register(program: Command): void {
  program
    .command('compare')
    .description(
      'compare two runs point by point: ratio candidate/baseline with bootstrap 95% CI, Mann–Whitney p, verdict (exit 1 on regression)',
    )
    .argument('<baseline-dir>', 'results directory of the baseline run')
    .argument('<candidate-dir>', 'results directory of the candidate run')
    .option('--threshold <t>', 'noise threshold, e.g. 5% or 0.05', '5%')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--resamples <n>', 'bootstrap resamples', '2000')
    .option('--json', 'print one JSON document')
    .action(async (baselineDir: string, candidateDir: string, flags: CompareFlags) => {
      const options = parseCompareFlags(flags);
      const { compareAction } = await import('./action.js');
      await compareAction(baselineDir, candidateDir, options);
    });
}
