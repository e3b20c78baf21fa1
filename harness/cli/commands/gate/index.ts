/**
 * `faasmark gate --candidate <dir> [--baseline <dir>] [--threshold 5%] [--summary-md FILE]`:
 * the nightly workflow's regression gate (docs/ci.md). `faasmark compare` of tonight's run
 * against the last good night's, plus Markdown for the job summary: the candidate's MAPE and
 * ledger, and every metric that regressed or improved. Exit 0 nothing regressed (or no
 * baseline: first night, expired artifact), 1 something did, 2 bad input.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import { parseNumber } from '../../options.js';
import { parseThreshold } from '../compare/index.js';

export interface GateFlags {
  candidate?: string;
  baseline?: string;
  threshold: string;
  summaryMd?: string;
  seed: string;
}

export interface GateOptions {
  candidate: string;
  /** Absent, missing or empty: no baseline, nothing to compare. */
  baseline?: string;
  threshold: number;
  /** Where to append the Markdown (default $GITHUB_STEP_SUMMARY, when set). */
  summaryMd?: string;
  seed: number;
}

/** Parse the flags (pure). @throws UsageError naming the flag */
export function parseGateFlags(flags: GateFlags): GateOptions {
  if (!flags.candidate) throw new UsageError('--candidate <results-dir> is required');
  return {
    candidate: flags.candidate,
    ...(flags.baseline ? { baseline: flags.baseline } : {}),
    threshold: parseThreshold(flags.threshold),
    ...(flags.summaryMd ? { summaryMd: flags.summaryMd } : {}),
    seed: parseNumber('--seed', flags.seed, { integer: true, min: 0 }),
  };
}

export default function register(program: Command): void {
  program
    .command('gate')
    .description(
      'CI regression gate: compare a run with the last good one (as `compare` does) and write Markdown for the job summary',
    )
    .option('--candidate <results-dir>', "tonight's results directory (required)")
    .option('--baseline <results-dir>', "the last good night's results; missing or empty: nothing to compare")
    .option('--threshold <t>', 'noise threshold, e.g. 5% or 0.05', '5%')
    .option('--summary-md <file>', 'append the Markdown to FILE (default: $GITHUB_STEP_SUMMARY, when set)')
    .option('--seed <n>', 'bootstrap seed', '1')
    .action(async (flags: GateFlags) => {
      const options = parseGateFlags(flags);
      const { gateAction } = await import('./action.js');
      await gateAction(options);
    });
}
