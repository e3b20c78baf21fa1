/**
 * One owned `spin up` child: started with execa in its own process group (detached, so one
 * signal reaches Spin and anything it spawned), its stdout/stderr streamed to a log file with
 * the last few KiB of stderr kept for error messages, a bounded readiness wait, and a stop
 * that sends SIGTERM to the group and SIGKILL after a grace. The group is owned (core/ownership.ts
 * ownChild), whose exit hook kills it, so even an abrupt exit of faasmark leaves no orphan; SIGINT/SIGTERM go
 * through core/lifecycle.ts (the owner registers {@link SpinProcess.stop} with onShutdown).
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { request } from 'undici';
import { PlatformError, TimeoutError } from '../../core/errors.js';
import { ownChild, stopGroup } from '../external/process-group.js';

const TAIL_BYTES = 8 * 1024;
/** Wasmtime's pooling-allocator refusal as Spin logs it ("maximum concurrent component instance limit of N reached"). */
const INSTANCE_LIMIT = /maximum concurrent .*limit of \d+ reached/;

export interface SpinExit {
  code: number | null;
  signal: string | null;
  /** Epoch ms. */
  atMs: number;
}

/** `spin up` failed to start; `portInUse` when Spin said the listen address is taken. */
export class SpinStartError extends PlatformError {
  readonly portInUse: boolean;
  constructor(message: string, portInUse: boolean, hint?: string) {
    super(message, hint ? { hint } : {});
    this.name = 'SpinStartError';
    this.portInUse = portInUse;
  }
}

export interface SpinProcessOptions {
  binary: string;
  args: string[];
  /** Added to the inherited environment. */
  env: Record<string, string>;
  cwd: string;
  /** stdout + stderr of spin go here. */
  logPath: string;
}

export class SpinProcess {
  readonly pid: number;
  readonly command: string;
  private readonly child: ResultPromise;
  private readonly log: WriteStream;
  private stderr = '';
  private exitInfo: SpinExit | null = null;
  private stopping = false;
  private limitHits = 0;
  private pending = '';
  readonly exited: Promise<SpinExit>;

  private constructor(options: SpinProcessOptions) {
    mkdirSync(dirname(options.logPath), { recursive: true });
    this.log = createWriteStream(options.logPath, { flags: 'a' });
    this.command = [options.binary, ...options.args].join(' ');
    this.child = execa(options.binary, options.args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: true,
      detached: true,
      cleanup: false,
      stdin: 'ignore',
      buffer: false,
      reject: false,
    });
    if (this.child.pid === undefined) {
      this.log.end();
      throw new PlatformError(`could not start ${options.binary}`);
    }
    this.pid = this.child.pid;
    ownChild(this.child, `spin up (pid ${this.pid})`); // its exit hook SIGKILLs the group if faasmark dies
    this.child.stdout?.on('data', (chunk: Buffer) => this.log.write(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.log.write(chunk);
      const text = chunk.toString('utf8');
      this.stderr = (this.stderr + text).slice(-TAIL_BYTES);
      const lines = (this.pending + text).split('\n');
      this.pending = (lines.pop() ?? '').slice(-TAIL_BYTES);
      for (const line of lines) if (INSTANCE_LIMIT.test(line)) this.limitHits++;
    });
    this.exited = this.child.then(
      (r) => this.markExit(r.exitCode ?? null, r.signal ?? null),
      (err: { exitCode?: number; signal?: string }) =>
        this.markExit(err.exitCode ?? null, err.signal ?? null),
    );
  }

  /** Spawn `spin up …` detached. @throws PlatformError when it cannot be spawned at all. */
  static start(options: SpinProcessOptions): SpinProcess {
    return new SpinProcess(options);
  }

  private markExit(code: number | null, signal: string | null): SpinExit {
    this.exitInfo ??= { code, signal, atMs: Date.now() };
    return this.exitInfo;
  }

  /** Null while running. */
  get exit(): SpinExit | null {
    return this.exitInfo;
  }

  /** True when it exited without being asked to. */
  get crashed(): boolean {
    return this.exitInfo !== null && !this.stopping;
  }

  /** Log lines in which Spin reported an instantiation refused at the instance cap (each answered an empty 500). */
  get instanceLimitHits(): number {
    return this.limitHits;
  }

  /** The last few KiB of its stderr, trimmed. */
  stderrTail(maxChars = 2000): string {
    return this.stderr.trim().slice(-maxChars);
  }

  describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'still running';
    return e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`;
  }

  /**
   * Poll `healthUrl` until it answers 200, bounded by `timeoutSeconds`.
   * @throws SpinStartError when spin exits first (with its stderr); TimeoutError when it never answers.
   */
  async waitReady(healthUrl: string, timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (Date.now() < deadline) {
      if (signal?.aborted) throw new PlatformError('interrupted while waiting for spin up');
      if (this.exitInfo) throw this.startError();
      try {
        const res = await request(healthUrl, {
          method: 'GET',
          headersTimeout: 1000,
          bodyTimeout: 1000,
          signal: AbortSignal.timeout(Math.min(1000, Math.max(1, deadline - Date.now()))),
        });
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // not listening yet
      }
      await Promise.race([sleep(100), this.exited]);
    }
    if (this.exitInfo) throw this.startError();
    const tail = this.stderrTail();
    throw new TimeoutError(
      `spin up did not answer ${healthUrl} within ${timeoutSeconds} s${tail ? `; its stderr:\n${tail}` : ' (no output)'}`,
      {
        hint: 'raise platform.startTimeout if the app is large (Spin compiles it at start), or check the log in the point directory',
      },
    );
  }

  private startError(): SpinStartError {
    const tail = this.stderrTail();
    const portInUse = /already in use|address in use|EADDRINUSE/i.test(tail);
    return new SpinStartError(
      `spin up ${this.describeExit()} before answering${tail ? `; its stderr:\n${tail}` : ' (no stderr output)'}`,
      portInUse,
      portInUse
        ? 'another process holds that port: free it or pick another spin.port'
        : `command: ${this.command}`,
    );
  }

  /** SIGTERM the group, SIGKILL after `graceSeconds`; then sweep the group. Safe to call twice. */
  async stop(graceSeconds: number): Promise<void> {
    this.stopping = this.stopping || this.exitInfo === null;
    // the group too: Spin runs no helpers today, but a wrapper script might
    await stopGroup(this.pid, this.exitInfo ? null : this.exited, graceSeconds);
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}
