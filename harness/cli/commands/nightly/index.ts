/**
 * `faasmark nightly plan [--job cluster|embedded|all] [--invoker-image REF] [--out DIR] [--json]`:
 * the nightly workflow as a plan (docs/ci.md): every step's commands with the pins resolved,
 * every suite, image reference, script and the workflow file validated. With --out it writes
 * one script per step, which .github/workflows/nightly.yml runs, so the two cannot drift.
 * Exit 0 valid, 2 bad flags or an invalid plan (nothing written).
 */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import { parseImageRef } from '../../../../platforms/external/image-ref.js';
import { parseChoice } from '../../options.js';
import { JOB_IDS, type JobId } from './plan.js';

export interface NightlyPlanFlags {
  job?: string;
  invokerImage?: string;
  out?: string;
  json?: boolean;
}

export interface NightlyPlanOptions {
  jobs: JobId[];
  /** Undefined: the MRU invoker the cluster job builds. */
  invokerImage?: string;
  out?: string;
  json: boolean;
}

/** Parse the flags (pure). @throws UsageError naming the flag */
export function parseNightlyPlanFlags(flags: NightlyPlanFlags): NightlyPlanOptions {
  const job = parseChoice('--job', flags.job ?? 'all', ['all', ...JOB_IDS] as const);
  if (flags.invokerImage !== undefined) {
    const ref = parseImageRef(flags.invokerImage);
    if (!ref)
      throw new UsageError(
        `--invoker-image must be an image reference name[:tag][@sha256:<64 hex>], got ${JSON.stringify(flags.invokerImage)}`,
      );
    if (!ref.digest)
      throw new UsageError(
        `--invoker-image takes an image pinned by digest (name@sha256:…), got ${JSON.stringify(flags.invokerImage)}; without it the job builds the MRU invoker`,
      );
  }
  if (flags.out !== undefined && flags.out.trim() === '') throw new UsageError('--out needs a directory');
  return {
    jobs: job === 'all' ? [...JOB_IDS] : [job],
    ...(flags.invokerImage !== undefined ? { invokerImage: flags.invokerImage } : {}),
    ...(flags.out !== undefined ? { out: flags.out } : {}),
    json: Boolean(flags.json),
  };
}

export default function register(program: Command): void {
  const nightly = program
    .command('nightly')
    .description('the nightly real-platform workflow (.github/workflows/nightly.yml)');
  nightly
    .command('plan')
    .description(
      'print every step of the nightly workflow with its pins resolved, after validating its suites, images, scripts and the workflow file; --out writes the step scripts the workflow runs',
    )
    .option('--job <job>', 'cluster, embedded or all', 'all')
    .option(
      '--invoker-image <ref>',
      'run an MRU invoker image pinned by digest (name@sha256:…) instead of building it',
    )
    .option('--out <dir>', 'write <dir>/<job>/NN-<step>.sh, the cluster suite and plan.json')
    .option('--json', 'one JSON document')
    .action(async (flags: NightlyPlanFlags) => {
      const options = parseNightlyPlanFlags(flags);
      const { planAction } = await import('./action.js');
      await planAction(options);
    });
}
