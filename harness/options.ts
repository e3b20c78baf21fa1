/**
 * Strict parsing of CLI flag values, done once at the edge. Every failure is a UsageError
 * naming the flag, the rule and the value (k6 style: "--keep-alive must be > 0, got -3").
 */
import { UsageError } from './errors.js';

export interface NumberRule {
  /** inclusive lower bound */
  min?: number;
  /** exclusive lower bound (e.g. rates and times must be > 0) */
  greaterThan?: number;
  max?: number;
  integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const parts: string[] = [];
  if (rule.integer) parts.push('an integer');
  else parts.push('a number');
  if (rule.greaterThan !== undefined) parts.push(`> ${rule.greaterThan}`);
  if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(' ');
}

/** Parse one number for `flag`; rejects NaN, Infinity, junk like "1x", and values outside `rule`. */
export function parseNumber(flag: string, raw: string | number, rule: NumberRule = {}): number {
  const text = String(raw).trim();
  const value = text === '' ? Number.NaN : Number(text);
  const ok =
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.greaterThan === undefined || value > rule.greaterThan) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new UsageError(`${flag} must be ${describeRule(rule)}, got ${JSON.stringify(String(raw))}`);
  return value;
}

/** Parse a comma list ("1,5,30") of numbers for `flag`; every element must satisfy `rule`. */
export function parseNumberList(flag: string, raw: string | number, rule: NumberRule = {}): number[] {
  const items = String(raw).split(',');
  if (items.some((s) => s.trim() === '')) {
    throw new UsageError(
      `${flag} must be a comma-separated list of numbers, got ${JSON.stringify(String(raw))}`,
    );
  }
  return items.map((item) => {
    try {
      return parseNumber(flag, item, rule);
    } catch {
      throw new UsageError(
        `${flag} must be a comma-separated list, each ${describeRule(rule)}; ${JSON.stringify(item.trim())} is not (in ${JSON.stringify(String(raw))})`,
      );
    }
  });
}

/** The value of a flag that must be given; `context` ends the message (" in --mode wasm"). */
export function requiredFlag(flag: string, value: string | undefined, context = ''): string {
  if (value === undefined) throw new UsageError(`${flag} is required${context}`);
  return value;
}

/** Parse one of `accepted` for `flag`. */
export function parseChoice<T extends string>(flag: string, raw: string, accepted: readonly T[]): T {
  if ((accepted as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`${flag} must be one of ${accepted.join(', ')}, got ${JSON.stringify(raw)}`);
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * Parse a duration to seconds: a bare number is seconds; "500ms", "10s", "5m", "1h", "1m30s"
 * are accepted (like k6's durations). Throws UsageError naming `where`.
 */
export function parseDuration(where: string, raw: string | number): number {
  if (typeof raw === 'number') {
    if (Number.isFinite(raw) && raw >= 0) return raw;
    throw new UsageError(`${where} must be a duration >= 0 (e.g. 30, "30s", "5m"), got ${raw}`);
  }
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new UsageError(
      `${where} must be a duration like 30, "500ms", "30s", "5m" or "1h", got ${JSON.stringify(raw)}`,
    );
  }
  return total;
}

/** {@link parseDuration}, and the duration must be > 0 (timeouts, probe lengths). */
export function parsePositiveDuration(where: string, raw: string | number): number {
  const seconds = parseDuration(where, raw);
  if (!(seconds > 0)) throw new UsageError(`${where} must be > 0, got ${JSON.stringify(raw)}`);
  return seconds;
}
