/**
 * The report's tables, as data (renderers are separate): measured (with its 95% CI) vs
 * predicted per point and metric, the error judged against the noise (analysis/metrics/
 * assess.ts: relative, or absolute for probabilities near zero; inside the CI or not); MAPE per
 * platform × workload per metric over the comparisons that mean something; the Table 4.1
 * analog; the integrity ledger.
 */

import type { MetricKey } from '../../core/metrics.js';
import { metricsFor } from '../../core/metrics.js';
import type { PointSummary } from '../../results/types.js';
import { assessMetric } from '../metrics/assess.js';
import { mean } from '../stats/bootstrap.js';

export interface ComparisonRow {
  pointId: string;
  platform: string;
  workload: string;
  executor: string;
  arrivalRate: number;
  keepAlive: number | null;
  repetition: number;
  valid: boolean;
  metric: MetricKey;
  measured: number | null;
  /** 95% CI of the measurement. */
  ciLo: number | null;
  ciHi: number | null;
  predicted: number | null;
  relError: number | null;
  absError: number | null;
  /** How the error is stated: relative, or absolute (probabilities near zero). */
  scoring: 'relative' | 'absolute';
  /** The prediction lies inside the measured CI (null: no CI). */
  insideCi: boolean | null;
  /** Counted in MAPE. */
  inMape: boolean;
}

export function comparisonRows(points: PointSummary[]): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const p of points) {
    for (const def of metricsFor(p.executor)) {
      const measured = p.measured?.[def.key] ?? null;
      const predicted = p.predicted?.[def.key] ?? null;
      if (measured === null && predicted === null) continue;
      const ci = p.measuredCi?.[def.key];
      // the point's own judgement where it was written; the same rule for older results
      const a = p.assessment?.[def.key] ?? assessMetric(def.key, measured, predicted, ci, p.valid);
      rows.push({
        pointId: p.pointId,
        platform: p.platform,
        workload: p.workload,
        executor: p.executor,
        arrivalRate: p.arrivalRate,
        keepAlive: p.keepAlive,
        repetition: p.repetition,
        valid: p.valid,
        metric: def.key,
        measured,
        ciLo: ci?.lo ?? null,
        ciHi: ci?.hi ?? null,
        predicted,
        relError: a.relError,
        absError: a.absError,
        scoring: a.scoring,
        insideCi: a.insideCi,
        inMape: a.inMape,
      });
    }
  }
  return rows;
}

export interface MapeRow {
  platform: string;
  workload: string;
  metric: MetricKey;
  /** Mean absolute percentage error as a fraction (0.1 = 10%). */
  mape: number;
  /** Points that contributed. */
  n: number;
  overThreshold: boolean;
}

/** Column heads of a MAPE table ({@link mapeCells}), for every renderer. */
export const MAPE_HEAD = ['platform', 'workload', 'metric', 'MAPE', 'points'];

/** One MAPE row as table cells; `overMark` follows the percentage when over the threshold. */
export function mapeCells(r: MapeRow, overMark: string): string[] {
  return [
    r.platform,
    r.workload,
    r.metric,
    `${(r.mape * 100).toFixed(1)}%${r.overThreshold ? overMark : ''}`,
    String(r.n),
  ];
}

/**
 * MAPE = (1/n) Σ |measured − predicted| / |predicted| over the rows that count (`inMape`:
 * valid points, relatively scored metrics, a defined error).
 */
export function mape(rows: ComparisonRow[], threshold: number): MapeRow[] {
  const groups = new Map<string, { platform: string; workload: string; metric: MetricKey; errs: number[] }>();
  for (const r of rows) {
    if (!r.inMape || r.relError === null) continue;
    const k = `${r.platform}\u0000${r.workload}\u0000${r.metric}`;
    const g = groups.get(k) ?? { platform: r.platform, workload: r.workload, metric: r.metric, errs: [] };
    g.errs.push(Math.abs(r.relError));
    groups.set(k, g);
  }
  return [...groups.values()].map((g) => {
    const m = mean(g.errs);
    return {
      platform: g.platform,
      workload: g.workload,
      metric: g.metric,
      mape: m,
      n: g.errs.length,
      overThreshold: m > threshold,
    };
  });
}

export interface ServiceTimeRow {
  workload: string;
  containerCold: number | null;
  containerWarm: number | null;
  wasm: number | null;
  /** wasm / containerWarm (the thesis's "Wasm slowdown"). */
  wasmSlowdown: number | null;
  sources: string[];
}

function avg(xs: number[]): number | null {
  return xs.length ? mean(xs) : null;
}

/**
 * The Table 4.1 analog: per workload, the service times the run fed its models
 * (PointSummary.modelInputs, averaged over the points that carry them) and the Wasm slowdown.
 * A `profile` (e.g. profile.json of a profiling run: workload → {cold, warm, wasm}) overrides.
 */
export function serviceTimeTable(
  points: PointSummary[],
  profile?: Record<string, { cold?: number; warm?: number; wasm?: number }>,
): ServiceTimeRow[] {
  const by = new Map<string, { cold: number[]; warm: number[]; wasm: number[]; sources: Set<string> }>();
  const get = (w: string) => {
    let g = by.get(w);
    if (!g) {
      g = { cold: [], warm: [], wasm: [], sources: new Set() };
      by.set(w, g);
    }
    return g;
  };
  for (const p of points) {
    const mi = p.modelInputs;
    if (!mi) continue;
    const g = get(p.workload);
    if (p.executor === 'container') {
      if (typeof mi.cold === 'number') g.cold.push(mi.cold);
      if (typeof mi.warm === 'number') g.warm.push(mi.warm);
    } else if (typeof mi.wasm === 'number') g.wasm.push(mi.wasm);
    else if (typeof mi.warm === 'number') g.wasm.push(mi.warm);
    g.sources.add(mi.source);
  }
  for (const [w, t] of Object.entries(profile ?? {})) {
    const g = get(w);
    if (typeof t.cold === 'number') g.cold = [t.cold];
    if (typeof t.warm === 'number') g.warm = [t.warm];
    if (typeof t.wasm === 'number') g.wasm = [t.wasm];
    g.sources.add('profile.json');
  }
  return [...by.entries()].map(([workload, g]) => {
    const containerWarm = avg(g.warm);
    const wasm = avg(g.wasm);
    return {
      workload,
      containerCold: avg(g.cold),
      containerWarm,
      wasm,
      wasmSlowdown: wasm !== null && containerWarm ? wasm / containerWarm : null,
      sources: [...g.sources],
    };
  });
}

export interface LedgerRow {
  pointId: string;
  platform: string;
  workload: string;
  arrivalRate: number;
  keepAlive: number | null;
  repetition: number;
  sent: number;
  ok: number;
  error: number;
  timeout: number;
  rejected: number;
  valid: boolean;
  invalidReasons: string[];
  sendLagP99: number | null;
  ksPValue: number | null;
  /** Corrupted JSONL lines found when reading this point's requests.jsonl (null: not read). */
  corruptedLines: number | null;
}

export function ledger(points: PointSummary[], corrupted: Map<string, number>): LedgerRow[] {
  return points.map((p) => ({
    pointId: p.pointId,
    platform: p.platform,
    workload: p.workload,
    arrivalRate: p.arrivalRate,
    keepAlive: p.keepAlive,
    repetition: p.repetition,
    sent: p.requests?.sent ?? 0,
    ok: p.requests?.ok ?? 0,
    error: p.requests?.error ?? 0,
    timeout: p.requests?.timeout ?? 0,
    rejected: p.requests?.rejected ?? 0,
    valid: p.valid,
    invalidReasons: p.invalidReasons,
    sendLagP99: p.sendLag?.p99 ?? null,
    ksPValue: p.ks?.pValue ?? null,
    corruptedLines: corrupted.get(p.pointId) ?? null,
  }));
}
