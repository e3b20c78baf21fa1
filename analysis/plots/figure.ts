/**
 * A figure in the thesis's form, independent of the plotting library: measured points (with
 * optional confidence intervals), model curves (lines), per-point predictions (hollow points,
 * never joined: they are not a curve) and marked x values (e.g. a crossover) of one metric
 * against keep-alive or arrival rate. A time axis is shown in ms when its values are under a
 * second. `vegaLiteSpec` turns it into a Vega-Lite spec; analysis/plots/render.ts draws it.
 */

export interface FigurePoint {
  x: number;
  y: number;
  /** Lower / upper bound of the confidence interval, when known. */
  lo?: number;
  hi?: number;
}

export interface FigureSeries {
  /** Legend label, e.g. "OpenWhisk aes (measured)" or "SMP aes". */
  name: string;
  /** Measured points are drawn as dots with error bars, models as lines, predictions as hollow points. */
  kind: 'measured' | 'model' | 'predicted';
  points: FigurePoint[];
}

export interface Figure {
  /** File-safe id, e.g. "fig-4.1" or "respTime-vs-keepAlive". */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: FigureSeries[];
  /** Logarithmic y axis (counts spanning decades). Default linear. */
  yScale?: 'linear' | 'log';
  /** The y values are seconds: shown in ms when they are all under a second (the label says which). */
  yTime?: boolean;
  /** Vertical marks at these x values, labelled (e.g. the crossover keep-alive). */
  markers?: { x: number; label: string }[];
  /** Text under the figure (what is measured, what is modelled, caveats). */
  caption?: string;
}

/** The font every figure uses; render.ts loads the same face into resvg so the PNG has text. */
export const FIGURE_FONT = 'DejaVu Sans';

interface Row {
  series: string;
  kind: FigureSeries['kind'];
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

/** Points drawn per figure are capped (fast rendering); model curves should use ≤ 200 points. */
export const MAX_POINTS_PER_FIGURE = 5000;

/**
 * Vega-Lite spec of a figure: a line layer for model series, a point layer for measured
 * series and a rule layer for their confidence intervals; one colour per series.
 */
export function vegaLiteSpec(fig: Figure, width = 520, height = 320): Record<string, unknown> {
  const rows: Row[] = [];
  const scale = yScaleOf(fig);
  for (const s of fig.series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      if (fig.yScale === 'log' && p.y <= 0) continue;
      const row: Row = { series: s.name, kind: s.kind, x: p.x, y: p.y * scale.factor };
      if (p.lo !== undefined && p.hi !== undefined && Number.isFinite(p.lo) && Number.isFinite(p.hi)) {
        row.lo = (fig.yScale === 'log' ? Math.max(p.lo, p.y * 1e-3) : p.lo) * scale.factor;
        row.hi = p.hi * scale.factor;
      }
      rows.push(row);
    }
  }
  if (rows.length > MAX_POINTS_PER_FIGURE) {
    throw new RangeError(
      `figure ${fig.id} has ${rows.length} points; at most ${MAX_POINTS_PER_FIGURE} render quickly`,
    );
  }
  const names = fig.series.map((s) => s.name);
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: names } };
  const x = { field: 'x', type: 'quantitative', title: fig.xLabel };
  const y = {
    field: 'y',
    type: 'quantitative',
    title: scale.label,
    scale: fig.yScale === 'log' ? { type: 'log' } : { type: 'linear', zero: false },
  };
  const layers: Record<string, unknown>[] = [];
  if (rows.some((r) => r.kind === 'model')) {
    layers.push({
      transform: [{ filter: "datum.kind === 'model'" }],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: { x, y, color, detail: { field: 'series' } },
    });
  }
  if (rows.some((r) => r.kind === 'measured' && r.lo !== undefined)) {
    layers.push({
      transform: [{ filter: "datum.kind === 'measured' && isValid(datum.lo)" }],
      mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
    });
  }
  if (rows.some((r) => r.kind === 'measured')) {
    layers.push({
      transform: [{ filter: "datum.kind === 'measured'" }],
      mark: { type: 'point', filled: true, size: 40 },
      encoding: { x, y, color },
    });
  }
  if (rows.some((r) => r.kind === 'predicted')) {
    layers.push({
      transform: [{ filter: "datum.kind === 'predicted'" }],
      mark: { type: 'point', filled: false, shape: 'diamond', size: 60, strokeWidth: 1.5 },
      encoding: { x, y, color },
    });
  }
  for (const m of fig.markers ?? []) {
    if (!Number.isFinite(m.x)) continue;
    layers.push({
      data: { values: [{ x: m.x, label: m.label }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: '#555' },
      encoding: { x: { field: 'x', type: 'quantitative' } },
    });
    layers.push({
      data: { values: [{ x: m.x, label: m.label }] },
      mark: { type: 'text', align: 'left', dx: 4, dy: -4, baseline: 'bottom', y: 0, color: '#333' },
      encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'label' } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: fig.title,
    width,
    height,
    background: 'white',
    data: { values: rows },
    layer: layers.length ? layers : [{ mark: 'point', encoding: { x, y } }],
    config: {
      font: FIGURE_FONT,
      // one entry per line under the plot, never truncated (a legend is read, not skimmed)
      legend: { orient: 'bottom', columns: 1, labelLimit: 0, symbolLimit: 0 },
      title: { fontSize: 14 },
    },
  };
}

/** A time axis in ms when every value is under a second, else as given; the label says which. */
function yScaleOf(fig: Figure): { factor: number; label: string } {
  if (!fig.yTime) return { factor: 1, label: fig.yLabel };
  const ys = fig.series.flatMap((s) => s.points.flatMap((p) => [p.y, p.hi ?? p.y])).filter(Number.isFinite);
  const ms = ys.length > 0 && Math.max(...ys.map(Math.abs)) < 1;
  const base = fig.yLabel.replace(/\s*\((s|seconds)\)\s*$/, '');
  return ms ? { factor: 1000, label: `${base} (ms)` } : { factor: 1, label: `${base} (s)` };
}
