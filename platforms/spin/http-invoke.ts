/**
 * POST a workload input to a Spin route and turn the answer into an InvokeResult. Never throws
 * for request-level failures: timeouts become `timeout`, capacity refusals `rejected`, anything
 * else `error`. The response body is capped (bytes) so one answer cannot exhaust memory.
 *
 * Capacity: 429 and 503 (e.g. from a proxy or ingress in front) are recorded as `rejected`.
 * Spin itself answers an *empty* 500 when the pooling allocator refuses an instantiation at
 * the `SPIN_MAX_INSTANCE_COUNT` cap (server.rs: `internal_error(None)`, the cause only in its
 * log), so such requests are `error` records; the bare-metal adapter counts the log lines.
 */
import type { Dispatcher } from 'undici';
import type { InvokeResult } from '../../core/platform.js';

export interface PostOptions {
  /** Per-request timeout (s). */
  timeout?: number;
  signal?: AbortSignal;
  maxResponseBytes: number;
}

function shortText(text: string, max = 300): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Read a body up to `max` bytes; undefined when it is larger (the rest is discarded). */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  max: number,
): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/** POST `input` as JSON to `path` through `dispatcher` (an undici Pool on the app's origin). */
export async function postJson(
  dispatcher: Dispatcher,
  path: string,
  input: unknown,
  options: PostOptions,
): Promise<InvokeResult> {
  const timeoutSignal =
    options.timeout !== undefined ? AbortSignal.timeout(Math.ceil(options.timeout * 1000)) : undefined;
  const signals = [timeoutSignal, options.signal].filter((s): s is AbortSignal => s !== undefined);
  const signal =
    signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  const payload = JSON.stringify(input ?? {});
  try {
    const res = await dispatcher.request({
      path,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
      body: payload,
      ...(signal ? { signal } : {}),
    });
    const text = await readCapped(
      res.body as unknown as AsyncIterable<Buffer> & { destroy(): void },
      options.maxResponseBytes,
    );
    const httpStatus = res.statusCode;
    if (text === undefined) {
      return {
        status: 'error',
        httpStatus,
        errorMessage: `response larger than ${options.maxResponseBytes} bytes`,
      };
    }
    if (httpStatus === 429 || httpStatus === 503) {
      return { status: 'rejected', httpStatus, errorMessage: shortText(text) || `HTTP ${httpStatus}` };
    }
    if (httpStatus < 200 || httpStatus >= 300) {
      return {
        status: 'error',
        httpStatus,
        errorMessage: `HTTP ${httpStatus}${text.trim() ? `: ${shortText(text)}` : ''}`,
      };
    }
    try {
      return { status: 'ok', httpStatus, body: JSON.parse(text) as unknown };
    } catch {
      return { status: 'error', httpStatus, errorMessage: `response is not JSON: ${shortText(text, 120)}` };
    }
  } catch (err) {
    if (timeoutSignal?.aborted)
      return { status: 'timeout', errorMessage: `no answer within ${options.timeout} s` };
    if (options.signal?.aborted) return { status: 'error', errorMessage: 'aborted' };
    const e = err as { code?: string; message?: string };
    return {
      status: 'error',
      errorMessage: e.code ? `${e.code}: ${e.message ?? ''}`.trim() : String(e.message ?? err),
    };
  }
}
