/** Terminal rendering of a comparison (the answer on stdout; warnings go to stderr). */
import { fmt, renderTable } from '../table.js';
import type { CompareResult, MetricComparison } from './compare.js';

/** A comparison's numbers as cells: baseline, candidate, ratio, 95% CI, p (shared with the Markdown of `faasmark gate`). */
export function comparisonCells(m: MetricComparison): string[] {
  return [
    fmt(m.baseline),
    fmt(m.candidate),
    fmt(m.ratio, 3),
    m.lo === null || m.hi === null ? '—' : `[${fmt(m.lo, 3)}, ${fmt(m.hi, 3)}]`,
    fmt(m.pValue, 2),
  ];
}

export function renderCompareText(r: CompareResult): string {
  const rows = r.points.flatMap((p) =>
    p.metrics.map((m) => [
      p.key,
      m.metric,
      ...comparisonCells(m),
      m.verdict === 'regressed' ? 'REGRESSED' : m.verdict,
    ]),
  );
  const table = renderTable(
    ['point', 'metric', 'baseline', 'candidate', 'ratio', '95% CI', 'p (MWU)', 'verdict'],
    rows,
  );
  const c = r.counts;
  const line = `threshold ±${(r.threshold * 100).toFixed(1)}%: ${c.regressed} regressed, ${c.improved} improved, ${c['no difference']} no difference, ${c.inconclusive} inconclusive`;
  return `${table}\n${line}`;
}
