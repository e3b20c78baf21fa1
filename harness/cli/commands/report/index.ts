/** `faasmark report <results-dir>`: terminal summary, report.html, figures/, optional CSV / JSON. */
import type { Command } from 'commander';
import { parseNumber } from '../../options.js';

export interface ReportFlags {
  csv?: boolean;
  json?: boolean;
  mapeThreshold: string;
  figures: boolean;
  logY?: boolean;
}

export interface ReportOptions {
  csv: boolean;
  json: boolean;
  mapeThreshold: number;
  figures: boolean;
  logY: boolean;
}

/** Parse the flags (pure). @throws UsageError naming the flag */
export function parseReportFlags(flags: ReportFlags): ReportOptions {
  return {
    csv: Boolean(flags.csv),
    json: Boolean(flags.json),
    mapeThreshold: parseNumber('--mape-threshold', flags.mapeThreshold, { greaterThan: 0 }),
    figures: flags.figures,
    logY: Boolean(flags.logY),
  };
}

export default function register(program: Command): void {
  program
    .command('report')
    .description(
      'summarise a results directory: measured vs predicted, MAPE, figures (SVG/PNG) and a self-contained report.html',
    )
    .argument('<results-dir>', 'a directory written by `faasmark run`')
    .option('--csv', 'write summary.csv and print it instead of the terminal summary')
    .option('--json', 'print one JSON document (paths, MAPE, service times, ledger)')
    .option('--mape-threshold <fraction>', 'highlight MAPE above this fraction', '0.1')
    .option('--no-figures', 'skip figure rendering (figures already rendered are kept and linked)')
    .option('--log-y', 'logarithmic y axes (times and counts spanning decades)')
    .action(async (dir: string, flags: ReportFlags) => {
      const options = parseReportFlags(flags);
      const { reportAction } = await import('./action.js');
      await reportAction(dir, options);
    });
}
