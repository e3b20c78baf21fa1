/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no external assets)
 * that opens offline. Pure: takes the report's data, returns the HTML text.
 */

import type { RunManifest } from '../../results/types.js';
import { fmt, pct } from '../table.js';
import {
  type ComparisonRow,
  type LedgerRow,
  MAPE_HEAD,
  type MapeRow,
  mapeCells,
  type ServiceTimeRow,
  serviceTimeCells,
} from './tables.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function table(head: string[], rows: string[][], rowClass: (i: number) => string = () => ''): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows
    .map(
      (r, i) =>
        `<tr${rowClass(i) ? ` class="${rowClass(i)}"` : ''}>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

const CSS = `body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}tr.bad td{background:#fde2e2}tr.invalid td{color:#999}
.over{background:#fde2e2;font-weight:bold}figure{display:inline-block;margin:1em;vertical-align:top;max-width:min(560px,100%)}
figure svg,figure img{max-width:100%;height:auto}section{overflow-x:auto}
figcaption{font-size:12px;color:#555}.warn{color:#a40}code{background:#f6f6f6;padding:0 3px}`;

export interface HtmlSection {
  title: string;
  html: string;
}

/** Wrap sections into a complete page. */
export function page(title: string, sections: HtmlSection[]): string {
  const body = sections
    .map((s) => `<section><h2>${escapeHtml(s.title)}</h2>\n${s.html}\n</section>`)
    .join('\n');
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>\n<body><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>\n`;
}

export function figureHtml(svg: string, title: string, caption?: string): string {
  // the SVG is produced by vega; strip an XML prolog if any so it inlines cleanly
  const inline = svg.replace(/^<\?xml[^>]*>\s*/, '');
  return `<figure>${inline}<figcaption>${escapeHtml(title)}${caption ? `<br>${escapeHtml(caption)}` : ''}</figcaption></figure>`;
}

/** The cells that identify a point (id, platform, workload, λ, keep-alive, repetition), escaped. */
function pointCells(r: {
  pointId: string;
  platform: string;
  workload: string;
  arrivalRate: number;
  keepAlive: number | null;
  repetition: number;
}): string[] {
  return [
    escapeHtml(r.pointId),
    escapeHtml(r.platform),
    escapeHtml(r.workload),
    fmt(r.arrivalRate),
    fmt(r.keepAlive),
    String(r.repetition),
  ];
}

/** The error as the rule states it: relative (highlighted over the threshold), or absolute. */
function errorCell(r: ComparisonRow, threshold: number): string {
  if (r.scoring === 'absolute') return `${r.absError === null ? '—' : fmt(r.absError)} (abs)`;
  const over = r.relError !== null && Math.abs(r.relError) > threshold && r.insideCi !== true;
  return `<span class="${over ? 'over' : ''}">${pct(r.relError)}</span>`;
}

export function comparisonTableHtml(rows: ComparisonRow[], threshold: number): string {
  return table(
    [
      'point',
      'platform',
      'workload',
      'λ (req/s)',
      'keep-alive (s)',
      'rep',
      'metric',
      'measured',
      '95% CI',
      'predicted',
      'error',
      'within noise',
    ],
    rows.map((r) => [
      ...pointCells(r),
      r.metric,
      fmt(r.measured),
      r.ciLo === null || r.ciHi === null ? '—' : `${fmt(r.ciLo)} … ${fmt(r.ciHi)}`,
      fmt(r.predicted),
      errorCell(r, threshold),
      r.insideCi === null ? '—' : r.insideCi ? 'yes' : 'no',
    ]),
    (i) => (rows[i]?.valid ? '' : 'invalid'),
  );
}

export function mapeTableHtml(rows: MapeRow[]): string {
  return table(
    MAPE_HEAD,
    rows.map((r) => mapeCells(r, '').map(escapeHtml)),
    (i) => (rows[i]?.overThreshold ? 'bad' : ''),
  );
}

/** The Table 4.1 analog: cold, warm, each Wasm engine with its slowdown, the thesis's figures. */
export function serviceTimeTableHtml(rows: ServiceTimeRow[]): string {
  const { head, cells } = serviceTimeCells(rows);
  return table(
    [...head, 'source'],
    cells.map((c, i) => [...c, (rows[i] as ServiceTimeRow).sources.join(', ')].map(escapeHtml)),
  );
}

export function ledgerTableHtml(rows: LedgerRow[]): string {
  return table(
    [
      'point',
      'platform',
      'workload',
      'λ',
      'keep-alive',
      'rep',
      'sent',
      'ok',
      'error',
      'timeout',
      'rejected',
      'send lag p99 (s)',
      'KS p',
      'corrupted lines',
      'valid',
    ],
    rows.map((r) => [
      ...pointCells(r),
      String(r.sent),
      String(r.ok),
      String(r.error),
      String(r.timeout),
      String(r.rejected),
      fmt(r.sendLagP99),
      fmt(r.ksPValue, 3),
      r.corruptedLines === null ? '—' : String(r.corruptedLines),
      r.valid ? 'yes' : `no: ${escapeHtml(r.invalidReasons.join('; ') || 'no reason given')}`,
    ]),
    (i) => (rows[i]?.valid ? '' : 'bad'),
  );
}

export function manifestHtml(m: RunManifest | null): string {
  if (!m) return '<p class="warn">manifest.json is missing: versions, digests and host are unknown.</p>';
  const rows: string[][] = [
    ['suite', escapeHtml(m.suite)],
    ['run id', escapeHtml(m.runId)],
    ['created', escapeHtml(m.createdAt)],
    ['seed', String(m.seed)],
    ['repeat', String(m.repeat)],
    ['faasmark', escapeHtml(m.faasmarkVersion)],
    ['git commit', escapeHtml(m.gitCommit ?? 'unknown')],
    ['host CPU', escapeHtml(`${m.host?.cpuModel} × ${m.host?.cores}`)],
    ['host memory', `${fmt((m.host?.memoryBytes ?? 0) / 2 ** 30, 3)} GiB`],
    ['host OS / kernel', escapeHtml(`${m.host?.os} ${m.host?.kernel}`)],
    ['Node', escapeHtml(m.host?.node ?? '')],
    ...(m.platforms ?? []).map((p) => [
      `platform ${escapeHtml(p.name)}`,
      escapeHtml(
        `${p.executor}${p.version ? `, version ${p.version}` : ''}${p.details ? `, ${JSON.stringify(p.details)}` : ''}`,
      ),
    ]),
  ];
  return table(['field', 'value'], rows);
}
