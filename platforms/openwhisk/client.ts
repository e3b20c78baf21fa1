/**
 * The OpenWhisk REST calls on the hot path (non-blocking invoke, activation get, auth
 * check), with undici: exact status codes (202/404/429/401) without exceptions, a pooled
 * keep-alive connection, per-call timeouts and AbortSignal. Action deployment uses the
 * `openwhisk` npm package (deploy.ts). The auth key is only ever placed in the
 * Authorization header; error texts are built here from status and host, never from it.
 */
import { Agent, request } from 'undici';
import { PlatformError } from '../../core/errors.js';
import type { ActivationRecord } from './activation.js';

export interface ClientOptions {
  apiHost: string;
  auth: string;
  namespace: string;
  insecure: boolean;
  /** Per-call timeout (s). */
  timeout: number;
  /** Max parallel connections. */
  connections?: number;
}

export type InvokeAnswer =
  | { kind: 'done'; record: ActivationRecord; httpStatus: number }
  | { kind: 'accepted'; activationId: string; httpStatus: number }
  | { kind: 'rejected'; httpStatus: number; message: string }
  | { kind: 'error'; httpStatus?: number; message: string };

export type ActivationAnswer =
  | { kind: 'found'; record: ActivationRecord }
  | { kind: 'pending' }
  | { kind: 'error'; httpStatus?: number; message: string };

const MAX_BODY = 10 * 1024 * 1024; /* 10 MB: larger answers are refused */
/** A blocking invoke waits up to 60 s at the controller before it answers 202; leave it room. */
const BLOCKING_WAIT_MS = 70_000;

/** Replace every occurrence of the key (and its parts) in a text. */
export function redact(text: string, auth: string | undefined): string {
  if (!auth) return text;
  let out = text;
  const parts = [auth, Buffer.from(auth).toString('base64'), ...auth.split(':')].filter((p) => p.length >= 4);
  for (const p of parts) out = out.split(p).join('***');
  return out;
}

export class OpenWhiskClient {
  readonly apiHost: string;
  readonly namespace: string;
  private readonly authHeader: string;
  private readonly auth: string;
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(o: ClientOptions) {
    this.apiHost = o.apiHost.replace(/\/$/, '');
    this.namespace = o.namespace;
    this.auth = o.auth;
    this.authHeader = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    this.timeoutMs = Math.round(o.timeout * 1000);
    this.agent = new Agent({
      connections: o.connections ?? 64,
      connect: { rejectUnauthorized: !o.insecure, timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  private url(path: string): string {
    return `${this.apiHost}/api/v1/namespaces/${encodeURIComponent(this.namespace)}${path}`;
  }

  private async call(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    signal?: AbortSignal,
    waitMs?: number,
  ): Promise<{ status: number; json: unknown; text: string }> {
    const res = await request(this.url(path), {
      method,
      dispatcher: this.agent,
      ...(waitMs !== undefined ? { headersTimeout: Math.max(waitMs, this.timeoutMs) } : {}),
      headers: {
        authorization: this.authHeader,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const len = Number(res.headers['content-length'] ?? 0);
    if (len > MAX_BODY) {
      res.body.destroy();
      return { status: res.statusCode, json: undefined, text: `response too large (${len} bytes)` };
    }
    const text = await res.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, text };
  }

  /** Turn a network failure into a PlatformError naming the host and the fix (never the key). */
  unreachable(err: unknown): PlatformError {
    const code = (err as { code?: string })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
    const what = redact(err instanceof Error ? err.message : String(err), this.auth);
    return new PlatformError(`OpenWhisk API host ${this.apiHost} is unreachable (${code ?? what})`, {
      hint: 'check apiHost (scheme and port; kind publishes https://localhost:31001, standalone http://127.0.0.1:3233), that the controller/nginx is up, and `insecure: true` (CLI: --insecure) for self-signed certificates',
    });
  }

  /**
   * Check reachability and credentials: GET actions?limit=1. Throws PlatformError on 401/403
   * (wrong auth) and on network failure.
   */
  async checkAuth(signal?: AbortSignal): Promise<void> {
    let r: { status: number; text: string };
    try {
      r = await this.call('GET', '/actions?limit=1', undefined, signal);
    } catch (err) {
      throw this.unreachable(err);
    }
    if (r.status === 401 || r.status === 403) {
      throw new PlatformError(`OpenWhisk at ${this.apiHost} rejected the credentials (HTTP ${r.status})`, {
        hint: 'set auth (or env FAASMARK_OW_AUTH) to the namespace key `<uuid>:<key>` (e.g. `wsk property get --auth`)',
      });
    }
    if (r.status >= 400) {
      throw new PlatformError(`OpenWhisk at ${this.apiHost} answered HTTP ${r.status} to a list of actions`, {
        hint: `check namespace ${JSON.stringify(this.namespace)} and the controller logs`,
      });
    }
  }

  /** POST …/actions/{name}?blocking=false → activationId (202). 429 → rejected. */
  invokeNonBlocking(action: string, params: unknown, signal?: AbortSignal): Promise<InvokeAnswer> {
    return this.invoke(action, params, false, signal);
  }

  /**
   * POST …/actions/{name}?blocking=true: the controller answers when the activation ends, with
   * its record (200; 502 when the action failed), or 202 {activationId} when it took longer than
   * the controller waits (60 s) — then the caller polls. 429 → rejected.
   */
  invokeBlocking(action: string, params: unknown, signal?: AbortSignal): Promise<InvokeAnswer> {
    return this.invoke(action, params, true, signal);
  }

  private async invoke(
    action: string,
    params: unknown,
    blocking: boolean,
    signal?: AbortSignal,
  ): Promise<InvokeAnswer> {
    let r: { status: number; json: unknown; text: string };
    try {
      r = await this.call(
        'POST',
        `/actions/${encodeURIComponent(action)}?blocking=${blocking}`,
        params ?? {},
        signal,
        blocking ? BLOCKING_WAIT_MS : undefined,
      );
    } catch (err) {
      if (signal?.aborted) return { kind: 'error', message: 'aborted' };
      return { kind: 'error', message: this.unreachable(err).message };
    }
    const record = r.json as Partial<ActivationRecord> | undefined;
    if (
      blocking &&
      (r.status === 200 || r.status === 502) &&
      typeof record?.activationId === 'string' &&
      typeof record.start === 'number'
    )
      return { kind: 'done', record: record as ActivationRecord, httpStatus: r.status };
    const id = (r.json as { activationId?: unknown } | undefined)?.activationId;
    if ((r.status === 202 || r.status === 200) && typeof id === 'string')
      return { kind: 'accepted', activationId: id, httpStatus: r.status };
    const message = redact(
      ((r.json as { error?: unknown } | undefined)?.error as string | undefined) ??
        r.text.slice(0, 200) ??
        '',
      this.auth,
    );
    if (r.status === 429) return { kind: 'rejected', httpStatus: 429, message: `throttled: ${message}` };
    if (r.status === 401 || r.status === 403)
      return { kind: 'error', httpStatus: r.status, message: 'unauthorized (check auth)' };
    return { kind: 'error', httpStatus: r.status, message: `HTTP ${r.status}: ${message}` };
  }

  /** GET …/activations/{id}: found, pending (404 until stored), or error. */
  async getActivation(activationId: string, signal?: AbortSignal): Promise<ActivationAnswer> {
    let r: { status: number; json: unknown; text: string };
    try {
      r = await this.call('GET', `/activations/${encodeURIComponent(activationId)}`, undefined, signal);
    } catch (err) {
      if (signal?.aborted) return { kind: 'error', message: 'aborted' };
      return { kind: 'error', message: this.unreachable(err).message };
    }
    if (r.status === 200 && r.json && typeof r.json === 'object')
      return { kind: 'found', record: r.json as ActivationRecord };
    if (r.status === 404) return { kind: 'pending' };
    return {
      kind: 'error',
      httpStatus: r.status,
      message: `HTTP ${r.status} fetching activation ${activationId}`,
    };
  }

  /**
   * The controller's build info (`GET /api/v1`: `build`, `buildno`), recorded per run.
   * Undefined when the host does not say.
   */
  async info(signal?: AbortSignal): Promise<{ build?: string; buildno?: string } | undefined> {
    try {
      const res = await request(`${this.apiHost}/api/v1`, { method: 'GET', dispatcher: this.agent, signal });
      const text = await res.body.text();
      if (res.statusCode !== 200) return undefined;
      const j = JSON.parse(text) as { build?: unknown; buildno?: unknown };
      const out: { build?: string; buildno?: string } = {};
      if (typeof j.build === 'string') out.build = j.build;
      if (typeof j.buildno === 'string') out.buildno = j.buildno;
      return out;
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
