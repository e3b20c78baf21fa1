/**
 * Validators for the published results schemas (results/schema/*.json, each with a versioned
 * `$id`): manifest, run summary, point summary, request record, executor span. The engine's
 * tests validate everything it writes; `report`, `compare` and `gate` read results only
 * through them (analysis/report/load-results.ts) and refuse what does not validate. All go
 * through the shared validator (core/validate.ts).
 */
import { readFileSync } from 'node:fs';
import { rootPath } from '../core/paths.js';
import { compileAll, type JsonSchema, type ValidateFunction } from '../core/validate.js';

export const RESULT_SCHEMAS = [
  'manifest',
  'run-summary',
  'point-summary',
  'request-record',
  'executor-span',
  'metric-values',
] as const;
export type ResultSchemaName = (typeof RESULT_SCHEMAS)[number];

let validators: Map<ResultSchemaName, ValidateFunction> | undefined;

function load(): Map<ResultSchemaName, ValidateFunction> {
  const schemas = RESULT_SCHEMAS.map(
    (name) =>
      JSON.parse(readFileSync(rootPath('results', 'schema', `${name}.schema.json`), 'utf8')) as JsonSchema,
  );
  const compiled = compileAll(schemas);
  return new Map(RESULT_SCHEMAS.map((name, i) => [name, compiled[i] as ValidateFunction]));
}

/** Problems of `value` against a published schema (empty when valid). */
export function schemaProblems(name: ResultSchemaName, value: unknown): string[] {
  validators ??= load();
  const v = validators.get(name);
  if (!v) throw new Error(`no schema ${name}`);
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${name}${e.instancePath}: ${e.message ?? 'invalid'}`);
}
