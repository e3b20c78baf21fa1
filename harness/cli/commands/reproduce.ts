/** `faasmark reproduce thesis`: the thesis's figures from its Table 4.1 inputs, published data overlaid. */
import type { Command } from 'commander';
import { InternalError, UsageError } from '../../../core/errors.js';
import { out, outJson } from '../io.js';

export const REPRODUCE_TARGETS = ['thesis'] as const;

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
    .action(
      async (
        target: string,
        opts: { out: string; measured?: string; only?: string; figures: boolean; json?: boolean },
      ) => {
        if (!(REPRODUCE_TARGETS as readonly string[]).includes(target)) {
          throw new UsageError(
            `reproduce: unknown target ${JSON.stringify(target)}; known: ${REPRODUCE_TARGETS.join(', ')}`,
          );
        }
        const { reproduceThesis } = await import('../../../analysis/thesis/reproduce.js');
        const only = opts.only
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const r = await reproduceThesis({
          out: opts.out,
          figures: opts.figures,
          ...(opts.measured ? { measured: opts.measured } : {}),
          ...(only?.length ? { only } : {}),
        });
        if (opts.json) outJson({ ...r, text: undefined });
        else out(r.text);
        if (!r.allCoincide) {
          const bad = r.figures.filter((f) => f.status === 'DIFFERS').map((f) => f.number);
          throw new InternalError(
            `our SMP does not coincide with the thesis's published model numbers in figure(s) ${bad.join(', ')}`,
          );
        }
      },
    );
}
