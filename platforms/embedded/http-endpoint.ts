/**
 * Shared plumbing of the embedded platforms' HTTP endpoints (local-wasm, local-container):
 * bind 127.0.0.1 only, read a request body with a size cap (413 beyond it), answer JSON, and
 * carry the platform-side activation record in one response header so a client (faasmark's
 * own invoke(), or curl) sees the same observations.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlatformError } from '../../core/errors.js';

/** Header holding the activation record as JSON ({@link ActivationHeader}). */
export const ACTIVATION_HEADER = 'x-faasmark-activation';

/** Default request body cap: 1 MiB (workload inputs are small parameter objects). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The activation record as sent over HTTP. Instants are wall-clock epoch milliseconds
 * (`performance.timeOrigin + performance.now()`, sub-ms resolution) so any client can put them
 * on its own point clock with `PointClock.fromEpochMs`; durations are seconds.
 */
export interface ActivationHeader {
  startMs?: number;
  endMs?: number;
  waitTime?: number;
  initTime?: number;
  cold?: boolean;
  executorId?: string;
  activationId?: string;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes`);
  }
}

/** High-resolution wall-clock epoch ms (same clock in the main thread and in workers). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Read the whole body; rejects with BodyTooLargeError once more than `limitBytes` arrive. */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readBodyThen(req, limitBytes, (err, body) => (err ? reject(err) : resolve(body as Buffer)));
  });
}

/**
 * {@link readBody} with a callback, called once: `(BodyTooLargeError | stream error)` or
 * `(null, body)`. For hot paths: no promise, and a one-chunk body is not copied.
 */
export function readBodyThen(
  req: IncomingMessage,
  limitBytes: number,
  done: (err: Error | null, body?: Buffer) => void,
): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) {
    req.resume();
    done(new BodyTooLargeError(limitBytes));
    return;
  }
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let finished = false;
  req.on('data', (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limitBytes) {
      finished = true;
      done(new BodyTooLargeError(limitBytes));
      return;
    }
    if (first === undefined) first = chunk;
    else if (chunks === undefined) chunks = [first, chunk];
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (finished) return;
    finished = true;
    done(null, chunks ? Buffer.concat(chunks, size) : (first ?? Buffer.alloc(0)));
  });
  req.on('error', (err) => {
    if (finished) return;
    finished = true;
    done(err);
  });
}

/** Answer with a JSON body (a string is sent as-is: it already is JSON text). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Serialise an activation record for {@link ACTIVATION_HEADER}. */
export function activationHeader(a: ActivationHeader): Record<string, string> {
  return { [ACTIVATION_HEADER]: JSON.stringify(a) };
}

/** Parse {@link ACTIVATION_HEADER}; undefined when absent or malformed. */
export function parseActivationHeader(value: string | string[] | undefined): ActivationHeader | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as ActivationHeader) : undefined;
  } catch {
    return undefined;
  }
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Start an HTTP server on 127.0.0.1:`port` (0 = any free port). Handler exceptions become 500s.
 * @throws PlatformError when the port cannot be bound.
 */
export async function listenLoopback(
  handler: Handler,
  port: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000; // ms; a load generator's pooled connections stay open between arrivals
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new PlatformError(`cannot listen on 127.0.0.1:${port}: ${err.message}`, {
          cause: err,
          hint: 'pick another --port, or 0 for any free port',
        }),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Close a server and every connection it holds (keep-alive sockets included). */
export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The workload named by a request path: `/aes` → `aes`; `/run` and `/` → undefined (the default). */
export function workloadFromPath(url: string | undefined): string | undefined {
  const path = (url ?? '/').split('?')[0] ?? '/';
  const name = decodeURIComponent(path.replace(/^\/+|\/+$/g, ''));
  return name === '' || name === 'run' ? undefined : name;
}

/**
 * The deployed workload a request is for (its path, or the only one deployed for `/` and
 * `/run`); otherwise answers 405 (not POST) or 404 (nothing deployed there) and returns undefined.
 */
export function deployedWorkloadFor(
  req: IncomingMessage,
  res: ServerResponse,
  deployed: { readonly size: number; has(name: string): boolean; keys(): IterableIterator<string> },
): string | undefined {
  if (req.method !== 'POST') {
    req.resume();
    sendJson(res, 405, { error: 'use POST /<workload> with the input JSON as body' }, { allow: 'POST' });
    return undefined;
  }
  const name = workloadFromPath(req.url) ?? (deployed.size === 1 ? [...deployed.keys()][0] : undefined);
  if (name === undefined || !deployed.has(name)) {
    req.resume();
    sendJson(res, 404, {
      error: `no deployed workload at ${req.url}; deployed: ${[...deployed.keys()].map((w) => `/${w}`).join(', ') || 'none'}`,
    });
    return undefined;
  }
  return name;
}
