/**
 * One request end to end: a blocking invoke (the controller answers with the activation when
 * it ends, so the client's time is not set by a poll schedule), or a non-blocking one (→
 * activationId) and an activation fetch (bounded concurrency, backoff, bounded wait) — the
 * fallback when a blocking call outlives the controller's wait. Then a bounded wait for the
 * invoker-log line that names the container; `receivedAt` marks when the answer came, before
 * that wait. Shared by the platform's invoke() and the probes. docs/openwhisk.md.
 */
import { type ActivationRecord, annotation } from './activation.js';
import type { OpenWhiskClient } from './client.js';
import type { ActivationContainer, InvokerLogParser } from './invoker-log.js';
import type { ActivationPoller } from './poller.js';
import type { ProbeInvoker, ProbeObservation } from './probes.js';

export type Outcome =
  | {
      kind: 'done';
      activationId: string;
      record: ActivationRecord;
      container?: ActivationContainer;
      /** When the record reached the client (deps.now), before the log join. */
      receivedAt?: number;
    }
  | { kind: 'rejected'; httpStatus: number; message: string }
  | { kind: 'error'; httpStatus?: number; message: string; activationId?: string }
  | { kind: 'timeout'; activationId?: string; message: string };

export interface InvocationDeps {
  client: OpenWhiskClient;
  poller: ActivationPoller;
  /** Current invoker-log parser (may change when the source refreshes), if any. */
  parser?: () => InvokerLogParser | undefined;
  /** Bounded wait for the log join (s). */
  logJoinWait: number;
  /** `blocking` (default) or `polling`: how the answer is awaited. */
  invocation?: 'blocking' | 'polling';
  /** The client's clock, for `receivedAt`. */
  now?: () => number;
}

/** Wait until `parser` has a containerStart line with a container for `id` (bounded). */
export async function waitForLogJoin(
  parser: InvokerLogParser | undefined,
  id: string,
  waitS: number,
): Promise<ActivationContainer | undefined> {
  if (!parser) return undefined;
  const hit = () => {
    const a = parser.activation(id);
    return a?.container !== undefined ? a : undefined;
  };
  const now = hit();
  if (now || waitS <= 0) return now ?? parser.activation(id);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(parser.activation(id));
    }, waitS * 1000);
    const off = parser.onActivation(() => {
      const a = hit();
      if (a) {
        clearTimeout(timer);
        off();
        resolve(a);
      }
    });
  });
}

export async function invokeAndWait(
  deps: InvocationDeps,
  action: string,
  params: unknown,
  signal?: AbortSignal,
  maxWait?: number,
): Promise<Outcome> {
  const blocking = (deps.invocation ?? 'blocking') === 'blocking';
  // a blocking call is bounded by the request's own wait, as the polling is
  const bound = blocking && maxWait !== undefined ? AbortSignal.timeout(maxWait * 1000) : undefined;
  const callSignal = bound ? (signal ? AbortSignal.any([signal, bound]) : bound) : signal;
  const answer = blocking
    ? await deps.client.invokeBlocking(action, params, callSignal)
    : await deps.client.invokeNonBlocking(action, params, signal);
  if (bound?.aborted && !signal?.aborted)
    return { kind: 'timeout', message: `no answer to the blocking invoke within ${maxWait} s` };
  if (answer.kind === 'rejected') return answer;
  if (answer.kind === 'error') return answer;
  if (answer.kind === 'done') {
    const receivedAt = deps.now?.();
    const id = answer.record.activationId;
    const container = await waitForLogJoin(deps.parser?.(), id, deps.logJoinWait);
    return {
      kind: 'done',
      activationId: id,
      record: answer.record,
      container,
      ...(receivedAt !== undefined ? { receivedAt } : {}),
    };
  }
  const polled = await deps.poller.waitFor(answer.activationId, signal, maxWait);
  if (polled.kind === 'timeout') {
    return {
      kind: 'timeout',
      activationId: answer.activationId,
      message: `activation ${answer.activationId} not stored within ${polled.waited.toFixed(1)} s (${polled.attempts} polls)`,
    };
  }
  if (polled.kind === 'error')
    return {
      kind: 'error',
      httpStatus: polled.httpStatus,
      message: polled.message,
      activationId: answer.activationId,
    };
  const receivedAt = deps.now?.();
  const container = await waitForLogJoin(deps.parser?.(), answer.activationId, deps.logJoinWait);
  return {
    kind: 'done',
    activationId: answer.activationId,
    record: polled.record,
    container,
    ...(receivedAt !== undefined ? { receivedAt } : {}),
  };
}

/** A ProbeInvoker over the production path. */
export function probeInvoker(deps: InvocationDeps, action: string, params: unknown = {}): ProbeInvoker {
  return {
    async invoke(signal) {
      const o = await invokeAndWait(deps, action, params, signal);
      if (o.kind !== 'done') {
        return {
          activationId: 'activationId' in o ? (o.activationId ?? '') : '',
          ok: false,
          cold: false,
          error: o.message,
        };
      }
      const r = o.record;
      const obs: ProbeObservation = {
        activationId: o.activationId,
        ok: r.response?.success === true || r.response?.status === 'success',
        cold: annotation(r, 'initTime') !== undefined,
        startMs: r.start,
        endMs: r.end,
      };
      const wait = annotation(r, 'waitTime');
      if (typeof wait === 'number') obs.waitMs = wait;
      if (o.container?.container) obs.container = o.container.container;
      if (!obs.ok) obs.error = `activation ${r.response?.status ?? 'failed'}`;
      return obs;
    },
  };
}
