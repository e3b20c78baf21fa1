/**
 * Input checks shared by the models. Each failure is an InputError naming the field, the rule
 * and the value (docs/design/conventions.md: "where, rule, value"), thrown before any computation.
 */
import { InputError } from '../../core/errors.js';

/** `value` must be a finite number > 0. */
export function requirePositive(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InputError(`${field} must be a finite number > 0, got ${describe(value)}`);
  }
  return value;
}

/** `value` must be an integer in [min, max]. */
export function requireInteger(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${field} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** `value` must be a finite number in the open interval (0, 1). */
export function requireFraction(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new InputError(`${field} must be a number strictly between 0 and 1, got ${describe(value)}`);
  }
  return value;
}

/** `value` must be one of `accepted`. */
export function requireChoice<T extends string>(field: string, value: unknown, accepted: readonly T[]): T {
  if (typeof value === 'string' && (accepted as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${field} must be one of ${accepted.join(', ')}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}
