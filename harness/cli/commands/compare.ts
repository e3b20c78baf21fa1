/** `faasmark compare <baseline-dir> <candidate-dir>`: version comparison with CIs; exit 1 on a regression. */
import type { Command } from 'commander';
import { RegressionError, UsageError } from '../../../core/errors.js';
import { log, out, outJson } from '../io.js';
import { parseNumber } from '../options.js';

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
    .action(
      async (
        baselineDir: string,
        candidateDir: string,
        opts: { threshold: string; seed: string; resamples: string; json?: boolean },
      ) => {
        const threshold = parseThreshold(opts.threshold);
        const seed = parseNumber('--seed', opts.seed, { integer: true, min: 0 });
        const resamples = parseNumber('--resamples', opts.resamples, {
          integer: true,
          min: 100,
          max: 100_000,
        });
        const { compareRuns } = await import('../../../analysis/compare/compare.js');
        const { renderCompareText } = await import('../../../analysis/compare/render.js');
        const result = await compareRuns(baselineDir, candidateDir, { threshold, seed, resamples });
        for (const issue of result.corruptedLines)
          log(`warning: ${issue.file}:${issue.line}: corrupted JSONL line skipped (${issue.message})`);
        for (const w of result.warnings) log(`warning: ${w}`);
        if (opts.json) outJson(result);
        else out(renderCompareText(result));
        if (result.counts.regressed > 0) {
          throw new RegressionError(
            `${result.counts.regressed} metric(s) regressed beyond ${(threshold * 100).toFixed(1)}%`,
            {
              hint: 'see the REGRESSED rows above; rerun with --repeat to tighten the intervals if this looks like noise',
            },
          );
        }
      },
    );
}
