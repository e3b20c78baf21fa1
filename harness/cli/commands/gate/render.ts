/**
 * What `faasmark gate` prints, Markdown for the GitHub Actions job summary
 * ($GITHUB_STEP_SUMMARY): the candidate run's model error and integrity ledger, then the
 * comparison's verdicts (or why there is none). Pure functions; the action writes the text.
 */
import type { CompareResult } from '../../../../analysis/compare/compare.js';
import { comparisonCells } from '../../../../analysis/compare/render.js';
import {
  comparisonRows,
  type LedgerRow,
  ledger,
  MAPE_HEAD,
  type MapeRow,
  mape,
  mapeCells,
} from '../../../../analysis/report/tables.js';
import type { RunSummary } from '../../../../results/types.js';

function mdTable(head: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

export function runSummaryMarkdown(title: string, mape: MapeRow[], ledger: LedgerRow[]): string {
  const invalid = ledger.filter((r) => !r.valid);
  const sent = ledger.reduce((a, r) => a + r.sent, 0);
  const ok = ledger.reduce((a, r) => a + r.ok, 0);
  return [
    `## ${title}`,
    '',
    `${ledger.length} points, ${sent} requests sent, ${ok} ok, ${invalid.length} invalid point(s).`,
    '',
    '### Model error (MAPE)',
    mape.length
      ? mdTable(
          MAPE_HEAD,
          mape.map((r) => mapeCells(r, ' ⚠')),
        )
      : '_no point has both a measured and a predicted value_',
    ...(invalid.length
      ? [
          '',
          '### Invalid points',
          ...invalid.map((r) => `- \`${r.pointId}\`: ${r.invalidReasons.join('; ') || 'no reason given'}`),
        ]
      : []),
    '',
  ].join('\n');
}

export function compareMarkdown(r: CompareResult): string {
  const flagged = r.points.flatMap((p) =>
    p.metrics.filter((m) => m.verdict === 'regressed' || m.verdict === 'improved').map((m) => ({ p, m })),
  );
  const c = r.counts;
  return [
    '## Regression gate',
    '',
    `Threshold ±${(r.threshold * 100).toFixed(1)}%: **${c.regressed} regressed**, ${c.improved} improved, ${c['no difference']} no difference, ${c.inconclusive} inconclusive.`,
    '',
    flagged.length
      ? mdTable(
          ['point', 'metric', 'baseline', 'candidate', 'ratio', '95% CI', 'p', 'verdict'],
          flagged.map(({ p, m }) => [
            p.key,
            m.metric,
            ...comparisonCells(m),
            m.verdict === 'regressed' ? '❌ regressed' : '✅ improved',
          ]),
        )
      : '_nothing changed beyond the threshold_',
    ...(r.warnings.length ? ['', ...r.warnings.map((w) => `> ⚠ ${w}`)] : []),
    '',
  ].join('\n');
}

const NO_BASELINE =
  '\n## Regression gate\n\n_No baseline (first night, or the last artifact expired): nothing to compare; tonight becomes the baseline._\n';

/** The gate's whole Markdown: the candidate's summary, then the comparison (null: no baseline). */
export function gateMarkdown(candidate: RunSummary, comparison: CompareResult | null): string {
  const rows = comparisonRows(candidate.points);
  const summary = runSummaryMarkdown(
    `faasmark ${candidate.suite} (${candidate.runId})`,
    mape(rows, 0.1),
    ledger(candidate.points, new Map()),
  );
  return comparison ? `${summary}\n${compareMarkdown(comparison)}` : summary + NO_BASELINE;
}
