/** CSV export of the measured-vs-predicted summary (RFC 4180 quoting). */
import type { ComparisonRow } from './tables.js';

function cell(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_HEADER = [
  'pointId',
  'platform',
  'workload',
  'executor',
  'arrivalRate',
  'keepAlive',
  'repetition',
  'valid',
  'metric',
  'measured',
  'ciLo',
  'ciHi',
  'predicted',
  'relError',
  'absError',
  'scoring',
  'insideCi',
  'inMape',
] as const;

export function toCsv(rows: ComparisonRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of rows) {
    lines.push(CSV_HEADER.map((k) => cell(r[k])).join(','));
  }
  return `${lines.join('\n')}\n`;
}
