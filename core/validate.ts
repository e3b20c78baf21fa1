/**
 * The one JSON Schema validator: a single shared ajv (draft 2020-12, with the draft-07
 * meta-schema added so the published draft-07 schemas compile through it too), `allErrors`,
 * `useDefaults`, verbose errors and formats; compiled schemas cached by `$id`. Every config
 * (suite, platform entries, Helm values, SpinApp subset) and every results file goes through it.
 * Problems read `<where>.<path> <rule>, got <value>` (docs/engine.md "Suite reference").
 * Imports npm packages only: the callers turn problems into their own errors.
 */
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export type { ValidateFunction } from 'ajv/dist/2020.js';

/** A JSON Schema object (any draft ajv understands: 2020-12 or draft-07). */
export type JsonSchema = Readonly<Record<string, unknown>>;

const DRAFT_07 = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-07.json') as JsonSchema;

let shared: Ajv2020 | undefined;

/** The shared ajv instance (created on first use). */
function ajv(): Ajv2020 {
  if (shared) return shared;
  const instance = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: false });
  instance.addMetaSchema(DRAFT_07);
  (addFormats as unknown as (a: Ajv2020) => Ajv2020)(instance);
  shared = instance;
  return instance;
}

/** Schemas without an `$id`, cached by identity. */
const anonymous = new WeakMap<object, ValidateFunction>();

/**
 * The compiled validator of `schema`, cached by its `$id` (by identity when it has none).
 * Note: it fills defaults into the value it checks; {@link validate} checks a copy.
 */
export function compile(schema: JsonSchema): ValidateFunction {
  const id = typeof schema.$id === 'string' ? schema.$id : undefined;
  if (id === undefined) {
    let v = anonymous.get(schema);
    if (!v) {
      v = ajv().compile(schema);
      anonymous.set(schema, v);
    }
    return v;
  }
  return (ajv().getSchema(id) as ValidateFunction | undefined) ?? ajv().compile(schema);
}

/** Compile schemas that `$ref` each other by `$id` (e.g. the results schemas), in any order. */
export function compileAll(schemas: readonly JsonSchema[]): ValidateFunction[] {
  const a = ajv();
  for (const s of schemas) if (!a.getSchema(String(s.$id))) a.addSchema(s);
  return schemas.map((s) => a.getSchema(String(s.$id)) as ValidateFunction);
}

/** What {@link validate} returns: a copy of the value with defaults filled in, and every problem. */
export interface Validated<T> {
  value: T;
  problems: string[];
}

/**
 * Validate a copy of `value` against `schema` (defaults filled into the copy).
 * `where` names the value in messages (see {@link joinPath}): `sim`, `quick.yaml: platforms[1]`,
 * or `quick.yaml:` for a file's root.
 */
export function validate<T = unknown>(schema: JsonSchema, value: unknown, where: string): Validated<T> {
  const copy = structuredClone(value);
  const v = compile(schema);
  const problems = v(copy) ? [] : formatErrors(v.errors ?? [], where);
  return { value: copy as T, problems };
}

/**
 * `where` followed by a JSON pointer, in the users' notation: keys joined with dots, indices
 * in brackets; after a `where` ending in ':' (a file's root) the path follows a space.
 * `('sim', '/serviceTime/cv')` → `sim.serviceTime.cv`; `('s.yaml:', '/keepAlive/1')` → `s.yaml: keepAlive[1]`.
 */
export function joinPath(where: string, pointer: string): string {
  let out = where;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (out === '') out = part;
    else out += out.endsWith(':') ? ` ${part}` : `.${part}`;
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

type SchemaNode = Readonly<Record<string, unknown>>;

/** One branch of an anyOf / oneOf in words: `an object with file`, `an integer >= 1`, `a string matching …`. */
function describeBranch(branch: SchemaNode): string {
  if (Array.isArray(branch.required) && branch.required.length)
    return `an object with ${branch.required.join(' and ')}`;
  const bounds = [
    branch.minimum !== undefined ? `>= ${String(branch.minimum)}` : '',
    branch.exclusiveMinimum !== undefined ? `> ${String(branch.exclusiveMinimum)}` : '',
    branch.maximum !== undefined ? `<= ${String(branch.maximum)}` : '',
    branch.pattern !== undefined ? `matching ${String(branch.pattern)}` : '',
  ].filter(Boolean);
  const type = typeof branch.type === 'string' ? branch.type : 'value';
  const article = /^[aeiou]/.test(type) ? 'an' : 'a';
  return [`${article} ${type}`, ...bounds].join(' ');
}

/** Choices that failed as a whole: one line (`needs wasm or native`), not one per branch. */
function choiceLine(e: ErrorObject, where: string, got: string): string {
  const branches = (e.schema as SchemaNode[]) ?? [];
  const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
  if (Array.isArray(passing))
    return `${where} must be only one of ${branches.map(describeBranch).join(' or ')}${got}`;
  const onlyRequired = branches.every((b) => Object.keys(b).length === 1 && Array.isArray(b.required));
  if (onlyRequired)
    return `${where} needs ${branches.map((b) => (b.required as string[]).join(' and ')).join(' or ')}${got}`;
  return `${where} must be ${branches.map(describeBranch).join(' or ')}${got}`;
}

/** One readable line for one ajv error (compiled with `verbose`: data and parentSchema are set). */
function errorLine(e: ErrorObject, where: string): string | undefined {
  const path = joinPath(where, e.instancePath);
  const subject = path === '' ? '(root)' : path;
  // before a clause about a key of the value: `<file>:` or `<path>:`
  const at = subject.endsWith(':') ? subject : `${subject}:`;
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const secret = parent.writeOnly === true;
  const got = secret ? '' : `, got ${show(e.data)}`;
  const p = e.params as Record<string, unknown>;
  if (
    typeof parent.errorMessage === 'string' &&
    e.keyword !== 'required' &&
    e.keyword !== 'additionalProperties'
  )
    return `${subject} ${parent.errorMessage}${got}`;
  switch (e.keyword) {
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).map(String).join(', ');
      const key = (e as { propertyName?: string }).propertyName;
      // from propertyNames: the key itself is wrong
      if (key !== undefined) return `${at} key ${show(key)} must be one of ${allowed}`;
      return `${subject} must be one of ${allowed}${got}`;
    }
    case 'const':
      return `${subject} must be ${show(p.allowedValue)}${got}`;
    case 'type':
      return `${subject} must be ${String(p.type).replace(',', ' or ')}${got}`;
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const near = suggest(key, Object.keys((parent.properties as SchemaNode | undefined) ?? {}));
      return `${at} unknown key ${JSON.stringify(key)}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`;
    }
    case 'required':
      return `${at} missing required key ${JSON.stringify(p.missingProperty)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${subject} must be ${String(p.comparison)} ${String(p.limit)}${got}`;
    case 'pattern':
      if (String(p.pattern).includes('(ms|s|m|h)'))
        return `${subject} must be a duration like 30, "500ms", "30s", "5m" or "1h"${got}`;
      return `${subject} must match ${String(p.pattern)}${got}`;
    case 'format':
      return `${subject} must be a ${String(p.format)}${got}`;
    case 'minItems':
      return `${subject} must have at least ${String(p.limit)} item(s)`;
    case 'uniqueItems':
      return `${subject} must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    case 'propertyNames':
      return undefined; // the nested enum error names the key
    case 'anyOf':
    case 'oneOf':
      return choiceLine(e, subject, got);
    default:
      return `${subject} ${e.message ?? 'is invalid'}`;
  }
}

/**
 * ajv errors → one line each, `where` prefixed (see {@link joinPath}). Errors inside a failed
 * anyOf / oneOf are folded into that choice's one line; a `writeOnly` value (a secret) is never
 * echoed; a schema's `errorMessage` (a string) replaces the rule text of its errors.
 */
export function formatErrors(errors: readonly ErrorObject[], where: string): string[] {
  const choices = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => `${e.schemaPath}/`);
  const lines: string[] = [];
  for (const e of errors) {
    if (choices.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    const line = errorLine(e, where);
    if (line !== undefined) lines.push(line);
  }
  return [...new Set(lines)];
}
