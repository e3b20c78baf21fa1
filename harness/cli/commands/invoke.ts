/**
 * `faasmark invoke <workload> [--build native|wasm] [--input JSON] [--seed S] [--json]`:
 * one local invocation (issue 3): native = start the action server, /init, /run, stop;
 * wasm = one fresh instance in-process. Prints the workload's result JSON (one line), or
 * with --json a document {workload, build, input, seconds, result}.
 */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors.js';
import { log, out, outJson } from '../io.js';
import { parseChoice, parseNumber } from '../options.js';

export const BUILDS = ['native', 'wasm'] as const;

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
      const { getWorkload } = await import('../../../workloads/registry.js');
      const def = getWorkload(workload);
      const build = parseChoice('--build', flags.build ?? 'native', BUILDS);
      const input = def.validateInput(parseInvokeInput(def.name, flags));
      const started = performance.now();
      let result: unknown;
      if (build === 'native') {
        const { runNativeOnce } = await import('../../../platforms/direct/native-runner.js');
        result = await runNativeOnce(def.name, input);
      } else {
        const { runWasmOnce } = await import('../../../platforms/direct/wasm-runner.js');
        result = await runWasmOnce(def.name, input);
      }
      const seconds = (performance.now() - started) / 1000;
      if (flags.json) outJson({ workload: def.name, build, input, seconds, result });
      else {
        out(JSON.stringify(result));
        log(
          `${def.name} (${build}): ${seconds.toFixed(4)} s${build === 'native' ? ' incl. process start' : ' incl. compile'}`,
        );
      }
    });
}
