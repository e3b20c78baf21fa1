/**
 * The published suite schema (results/schema/suite.schema.json, `$id` versioned) and the
 * composition with each platform's own `configSchema` (platforms/<name>/config.ts), done at
 * load time: the suite schema checks the shape, then every `platforms[i]` entry is checked
 * against its platform's schema, with paths prefixed `platforms[i]`.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { rootPath } from '../../core/paths.js';

export const SUITE_SCHEMA_PATH = rootPath('results', 'schema', 'suite.schema.json');

let cached: Record<string, unknown> | undefined;

/** The published suite JSON Schema. */
export function suiteSchema(): Record<string, unknown> {
  cached ??= JSON.parse(readFileSync(SUITE_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  return cached;
}

/** A fresh ajv configured like every faasmark validator: all errors, verbose data, strict types off. */
export function createAjv(draft2020 = false): Ajv {
  const options = { allErrors: true, verbose: true, strict: false };
  const ajv = draft2020 ? new Ajv2020(options) : new Ajv(options);
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  return ajv;
}

let suiteValidator: ValidateFunction | undefined;

export function suiteValidate(): ValidateFunction {
  suiteValidator ??= createAjv().compile(suiteSchema());
  return suiteValidator;
}

const platformValidators = new Map<string, ValidateFunction>();

/** Compile (once) a platform's configSchema, with its own ajv so `$id`s never clash. */
export function platformValidate(name: string, schema: Record<string, unknown>): ValidateFunction {
  let v = platformValidators.get(name);
  if (!v) {
    v = createAjv(String(schema.$schema ?? '').includes('2020-12')).compile(schema);
    platformValidators.set(name, v);
  }
  return v;
}
