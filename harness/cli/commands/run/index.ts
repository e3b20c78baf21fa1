/**
 * `faasmark run <suite>`: run a suite (a shipped name such as `quick`, or a YAML/JSON path)
 * and print the measured-vs-predicted table (stdout; --json: the run summary). The plan goes
 * to stderr first (stdout with --dry-run, where it is the answer).
 */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import { parseNumber } from '../../options.js';

export interface RunFlags {
  out?: string;
  resume?: boolean;
  only?: string;
  dryRun?: boolean;
  repeat?: string;
  scale?: string;
  json?: boolean;
  report?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** The parsed flags: only those given (and `report: false` for --no-report). */
export interface RunOptions {
  out?: string;
  resume?: boolean;
  only?: string;
  dryRun?: boolean;
  repeat?: number;
  scale?: number;
  json?: boolean;
  report?: false;
  verbosity?: 'quiet' | 'verbose';
}

/** Parse the flags strictly (pure, exported for tests). @throws UsageError naming the flag */
export function parseRunFlags(flags: RunFlags): RunOptions {
  const options: RunOptions = {
    ...(flags.repeat !== undefined
      ? { repeat: parseNumber('--repeat', flags.repeat, { integer: true, min: 1, max: 1000 }) }
      : {}),
    ...(flags.scale !== undefined
      ? { scale: parseNumber('--scale', flags.scale, { greaterThan: 0, max: 100 }) }
      : {}),
  };
  if (flags.resume && !flags.out) throw new UsageError('--resume needs --out <dir> (the run to continue)');
  if (flags.out !== undefined) options.out = flags.out;
  if (flags.resume) options.resume = true;
  if (flags.only !== undefined) options.only = flags.only;
  if (flags.dryRun) options.dryRun = true;
  if (flags.json) options.json = true;
  if (flags.report === false) options.report = false;
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose exclude each other');
  if (flags.quiet) options.verbosity = 'quiet';
  if (flags.verbose) options.verbosity = 'verbose';
  return options;
}

export default function register(program: Command): void {
  program
    .command('run')
    .description(
      'run a suite: open-loop load on each platform, every request recorded, metrics held against the models',
    )
    .argument(
      '<suite>',
      'a shipped suite (quick, thesis-keepalive, thesis-load, thesis-load-wasm, nightly) or a suite file',
    )
    .option('--out <dir>', 'results directory (default results/runs/<suite>-<timestamp>)')
    .option('--resume', 'continue the run in --out, skipping complete points')
    .option('--only <pattern>', 'run only points whose id contains PATTERN (or matches it, with * wildcards)')
    .option('--dry-run', 'print the plan and stop')
    .option('--repeat <n>', "repetitions of every point (overrides the suite's repeat)")
    .option('--scale <f>', 'multiply warm-up and duration by F (e.g. 0.05 for a rehearsal)')
    .option('--no-report', 'do not render report.html at the end')
    .option('--json', 'print the run summary (or the plan, with --dry-run) as JSON')
    .option('-q, --quiet', 'no progress and no routine lines on stderr (errors and warnings still)')
    .option(
      '-v, --verbose',
      'more: progress every 2 s off a terminal, and each point’s latency and model error',
    )
    .action(async (suite: string, flags: RunFlags) => {
      const options = parseRunFlags(flags);
      const { runAction } = await import('./action.js');
      await runAction(suite, options);
    });
}
