/** The `faasmark report --json` document (the text summary is the report's own `text`). */
import type { ReportResult } from '../../../../analysis/report/index.js';

export function reportJson(r: ReportResult): Record<string, unknown> {
  return {
    schemaVersion: 1,
    htmlPath: r.htmlPath,
    csvPath: r.csvPath ?? null,
    figures: r.figures,
    mape: r.mape,
    serviceTimes: r.serviceTimes,
    ledger: r.ledger,
    warnings: r.warnings,
    corruptedLines: r.corruptedLines,
  };
}
