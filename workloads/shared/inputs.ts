/**
 * Input helpers shared by the workloads' validators (workloads/<name>/inputs.ts): each takes the
 * raw input (from `--input`, a suite file or a request body), applies the defaults and the size
 * caps and names the field, the rule and the value on failure (InputError). The executors (Rust,
 * Python) enforce the same caps themselves, since OpenWhisk and Spin call them directly; these
 * checks give the CLI an early, precise message (docs/workloads.md "Inputs").
 */
import { InputError } from '../../core/errors.js';

/**
 * Request bodies larger than this are refused (413) by every executor: room for whatlang's
 * 4 MiB text with JSON escapes (faas-core MAX_BODY_BYTES, float's MAX_BODY_BYTES).
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Seeds are non-negative integers that survive a JSON round trip exactly. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

export type Obj = Record<string, unknown>;

export function asObject(workload: string, input: unknown): Obj {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InputError(`${workload} input must be a JSON object, got ${describe(input)}`, {
      hint: `pass e.g. --input '{}' (defaults) or see docs/workloads.md for the fields of ${workload}`,
    });
  }
  return input as Obj;
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= 60 ? text : `a ${typeof value}`;
}

export function rejectUnknown(workload: string, input: Obj, known: readonly string[]): void {
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) {
      throw new InputError(`${workload} input has unknown field "${key}"`, {
        hint: `known fields: ${known.join(', ')}`,
      });
    }
  }
}

export function intField(
  workload: string,
  input: Obj,
  field: string,
  def: number,
  min: number,
  max: number,
): number {
  const value = input[field];
  if (value === undefined) return def;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(
      `${workload} input field "${field}" must be an integer in [${min}, ${max}], got ${describe(value)}`,
    );
  }
  return value;
}

export function hexField(
  workload: string,
  input: Obj,
  field: string,
  bytes: number | undefined,
  maxBytes: number,
): string | undefined {
  const value = input[field];
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'string' &&
    /^([0-9a-fA-F]{2})*$/.test(value) &&
    (bytes === undefined ? value.length / 2 <= maxBytes : value.length === bytes * 2);
  if (!ok) {
    const rule =
      bytes === undefined
        ? `at most ${maxBytes} bytes of hex`
        : `exactly ${bytes * 2} hex digits (${bytes} bytes)`;
    throw new InputError(`${workload} input field "${field}" must be ${rule}, got ${describe(value)}`);
  }
  return (value as string).toLowerCase();
}

export function stringField(
  workload: string,
  input: Obj,
  field: string,
  def: string,
  maxBytes: number,
  minBytes = 0,
): string {
  const value = input[field];
  if (value === undefined) return def;
  if (typeof value !== 'string') {
    throw new InputError(`${workload} input field "${field}" must be a string, got ${describe(value)}`);
  }
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes || bytes < minBytes) {
    throw new InputError(
      `${workload} input field "${field}" must be ${minBytes}..${maxBytes} UTF-8 bytes long, got ${bytes} bytes`,
    );
  }
  return value;
}
