/**
 * One owned `wasmtime serve` process (Wasmtime's wasi:http proxy host): spawned in its own
 * process group on 127.0.0.1 (port 0 = a free one, read back from its readiness line on stderr,
 * `Serving HTTP on http://127.0.0.1:P/`), a bounded wait for that line, stdout/stderr to a log
 * with the stderr tail kept, exits reported, and a stop that sends SIGTERM to the group and
 * SIGKILL after a grace. Ownership (docs/architecture.md "Owned processes"): each process is
 * registered with core/lifecycle.ts onShutdown (SIGINT/SIGTERM) and recorded with
 * core/ownership.ts ownChild, whose exit hook SIGKILLs the group on a crash of faasmark and whose
 * state file lets the next faasmark sweep it after a SIGKILL. {@link OWNER_ENV} marks the process
 * with its owner's pid, so a look at /proc tells whose it is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, PlatformError, TimeoutError } from '../../core/errors.js';
import { onShutdown } from '../../core/lifecycle.js';
import { ownChild, processStartTime } from '../../core/ownership.js';
import { stopGroup } from './process-group.js';

const TAIL_CHARS = 8 * 1024;
const READY = /Serving HTTP on http:\/\/[^:]+:(\d+)\//;
/** Env marker on every wasmtime faasmark starts: `<owner pid>:<owner start time>`. */
export const OWNER_ENV = 'FAASMARK_WASMTIME_OWNER';

export interface ServeExit {
  code: number | null;
  signal: string | null;
  /** Epoch ms. */
  atMs: number;
}

export interface ServeOptions {
  binary: string;
  /** Arguments after `serve` and before the component (`-O …`, `-W …`, `--max-concurrent-requests N`). */
  args: string[];
  /** The component, or a `.cwasm` with `precompiled`. */
  component: string;
  precompiled: boolean;
  /** 0 = any free port. */
  port: number;
  /** Bounded wait for the readiness line (s). */
  readyTimeout: number;
  /** Names it in messages, e.g. `wasmtime serve (aes)`. */
  label: string;
  /** stdout and stderr are appended here; none: kept in memory only (the tail). */
  logPath?: string;
  /** Aborts the readiness wait. */
  signal?: AbortSignal;
}

function ownerMarker(): string {
  return `${process.pid}:${processStartTime(process.pid) ?? 0}`;
}

/** `wasmtime serve` did not come up; `portInUse` when it said the address is taken. */
export class ServeStartError extends PlatformError {
  readonly portInUse: boolean;
  constructor(message: string, portInUse: boolean, hint: string) {
    super(message, { hint });
    this.name = 'ServeStartError';
    this.portInUse = portInUse;
  }
}

export class WasmtimeServe {
  readonly pid: number;
  readonly label: string;
  readonly command: string;
  /** Epoch ms of the spawn. */
  readonly startedAtMs: number;
  port = 0;
  /** Spawn → readiness line read (s). */
  readySeconds = 0;
  readonly exited: Promise<ServeExit>;
  private exitInfo: ServeExit | null = null;
  private stopping = false;
  private stderr = '';
  private pending = '';
  private readonly errors: string[] = [];
  private readonly log: WriteStream | undefined;
  private readonly child: ChildProcess;
  private readonly unregister: () => void;
  private readyLine: ((port: number) => void) | undefined;
  private readonly spawnedAt: number;

  private constructor(o: ServeOptions) {
    this.label = o.label;
    const args = ['serve', '--addr', `127.0.0.1:${o.port}`, ...o.args];
    if (o.precompiled) args.push('--allow-precompiled');
    args.push(o.component);
    this.command = [o.binary, ...args].join(' ');
    if (o.logPath) {
      mkdirSync(dirname(o.logPath), { recursive: true });
      this.log = createWriteStream(o.logPath, { flags: 'a' });
    }
    this.startedAtMs = Date.now();
    this.spawnedAt = performance.now();
    this.child = spawn(o.binary, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', [OWNER_ENV]: ownerMarker() },
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve(this.markExit(code, signal)));
      this.child.once('error', () => resolve(this.markExit(null, null)));
    });
    this.pid = this.child.pid ?? -1;
    ownChild(this.child, this.label);
    this.unregister = onShutdown(this.label, () => this.stop());
    this.child.stdout?.on('data', (chunk: Buffer) => this.log?.write(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk));
  }

  /**
   * Spawn and wait for the readiness line.
   * @throws ServeStartError (exited first; `portInUse` for a taken port), TimeoutError
   */
  static async start(o: ServeOptions): Promise<WasmtimeServe> {
    const serve = new WasmtimeServe(o);
    try {
      await serve.waitReady(o);
    } catch (err) {
      await serve.stop(2);
      throw err;
    }
    return serve;
  }

  private onStderr(chunk: Buffer): void {
    this.log?.write(chunk);
    const text = chunk.toString('utf8');
    this.stderr = (this.stderr + text).slice(-TAIL_CHARS);
    const lines = (this.pending + text).split('\n');
    this.pending = (lines.pop() ?? '').slice(-TAIL_CHARS);
    for (const line of lines) {
      const ready = READY.exec(line);
      if (ready && this.readyLine) this.readyLine(Number(ready[1]));
      else if (/^error: /.test(line)) this.errors.push(line.slice(7).trim());
      if (this.errors.length > 100) this.errors.shift();
    }
  }

  private async waitReady(o: ServeOptions): Promise<void> {
    const ready = new Promise<number>((resolve) => {
      this.readyLine = resolve;
    });
    const timer = sleep(o.readyTimeout * 1000, 'timeout' as const, { ref: false });
    const aborted = new Promise<'aborted'>((resolve) => {
      o.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
    });
    const outcome = await Promise.race([ready, this.exited, timer, aborted]);
    this.readyLine = undefined;
    if (typeof outcome === 'number') {
      this.port = outcome;
      this.readySeconds = (performance.now() - this.spawnedAt) / 1000;
      return;
    }
    if (outcome === 'aborted') throw new PlatformError(`interrupted while starting ${this.label}`);
    if (outcome === 'timeout') {
      throw new TimeoutError(
        `${this.label} printed no "Serving HTTP on" line within ${o.readyTimeout} s${this.tailText()}`,
        {
          hint: `raise local-wasm.wasmtime.startTimeout, or run the command by hand to see why: ${this.command}`,
        },
      );
    }
    throw this.startError(o);
  }

  private startError(o: ServeOptions): ServeStartError {
    const tail = this.stderrTail();
    const portInUse = /address already in use|os error 98/i.test(tail);
    const message = `${this.label} ${this.describeExit()} before it was ready${this.tailText()}`;
    if (portInUse) {
      return new ServeStartError(
        message,
        true,
        `another process holds 127.0.0.1:${o.port}: free it, or set local-wasm.port to 0 (any free port)`,
      );
    }
    return new ServeStartError(message, false, `command: ${this.command}`);
  }

  private tailText(): string {
    const tail = this.stderrTail(1500);
    return tail ? `: ${tail}` : ' (no output)';
  }

  private markExit(code: number | null, signal: string | null): ServeExit {
    this.exitInfo ??= { code, signal, atMs: Date.now() };
    return this.exitInfo;
  }

  /** Null while running. */
  get exit(): ServeExit | null {
    return this.exitInfo;
  }

  /** True when it exited without being asked to. */
  get crashed(): boolean {
    return this.exitInfo !== null && !this.stopping;
  }

  /** The last few KiB of its stderr, trimmed. */
  stderrTail(maxChars = 2000): string {
    return this.stderr.trim().slice(-maxChars);
  }

  /** The reasons of its last failed requests (its `error: …` lines), oldest first; up to 100. */
  recentErrors(): readonly string[] {
    return this.errors;
  }

  describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'is running';
    return e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
  }

  /** SIGTERM the group, SIGKILL after `graceSeconds`, then sweep the group. Safe to call twice. */
  async stop(graceSeconds = 5): Promise<void> {
    this.stopping = this.stopping || this.exitInfo === null;
    if (this.pid > 0) await stopGroup(this.pid, this.exitInfo ? null : this.exited, graceSeconds);
    this.unregister();
    const log = this.log;
    if (log && !log.closed) await new Promise<void>((resolve) => log.end(() => resolve()));
  }
}

/** A port clash as bad input (exit 2): a fixed port that another process holds. */
export function portInUseError(port: number, what: string): ConfigError {
  return new ConfigError(`${what}: 127.0.0.1:${port} is already in use by another process`, [], {
    hint: 'free that port, pick another local-wasm.port, or use 0 (any free port)',
  });
}
