/**
 * Two-proportion z-test, two-sided, pooled variance with Yates' continuity correction (as R's
 * `prop.test(c(x1, x2), c(n1, n2), correct = TRUE)` computes it, as a z rather than χ² = z²):
 *   p̂ = (x1 + x2)/(n1 + n2),  z = (|x1/n1 − x2/n2| − ½(1/n1 + 1/n2)) / √(p̂(1 − p̂)(1/n1 + 1/n2))
 *   p = erfc(z/√2)
 * Used for failure fractions (errors, timeouts, rejections) in `compare`.
 */
import { errorFunction } from 'simple-statistics';

export interface TwoProportionResult {
  /** Two-sided p-value; 1 when a side has no trials or nothing differs. */
  pValue: number;
  z: number;
}

export function twoProportionTest(x1: number, n1: number, x2: number, n2: number): TwoProportionResult {
  if (!(n1 > 0) || !(n2 > 0)) return { pValue: 1, z: 0 };
  const pooled = (x1 + x2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return { pValue: 1, z: 0 };
  const diff = Math.abs(x1 / n1 - x2 / n2);
  const z = Math.max(0, diff - 0.5 * (1 / n1 + 1 / n2)) / Math.sqrt(variance);
  return { pValue: Math.min(1, 1 - errorFunction(z / Math.SQRT2)), z };
}
