/**
 * `faasmark gate`: load the candidate run, compare it with the baseline when there is one
 * (`faasmark compare`'s engine and verdicts, 2000 resamples), print the Markdown and append it
 * to --summary-md or $GITHUB_STEP_SUMMARY. A regression ends as a RegressionError (exit 1).
 */
import { existsSync, readdirSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { compareRuns } from '../../../../analysis/compare/compare.js';
import { loadRun } from '../../../../analysis/report/load-results.js';
import { RegressionError } from '../../../../core/errors.js';
import { out } from '../../io.js';
import type { GateOptions } from './index.js';
import { gateMarkdown } from './render.js';

/** A baseline is usable when the directory exists and is not empty (the download may have found nothing). */
export function hasBaseline(dir: string | undefined): dir is string {
  return dir !== undefined && existsSync(dir) && readdirSync(dir).length > 0;
}

export async function gateAction(o: GateOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const run = loadRun(o.candidate);
  const comparison = hasBaseline(o.baseline)
    ? await compareRuns(o.baseline, o.candidate, { threshold: o.threshold, seed: o.seed, resamples: 2000 })
    : null;
  const markdown = gateMarkdown(run.summary, comparison);
  const target = o.summaryMd ?? env.GITHUB_STEP_SUMMARY;
  if (target) await appendFile(target, markdown);
  out(markdown);
  if (comparison && comparison.counts.regressed > 0) {
    throw new RegressionError(
      `${comparison.counts.regressed} metric(s) regressed beyond ${(o.threshold * 100).toFixed(1)}% (see the ❌ rows above)`,
    );
  }
}
