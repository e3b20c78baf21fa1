/**
 * `faasmark reproduce thesis`: the model side of every thesis figure from Table 4.1, the
 * thesis's published measurements overlaid, optionally a faasmark run's measurements too;
 * writes <out>/index.html (self-contained), <out>/figures/*.{svg,png}, <out>/reproduction.json
 * and returns a terminal table of what was reproduced and how close. No platform needed.
 */
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../../core/fs-atomic.js';
import type { MetricKey } from '../../core/metrics.js';
import type { PointSummary } from '../../results/types.js';
import type { FigureSeries } from '../plots/figure.js';
import { writeFigure } from '../plots/render.js';
import { measuredSeries } from '../report/figures.js';
import { escapeHtml, figureHtml, page } from '../report/html.js';
import { loadRun } from '../report/load-results.js';
import { loadRequestSeries } from '../report/request-series.js';
import { fmt, renderTable } from '../table.js';
import { loadThesisData } from './data.js';
import { COINCIDE_TOLERANCE, type MeasuredOverlay, type ThesisFigure, thesisFigures } from './figures.js';
import { PUBLISHED_MEANS_BAND, type ThesisVerdict, thesisVerdicts } from './verdicts.js';

export interface ReproduceOptions {
  out: string;
  /** A faasmark results directory whose measurements go on the same figures. */
  measured?: string;
  /** Skip rendering (tables and checks only). */
  figures?: boolean;
  /** Override the thesis data directory (tests). */
  dataDir?: string;
  /** Only these figure numbers ("4.1", "A.1"); default all. */
  only?: string[];
}

export interface FigureStatus {
  number: string;
  caption: string;
  files: string[];
  /** Largest relative difference among the must-coincide checks (null: none apply). */
  maxRelDiff: number | null;
  status: 'coincides' | 'DIFFERS' | 'model only';
  closeness: ThesisFigure['closeness'];
  notes: string[];
}

export interface ReproduceResult {
  schemaVersion: 1;
  out: string;
  htmlPath: string;
  figures: FigureStatus[];
  /** Which executor wins where, from the published numbers (verdicts.ts). */
  verdicts: ThesisVerdict[];
  allCoincide: boolean;
  text: string;
}

/** Overlay of a faasmark run: containers at λ = 1 for keep-alive figures; by rate for load figures. */
async function overlayFor(dir: string): Promise<MeasuredOverlay> {
  const run = loadRun(dir);
  const points: PointSummary[] = run.summary.points;
  const { requests } = await loadRequestSeries(dir, points);
  const ctx = { requests };
  /** One measured series per platform of `pts`. */
  const perPlatform = (
    pts: PointSummary[],
    axis: 'keepAlive' | 'arrivalRate',
    metric: MetricKey,
  ): FigureSeries[] =>
    [...new Set(pts.map((p) => p.platform))]
      .map((pl) =>
        measuredSeries(
          `faasmark ${pl} (measured)`,
          pts.filter((p) => p.platform === pl),
          axis,
          metric,
          ctx,
        ),
      )
      .filter((s): s is FigureSeries => s !== null);
  return {
    keepAlive(fn: string, metric: MetricKey): FigureSeries[] {
      const pts = points.filter(
        (p) => p.workload === fn && p.executor === 'container' && p.arrivalRate === 1,
      );
      return perPlatform(pts, 'keepAlive', metric);
    },
    load(fn: string, metric: MetricKey, ka: number | null): FigureSeries[] {
      const pts = points.filter(
        (p) => p.workload === fn && (p.executor === 'wasm' || (ka !== null && p.keepAlive === ka)),
      );
      return perPlatform(pts, 'arrivalRate', metric);
    },
  };
}

function statusOf(f: ThesisFigure): Pick<FigureStatus, 'maxRelDiff' | 'status'> {
  const must = f.closeness.filter((c) => c.mustCoincide);
  if (must.length === 0) return { maxRelDiff: null, status: 'model only' };
  const max = Math.max(...must.map((c) => c.maxRelDiff));
  return { maxRelDiff: max, status: max <= COINCIDE_TOLERANCE ? 'coincides' : 'DIFFERS' };
}

export async function reproduceThesis(opts: ReproduceOptions): Promise<ReproduceResult> {
  const data = loadThesisData(opts.dataDir);
  const overlay = opts.measured ? await overlayFor(opts.measured) : undefined;
  const all = thesisFigures(data, overlay);
  const unknown = (opts.only ?? []).filter((n) => !all.some((f) => f.number === n));
  if (unknown.length) {
    throw new UsageError(
      `--only: unknown figure(s) ${unknown.join(', ')}; known: ${all.map((f) => f.number).join(', ')}`,
    );
  }
  const figs = opts.only?.length ? all.filter((f) => opts.only?.includes(f.number)) : all;
  const statuses: FigureStatus[] = [];
  const sections: { title: string; html: string }[] = [];
  for (const f of figs) {
    const files: string[] = [];
    const blocks: string[] = [];
    if (opts.figures !== false) {
      for (const fig of f.figures) {
        const { svg, files: written } = await writeFigure(fig, join(opts.out, 'figures'));
        files.push(...written);
        blocks.push(figureHtml(svg, fig.title));
      }
    }
    const st = statusOf(f);
    statuses.push({
      number: f.number,
      caption: f.caption,
      files,
      ...st,
      closeness: f.closeness,
      notes: f.notes,
    });
    const checks = f.closeness.length
      ? `<table><thead><tr><th>comparison</th><th>points</th><th>max relative difference</th><th>must coincide</th></tr></thead><tbody>${f.closeness
          .map(
            (c) =>
              `<tr${c.mustCoincide && c.maxRelDiff > COINCIDE_TOLERANCE ? ' class="bad"' : ''}><td>${escapeHtml(c.label)}</td><td>${c.points}</td><td>${fmt(c.maxRelDiff, 3)}</td><td>${c.mustCoincide ? 'yes' : 'no'}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : '';
    sections.push({
      title: `Figure ${f.number}: ${st.status}${st.maxRelDiff === null ? '' : ` (max relative difference ${fmt(st.maxRelDiff, 3)})`}`,
      html: `<p>${escapeHtml(f.caption)}</p>${f.notes.map((n) => `<p><em>${escapeHtml(n)}</em></p>`).join('')}${checks}${blocks.join('\n')}`,
    });
  }
  const allCoincide = statuses.every((s) => s.status !== 'DIFFERS');
  const intro = {
    title: 'What this page is',
    html: `<p>The model side of every figure of Monum (2024), "Evaluating Container-based and WebAssembly-based Serverless Platforms", recomputed by faasmark from the Table 4.1 service times (SMP thesis variant, max concurrency 1000; M/G/∞; M/G/c processor sharing with the thesis host's 10 cores), with the thesis's published measurements (results/thesis/, artifact commit c2b3fb3) overlaid${
      opts.measured
        ? ` and the measurements of the faasmark run <code>${escapeHtml(opts.measured)}</code>`
        : ''
    }. "Coincides" means our SMP matches the thesis's own published model numbers to ${COINCIDE_TOLERANCE} relative at every published point.</p>`,
  };
  const verdicts = thesisVerdicts(data);
  const verdictSection = {
    title: 'Which executor wins where (from the published numbers)',
    html: `<p>Per figure family, from the thesis's published means (no intervals: values within ${PUBLISHED_MEANS_BAND * 100}% are too close to call). Where the artifact measured one executor only, the other side is the model, as each sentence says.</p><ul>${verdicts
      .map((v) => `<li>${escapeHtml(v.sentence)}</li>`)
      .join('')}</ul>`,
  };
  const quirks = {
    title: 'Notes on the published data',
    html: data.quirks.map((q) => `<p>${escapeHtml(q)}</p>`).join('') || '<p>none</p>',
  };
  const htmlPath = join(opts.out, 'index.html');
  await writeFileAtomic(
    htmlPath,
    page('faasmark: thesis figures reproduced', [verdictSection, intro, ...sections, quirks]),
  );
  const text = [
    renderTable(
      ['figure', 'status', 'max rel. diff', 'panels', 'what'],
      statuses.map((s) => [
        s.number,
        s.status,
        s.maxRelDiff === null ? null : fmt(s.maxRelDiff, 3),
        s.files.length / 2,
        s.caption.slice(0, 70),
      ]),
    ),
    'Figs 4.8-4.14: the thesis\'s published float "Model" was computed at keep-alive 30 s (the text says 60 s); both curves are drawn, the 30 s one is checked.',
    ...data.quirks.map((q) => `note: ${q}`),
    'Which executor wins where (published numbers):',
    ...verdicts.map((v) => `  ${v.sentence}`),
    `page: ${htmlPath}`,
  ].join('\n');
  const result: ReproduceResult = {
    schemaVersion: 1,
    out: opts.out,
    htmlPath,
    figures: statuses,
    verdicts,
    allCoincide,
    text,
  };
  await writeJsonAtomic(join(opts.out, 'reproduction.json'), { ...result, text: undefined });
  return result;
}
