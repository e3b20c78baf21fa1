/**
 * Invalid-point rules: a point that fails one is kept (its data is the truth) but marked
 * `valid: false` with the reasons, and never reported as a result.
 * - books: sent = ok + error + timeout + rejected (a failure here is a faasmark bug);
 * - interrupted: the point did not run to the end;
 * - nothing measured: no request arrived in the window;
 * - rate shortfall: achieved rate below the schedule's own rate by more than
 *   `maxRateShortfall` (the schedule's rate, not λ: a Poisson count's noise is no shortfall);
 * - error budget: (error + timeout) / sent above `errorBudget`, naming the most frequent
 *   failure message. Rejections are a metric (rejectProb), not errors;
 * - too few requests: fewer than `minRequests` answered ok in the window;
 * - platform failed: the platform reported itself unhealthy during the point (its reason).
 */
import type { RequestCounts } from '../../results/types.js';
import type { Thresholds } from '../suite/types.js';

export interface IntegrityInput {
  requests: RequestCounts;
  complete: boolean;
  achievedRate: number | null;
  /** Measured arrivals scheduled / measured duration (req/s). */
  scheduledRate: number | null;
  thresholds: Thresholds;
  /** Why the platform stopped being usable during the point, if it did. */
  platformFailure?: string;
  /** The most frequent message of the point's errors and timeouts. */
  commonFailure?: { message: string; count: number } | null;
}

export function booksBalance(c: RequestCounts): boolean {
  return c.sent === c.ok + c.error + c.timeout + c.rejected;
}

export function invalidReasons(input: IntegrityInput): string[] {
  const { requests: c, thresholds: t } = input;
  const reasons: string[] = [];
  if (!booksBalance(c)) {
    reasons.push(
      `books do not balance: sent ${c.sent} ≠ ok ${c.ok} + error ${c.error} + timeout ${c.timeout} + rejected ${c.rejected}`,
    );
  }
  if (!input.complete) reasons.push('interrupted before the end of the point');
  if (c.sent === 0) {
    reasons.push('no request arrived in the measurement window');
    return reasons;
  }
  if (input.achievedRate !== null && input.scheduledRate !== null && input.scheduledRate > 0) {
    const shortfall = 1 - input.achievedRate / input.scheduledRate;
    if (shortfall > t.maxRateShortfall) {
      reasons.push(
        `achieved rate ${input.achievedRate.toPrecision(4)} req/s is ${(shortfall * 100).toFixed(1)}% below the schedule's ${input.scheduledRate.toPrecision(4)} req/s (limit ${(t.maxRateShortfall * 100).toFixed(1)}%)`,
      );
    }
  }
  if (input.platformFailure) reasons.push(`platform failed during the point: ${input.platformFailure}`);
  if (c.ok < t.minRequests) {
    reasons.push(
      `too few requests: ${c.ok} answered ok in the measurement window, fewer than minRequests ${t.minRequests} (lengthen the point or raise its arrival rate)`,
    );
  }
  const failed = (c.error + c.timeout) / c.sent;
  if (failed > t.errorBudget) {
    reasons.push(
      `error budget exceeded: ${c.error} errors + ${c.timeout} timeouts of ${c.sent} sent = ${(failed * 100).toFixed(1)}% (budget ${(t.errorBudget * 100).toFixed(1)}%)${mostFrequent(input.commonFailure)}`,
    );
  }
  return reasons;
}

function mostFrequent(f: { message: string; count: number } | null | undefined): string {
  return f ? `; most frequent (${f.count}×): ${JSON.stringify(f.message)}` : '';
}
