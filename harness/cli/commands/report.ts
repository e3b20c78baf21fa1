/** `faasmark report <results-dir>`: terminal summary, report.html, figures/, optional CSV / JSON. */
import type { Command } from 'commander';
import { log, out, outJson } from '../io.js';
import { parseNumber } from '../options.js';

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
    .option('--no-figures', 'skip figure rendering')
    .action(
      async (
        dir: string,
        opts: { csv?: boolean; json?: boolean; mapeThreshold: string; figures: boolean },
      ) => {
        const mapeThreshold = parseNumber('--mape-threshold', opts.mapeThreshold, { greaterThan: 0 });
        const { renderReport } = await import('../../../analysis/report/index.js');
        const r = await renderReport(dir, { mapeThreshold, csv: Boolean(opts.csv), figures: opts.figures });
        for (const issue of r.corruptedLines)
          log(`warning: ${issue.file}:${issue.line}: corrupted JSONL line skipped (${issue.message})`);
        if (opts.json) {
          outJson({
            schemaVersion: 1,
            htmlPath: r.htmlPath,
            csvPath: r.csvPath ?? null,
            figures: r.figures,
            mape: r.mape,
            serviceTimes: r.serviceTimes,
            ledger: r.ledger,
            warnings: r.warnings,
            corruptedLines: r.corruptedLines,
          });
        } else if (opts.csv && r.csvPath) {
          const { readFile } = await import('node:fs/promises');
          out(await readFile(r.csvPath, 'utf8'));
          log(`wrote ${r.csvPath} and ${r.htmlPath}`);
        } else {
          out(r.text);
        }
      },
    );
}
