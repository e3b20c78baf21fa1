/**
 * One local-container executor: a long-lived action server (workloads/types.ts protocol)
 * serving one request at a time. `ProcessExecutor` runs it as an OS process; the Docker
 * variant (docker/executor.ts) runs the same server in a container. Cold start is what it
 * really costs: spawn, wait for the `{"listening":port}` line, `POST /init`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { PlatformError } from '../../core/errors.js';
import { killGroup, ownChild } from '../../core/ownership.js';
import type { ExecutorEventKind } from '../../core/records.js';
import { epochMs } from '../embedded/http-endpoint.js';

export type RunStatus = 'ok' | 'error' | 'timeout' | 'crash';

export interface RunResult {
  status: RunStatus;
  httpStatus?: number;
  /** Response text (the workload's JSON) or an error description. */
  text: string;
}

/** A lifecycle step (core/records.ts ExecutorEvent) in epoch ms; the platform converts it. */
export interface ExecutorEventMs {
  kind: ExecutorEventKind;
  atMs: number;
  /** Seconds. */
  duration: number;
}

export interface Executor {
  readonly id: string;
  /** The lifecycle steps so far, in the order they began. */
  readonly events: readonly ExecutorEventMs[];
  /** Spawn / create, wait until listening, POST /init. @throws PlatformError when that fails. */
  start(timeoutS: number): Promise<void>;
  /** POST /run {"value": input}; never throws. A crash or timeout leaves the executor unusable. */
  run(inputJson: string, timeoutS: number): Promise<RunResult>;
  /**
   * The pool made it idle: it is removed `removalInS` seconds from now unless it gets a request
   * (a container is paused after its pause grace, if that comes first).
   */
  idle(removalInS: number): void;
  /** Stop it and release everything it holds; safe to call twice. */
  destroy(): Promise<void>;
  /** Called once when the executor dies on its own (process exit / container stop). */
  onDeath(listener: (reason: string) => void): void;
}

export interface ProcessExecutorOptions {
  command: string;
  args: string[];
  /** Extra environment for the action server. */
  env?: Record<string, string>;
}

/** Keep the last bytes a child wrote to stderr, for error messages. */
export class TailBuffer {
  private text = '';
  constructor(private readonly max = 2048) {}
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }
  toString(): string {
    return this.text.trim();
  }
}

/**
 * POST /run over an executor's connection; classifies the outcome.
 * A socket error (connection reset / closed) means the server died mid-request: 'crash'.
 */
export async function postRun(client: Pool, inputJson: string, timeoutS: number): Promise<RunResult> {
  const timeoutMs = timeoutS * 1000;
  try {
    const res = await client.request({
      path: '/run',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"value":${inputJson}}`,
      // an exact deadline (undici's own headers/body timeouts tick at ~0.5 s granularity)
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.body.text();
    return { status: res.statusCode === 200 ? 'ok' : 'error', httpStatus: res.statusCode, text };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if ((err as { name?: string }).name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT') {
      return { status: 'timeout', text: `executor did not answer within ${timeoutS} s` };
    }
    return { status: 'crash', text: `executor connection failed: ${e.message ?? String(err)}` };
  }
}

/** POST /init; @throws PlatformError when the server does not answer 200. */
export async function postInit(client: Pool, timeoutS: number, id: string): Promise<void> {
  try {
    const res = await client.request({
      path: '/init',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"value":{}}',
      headersTimeout: timeoutS * 1000,
      bodyTimeout: timeoutS * 1000,
    });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  } catch (err) {
    throw new PlatformError(`executor ${id}: /init failed: ${err instanceof Error ? err.message : err}`, {
      cause: err,
    });
  }
}

/**
 * What both executors share: the connection to their action server, POST /run over it, and
 * the death listener (called unless the executor is being destroyed on purpose).
 */
export abstract class ServerExecutor implements Executor {
  protected client: Pool | undefined;
  protected deathListener: ((reason: string) => void) | undefined;
  protected destroying = false;
  private destroyed: Promise<void> | undefined;
  readonly events: ExecutorEventMs[] = [];

  constructor(readonly id: string) {}

  abstract start(timeoutS: number): Promise<void>;
  /** Stop it and release what it holds (called once). */
  protected abstract doDestroy(): Promise<void>;

  /** Safe to call twice: both calls resolve once it is gone. */
  destroy(): Promise<void> {
    this.destroying = true;
    this.destroyed ??= this.doDestroy();
    return this.destroyed;
  }

  idle(_removalInS: number): void {}

  /** Run one lifecycle step and record when it began and how long it took (also when it fails). */
  protected async step<T>(kind: ExecutorEventKind, fn: () => Promise<T>): Promise<T> {
    const atMs = epochMs();
    try {
      return await fn();
    } finally {
      this.events.push({ kind, atMs, duration: (epochMs() - atMs) / 1000 });
    }
  }

  run(inputJson: string, timeoutS: number): Promise<RunResult> {
    if (!this.client) return Promise.resolve({ status: 'crash', text: 'executor not started' });
    return postRun(this.client, inputJson, timeoutS);
  }

  onDeath(listener: (reason: string) => void): void {
    this.deathListener = listener;
  }
}

export class ProcessExecutor extends ServerExecutor {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private readonly stderr = new TailBuffer();

  constructor(
    id: string,
    private readonly options: ProcessExecutorOptions,
  ) {
    super(id);
  }

  /** The OS process id (for tests and logs). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutS: number): Promise<void> {
    // its own process group, owned (core/ownership.ts): stopped after a crash of faasmark too
    const child = spawn(this.options.command, [...this.options.args, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.options.env },
      detached: true,
    });
    this.child = child;
    ownChild(child, `local-container executor ${this.id}`);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve()); // spawn failed: there will be no 'exit'
    });
    child.stderr?.on('data', (c: Buffer) => this.stderr.push(c));
    child.once('exit', (code, signal) => {
      if (!this.destroying)
        this.deathListener?.(`process exited (${signal ?? `code ${code}`})${this.describeStderr()}`);
    });
    const port = await this.step('start', () => this.waitListening(child, timeoutS));
    const client = new Pool(`http://127.0.0.1:${port}`, {
      connections: 1,
      pipelining: 1,
      keepAliveTimeout: 600_000,
    });
    this.client = client;
    await this.step('init', () => postInit(client, timeoutS, this.id));
  }

  private waitListening(child: ChildProcess, timeoutS: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      const fail = (why: string) => {
        clearTimeout(timer);
        lines.close();
        reject(new PlatformError(`executor ${this.id}: ${why}${this.describeStderr()}`));
      };
      const timer = setTimeout(
        () => fail(`no {"listening":port} line within ${timeoutS} s`),
        timeoutS * 1000,
      );
      child.once('error', (err) => fail(`cannot start ${this.options.command}: ${err.message}`));
      child.once('exit', (code, signal) => fail(`exited before listening (${signal ?? `code ${code}`})`));
      lines.on('line', (line) => {
        try {
          const msg = JSON.parse(line) as { listening?: unknown };
          if (typeof msg.listening === 'number') {
            clearTimeout(timer);
            lines.removeAllListeners('line');
            // keep draining stdout so a chatty server never blocks on a full pipe
            lines.on('line', () => {});
            resolve(msg.listening);
          }
        } catch {
          // not the listening line: ignore
        }
      });
    });
  }

  protected async doDestroy(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const pid = child.pid;
      killGroup(pid, 'SIGKILL');
      await this.step('remove', async () => this.exited);
    } else await this.exited;
    await this.client?.destroy();
    this.client = undefined;
  }

  private describeStderr(): string {
    const s = this.stderr.toString();
    return s ? `; stderr: ${s.slice(-500)}` : '';
  }
}
