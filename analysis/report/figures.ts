/**
 * The run's figures in the thesis's form (Figs 4.1-4.7: metric vs keep-alive at one arrival
 * rate; Figs 4.8-4.20: metric vs arrival rate at one keep-alive): measured points with 95%
 * confidence intervals, model curves as lines, container and Wasm on one plot where the
 * metric is comparable (response time, running/total executors ↔ Wasm in-flight count).
 *
 * Confidence intervals of measured points: with ≥ 2 repetitions, the t-interval of the
 * per-repetition values; with one repetition, for respTime and coldProb, batch means over
 * the point's requests in arrival order (10 batches); otherwise none is drawn.
 */

import { groupBy } from '../../core/collections.js';
import type { MetricKey } from '../../core/metrics.js';
import type { PointSummary } from '../../results/types.js';
import type { SmpVariant } from '../models/smp.js';
import type { Figure, FigurePoint, FigureSeries } from '../plots/figure.js';
import { mean } from '../stats/bootstrap.js';
import { batchMeansCi, meanCi } from '../stats/t-interval.js';
import { entryOf } from './entry.js';
import { capacityValue, curve, grid, level, mginfValue, smpCurve } from './model-curves.js';

/** Figure metrics in the thesis's order (Figs 4.1-4.7). */
export const FIGURE_METRICS: { key: MetricKey; label: string; title: string }[] = [
  { key: 'respTime', label: 'mean response time (s)', title: 'Mean response time' },
  { key: 'running', label: 'running executors', title: 'Running executors' },
  { key: 'runningCold', label: 'running cold executors', title: 'Running cold executors' },
  { key: 'runningWarm', label: 'running warm executors', title: 'Running warm executors' },
  { key: 'idle', label: 'idle executors', title: 'Idle executors' },
  { key: 'totalExecutors', label: 'total executors', title: 'Total executors' },
  { key: 'coldProb', label: 'cold start probability', title: 'Cold start probability' },
];

/** Per-request series of one point, in arrival order (for batch-means CIs). */
export interface RequestSeries {
  resp: number[];
  cold: number[];
}

export interface FigureContext {
  requests: Map<string, RequestSeries>;
  /** Host cores for the capacity companion (manifest host fingerprint); omitted when unknown. */
  cores?: number;
  /** The suite's SMP variant (manifest suiteConfig.smpVariant); default thesis. */
  smpVariant?: SmpVariant;
  /** Logarithmic y axes (`faasmark report --log-y`). */
  logY?: boolean;
}

/** The measured value a point offers for a figure metric (Wasm: in-flight stands for running/total). */
export function measuredFor(p: PointSummary, metric: MetricKey): number | null {
  const m = p.measured ?? {};
  if (p.executor === 'wasm') {
    if (metric === 'respTime') return m.respTime ?? null;
    if (metric === 'running' || metric === 'totalExecutors') return m.inFlight ?? m.running ?? null;
    return null;
  }
  return m[metric] ?? null;
}

function pointWithCi(
  x: number,
  reps: PointSummary[],
  metric: MetricKey,
  ctx: FigureContext,
): FigurePoint | null {
  const vals = reps
    .map((p) => measuredFor(p, metric))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (vals.length === 0) return null;
  if (vals.length >= 2) {
    const ci = meanCi(vals);
    if (ci) return { x, y: ci.mean, lo: Math.max(0, ci.lo), hi: ci.hi };
  }
  const y = vals[0] as number;
  const series = ctx.requests.get((reps[0] as PointSummary).pointId);
  if (series && (metric === 'respTime' || metric === 'coldProb')) {
    const ci = batchMeansCi(metric === 'respTime' ? series.resp : series.cold);
    if (ci) return { x, y, lo: Math.max(0, ci.lo), hi: ci.hi };
  }
  return { x, y };
}

/** `pick(p)` of the points with an x on `axis`, grouped by x (ascending); undefined picks are left out. */
function groupByX<T>(
  points: PointSummary[],
  axis: 'keepAlive' | 'arrivalRate',
  pick: (p: PointSummary) => T | undefined,
): [number, T[]][] {
  const xOf = (p: PointSummary) => (axis === 'keepAlive' ? p.keepAlive : p.arrivalRate);
  const byX = groupBy(
    points.filter((p) => xOf(p) !== null && pick(p) !== undefined),
    (p) => xOf(p) as number,
  );
  return [...byX.entries()]
    .map(([x, ps]): [number, T[]] => [x, ps.map((p) => pick(p) as T)])
    .sort((a, b) => a[0] - b[0]);
}

export function measuredSeries(
  name: string,
  points: PointSummary[],
  axis: 'keepAlive' | 'arrivalRate',
  metric: MetricKey,
  ctx: FigureContext,
): FigureSeries | null {
  const pts = groupByX(points, axis, (p) => (p.valid ? p : undefined))
    .map(([x, reps]) => pointWithCi(x, reps, metric, ctx))
    .filter((p): p is FigurePoint => p !== null);
  return pts.length ? { name, kind: 'measured', points: pts } : null;
}

function distinct(xs: (number | null)[]): number[] {
  return [...new Set(xs.filter((x): x is number => x !== null))].sort((a, b) => a - b);
}

/**
 * SMP inputs for a figure's curve: the mean warm and cold service times over the points that
 * carry them (`varies` when the points were fed different inputs, e.g. one profile per point).
 */
export function containerInputs(
  points: PointSummary[],
): { warm: number; cold: number; varies: boolean } | null {
  const ws: number[] = [];
  const cs: number[] = [];
  for (const p of points) {
    const mi = p.modelInputs;
    if (mi && typeof mi.warm === 'number' && typeof mi.cold === 'number' && mi.warm > 0 && mi.cold > 0) {
      ws.push(mi.warm);
      cs.push(mi.cold);
    }
  }
  if (ws.length === 0) return null;
  const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
  const warm = mean(ws);
  const cold = mean(cs);
  return { warm, cold, varies: spread(ws) > 1e-12 * warm || spread(cs) > 1e-12 * cold };
}

/**
 * The mean client overhead of points fed platform-side inputs (the bridge from the platform
 * clock to the client's, docs/engine.md "Which clock"); undefined when the inputs are on the
 * client clock already.
 */
function clientOverhead(points: PointSummary[]): number | undefined {
  const xs = points
    .filter((p) => p.modelInputs?.clock === 'platform')
    .map((p) => p.modelInputs?.clientOverhead)
    .filter((v): v is number => typeof v === 'number');
  return xs.length ? mean(xs) : undefined;
}

/** The run's own per-point predictions (mean over repetitions), as points: they are no curve. */
function predictedSeries(
  name: string,
  points: PointSummary[],
  axis: 'keepAlive' | 'arrivalRate',
  metric: MetricKey,
): FigureSeries | null {
  const pts = groupByX(points, axis, (p) => {
    const y = p.predicted?.[metric];
    return typeof y === 'number' && Number.isFinite(y) ? y : undefined;
  }).map(([x, ys]) => ({ x, y: mean(ys) }));
  return pts.length ? { name, kind: 'predicted', points: pts } : null;
}

function smpLabel(wl: string, inputs: { warm: number; cold: number; varies: boolean }, extra = ''): string {
  const w = Number(inputs.warm.toPrecision(4));
  const c = Number(inputs.cold.toPrecision(4));
  return `SMP ${wl}${extra} (w = ${w} s, c = ${c} s${inputs.varies ? ": mean of the points' inputs" : ''})`;
}

function wasmServiceTime(points: PointSummary[]): number | null {
  for (const p of points) {
    const s = p.modelInputs?.wasm ?? p.modelInputs?.warm;
    if (typeof s === 'number' && s > 0) return s;
  }
  return null;
}

const CI_NOTE =
  'Dots: measured (95% CI: t-interval over repetitions, or batch means of one run for response time and cold probability). Lines: models.';

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-|-$/g, '');
}

/** Every figure the run supports. */
export function runFigures(points: PointSummary[], ctx: FigureContext): Figure[] {
  const figures: Figure[] = [];
  for (const wl of new Set(points.map((p) => p.workload))) {
    const group: WorkloadPoints = {
      wl,
      cont: points.filter((p) => p.workload === wl && p.executor === 'container'),
      wasm: points.filter((p) => p.workload === wl && p.executor === 'wasm'),
    };
    figures.push(...keepAliveFigures(group, ctx), ...loadFigures(group, ctx));
  }
  return figures;
}

/** A point's suite entry: its label (two entries of one platform, e.g. docker and process, stay apart). */

/** How a platform's values came about: measured, or simulated by the `sim` platform. */
function observed(points: PointSummary[]): string {
  return points.some((p) => p.simulated) ? 'simulated' : 'measured';
}

/** One workload's points, by executor kind. */
interface WorkloadPoints {
  wl: string;
  cont: PointSummary[];
  wasm: PointSummary[];
}

/** The measured series of every platform among `points`, against `x`. */
function platformSeries(
  wl: string,
  points: PointSummary[],
  x: 'keepAlive' | 'arrivalRate',
  key: MetricKey,
  ctx: FigureContext,
): FigureSeries[] {
  const series: FigureSeries[] = [];
  for (const pl of new Set(points.map(entryOf))) {
    const mine = points.filter((p) => entryOf(p) === pl);
    const s = measuredSeries(`${pl} ${wl} (${observed(mine)})`, mine, x, key, ctx);
    if (s) series.push(s);
  }
  return series;
}

/** The SMP curve over `xs` and, when the points' inputs differ, the per-point predictions. */
function smpSeries(
  wl: string,
  points: PointSummary[],
  x: 'keepAlive' | 'arrivalRate',
  fixed: number,
  xs: number[],
  key: MetricKey,
  ctx: FigureContext,
  labelExtra = '',
): FigureSeries[] {
  const inputs = containerInputs(points);
  if (!inputs) return [];
  // respTime is measured on the client: a curve of platform-side inputs is moved there by the
  // profile's client overhead (as the point predictions are), and the legend says so
  const overhead = key === 'respTime' ? clientOverhead(points) : undefined;
  const curvePoints = smpCurve(key, { ...inputs, variant: ctx.smpVariant ?? 'thesis' }, x, fixed, xs);
  const series: FigureSeries[] = [
    {
      name: smpLabel(
        wl,
        inputs,
        `${labelExtra}${overhead !== undefined ? `, client clock: + ${Number((overhead * 1000).toPrecision(3))} ms overhead` : ''}`,
      ),
      kind: 'model',
      points: overhead === undefined ? curvePoints : curvePoints.map((p) => ({ ...p, y: p.y + overhead })),
    },
  ];
  const per = inputs.varies
    ? predictedSeries(`SMP ${wl}: the run's per-point predictions`, points, x, key)
    : null;
  if (per) series.push(per);
  return series;
}

const MGINF_METRICS: readonly MetricKey[] = ['respTime', 'running', 'totalExecutors'];

/** Metric vs keep-alive (Figs 4.1-4.7), one set per arrival rate with ≥ 2 keep-alives. */
function keepAliveFigures({ wl, cont, wasm }: WorkloadPoints, ctx: FigureContext): Figure[] {
  const figures: Figure[] = [];
  const es = wasmServiceTime(wasm);
  for (const rate of distinct(cont.map((p) => p.arrivalRate))) {
    const atRate = cont.filter((p) => p.arrivalRate === rate);
    const kas = distinct(atRate.map((p) => p.keepAlive));
    if (kas.length < 2) continue;
    const xs = grid(kas[0] as number, kas[kas.length - 1] as number, 80);
    const [x0, x1] = [xs[0] as number, xs[xs.length - 1] as number];
    const wasmAtRate = wasm.filter((p) => p.arrivalRate === rate);
    for (const fm of FIGURE_METRICS) {
      const series = [
        ...platformSeries(wl, atRate, 'keepAlive', fm.key, ctx),
        ...smpSeries(wl, atRate, 'keepAlive', rate, xs, fm.key, ctx),
      ];
      // a Wasm platform has no keep-alive: its measurement is a level across the axis
      for (const pl of new Set(wasm.map(entryOf))) {
        const reps = wasmAtRate.filter((p) => entryOf(p) === pl);
        const v = reps.map((p) => measuredFor(p, fm.key)).find((y) => y !== null && y !== undefined);
        if (typeof v === 'number')
          series.push({
            name: `${pl} ${wl} (${observed(reps)}; no keep-alive)`,
            kind: 'model',
            points: level(x0, x1, v),
          });
      }
      if (es !== null && wasmAtRate.length && MGINF_METRICS.includes(fm.key)) {
        const y = mginfValue(fm.key, rate, es);
        if (y !== null) series.push({ name: `M/G/∞ ${wl}`, kind: 'model', points: level(x0, x1, y) });
      }
      if (series.some((s) => s.kind === 'measured')) {
        figures.push({
          id: slug(`${fm.key}-vs-keepAlive-${wl}-rate-${rate}`),
          title: `${fm.title} vs keep-alive: ${wl}, λ = ${rate} req/s`,
          xLabel: 'keep-alive (s)',
          yLabel: fm.label,
          ...(fm.key === 'respTime' ? { yTime: true } : {}),
          ...(ctx.logY ? { yScale: 'log' as const } : {}),
          series,
          caption: `${CI_NOTE} SMP: ${ctx.smpVariant ?? 'thesis'} variant, service times in the legend.`,
        });
      }
    }
  }
  return figures;
}

/**
 * Metric vs arrival rate (Figs 4.8-4.20): one set per container keep-alive swept over ≥ 2
 * rates; else a Wasm-only set when Wasm has ≥ 2 rates.
 */
function loadFigures({ wl, cont, wasm }: WorkloadPoints, ctx: FigureContext): Figure[] {
  const figures: Figure[] = [];
  const es = wasmServiceTime(wasm);
  const kaGroups: (number | null)[] = distinct(cont.map((p) => p.keepAlive)).filter(
    (ka) => distinct(cont.filter((p) => p.keepAlive === ka).map((p) => p.arrivalRate)).length >= 2,
  );
  if (kaGroups.length === 0 && distinct(wasm.map((p) => p.arrivalRate)).length >= 2) kaGroups.push(null);
  for (const ka of kaGroups) {
    const atKa = ka === null ? [] : cont.filter((p) => p.keepAlive === ka);
    const rates = distinct([...atKa.map((p) => p.arrivalRate), ...wasm.map((p) => p.arrivalRate)]);
    const xs = grid(rates[0] as number, rates[rates.length - 1] as number, 80);
    for (const fm of FIGURE_METRICS) {
      const series = [
        ...platformSeries(wl, atKa, 'arrivalRate', fm.key, ctx),
        ...(ka === null ? [] : smpSeries(wl, atKa, 'arrivalRate', ka, xs, fm.key, ctx, ` τ = ${ka} s`)),
        ...platformSeries(wl, wasm, 'arrivalRate', fm.key, ctx),
      ];
      if (es !== null && MGINF_METRICS.includes(fm.key)) {
        series.push({
          name: `M/G/∞ ${wl} (E[S] = ${es} s)`,
          kind: 'model',
          points: curve(xs, (x) => mginfValue(fm.key, x, es)),
        });
        const cores = ctx.cores;
        if (cores) {
          series.push({
            name: `M/G/c-PS ${wl} (c = ${cores})`,
            kind: 'model',
            points: curve(xs, (x) => capacityValue(fm.key, x, es, cores)),
          });
        }
      }
      if (series.some((s) => s.kind === 'measured')) {
        figures.push({
          id: slug(`${fm.key}-vs-rate-${wl}${ka === null ? '' : `-keepalive-${ka}`}`),
          title: `${fm.title} vs arrival rate: ${wl}${ka === null ? '' : `, keep-alive ${ka} s`}`,
          xLabel: 'arrival rate (req/s)',
          yLabel: fm.label,
          ...(fm.key === 'respTime' ? { yTime: true } : {}),
          ...(ctx.logY ? { yScale: 'log' as const } : {}),
          series,
          caption: `${CI_NOTE}${ctx.cores ? ` M/G/c-PS: capacity companion with the host's ${ctx.cores} cores (no line past its knee c/E[S]).` : ''}`,
        });
      }
    }
  }
  return figures;
}
