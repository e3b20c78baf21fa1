/** Renderers for `faasmark run`: the plan (before) and the measured-vs-predicted table (after). */

import Table from 'cli-table3';
import { type MetricKey, metricsFor } from '../../analysis/metrics/definitions.js';
import type { PointSummary } from '../../results/types.js';
import type { PlannedPoint } from '../suite/plan.js';
import { estimatePlanSeconds } from '../suite/plan.js';
import type { Suite } from '../suite/types.js';
import { fmt, pct, renderTable } from '../table.js';

/** A table without separators between rows (one point spans several metric rows). */
function compactTable(head: string[], rows: (string | number | null)[][]): string {
  const table = new Table({
    head,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) table.push(row.map((c) => (c === null ? '—' : String(c))));
  return table.toString();
}

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

const LABELS: Record<MetricKey, string> = {
  respTime: 'respTime (s)',
  coldProb: 'coldProb',
  rejectProb: 'rejectProb',
  runningWarm: 'runningWarm',
  runningCold: 'runningCold',
  running: 'running',
  totalExecutors: 'totalExecutors',
  idle: 'idle',
  inFlight: 'inFlight',
};

/** Measured vs predicted (primary model) and the simulator, one row per point and metric. */
export function renderComparison(points: PointSummary[]): string {
  const rows: (string | number | null)[][] = [];
  for (const p of points) {
    const keys = metricsFor(p.executor).map((m) => m.key);
    const status = p.status === 'incomplete' ? 'INCOMPLETE' : p.valid ? 'ok' : 'INVALID';
    keys.forEach((k, i) => {
      rows.push([
        i === 0 ? p.pointId : '',
        i === 0 ? status : '',
        LABELS[k],
        fmt(p.measured[k] ?? null),
        fmt(p.predicted[k] ?? null),
        pct(p.error[k] ?? null),
        fmt(p.models?.simulator?.[k] ?? null),
        i === 0 ? (p.primaryModel ?? '—') : '',
      ]);
    });
  }
  const table = compactTable(
    ['point', 'valid', 'metric', 'measured', 'predicted', 'error', 'simulator', 'model'],
    rows,
  );
  const invalid = points.filter((p) => !p.valid);
  const notes = invalid.map((p) => `${p.pointId}: ${p.invalidReasons.join('; ')}`);
  return notes.length
    ? `${table}\ninvalid points (not results):\n${notes.map((n) => `  - ${n}`).join('\n')}`
    : table;
}
