/** float input: fields, defaults and caps (float/src/float_kernel.py enforces the same). */
import { asObject, intField, type Obj, rejectUnknown } from '../shared/inputs.js';

export const FLOAT_CAPS = {
  /** points per request (MAX_POINTS in float_kernel.py). */
  points: 10_000_000,
} as const;

/** pyperformance "float": 100,000 points by default. */
export const DEFAULT_FLOAT_POINTS = 100_000;

/** pyperformance "float" over n points. Field: n. */
export function validateFloatInput(raw: unknown): Obj {
  const input = asObject('float', raw);
  rejectUnknown('float', input, ['n']);
  return { n: intField('float', input, 'n', DEFAULT_FLOAT_POINTS, 1, FLOAT_CAPS.points) };
}
