/** `faasmark report`: render the report of a results directory (analysis/report/) and print its summary. */
import { readFile } from 'node:fs/promises';
import { renderReport } from '../../../../analysis/report/index.js';
import { log, out, outJson } from '../../io.js';
import type { ReportOptions } from './index.js';
import { reportJson } from './render.js';

export async function reportAction(dir: string, o: ReportOptions): Promise<void> {
  const r = await renderReport(dir, {
    mapeThreshold: o.mapeThreshold,
    csv: o.csv,
    figures: o.figures,
    logY: o.logY,
  });
  for (const issue of r.corruptedLines)
    log(`warning: ${issue.file}:${issue.line}: corrupted JSONL line skipped (${issue.message})`);
  if (o.json) outJson(reportJson(r));
  else if (o.csv && r.csvPath) {
    out(await readFile(r.csvPath, 'utf8'));
    log(`wrote ${r.csvPath} and ${r.htmlPath}`);
  } else out(r.text);
}
