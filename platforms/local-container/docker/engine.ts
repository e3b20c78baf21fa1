/**
 * A small Docker Engine API client: HTTP over the engine's unix socket with undici (no CLI, no
 * dockerode: docs/embedded-platforms.md "Docker executor" has the measurements behind that).
 * Only what local-container needs: ping, version, info, networks, images, create, start,
 * inspect, wait, pause, unpause, remove, list by label, logs. The API version is the engine's
 * own, capped at 1.41 (Debian docker.io 20.10's); the engine never pulls an image here.
 */
import { Agent, type Dispatcher, request } from 'undici';

/** Newest API version this client speaks; older engines (≥ {@link MIN_API}) are spoken to in theirs. */
export const MAX_API = '1.41';
/** The oldest API with everything used here (wait conditions, Mounts, PidsLimit). */
export const MIN_API = '1.30';
export const DEFAULT_SOCKET = '/var/run/docker.sock';

export type EngineErrorKind =
  | 'no-engine' // nothing answers on the socket (ENOENT, ECONNREFUSED)
  | 'permission' // EACCES on the socket: not root, not in its group
  | 'lost' // the connection broke mid-call: the engine stopped or restarted
  | 'timeout'
  | 'not-found' // HTTP 404: no such image / container
  | 'conflict' // HTTP 409
  | 'engine'; // any other answer of the engine

/** A failed engine call, with the engine's own message when it sent one. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly kind: EngineErrorKind,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** Where the engine listens: DOCKER_HOST (unix:// only), else the config's socket, else the default. */
export function engineSocket(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST?.trim();
  if (host) {
    if (!host.startsWith('unix://')) {
      throw new EngineError(
        `DOCKER_HOST=${host}: only a local engine on a unix socket (unix:///path) is supported`,
        'no-engine',
      );
    }
    return host.slice('unix://'.length);
  }
  return configured ?? DEFAULT_SOCKET;
}

export interface VersionInfo {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  KernelVersion?: string;
  Components?: Array<{ Name: string; Version: string }>;
}

export interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  State: { Status: string; Running: boolean; Paused: boolean; OOMKilled: boolean; ExitCode: number };
  Config: { Labels: Record<string, string> | null; Image: string };
  HostConfig: Record<string, unknown>;
  NetworkSettings: {
    IPAddress: string;
    Ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
    Networks: Record<string, { IPAddress: string; Gateway?: string }> | null;
  };
}

export interface ContainerSummary {
  Id: string;
  Labels: Record<string, string>;
  State: string;
}

interface CallOptions {
  timeoutMs?: number;
  /** Statuses ≥ 300 that count as success (e.g. 304 on start, 404 on remove). */
  ok?: number[];
  /** A long poll (wait): no timeout, ended by `signal`. */
  signal?: AbortSignal;
}

/** Compare two "major.minor" API versions. */
export function apiAtLeast(version: string, min: string): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
}

export class DockerEngine {
  readonly dispatcher: Agent;
  /** The API version spoken (set by {@link negotiate}). */
  api = MAX_API;

  constructor(readonly socketPath: string) {
    // one Agent: a pool of keep-alive connections over the socket; a pending wait holds one each
    this.dispatcher = new Agent({ connect: { socketPath }, keepAliveTimeout: 30_000, connections: null });
  }

  /** Ping, then speak the engine's API version capped at {@link MAX_API}. @throws EngineError */
  async negotiate(timeoutMs = 5000): Promise<string> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(`http://docker/_ping`, {
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw this.connectError(err, 'GET /_ping');
    }
    await res.body.text();
    const engineApi = String(res.headers['api-version'] ?? MAX_API);
    this.api = apiAtLeast(engineApi, MAX_API) ? MAX_API : engineApi;
    if (!apiAtLeast(this.api, MIN_API)) {
      throw new EngineError(
        `the engine speaks API ${engineApi}; faasmark needs ${MIN_API} or newer`,
        'engine',
      );
    }
    return engineApi;
  }

  /** One call; the parsed JSON body (undefined when empty). @throws EngineError */
  async call<T = unknown>(
    method: Dispatcher.HttpMethod,
    path: string,
    body?: unknown,
    o: CallOptions = {},
  ): Promise<T> {
    const what = `${method} ${path.split('?')[0]}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await request(`http://docker/v${this.api}${path}`, {
        method,
        dispatcher: this.dispatcher,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: o.signal ?? AbortSignal.timeout(o.timeoutMs ?? 60_000),
        // a long poll may wait for hours: undici's own 300 s header/body timeouts must not end it
        ...(o.signal ? { headersTimeout: 0, bodyTimeout: 0 } : {}),
      });
    } catch (err) {
      throw this.connectError(err, what);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw this.connectError(err, what);
    }
    if (res.statusCode >= 300 && !(o.ok ?? []).includes(res.statusCode)) {
      const kind = res.statusCode === 404 ? 'not-found' : res.statusCode === 409 ? 'conflict' : 'engine';
      throw new EngineError(`${what}: HTTP ${res.statusCode}: ${engineMessage(text)}`, kind, res.statusCode);
    }
    const json = String(res.headers['content-type'] ?? '').includes('application/json');
    return (text && json ? JSON.parse(text) : undefined) as T;
  }

  /** Map a transport failure to what it means for the user. */
  connectError(err: unknown, what: string): EngineError {
    const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
    const code = e.code ?? e.cause?.code;
    const where = `unix://${this.socketPath}`;
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return new EngineError(`${what}: the Docker engine at ${where} did not answer in time`, 'timeout');
    if (code === 'ENOENT' || code === 'ECONNREFUSED')
      return new EngineError(`nothing answers on ${where} (connect ${code})`, 'no-engine');
    if (code === 'EACCES')
      return new EngineError(`permission denied on ${this.socketPath} (EACCES)`, 'permission');
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE')
      return new EngineError(`${what}: the connection to ${where} broke (${code})`, 'lost');
    return new EngineError(`${what}: ${e.message ?? String(err)}${code ? ` (${code})` : ''}`, 'engine');
  }

  version(): Promise<VersionInfo> {
    return this.call<VersionInfo>('GET', '/version', undefined, { timeoutMs: 5000 });
  }

  info(): Promise<Record<string, unknown>> {
    return this.call<Record<string, unknown>>('GET', '/info', undefined, { timeoutMs: 10_000 });
  }

  network(name: string): Promise<{ IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> } }> {
    return this.call('GET', `/networks/${encodeURIComponent(name)}`);
  }

  /** The image's inspect document. @throws EngineError kind not-found when the engine lacks it */
  image(
    ref: string,
  ): Promise<{ Id: string; RepoDigests?: string[]; Config?: { Labels?: Record<string, string> } }> {
    return this.call('GET', `/images/${encodeURIComponent(ref)}/json`);
  }

  /** Create a container (never pulls). Returns its id and the engine's warnings. */
  async create(body: Record<string, unknown>, name?: string): Promise<{ Id: string; Warnings: string[] }> {
    const q = name ? `?name=${encodeURIComponent(name)}` : '';
    const r = await this.call<{ Id: string; Warnings?: string[] | null }>(
      'POST',
      `/containers/create${q}`,
      body,
    );
    return { Id: r.Id, Warnings: r.Warnings ?? [] };
  }

  async start(id: string): Promise<void> {
    await this.call('POST', `/containers/${id}/start`, undefined, { ok: [304] });
  }

  inspect(id: string): Promise<ContainerInspect> {
    return this.call<ContainerInspect>('GET', `/containers/${id}/json`);
  }

  /** Resolves when the container is no longer running (its exit code); `signal` stops waiting. */
  wait(id: string, signal: AbortSignal): Promise<{ StatusCode: number; Error?: { Message: string } | null }> {
    return this.call('POST', `/containers/${id}/wait?condition=not-running`, undefined, { signal });
  }

  async pause(id: string): Promise<void> {
    await this.call('POST', `/containers/${id}/pause`, undefined, { timeoutMs: 10_000 });
  }

  async unpause(id: string): Promise<void> {
    await this.call('POST', `/containers/${id}/unpause`, undefined, { timeoutMs: 10_000 });
  }

  /**
   * Kill and remove (a paused one too); a container already gone is fine, and so is one whose
   * removal another client has started (HTTP 409 "removal … is already in progress": two
   * sweepers, or a sweep racing a teardown).
   */
  async remove(id: string): Promise<void> {
    try {
      await this.call('DELETE', `/containers/${id}?force=1&v=1`, undefined, { ok: [404], timeoutMs: 60_000 });
    } catch (err) {
      if (err instanceof EngineError && err.kind === 'conflict' && /already in progress/.test(err.message))
        return;
      throw err;
    }
  }

  /** Containers (any state) carrying every label given (`key` or `key=value`). */
  list(labels: string[]): Promise<ContainerSummary[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: labels }));
    return this.call<ContainerSummary[]>('GET', `/containers/json?all=1&filters=${filters}`);
  }

  /** The last lines a (stopped) container wrote, stdout and stderr, for error messages. */
  async logsTail(id: string, lines = 20): Promise<string> {
    try {
      const res = await request(
        `http://docker/v${this.api}/containers/${id}/logs?stdout=1&stderr=1&tail=${lines}`,
        {
          dispatcher: this.dispatcher,
          signal: AbortSignal.timeout(5000),
        },
      );
      const raw = Buffer.from(await res.body.arrayBuffer());
      return res.statusCode === 200 ? demultiplex(raw).trim() : '';
    } catch {
      return '';
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }
}

/** The `message` of an engine error body, else its text. */
function engineMessage(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 500);
}

/**
 * Docker's log stream without a TTY: frames of [stream(1) 0 0 0 size(4, big-endian)] + payload.
 * Returns the payloads joined; a truncated last frame is dropped.
 */
export function demultiplex(raw: Buffer): string {
  const parts: string[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    if (at + 8 + size > raw.length) break;
    parts.push(raw.subarray(at + 8, at + 8 + size).toString('utf8'));
    at += 8 + size;
  }
  return parts.join('');
}
