/**
 * `faasmark build [workload...] [--strict] [--force] [--check]`: build the workload artifacts
 * natively and to Wasm, incrementally (workloads/build.ts); `npm run build:workloads` runs it
 * from source. One line per artifact on stdout, then the counts. Exit 0 when every requested
 * artifact is built or up to date, or only optional toolchains are missing; 1 when a build
 * failed, with --check when anything is outdated, or under --strict (or env CI=true) when a
 * toolchain is missing (docs/workloads.md "Build").
 */
import type { Command } from 'commander';
import { WORKLOAD_NAMES, type WorkloadName } from '../../../../workloads/types.js';
import { parseChoice } from '../../options.js';

export interface BuildFlags {
  strict?: boolean;
  force?: boolean;
  check?: boolean;
}

export interface BuildOptions {
  /** Empty: every workload. */
  workloads: WorkloadName[];
  /** A missing toolchain fails the build (--strict, or env CI=true / CI=1). */
  strict: boolean;
  force: boolean;
  /** Build nothing; fail when anything is outdated. */
  check: boolean;
}

/** Parse the arguments (pure but for `env`). @throws UsageError naming the argument */
export function parseBuildFlags(names: string[], flags: BuildFlags, env: NodeJS.ProcessEnv): BuildOptions {
  const workloads = names.map((name) => parseChoice('workload', name, WORKLOAD_NAMES));
  return {
    workloads,
    strict: Boolean(flags.strict) || env.CI === 'true' || env.CI === '1',
    force: Boolean(flags.force),
    check: Boolean(flags.check),
  };
}

export default function register(program: Command): void {
  program
    .command('build')
    .description(
      'build the workloads natively and to Wasm into workloads/build/ (incremental: unchanged inputs are skipped)',
    )
    .argument('[workloads...]', `${WORKLOAD_NAMES.join(' | ')} (default: all)`)
    .option('--strict', 'a missing toolchain fails the build (default with env CI=true)')
    .option('--force', 'rebuild even when the inputs are unchanged')
    .option('--check', 'build nothing; list outdated artifacts and fail if there are any')
    .action(async (names: string[], flags: BuildFlags) => {
      const options = parseBuildFlags(names, flags, process.env);
      const { buildAction } = await import('./action.js');
      await buildAction(options);
    });
}
