/**
 * One request to a workload's `wasmtime serve` (engine wasmtime): POST the input JSON, read the
 * answer and the component's timing headers (docs/workloads.md "The artifact contracts"):
 * `x-faas-start-ns` / `x-faas-end-ns` (wall clock, Unix epoch ns, around the handling) become
 * `startAt`/`endAt` on the point clock and `waitTime` = start − arrival at faasmark's client.
 * Status: 200 → ok (the body must be JSON); 500 with Wasmtime's HTML page (a trap, a pooling
 * limit) → error, never parsed; 500 at or past the request timeout → timeout (wasmtime's
 * `-W timeout` interrupted the guest); other codes → error with the component's {"error"}.
 */
import type { Pool } from 'undici';
import type { InvokeRequest, InvokeResult, PointClock } from '../../core/platform.js';
import type { PlatformSide } from '../../core/records.js';
import { errorText, transportFailure } from '../embedded/http-invoke.js';

export const START_HEADER = 'x-faas-start-ns';
export const END_HEADER = 'x-faas-end-ns';
export const SERVICE_HEADER = 'x-faas-service-ns';
/** 1 in a fresh instance: the component counts the requests its instance has handled. */
export const INSTANCE_REQUESTS_HEADER = 'x-faas-instance-requests';

export interface ComponentCall {
  clock: PointClock | undefined;
  /** Epoch ms when faasmark's client got the request (before admission). */
  arrivalMs: number;
  /** Epoch ms when the request was sent (after admission). */
  sentMs: number;
  /** The guest's timeout (s): a 500 this late is wasmtime interrupting it. */
  requestTimeout: number;
  /** The executor id recorded (the serve process). */
  executorId: string;
  /** Wasmtime's latest `error:` line, if any (under concurrency it may be another request's). */
  lastError: () => string | undefined;
}

/** What the answer said besides the InvokeResult: for counters. */
export interface ComponentAnswer {
  result: InvokeResult;
  /** Guest-side wall time (s) from the headers. */
  busy?: number;
  /** `x-faas-instance-requests` (1 = fresh instance). */
  instanceRequests?: number;
  /** Wasmtime's own 500 page (trap, pooling limit, timeout). */
  wasmtime500: boolean;
}

/** Epoch ns (decimal text) → epoch ms with µs resolution; undefined when absent or malformed. */
export function nsHeaderToMs(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) return undefined;
  return Number(BigInt(value) / 1000n) / 1000;
}

function sideFrom(headers: Record<string, string | string[] | undefined>, call: ComponentCall): PlatformSide {
  const side: PlatformSide = { executorId: call.executorId };
  const startMs = nsHeaderToMs(headers[START_HEADER]);
  const endMs = nsHeaderToMs(headers[END_HEADER]);
  if (call.clock && startMs !== undefined) side.startAt = call.clock.fromEpochMs(startMs);
  if (call.clock && endMs !== undefined) side.endAt = call.clock.fromEpochMs(endMs);
  if (startMs !== undefined) side.waitTime = Math.max(0, (startMs - call.arrivalMs) / 1000);
  return side;
}

/** Classify an answer (pure: the tests call it with recorded answers). */
export function classifyAnswer(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  call: ComponentCall,
  answeredMs: number,
): ComponentAnswer {
  const contentType = String(headers['content-type'] ?? '');
  if (status === 500 && contentType.startsWith('text/html')) {
    const late = (answeredMs - call.sentMs) / 1000 >= call.requestTimeout;
    const reason = call.lastError();
    return {
      wasmtime500: true,
      result: {
        status: late ? 'timeout' : 'error',
        httpStatus: 500,
        errorMessage: late
          ? `wasmtime interrupted the instance at the request timeout (${call.requestTimeout} s)`
          : `wasmtime answered 500 (the instance trapped or a pooling limit was hit)${reason ? `; its latest error line: ${reason}` : ''}`,
      },
    };
  }
  const platform = sideFrom(headers, call);
  const answer: ComponentAnswer = {
    wasmtime500: false,
    result: { status: 'ok', httpStatus: status, platform },
  };
  if (platform.startAt !== undefined && platform.endAt !== undefined)
    answer.busy = platform.endAt - platform.startAt;
  const reuse = Number(headers[INSTANCE_REQUESTS_HEADER]);
  if (Number.isInteger(reuse) && reuse > 0) answer.instanceRequests = reuse;
  if (status === 200) {
    try {
      answer.result.body = JSON.parse(text);
    } catch {
      answer.result.status = 'error';
      answer.result.errorMessage = `workload answered non-JSON: ${text.slice(0, 200)}`;
    }
    return answer;
  }
  answer.result.status = 'error';
  answer.result.errorMessage = errorText(text, status);
  return answer;
}

/** POST the input to the component; never throws for request-level failures. */
export async function invokeComponent(
  client: Pool,
  request: InvokeRequest,
  call: ComponentCall,
): Promise<ComponentAnswer> {
  const timeoutMs = (call.requestTimeout + 5) * 1000; // the guest's own timeout answers first
  try {
    const res = await client.request({
      path: '/',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.input ?? {}),
      signal: request.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    return classifyAnswer(
      res.statusCode,
      res.headers,
      text,
      call,
      performance.timeOrigin + performance.now(),
    );
  } catch (err) {
    return { wasmtime500: false, result: transportFailure(err) };
  }
}
