/** `faasmark reproduce thesis`: the thesis's figures from its Table 4.1 inputs, published data overlaid. */
import type { Command } from 'commander';
import { UsageError } from '../../../../core/errors.js';

export const REPRODUCE_TARGETS = ['thesis'] as const;

export interface ReproduceFlags {
  out: string;
  measured?: string;
  only?: string;
  figures: boolean;
  json?: boolean;
}

export interface ReproduceOptions {
  out: string;
  measured?: string;
  /** Figure numbers, e.g. ['4.1', 'A.1']; absent: all. */
  only?: string[];
  figures: boolean;
  json: boolean;
}

/** Parse the target and flags (pure). @throws UsageError */
export function parseReproduceFlags(target: string, flags: ReproduceFlags): ReproduceOptions {
  if (!(REPRODUCE_TARGETS as readonly string[]).includes(target)) {
    throw new UsageError(
      `reproduce: unknown target ${JSON.stringify(target)}; known: ${REPRODUCE_TARGETS.join(', ')}`,
    );
  }
  const only = flags.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    out: flags.out,
    figures: flags.figures,
    json: Boolean(flags.json),
    ...(flags.measured ? { measured: flags.measured } : {}),
    ...(only?.length ? { only } : {}),
  };
}

export default function register(program: Command): void {
  program
    .command('reproduce')
    .description(
      'regenerate the model side of every figure of the reference thesis (4.1-4.21, A.1) with its published measurements; no platform needed',
    )
    .argument('<target>', `what to reproduce: ${REPRODUCE_TARGETS.join(', ')}`)
    .option('--out <dir>', 'output directory', 'results/reproduce-thesis')
    .option('--measured <results-dir>', "also plot a faasmark run's measurements")
    .option('--only <figures>', 'only these figures, e.g. 4.1,4.8,A.1')
    .option('--no-figures', 'skip figure rendering (checks and page only)')
    .option('--json', 'print one JSON document')
    .action(async (target: string, flags: ReproduceFlags) => {
      const options = parseReproduceFlags(target, flags);
      const { reproduceAction } = await import('./action.js');
      await reproduceAction(options);
    });
}
