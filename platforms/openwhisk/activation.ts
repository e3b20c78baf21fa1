/**
 * Activation record → PlatformSide (core/records.ts). OpenWhisk reports epoch ms and
 * ms durations; we convert at this edge: instants via clock.fromEpochMs, durations to s.
 * Annotations are looked up by key, never by position (docs/design/platform-facts.md).
 */

import type { PointClock } from '../../core/platform.js';
import type { PlatformSide, RequestStatus } from '../../core/records.js';

export interface ActivationRecord {
  activationId: string;
  name?: string;
  namespace?: string;
  /** Epoch ms. */
  start: number;
  end?: number;
  /** ms */
  duration?: number;
  response?: { status?: string; statusCode?: number; success?: boolean; result?: unknown };
  annotations?: Array<{ key: string; value: unknown }>;
  logs?: string[];
}

/** An annotation's value by key (undefined when absent). */
export function annotation(record: ActivationRecord, key: string): unknown {
  return record.annotations?.find((a) => a.key === key)?.value;
}

function msToS(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v / 1000 : undefined;
}

/** Platform-side observations of one activation, on the point's clock (s). */
export function toPlatformSide(record: ActivationRecord, clock: PointClock): PlatformSide {
  const side: PlatformSide = { activationId: record.activationId };
  if (typeof record.start === 'number') side.startAt = clock.fromEpochMs(record.start);
  const end = typeof record.end === 'number' && record.end > 0 ? record.end : undefined;
  if (end !== undefined) side.endAt = clock.fromEpochMs(end);
  else if (typeof record.duration === 'number' && side.startAt !== undefined)
    side.endAt = side.startAt + record.duration / 1000;
  const waitTime = msToS(annotation(record, 'waitTime'));
  if (waitTime !== undefined) side.waitTime = waitTime;
  const initTime = msToS(annotation(record, 'initTime'));
  if (initTime !== undefined) side.initTime = initTime;
  // the thesis's cold flag: an initTime annotation is present
  side.cold = initTime !== undefined;
  return side;
}

/** Request status and error text from the activation's response. */
export function activationOutcome(record: ActivationRecord): {
  status: RequestStatus;
  errorMessage?: string;
  body?: unknown;
} {
  const r = record.response;
  if (r?.success === true || r?.status === 'success') return { status: 'ok', body: r.result };
  const result = r?.result as { error?: unknown } | undefined;
  const detail =
    typeof result?.error === 'string' ? result.error : JSON.stringify(result?.error ?? result ?? null);
  return {
    status: 'error',
    errorMessage: `activation ${r?.status ?? 'failed'}: ${detail}`.slice(0, 300),
    body: r?.result,
  };
}
