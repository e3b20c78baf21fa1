/**
 * A platform's suite entry, parsed one way for every platform: its JSON Schema (the one
 * source of shape and defaults; the config type is derived from it with json-schema-to-ts)
 * through the shared validator (core/validate.ts), then the platform's own rules: what a
 * schema cannot say (cross-field rules, env lookups, durations to seconds).
 *
 * Paths name what the user wrote, `<where>.<key>`: `where` is `<file>: platforms[i]` when a
 * suite is loaded, and the platform's name when its `create()` is called directly. The
 * entry's secrets (`writeOnly` keys, secret-like names, URL credentials) are registered for
 * scrubbing as soon as it parses (core/secrets.ts).
 */
import { ConfigError } from '../core/errors.js';
import { registerConfigSecrets } from '../core/secrets.js';
import { type JsonSchema, validate } from '../core/validate.js';

/** What a platform's rules get besides the validated entry. */
export interface RuleContext {
  /** Prefix of every path (`sim`, `quick.yaml: platforms[1]`). */
  where: string;
  /** The entry as written, before defaults: for rules about what was given. */
  given: Record<string, unknown>;
  /** Every problem so far; push lines that are not about a key (e.g. an env variable). */
  problems: string[];
  /** Record `<where>.<key> <rule>` (`key` '' for the entry itself). */
  problem(key: string, rule: string): void;
}

/** `<where>.<key>` (`key` may itself be dotted). */
export function entryPath(where: string, key: string): string {
  if (key === '') return where;
  return where.endsWith(':') ? `${where} ${key}` : `${where}.${key}`;
}

/**
 * Validate `raw` against `schema` (defaults filled into a copy), then run `rules` on the copy.
 * @throws ConfigError listing every problem, each with its path
 */
export function parseEntry<E, C = E>(
  name: string,
  schema: JsonSchema,
  raw: unknown,
  where: string,
  rules?: (entry: E, ctx: RuleContext) => C,
): C {
  registerConfigSecrets(raw, schema);
  const { value, problems } = validate<E>(schema, raw, where);
  const fail = () => new ConfigError(`${where}: invalid ${name} platform config`, problems);
  if (problems.length) throw fail();
  if (!rules) return value as unknown as C;
  const given = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const ctx: RuleContext = {
    where,
    given,
    problems,
    problem: (key, rule) => problems.push(`${entryPath(where, key)} ${rule}`),
  };
  const config = rules(value, ctx);
  registerConfigSecrets(config, schema);
  if (problems.length) throw fail();
  return config;
}
