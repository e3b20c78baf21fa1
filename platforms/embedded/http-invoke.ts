/**
 * invoke() of the embedded platforms: a real HTTP request to their own loopback endpoint
 * (undici Pool, unlimited connections so open-loop arrivals never queue in the client), so the
 * client latency includes the HTTP hop like it does for OpenWhisk and Spin. The activation
 * header is put on the point clock.
 */
import { Pool } from 'undici';
import type { InvokeRequest, InvokeResult, PointClock } from '../../core/platform.js';
import type { PlatformSide } from '../../core/records.js';
import { ACTIVATION_HEADER, parseActivationHeader } from './http-endpoint.js';

export function createLoopbackClient(port: number): Pool {
  return new Pool(`http://127.0.0.1:${port}`, { connections: null, pipelining: 1, keepAliveTimeout: 30_000 });
}

/**
 * POST `request.input` to `/<workload>`; never throws for request-level failures.
 * Status: 200 ok, 429 rejected, 504 or client-side timeout → timeout, anything else error.
 */
export async function invokeOverHttp(
  client: Pool,
  request: InvokeRequest,
  clock: PointClock | undefined,
  timeoutS: number,
): Promise<InvokeResult> {
  const timeoutMs = timeoutS * 1000;
  try {
    const res = await client.request({
      path: `/${encodeURIComponent(request.workload)}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.input ?? {}),
      signal: request.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    const result: InvokeResult = { status: 'ok', httpStatus: res.statusCode };
    const platform = toPlatformSide(parseActivationHeader(res.headers[ACTIVATION_HEADER]), clock);
    if (platform) result.platform = platform;
    if (res.statusCode === 200) {
      try {
        result.body = JSON.parse(text);
      } catch {
        result.status = 'error';
        result.errorMessage = `workload answered non-JSON: ${text.slice(0, 200)}`;
      }
      return result;
    }
    result.status = res.statusCode === 429 ? 'rejected' : res.statusCode === 504 ? 'timeout' : 'error';
    result.errorMessage = errorText(text, res.statusCode);
    return result;
  } catch (err) {
    return transportFailure(err);
  }
}

/** A request undici could not complete: timeout (headers, body, abort) or error. */
export function transportFailure(err: unknown): InvokeResult {
  const e = err as { name?: string; code?: string; message?: string };
  const timedOut =
    e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.name === 'AbortError';
  return { status: timedOut ? 'timeout' : 'error', errorMessage: e.message ?? String(err) };
}

/** A non-200 answer's message: its JSON `error`, else the status and the start of the body. */
export function errorText(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${status}: ${text.slice(0, 200)}`;
}

function toPlatformSide(
  a: ReturnType<typeof parseActivationHeader>,
  clock: PointClock | undefined,
): PlatformSide | undefined {
  if (!a) return undefined;
  const p: PlatformSide = {};
  if (clock && a.startMs !== undefined) p.startAt = clock.fromEpochMs(a.startMs);
  if (clock && a.endMs !== undefined) p.endAt = clock.fromEpochMs(a.endMs);
  if (a.waitTime !== undefined) p.waitTime = a.waitTime;
  if (a.initTime !== undefined) p.initTime = a.initTime;
  if (a.cold !== undefined) p.cold = a.cold;
  if (a.executorId !== undefined) p.executorId = a.executorId;
  if (a.activationId !== undefined) p.activationId = a.activationId;
  return p;
}
