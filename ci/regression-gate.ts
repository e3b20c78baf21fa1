/**
 * The nightly workflow's regression gate:
 *   node --import tsx ci/regression-gate.ts --candidate <dir> [--baseline <dir>] [--threshold 5%]
 * Compares tonight's results with the last successful night's (downloaded artifact), appends
 * Markdown to $GITHUB_STEP_SUMMARY (or --summary FILE), and exits like `faasmark compare`:
 * 0 nothing regressed, 1 something did, 2 bad input. With no baseline (first night, or the
 * artifact expired) it says so and exits 0. It also summarises the candidate run (MAPE, ledger).
 */

import { existsSync, readdirSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { compareRuns } from '../analysis/compare/compare.js';
import { loadRun } from '../analysis/report/load-results.js';
import { comparisonRows, ledger, mape } from '../analysis/report/tables.js';
import { UsageError } from '../core/errors.js';
import { parseThreshold } from '../harness/cli/commands/compare/index.js';
import { exitCodeFor, formatError } from '../harness/cli/exit.js';
import { parseNumber } from '../harness/cli/options.js';
import { compareMarkdown, runSummaryMarkdown } from './markdown.js';

export interface GateArgs {
  candidate: string;
  baseline?: string;
  threshold: number;
  summary?: string;
  seed: number;
}

export function parseGateArgs(argv: string[]): GateArgs {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        candidate: { type: 'string' },
        baseline: { type: 'string' },
        threshold: { type: 'string', default: '5%' },
        summary: { type: 'string' },
        seed: { type: 'string', default: '1' },
      },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    throw new UsageError((err as Error).message, {
      hint: 'usage: regression-gate --candidate <dir> [--baseline <dir>] [--threshold 5%] [--summary FILE]',
    });
  }
  if (!values.candidate) throw new UsageError('--candidate <results-dir> is required');
  const seed = parseNumber('--seed', values.seed ?? '1', { integer: true, min: 0 });
  return {
    candidate: values.candidate,
    ...(values.baseline ? { baseline: values.baseline } : {}),
    threshold: parseThreshold(values.threshold ?? '5%'),
    ...(values.summary ? { summary: values.summary } : {}),
    seed,
  };
}

/** A baseline is usable when the directory exists and is not empty (the download may have found nothing). */
export function hasBaseline(dir: string | undefined): dir is string {
  return dir !== undefined && existsSync(dir) && readdirSync(dir).length > 0;
}

/** Run the gate; returns the exit code and the Markdown written. */
export async function gate(args: GateArgs): Promise<{ code: number; markdown: string }> {
  const run = loadRun(args.candidate);
  const rows = comparisonRows(run.summary.points);
  let markdown = runSummaryMarkdown(
    `faasmark ${run.summary.suite} (${run.summary.runId})`,
    mape(rows, 0.1),
    ledger(run.summary.points, new Map()),
  );
  let code = 0;
  if (!hasBaseline(args.baseline)) {
    markdown +=
      '\n## Regression gate\n\n_No baseline (first night, or the last artifact expired): nothing to compare; tonight becomes the baseline._\n';
  } else {
    const result = await compareRuns(args.baseline, args.candidate, {
      threshold: args.threshold,
      seed: args.seed,
      resamples: 2000,
    });
    markdown += `\n${compareMarkdown(result)}`;
    code = result.counts.regressed > 0 ? 1 : 0;
  }
  const target = args.summary ?? process.env.GITHUB_STEP_SUMMARY;
  if (target) await appendFile(target, markdown);
  return { code, markdown };
}

async function main(): Promise<void> {
  try {
    const { code, markdown } = await gate(parseGateArgs(process.argv.slice(2)));
    process.stdout.write(markdown);
    process.exitCode = code;
  } catch (err) {
    process.stderr.write(`${formatError(err)}\n`);
    process.exitCode = exitCodeFor(err);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
