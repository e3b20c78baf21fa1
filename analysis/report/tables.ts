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
import { fmt } from '../table.js';
import { entryOf } from './entry.js';

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
        // the suite entry (its label), so two entries of one platform stay apart
        platform: entryOf(p),
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

/** One Wasm engine's figure in the Table 4.1 analog. */
export interface EngineServiceTime {
  /** Mean service time fed to the models (s). */
  time: number;
  /** time ÷ container warm. */
  slowdown: number | null;
}

export interface ServiceTimeRow {
  workload: string;
  /** The container entry (its label) the cold/warm figures are of; one row per entry. */
  containerLabel: string | null;
  containerCold: number | null;
  containerWarm: number | null;
  /** Every Wasm point's time, whatever its engine (older reports' single column). */
  wasm: number | null;
  /** wasm / containerWarm (the thesis's "Wasm slowdown"). */
  wasmSlowdown: number | null;
  /** Per Wasm engine (`wasmtime`, `v8`, or the platform's name when its engine is not recorded). */
  engines: Record<string, EngineServiceTime>;
  /** Thesis Table 4.1 (s), when it has the workload. */
  thesis?: { cold: number; warm: number; wasm: number; slowdown: number };
  sources: string[];
}

function avg(xs: number[]): number | null {
  return xs.length ? mean(xs) : null;
}

/** A profile.json row: workload → {cold, warm, wasm, and per engine (v8, wasmtime)}. */
export type ProfileTimes = Record<
  string,
  { cold?: number; warm?: number; wasm?: number; v8?: number; wasmtime?: number }
>;

/**
 * The engine of each platform entry, by the label its points carry: the manifest's
 * `engine.name` or `details.engine` (local-wasm records it), else nothing.
 */
export function engineLabels(manifest: unknown): Map<string, string> {
  const m = manifest as {
    platforms?: Array<{ name?: string; engine?: { name?: string }; details?: { engine?: unknown } }>;
    suiteConfig?: { platforms?: Array<{ label?: string; name?: string }> };
  };
  const out = new Map<string, string>();
  (m?.platforms ?? []).forEach((p, i) => {
    const engine = p?.engine?.name ?? (typeof p?.details?.engine === 'string' ? p.details.engine : undefined);
    const label = m.suiteConfig?.platforms?.[i]?.label ?? p?.name;
    if (engine && label) out.set(label, engine);
  });
  return out;
}

interface Group {
  /** Cold and warm times per container entry (label): entries are never averaged together. */
  containers: Map<string, { cold: number[]; warm: number[] }>;
  wasm: number[];
  engines: Map<string, number[]>;
  sources: Set<string>;
}

function group(points: PointSummary[], engines: Map<string, string>): Map<string, Group> {
  const by = new Map<string, Group>();
  const get = (w: string) => {
    let g = by.get(w);
    if (!g) {
      g = { containers: new Map(), wasm: [], engines: new Map(), sources: new Set() };
      by.set(w, g);
    }
    return g;
  };
  for (const p of points) {
    const mi = p.modelInputs;
    if (!mi) continue;
    const g = get(p.workload);
    if (p.executor === 'container') {
      const label = entryOf(p);
      const c = g.containers.get(label) ?? { cold: [], warm: [] };
      g.containers.set(label, c);
      if (typeof mi.cold === 'number') c.cold.push(mi.cold);
      if (typeof mi.warm === 'number') c.warm.push(mi.warm);
    } else {
      const t = typeof mi.wasm === 'number' ? mi.wasm : typeof mi.warm === 'number' ? mi.warm : undefined;
      if (t !== undefined) {
        g.wasm.push(t);
        const engine = engines.get(entryOf(p)) ?? p.platform;
        g.engines.set(engine, [...(g.engines.get(engine) ?? []), t]);
      }
    }
    g.sources.add(mi.source);
  }
  return by;
}

/**
 * The Table 4.1 analog: per workload, the service times the run fed its models
 * (PointSummary.modelInputs, averaged over the points that carry them), per Wasm engine (from
 * `engines`: label → engine, see {@link engineLabels}) with the Wasm slowdown each, beside the
 * thesis's figures. A `profile` (profile.json of a profiling run) overrides.
 */
export function serviceTimeTable(
  points: PointSummary[],
  profile?: ProfileTimes,
  engines: Map<string, string> = new Map(),
  thesis: Record<string, { cold: number; warm: number; wasm: number }> = {},
): ServiceTimeRow[] {
  const by = group(points, engines);
  for (const [w, t] of Object.entries(profile ?? {})) {
    if (!by.has(w)) by.set(w, { containers: new Map(), wasm: [], engines: new Map(), sources: new Set() });
    const g = by.get(w) as Group;
    if (typeof t.cold === 'number' || typeof t.warm === 'number')
      g.containers = new Map([
        [
          'profile',
          {
            cold: typeof t.cold === 'number' ? [t.cold] : [],
            warm: typeof t.warm === 'number' ? [t.warm] : [],
          },
        ],
      ]);
    if (typeof t.wasm === 'number') g.wasm = [t.wasm];
    for (const e of ['v8', 'wasmtime'] as const) if (typeof t[e] === 'number') g.engines.set(e, [t[e]]);
    g.sources.add('profile.json');
  }
  return [...by.entries()].flatMap(([workload, g]) => {
    const entries: [string | null, { cold: number[]; warm: number[] }][] = g.containers.size
      ? [...g.containers]
      : [[null, { cold: [], warm: [] }]];
    return entries.map(([containerLabel, c]) => serviceTimeRow(workload, containerLabel, c, g, thesis));
  });
}

function serviceTimeRow(
  workload: string,
  containerLabel: string | null,
  c: { cold: number[]; warm: number[] },
  g: Group,
  thesis: Record<string, { cold: number; warm: number; wasm: number }>,
): ServiceTimeRow {
  const containerWarm = avg(c.warm);
  const wasm = avg(g.wasm);
  const slow = (x: number | null) => (x !== null && containerWarm ? x / containerWarm : null);
  const th = thesis[workload];
  return {
    workload,
    containerLabel,
    containerCold: avg(c.cold),
    containerWarm,
    wasm,
    wasmSlowdown: slow(wasm),
    engines: Object.fromEntries(
      [...g.engines].map(([e, xs]) => [e, { time: avg(xs) as number, slowdown: slow(avg(xs)) }]),
    ),
    ...(th ? { thesis: { ...th, slowdown: th.wasm / th.warm } } : {}),
    sources: [...g.sources],
  };
}

/** Engines present in `rows`, in a stable order (wasmtime, v8, then the rest by name). */
export function engineColumns(rows: ServiceTimeRow[]): string[] {
  const all = new Set(rows.flatMap((r) => Object.keys(r.engines)));
  const known = ['wasmtime', 'v8'].filter((e) => all.has(e));
  return [...known, ...[...all].filter((e) => !known.includes(e)).sort()];
}

/** The Table 4.1 analog's header and cells (text; numbers in s, slowdowns as ×). */
export function serviceTimeCells(rows: ServiceTimeRow[]): { head: string[]; cells: string[][] } {
  const engines = engineColumns(rows);
  const n = (v: number | null | undefined) => fmt(v ?? null, 5);
  const x = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)}×`);
  const head = [
    'workload',
    'cold (s)',
    'warm (s)',
    ...engines.flatMap((e) => [`Wasm ${e} (s)`, `${e} slowdown`]),
    'thesis cold / warm / Wasm (s)',
    'thesis slowdown',
  ];
  // several container entries (e.g. docker and process executors) get a row each, named
  const labelled = new Set(rows.map((r) => r.containerLabel)).size > 1;
  const cells = rows.map((r) => [
    labelled && r.containerLabel ? `${r.workload} (${r.containerLabel})` : r.workload,
    n(r.containerCold),
    n(r.containerWarm),
    ...engines.flatMap((e) => [n(r.engines[e]?.time), x(r.engines[e]?.slowdown)]),
    r.thesis ? `${r.thesis.cold} / ${r.thesis.warm} / ${r.thesis.wasm}` : '—',
    x(r.thesis?.slowdown),
  ]);
  return { head, cells };
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
