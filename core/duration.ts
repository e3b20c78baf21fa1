/** Durations in suites, configs and flags: parsed to seconds once, at the edge. */
import { UsageError } from './errors.js';

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

/**
 * JSON Schema `pattern` of a duration string (what {@link parseDuration} accepts), as in
 * results/schema/suite.schema.json; with `type: ['number', 'string']` it describes a duration.
 */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|s|m|h))+)$';
