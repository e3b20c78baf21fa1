/**
 * `renderReport(dir)`: the report of one results directory — a terminal summary (returned as
 * `text`), `<dir>/report.html` (self-contained) and `<dir>/figures/*.{svg,png,vl.json}`;
 * with `csv`, also `<dir>/summary.csv`. The engine's `run` command calls it at the end; the
 * `faasmark report` command prints `text`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { rootPath } from '../../core/paths.js';
import { writeFigure } from '../plots/render.js';
import { renderTable } from '../table.js';
import { verdictMemory } from '../verdict/advise.js';
import { runVerdicts, verdictSummary } from '../verdict/measured.js';
import { toCsv } from './csv.js';
import { FIGURE_METRICS, runFigures } from './figures.js';
import {
  comparisonTableHtml,
  escapeHtml,
  figureHtml,
  ledgerTableHtml,
  manifestHtml,
  mapeTableHtml,
  page,
  serviceTimeTableHtml,
} from './html.js';
import { type JsonlIssue, loadRun } from './load-results.js';
import { loadRequestSeries } from './request-series.js';
import {
  comparisonRows,
  engineLabels,
  type LedgerRow,
  ledger,
  MAPE_HEAD,
  type MapeRow,
  mape,
  mapeCells,
  type ProfileTimes,
  type ServiceTimeRow,
  serviceTimeCells,
  serviceTimeTable,
} from './tables.js';
import { verdictFigures, verdictHtml } from './verdict.js';

/** Thesis Table 4.1 (results/thesis/table-4.1.json), s; empty when unreadable. */
function thesisTable41(): Record<string, { cold: number; warm: number; wasm: number }> {
  try {
    const doc = JSON.parse(readFileSync(rootPath('results', 'thesis', 'table-4.1.json'), 'utf8')) as {
      workloads?: Record<string, { cold: number; warm: number; wasm: number }>;
    };
    return doc.workloads ?? {};
  } catch {
    return {};
  }
}

export interface ReportOptions {
  /** MAPE above this fraction is highlighted (default 0.1). */
  mapeThreshold?: number;
  /** Also write summary.csv. */
  csv?: boolean;
  /** Skip figure rendering (tables only); figures already in figures/ are kept and shown. */
  figures?: boolean;
  /** Logarithmic y axes. */
  logY?: boolean;
}

export interface ReportResult {
  htmlPath: string;
  figures: string[];
  text: string;
  csvPath?: string;
  mape: MapeRow[];
  serviceTimes: ServiceTimeRow[];
  ledger: LedgerRow[];
  warnings: string[];
  corruptedLines: JsonlIssue[];
}

function readProfile(dir: string): ProfileTimes | undefined {
  const path = join(dir, 'profile.json');
  if (!existsSync(path)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { workloads?: ProfileTimes };
    return doc.workloads ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Render the report of the results directory `dir`.
 * @throws InputError when `dir` is not a readable results directory
 */
export async function renderReport(dir: string, opts: ReportOptions = {}): Promise<ReportResult> {
  const threshold = opts.mapeThreshold ?? 0.1;
  const run = loadRun(dir);
  const points = run.summary.points;
  const warnings = [...run.warnings];
  const simulated = points.filter((p) => p.simulated).map((p) => p.pointId);
  if (simulated.length)
    warnings.unshift(
      `simulated, not measured: ${simulated.length} point(s) come from the sim platform (${simulated.slice(0, 5).join(', ')}${simulated.length > 5 ? ', …' : ''}); their "measured" values are the simulator's`,
    );

  // per-request series (batch-means CIs) and the corrupted-line count per point
  const { requests, corrupted, issues: corruptedLines } = await loadRequestSeries(dir, points);
  if (corruptedLines.length) warnings.push(`${corruptedLines.length} corrupted JSONL line(s) skipped`);

  const rows = comparisonRows(points);
  const mapeRows = mape(rows, threshold);
  const serviceTimes = serviceTimeTable(
    points,
    readProfile(dir),
    engineLabels(run.manifest),
    thesisTable41(),
  );
  const ledgerRows = ledger(points, corrupted);

  // which executor wins: the run's verdicts (computed here for results written before them)
  const memory = verdictMemoryOf(run.manifest?.suiteConfig);
  const verdicts = run.summary.verdicts ?? runVerdicts(points, memory);
  const summaryWords = verdictSummary(verdicts);

  const figurePaths: string[] = [];
  const figureBlocks: string[] = [];
  const verdictBlocks: string[] = [];
  const figDir = join(dir, 'figures');
  if (opts.figures !== false) {
    const cores = run.manifest?.host?.cores;
    const variant = (run.manifest?.suiteConfig as { smpVariant?: unknown } | undefined)?.smpVariant;
    const figs = runFigures(points, {
      requests,
      ...(cores ? { cores } : {}),
      ...(variant === 'original' || variant === 'thesis' ? { smpVariant: variant } : {}),
      ...(opts.logY ? { logY: true } : {}),
    });
    for (const fig of figs) {
      const { svg, files } = await writeFigure(fig, figDir, { spec: true });
      figurePaths.push(...files);
      figureBlocks.push(figureHtml(svg, fig.title, fig.caption));
    }
    for (const fig of verdictFigures(points, verdicts, memory)) {
      const { svg, files } = await writeFigure(fig, figDir, { spec: true });
      figurePaths.push(...files);
      verdictBlocks.push(figureHtml(svg, fig.title, fig.caption));
    }
  }
  const figuresHtml = figureBlocks.length
    ? figureBlocks.join('\n')
    : opts.figures === false
      ? keptFigures(figDir)
      : '<p>No sweep in this run has two or more values of keep-alive or arrival rate: nothing to plot.</p>';

  const invalid = points.filter((p) => !p.valid);
  const title = `faasmark report: ${run.summary.suite} / ${run.summary.runId}`;
  const html = page(title, [
    {
      title: 'Which executor wins',
      html: `${verdictHtml(verdicts, summaryWords)}${verdictBlocks.join('\n')}`,
    },
    {
      title: 'Summary',
      html: `<p>${points.length} point(s), ${invalid.length} invalid. MAPE threshold ${(threshold * 100).toFixed(1)}% (rows over it are highlighted).</p>${
        warnings.length
          ? `<ul class="warn">${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>`
          : ''
      }`,
    },
    { title: 'Model error: MAPE per platform × workload × metric', html: mapeTableHtml(mapeRows) },
    {
      title: 'Service times (Table 4.1 analog)',
      html: serviceTimes.length
        ? serviceTimeTableHtml(serviceTimes)
        : '<p>The run recorded no model inputs.</p>',
    },
    { title: 'Figures', html: figuresHtml },
    { title: 'Measured vs predicted, per point and metric', html: comparisonTableHtml(rows, threshold) },
    { title: 'Integrity ledger', html: ledgerTableHtml(ledgerRows) },
    { title: 'Manifest', html: manifestHtml(run.manifest) },
  ]);
  const htmlPath = join(dir, 'report.html');
  await writeFileAtomic(htmlPath, html);

  let csvPath: string | undefined;
  if (opts.csv) {
    csvPath = join(dir, 'summary.csv');
    await writeFileAtomic(csvPath, toCsv(rows));
  }

  const text = renderText(
    title,
    summaryWords,
    mapeRows,
    serviceTimes,
    ledgerRows,
    warnings,
    htmlPath,
    figurePaths.length / 2,
  );
  return {
    htmlPath,
    figures: figurePaths,
    text,
    ...(csvPath ? { csvPath } : {}),
    mape: mapeRows,
    serviceTimes,
    ledger: ledgerRows,
    warnings,
    corruptedLines,
  };
}

function renderText(
  title: string,
  verdictWords: string[],
  mapeRows: MapeRow[],
  serviceTimes: ServiceTimeRow[],
  ledgerRows: LedgerRow[],
  warnings: string[],
  htmlPath: string,
  figureCount: number,
): string {
  const parts = [title, ''];
  if (verdictWords.length) parts.push('Which executor wins:', ...verdictWords.map((w) => `  ${w}`), '');
  const metrics = FIGURE_METRICS.map((m) => m.key as string).concat(['inFlight', 'rejectProb']);
  const sorted = [...mapeRows].sort((a, b) => metrics.indexOf(a.metric) - metrics.indexOf(b.metric));
  parts.push('Model error (MAPE, * = over threshold):');
  parts.push(
    sorted.length
      ? renderTable(
          MAPE_HEAD,
          sorted.map((r) => mapeCells(r, ' *')),
        )
      : '(no point has both a measured and a predicted value)',
  );
  if (serviceTimes.length) {
    parts.push('', 'Service times (Table 4.1 analog; Wasm per engine, slowdown = Wasm ÷ container warm):');
    const { head, cells } = serviceTimeCells(serviceTimes);
    parts.push(renderTable(head, cells));
  }
  const tot = ledgerRows.reduce(
    (a, r) => ({
      sent: a.sent + r.sent,
      ok: a.ok + r.ok,
      error: a.error + r.error,
      timeout: a.timeout + r.timeout,
      rejected: a.rejected + r.rejected,
    }),
    { sent: 0, ok: 0, error: 0, timeout: 0, rejected: 0 },
  );
  const invalid = ledgerRows.filter((r) => !r.valid);
  parts.push(
    '',
    `Integrity: ${ledgerRows.length} point(s); sent ${tot.sent}, ok ${tot.ok}, error ${tot.error}, timeout ${tot.timeout}, rejected ${tot.rejected}; ${invalid.length} invalid`,
  );
  for (const r of invalid)
    parts.push(`  invalid ${r.pointId}: ${r.invalidReasons.join('; ') || 'no reason given'}`);
  for (const w of warnings) parts.push(`warning: ${w}`);
  parts.push('', `report: ${htmlPath} (${figureCount} figure(s) under figures/)`);
  return parts.join('\n');
}

/** The suite's memory per executor for the verdict (older manifests: the defaults). */
function verdictMemoryOf(suiteConfig: unknown): { memoryMb: number; wasmMemoryMb: number } {
  return verdictMemory(
    (suiteConfig as { verdict?: { memoryMb?: number; wasmMemoryMb?: number } } | undefined)?.verdict,
  );
}

/** With --no-figures: the figures an earlier report rendered are kept and linked, not denied. */
function keptFigures(figDir: string): string {
  const svgs = existsSync(figDir)
    ? readdirSync(figDir)
        .filter((f) => f.endsWith('.svg'))
        .sort()
    : [];
  if (svgs.length === 0) return '<p>Figures were not rendered (--no-figures).</p>';
  return `<p>Figures were not re-rendered (--no-figures); those in figures/ from an earlier report:</p><ul>${svgs
    .map((f) => `<li><a href="figures/${escapeHtml(f)}">${escapeHtml(f)}</a></li>`)
    .join('')}</ul>`;
}
