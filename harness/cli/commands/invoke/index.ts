/**
 * `faasmark invoke <workload> [--build native|wasm] [--input JSON] [--seed S] [--json]`:
 * one local invocation: native = start the action server, /init, /run, stop; wasm = one
 * fresh instance in-process. Prints the workload's result JSON (one line), or with --json a
 * document {workload, build, input, seconds, result}.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';
import { parseChoice, parseNumber } from '../../options.js';

export const BUILDS = ['native', 'wasm'] as const;
export type Build = (typeof BUILDS)[number];

export interface InvokeFlags {
  build?: string;
  input?: string;
  seed?: string;
  json?: boolean;
}

/** Parse the flags into a workload input (pure; throws UsageError / InputError). */
export function parseInvokeInput(workload: string, flags: InvokeFlags): Record<string, unknown> {
  let input: Record<string, unknown> = {};
  if (flags.input !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(flags.input);
    } catch (err) {
      throw new UsageError(`--input must be JSON: ${(err as Error).message}`, {
        hint: `e.g. --input '{"n": 100}'`,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`--input must be a JSON object, got ${flags.input.slice(0, 60)}`);
    }
    input = parsed as Record<string, unknown>;
  }
  if (flags.seed !== undefined) {
    if (workload !== 'aes' && workload !== 'matmul') {
      throw new UsageError(`--seed applies to aes (IV) and matmul (matrices) only, not ${workload}`);
    }
    input = {
      ...input,
      seed: parseNumber('--seed', flags.seed, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER }),
    };
  }
  return input;
}

export interface InvokeOptions {
  workload: string;
  build: Build;
  /** Not yet validated against the workload's input schema (the action does that). */
  input: Record<string, unknown>;
  json: boolean;
}

/** Parse the flags (pure). @throws UsageError naming the flag */
export function parseInvokeFlags(workload: string, flags: InvokeFlags): InvokeOptions {
  return {
    workload,
    build: parseChoice('--build', flags.build ?? 'native', BUILDS),
    input: parseInvokeInput(workload, flags),
    json: Boolean(flags.json),
  };
}

export default function register(program: Command): void {
  program
    .command('invoke')
    .description(
      'run one invocation of a workload locally (native action server or a fresh Wasm instance) and print its result JSON',
    )
    .argument('<workload>', 'aes | matmul | whatlang | float')
    .option('--build <build>', 'native | wasm', 'native')
    .option('--input <json>', 'workload input as a JSON object (defaults: the thesis parameters)')
    .option('--seed <n>', 'seed for aes (IV) and matmul (matrices)')
    .option('--json', 'print {workload, build, input, seconds, result}')
    .action(async (workload: string, flags: InvokeFlags) => {
      const options = parseInvokeFlags(workload, flags);
      const { invokeAction } = await import('./action.js');
      await invokeAction(options);
    });
}
