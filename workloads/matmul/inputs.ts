/** matmul input: fields, defaults and caps (the Rust source matmul/src/lib.rs enforces the same). */
import { InputError } from '../../core/errors.js';
import { asObject, describe, intField, MAX_SEED, type Obj, rejectUnknown } from '../shared/inputs.js';

export const MATMUL_CAPS = {
  /** matrix dimension (n³ multiply-adds: 1000 → 1e9). */
  n: 1000,
  /** largest n for which `returnMatrices` may return a, b and c. */
  returnN: 64,
} as const;

/** Two n×n matrices of seeded N(0,1) values multiplied naively. Fields: n, seed, returnMatrices. */
export function validateMatmulInput(raw: unknown): Obj {
  const input = asObject('matmul', raw);
  rejectUnknown('matmul', input, ['n', 'seed', 'returnMatrices']);
  const n = intField('matmul', input, 'n', 50, 1, MATMUL_CAPS.n);
  const seed = intField('matmul', input, 'seed', 42, 0, MAX_SEED);
  const out: Obj = { n, seed };
  if (input.returnMatrices !== undefined) {
    if (typeof input.returnMatrices !== 'boolean') {
      throw new InputError(
        `matmul input field "returnMatrices" must be a boolean, got ${describe(input.returnMatrices)}`,
      );
    }
    if (input.returnMatrices && n > MATMUL_CAPS.returnN) {
      throw new InputError(
        `matmul input field "returnMatrices" is only allowed for n <= ${MATMUL_CAPS.returnN}, got n = ${n}`,
      );
    }
    out.returnMatrices = input.returnMatrices;
  }
  return out;
}
