/**
 * Strict parsing of CLI flag values, done once at the edge. Every failure is a UsageError
 * naming the flag, the rule and the value (k6 style: "--keep-alive must be > 0, got -3").
 */
import { UsageError } from '../../core/errors.js';

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
