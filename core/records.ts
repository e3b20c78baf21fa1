/**
 * The per-request and per-executor records every platform produces and every metric reads
 * (docs/engine.md "Results layout"). One line per request in requests.jsonl, one per executor in
 * executors.jsonl, streamed as they complete.
 *
 * Clock: every `…At` is in seconds since the point's time origin (`originEpochMs` in the
 * point summary), on the load generator's monotonic clock. Platform-side instants reported
 * in another clock (OpenWhisk epoch ms) are converted at the adapter edge.
 */

export type RequestStatus = 'ok' | 'error' | 'timeout' | 'rejected';

/** What a platform reports about one request when it can observe it (OpenWhisk activation semantics). */
export interface PlatformSide {
  /** When the executor started the activation (s); `endAt - startAt` includes `initTime`. */
  startAt?: number;
  /** When the activation ended (s). */
  endAt?: number;
  /** Time spent in the system before an executor got the request (s). */
  waitTime?: number;
  /** Executor initialisation charged to this request (s); present only on cold starts. */
  initTime?: number;
  /** True when this request cold-started its executor. */
  cold?: boolean;
  /** Executor (container / process / instance) that served it, where known. */
  executorId?: string;
  /** Platform's own id for the request (OpenWhisk activationId). */
  activationId?: string;
}

export interface RequestRecord {
  /** Sequence number within the point (0-based, by intended send time). */
  seq: number;
  pointId: string;
  workload: string;
  /** Intended (scheduled) send time (s). Latency is measured from here: no coordinated omission. */
  intendedAt: number;
  /** Actual send time (s); `sentAt - intendedAt` is the send lag. */
  sentAt: number;
  /** When the response (or error / timeout) was seen by the client (s). */
  doneAt: number;
  /** Client response time from the intended send time (s) = doneAt - intendedAt. */
  respTime: number;
  status: RequestStatus;
  /** HTTP status where there was one. */
  httpStatus?: number;
  /** Short error text for error / timeout / rejected. */
  errorMessage?: string;
  /** True when the arrival fell in the warm-up (recorded, excluded from metrics). */
  warmup: boolean;
  platform?: PlatformSide;
}

export type ExecutorCause = 'keep-alive' | 'crash' | 'teardown' | 'evicted' | 'unknown';

/**
 * A step of an executor's life a platform saw happen (docs/embedded-platforms.md "Executor
 * spans"): OpenWhisk's container lifecycle — create, start, init, pause, unpause, remove.
 */
export type ExecutorEventKind = 'create' | 'start' | 'init' | 'pause' | 'unpause' | 'remove';

export interface ExecutorEvent {
  kind: ExecutorEventKind;
  /** When the step began (s). */
  at: number;
  /** How long it took (s). */
  duration: number;
}

/** One executor's life (docs/engine.md: id, created, ready, destroyed or open, cause). */
export interface ExecutorSpan {
  id: string;
  /** Creation began (s). */
  createdAt: number;
  /** Ready to serve (init finished) (s), where known. */
  readyAt?: number;
  /** Destroyed (s); null while still alive at the end of observation. */
  destroyedAt: number | null;
  cause?: ExecutorCause;
  /** Lifecycle steps in the order they began, where the platform observes them (pause/unpause may repeat). */
  events?: ExecutorEvent[];
}

/** Platform-side response time (OpenWhisk: duration + waitTime), the thesis's figure. */
export function platformRespTime(p: PlatformSide | undefined): number | undefined {
  if (!p || p.startAt === undefined || p.endAt === undefined) return undefined;
  return p.endAt - p.startAt + (p.waitTime ?? 0);
}

/** The interval a request occupied the platform: [startAt - waitTime, endAt] (thesis §4.2). */
export function serviceInterval(p: PlatformSide | undefined): [number, number] | undefined {
  if (!p || p.startAt === undefined || p.endAt === undefined) return undefined;
  return [p.startAt - (p.waitTime ?? 0), p.endAt];
}
