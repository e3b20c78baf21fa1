/**
 * `faasmark profile [workload…] [--runs 10] [--warmup 5] [--input JSON] [--engines v8,wasmtime]
 * [--json]`: service times of each workload, native cold / native warm / each Wasm engine (a
 * fresh instance per request), mean / median / p95 and the Wasm slowdown per engine, beside the
 * thesis's Table 4.1 (platforms/direct/profiler.ts states what each phase measures).
 */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import { PROFILE_ENGINES, type ProfileEngine } from '../../../../platforms/direct/profiler.js';
import { parseChoice, parseNumber } from '../../options.js';

export interface ProfileFlags {
  runs?: string;
  warmup?: string;
  input?: string;
  engines?: string;
  json?: boolean;
}

export interface ProfileOptions {
  /** Workload names as given; empty: all. */
  workloads: string[];
  runs: number;
  warmup: number;
  /** The parsed --input (one workload only); undefined: the thesis parameters. */
  input?: unknown;
  /** The engines to measure; `explicit` when --engines was given (then a missing one is an error). */
  engines: ProfileEngine[];
  enginesExplicit: boolean;
  json: boolean;
}

/** Parse the flags (pure). @throws UsageError naming the flag */
export function parseProfileFlags(workloads: string[], flags: ProfileFlags): ProfileOptions {
  const engines = flags.engines
    ? [...new Set(flags.engines.split(',').map((e) => parseChoice('--engines', e.trim(), PROFILE_ENGINES)))]
    : [...PROFILE_ENGINES];
  const options: ProfileOptions = {
    workloads,
    runs: parseNumber('--runs', flags.runs ?? '10', { integer: true, min: 1, max: 10_000 }),
    warmup: parseNumber('--warmup', flags.warmup ?? '5', { integer: true, min: 0, max: 100_000 }),
    engines,
    enginesExplicit: flags.engines !== undefined,
    json: Boolean(flags.json),
  };
  if (flags.input !== undefined) {
    if (workloads.length !== 1)
      throw new UsageError('--input needs exactly one workload', {
        hint: 'e.g. faasmark profile matmul --input \'{"n":100}\'',
      });
    try {
      options.input = JSON.parse(flags.input);
    } catch (err) {
      throw new UsageError(`--input must be JSON: ${(err as Error).message}`);
    }
  }
  return options;
}

export default function register(program: Command): void {
  program
    .command('profile')
    .description(
      'measure native cold / native warm / Wasm service times per workload and engine, beside thesis Table 4.1',
    )
    .argument('[workloads...]', 'aes | matmul | whatlang | float (default: all)')
    .option('--runs <n>', 'measured invocations per phase', '10')
    .option(
      '--warmup <n>',
      'invocations discarded after the first, before measuring (native warm, wasm)',
      '5',
    )
    .option('--input <json>', 'workload input (one workload only; default: the thesis parameters)')
    .option(
      '--engines <list>',
      'Wasm engines: v8 (in-process), wasmtime (wasmtime serve); default both, wasmtime skipped when not installed or not built',
    )
    .option(
      '--json',
      'one object per workload with nativeCold, nativeWarm, engines.{v8,wasmtime} (slowdown each) and raw samples (seconds)',
    )
    .action(async (workloads: string[], flags: ProfileFlags) => {
      const options = parseProfileFlags(workloads, flags);
      const { profileAction } = await import('./action.js');
      await profileAction(options);
    });
}
