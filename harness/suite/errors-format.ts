/**
 * ajv errors → one readable line each: `<file>: <path> <rule>, got <value>` (STYLE.md: where,
 * rule, value; k6's constant_arrival_rate.go names the minimum and the actual value).
 * Paths use dots and brackets: `/platforms/0/routing` → `platforms[0].routing`.
 */
import type { ErrorObject } from 'ajv';

/** JSON pointer → `a.b[0].c`; `prefix` is prepended (e.g. `platforms[1]`). */
export function dotPath(pointer: string, prefix = ''): string {
  let out = prefix;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min(
        (dp[j] as number) + 1,
        (dp[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

/** The closest of `known` to `key` (case-insensitive edit distance ≤ 2), for "did you mean". */
export function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

/**
 * Format ajv errors (compiled with `allErrors` and `verbose`). `knownKeys(pointer)` lists the
 * keys allowed at a path, for did-you-mean on unknown keys.
 */
export function formatAjvErrors(
  errors: readonly ErrorObject[],
  file: string,
  prefix = '',
  knownKeys: (schema: unknown) => string[] = (schema) =>
    Object.keys((schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}),
): string[] {
  const lines: string[] = [];
  for (const e of errors) {
    const path = dotPath(e.instancePath, prefix);
    const where = path === '' ? `${file}:` : `${file}: ${path}`;
    // before a clause about the key itself: `<file>:` or `<file>: <path>:`
    const at = path === '' ? `${file}:` : `${where}:`;
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case 'enum':
        if ((e as { propertyName?: string }).propertyName !== undefined) {
          // from propertyNames: the key itself is wrong
          lines.push(
            `${at} key ${show((e as { propertyName?: string }).propertyName)} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`,
          );
          break;
        }
        lines.push(
          `${where} must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}, got ${show(e.data)}`,
        );
        break;
      case 'const':
        lines.push(`${where} must be ${show(p.allowedValue)}, got ${show(e.data)}`);
        break;
      case 'type':
        lines.push(`${where} must be ${String(p.type).replace(',', ' or ')}, got ${show(e.data)}`);
        break;
      case 'additionalProperties': {
        const key = String(p.additionalProperty);
        const near = suggest(key, knownKeys(e.parentSchema));
        lines.push(
          `${at} unknown key ${JSON.stringify(key)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`,
        );
        break;
      }
      case 'required': {
        lines.push(`${at} missing required key ${JSON.stringify(p.missingProperty)}`);
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        lines.push(`${where} must be ${String(p.comparison)} ${String(p.limit)}, got ${show(e.data)}`);
        break;
      case 'pattern':
        if (String(p.pattern).includes('(ms|s|m|h)')) {
          lines.push(
            `${where} must be a duration like 30, "500ms", "30s", "5m" or "1h", got ${show(e.data)}`,
          );
        } else lines.push(`${where} must match ${String(p.pattern)}, got ${show(e.data)}`);
        break;
      case 'minItems':
        lines.push(`${where} must have at least ${String(p.limit)} item(s)`);
        break;
      case 'uniqueItems':
        lines.push(`${where} must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`);
        break;
      case 'propertyNames':
        break; // the nested enum error names the key
      default:
        lines.push(`${where} ${e.message ?? 'is invalid'}`);
    }
  }
  return [...new Set(lines)];
}
