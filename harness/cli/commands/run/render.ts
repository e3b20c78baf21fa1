/** Renderers for `faasmark run`: the plan (before) and the measured-vs-predicted table (after). */

import { fmt, pct, renderTable } from '../../../../analysis/table.js';
import { metricsFor } from '../../../../core/metrics.js';
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

/** Measured vs predicted (primary model) and the simulator, one row per point and metric. */
export function renderComparison(points: PointSummary[]): string {
  const rows: (string | number | null)[][] = [];
  for (const p of points) {
    const status = p.status === 'complete' ? (p.valid ? 'ok' : 'INVALID') : p.status.toUpperCase();
    metricsFor(p.executor).forEach(({ key: k, unit }, i) => {
      rows.push([
        i === 0 ? p.pointId : '',
        i === 0 ? status : '',
        unit === 's' ? `${k} (s)` : k,
        fmt(p.measured[k] ?? null),
        fmt(p.predicted[k] ?? null),
        pct(p.error[k] ?? null),
        fmt(p.models?.simulator?.[k] ?? null),
        i === 0 ? (p.primaryModel ?? '—') : '',
      ]);
    });
  }
  const table = renderTable(
    ['point', 'valid', 'metric', 'measured', 'predicted', 'error', 'simulator', 'model'],
    rows,
    { compact: true },
  );
  const invalid = points.filter((p) => !p.valid);
  const notes = invalid.map((p) => `${p.pointId}: ${p.invalidReasons.join('; ')}`);
  return notes.length
    ? `${table}\ninvalid points (not results):\n${notes.map((n) => `  - ${n}`).join('\n')}`
    : table;
}
