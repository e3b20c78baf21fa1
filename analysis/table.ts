/** Human-readable tables for stdout (cli-table3), and number formatting shared by renderers. */
import Table from 'cli-table3';

/** `compact`: no separator lines between rows (for tables where one item spans several rows). */
export function renderTable(
  head: string[],
  rows: (string | number | null | undefined)[][],
  { compact = false }: { compact?: boolean } = {},
): string {
  const table = new Table({
    head,
    style: { head: [], border: [] },
    ...(compact ? { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } } : {}),
  });
  for (const row of rows)
    table.push(row.map((cell) => (cell === null || cell === undefined ? '—' : String(cell))));
  return table.toString();
}

/** Format a number with `digits` significant digits (no exponent for everyday magnitudes). */
export function fmt(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

/** Format a ratio as a signed percentage: 0.053 -> "+5.3%". */
export function pct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(digits)}%`;
}
