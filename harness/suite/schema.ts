/**
 * The published suite schema (results/schema/suite.schema.json, `$id` versioned). It is checked
 * through the shared validator (core/validate.ts); every `platforms[i]` entry is then checked
 * by its platform's own parser (platforms/<name>/config.ts), with paths `platforms[i].key`.
 */
import { readFileSync } from 'node:fs';
import { rootPath } from '../../core/paths.js';
import type { JsonSchema } from '../../core/validate.js';

export const SUITE_SCHEMA_PATH = rootPath('results', 'schema', 'suite.schema.json');

let cached: JsonSchema | undefined;

/** The published suite JSON Schema. */
export function suiteSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(SUITE_SCHEMA_PATH, 'utf8')) as JsonSchema;
  return cached as Record<string, unknown>;
}
