/** Renderers for `faasmark run`: the plan (before) and the measured-vs-predicted table (after). */

import { fmt, pct, renderTable } from '../../../../analysis/table.js';
import { type MetricKey, metricsFor } from '../../../../core/metrics.js';
import type { PointSummary } from '../../../../results/types.js';
import type { PlannedPoint } from '../../../suite/plan.js';
import { estimatePlanSeconds } from '../../../suite/plan.js';
import type { Suite } from '../../../suite/types.js';

/** "1h02m", "4m05s", "12s". */
export function formatSeconds(s: number): string {
  const total = Math.max(0, Math.round(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

export function renderPlan(suite: Suite, plan: PlannedPoint[], skipped: readonly string[] = []): string {
  const rows = plan.map((p, i) => [
    i + 1,
    p.id,
    p.executor,
    p.arrivalRate,
    p.keepAlive ?? '—',
    p.expectedRequests,
    skipped.includes(p.id) ? 'done (resume)' : formatSeconds(p.estimatedSeconds),
  ]);
  const remaining = plan.filter((p) => !skipped.includes(p.id));
  const head = `suite ${suite.name}: ${plan.length} point${plan.length === 1 ? '' : 's'} (${suite.arrivals} arrivals, warm-up ${formatSeconds(suite.warmup)}, duration ${formatSeconds(suite.duration)}${suite.scale !== 1 ? `, scale ${suite.scale}` : ''}, seed ${suite.seed}); estimated ${formatSeconds(estimatePlanSeconds(remaining))}`;
  return `${head}\n${renderTable(['#', 'point', 'executor', 'λ (req/s)', 'keep-alive (s)', 'requests', 'estimate'], rows)}`;
}

/** Seconds as milliseconds text. */
function ms(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${Number((x * 1000).toPrecision(4))} ms`;
}

/** The measurement's 95% CI, as "lo…hi". */
function ciText(p: PointSummary, k: MetricKey): string {
  const ci = p.measuredCi?.[k];
  return ci ? `${fmt(ci.lo)}…${fmt(ci.hi)}` : '—';
}

/** The error as the point judged it: relative or absolute, "≈" when inside the noise (the CI). */
function errorText(p: PointSummary, k: MetricKey): string {
  const a = p.assessment?.[k];
  if (!a) return pct(p.error[k] ?? null);
  const text =
    a.scoring === 'absolute' ? `${a.absError === null ? '—' : fmt(a.absError)} abs` : pct(a.relError);
  return a.insideCi ? `${text} ≈` : text;
}

/**
 * Measured vs predicted (primary model) and the simulator, one row per point and metric;
 * "≈" marks an error within the measurement's own noise (the prediction is inside its CI).
 */
export function renderComparison(points: PointSummary[]): string {
  const rows: (string | number | null)[][] = [];
  for (const p of points) {
    const status =
      (p.status === 'complete' ? (p.valid ? 'ok' : 'INVALID') : p.status.toUpperCase()) +
      (p.simulated ? ', simulated' : '');
    metricsFor(p.executor).forEach(({ key: k, unit }, i) => {
      rows.push([
        i === 0 ? p.pointId : '',
        i === 0 ? status : '',
        unit === 's' ? `${k} (s)` : k,
        fmt(p.measured[k] ?? null),
        ciText(p, k),
        fmt(p.predicted[k] ?? null),
        errorText(p, k),
        fmt(p.models?.simulator?.[k] ?? null),
        i === 0 ? (p.primaryModel ?? '—') : '',
      ]);
    });
  }
  const table = renderTable(
    ['point', 'valid', 'metric', 'measured', '95% CI', 'predicted', 'error', 'simulator', 'model'],
    rows,
    { compact: true },
  );
  const invalid = points.filter((p) => !p.valid);
  const notes = invalid.map((p) => `${p.pointId}: ${p.invalidReasons.join('; ')}`);
  const latency = renderTable(
    ['point', 'client latency: mean', 'p50', 'p99', 'max'],
    points
      .filter((p) => p.latency)
      .map((p) => [
        p.pointId,
        ms(p.latency?.mean),
        ms(p.latency?.p50),
        ms(p.latency?.p99),
        ms(p.latency?.max),
      ]),
    { compact: true },
  );
  const body = `${table}\n${latency}`;
  return notes.length
    ? `${body}\ninvalid points (not results):\n${notes.map((n) => `  - ${n}`).join('\n')}`
    : body;
}
