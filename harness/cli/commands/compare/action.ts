/**
 * `faasmark compare`: compare two runs (analysis/compare/), print the verdicts
 * (analysis/compare/render.ts), and end with a RegressionError when any metric regressed.
 */
import { compareRuns } from '../../../../analysis/compare/compare.js';
import { renderCompareText } from '../../../../analysis/compare/render.js';
import { RegressionError } from '../../../../core/errors.js';
import { log, out, outJson } from '../../io.js';
import type { CompareOptions } from './index.js';

export async function compareAction(
  baselineDir: string,
  candidateDir: string,
  o: CompareOptions,
): Promise<void> {
  const { threshold, seed, resamples } = o;
  const result = await compareRuns(baselineDir, candidateDir, { threshold, seed, resamples });
  for (const issue of result.corruptedLines)
    log(`warning: ${issue.file}:${issue.line}: corrupted JSONL line skipped (${issue.message})`);
  for (const w of result.warnings) log(`warning: ${w}`);
  if (o.json) outJson(result);
  else out(renderCompareText(result));
  if (result.counts.regressed > 0) {
    throw new RegressionError(
      `${result.counts.regressed} metric(s) regressed beyond ${(threshold * 100).toFixed(1)}%`,
      {
        hint: 'see the REGRESSED rows above; rerun with --repeat to tighten the intervals if this looks like noise',
      },
    );
  }
}
