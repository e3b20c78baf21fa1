/**
 * An injectable command runner for kubectl, helm and kind: production uses execa, tests
 * record the calls and script the answers (fakes share the real interface). Runs
 * are bounded; a missing binary is a MissingToolError with an install hint. Long-running
 * children (`kubectl port-forward`) are owned: own process group, SIGTERM then SIGKILL.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { execa, type ResultPromise } from 'execa';
import { MissingToolError, PlatformError, TimeoutError } from '../../../core/errors.js';
import { type CommandOptions, type CommandResult, runToCompletion } from '../../external/command-runner.js';
import { groupAlive, killGroup, ownChild } from '../../external/process-group.js';

export type { CommandOptions, CommandResult } from '../../external/command-runner.js';

/** A child that keeps running (port-forward). */
export interface LongRunning {
  /** Resolves with the first match of `pattern` in its output; rejects when it exits first or after `timeout` s. */
  waitFor(pattern: RegExp, timeout: number): Promise<RegExpMatchArray>;
  /** Null while running. */
  readonly exit: { code: number | null; signal: string | null } | null;
  readonly exited: Promise<unknown>;
  /** The last few KiB of its stdout + stderr. */
  output(): string;
  /** SIGTERM its group, SIGKILL after `grace` s. Safe to call twice. */
  stop(grace: number): Promise<void>;
}

export interface KubeRunner {
  /** Run to completion. A non-zero exit is returned, not thrown. @throws MissingToolError, TimeoutError */
  run(command: string, args: string[], options: CommandOptions): Promise<CommandResult>;
  /** Start an owned long-running child. @throws MissingToolError */
  start(command: string, args: string[]): LongRunning;
}

export const KUBE_INSTALL_HINTS: Record<string, string> = {
  kubectl:
    'install kubectl: https://kubernetes.io/docs/tasks/tools/ (Debian: apt-get install kubernetes-client)',
  helm: 'install Helm 3: https://helm.sh/docs/intro/install/',
  kind: 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (it needs Docker)',
  docker:
    'install and start Docker (Debian: apt-get install docker.io); app images are built and loaded with it',
};

function missing(command: string): MissingToolError {
  const base = command.split('/').pop() ?? command;
  return new MissingToolError(command, KUBE_INSTALL_HINTS[base] ?? `install ${base} and put it on PATH`);
}

const TAIL = 8 * 1024;

class OwnedChild implements LongRunning {
  private tail = '';
  private exitInfo: { code: number | null; signal: string | null } | null = null;
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<unknown>;
  private readonly pid: number;

  constructor(child: ResultPromise) {
    this.pid = child.pid as number;
    const onData = (chunk: Buffer) => {
      this.tail = (this.tail + chunk.toString('utf8')).slice(-TAIL);
      for (const l of this.listeners) l();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = child.then(
      (r) => this.markExit(r.exitCode ?? null, r.signal ?? null),
      (e: { exitCode?: number; signal?: string }) => this.markExit(e.exitCode ?? null, e.signal ?? null),
    );
  }

  private markExit(code: number | null, signal: string | null) {
    this.exitInfo ??= { code, signal };
    for (const l of this.listeners) l();
    return this.exitInfo;
  }

  get exit() {
    return this.exitInfo;
  }

  output(): string {
    return this.tail.trim();
  }

  waitFor(pattern: RegExp, timeout: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new TimeoutError(`no ${pattern} from the child within ${timeout} s; output:\n${this.output()}`),
        );
      }, timeout * 1000);
      const check = () => {
        const m = pattern.exec(this.tail);
        if (m) {
          clearTimeout(timer);
          this.listeners.delete(check);
          resolve(m);
        } else if (this.exitInfo) {
          clearTimeout(timer);
          this.listeners.delete(check);
          reject(
            new PlatformError(
              `exited (code ${this.exitInfo.code}) before printing ${pattern}:\n${this.output()}`,
            ),
          );
        }
      };
      this.listeners.add(check);
      check();
    });
  }

  async stop(grace: number): Promise<void> {
    if (!this.exitInfo) {
      killGroup(this.pid, 'SIGTERM');
      const done = await Promise.race([this.exited.then(() => true), sleep(grace * 1000).then(() => false)]);
      if (!done) killGroup(this.pid, 'SIGKILL');
      await Promise.race([this.exited, sleep(5000)]);
    }
    if (groupAlive(this.pid)) killGroup(this.pid, 'SIGKILL');
  }
}

/** The production runner (execa, no shell, reject: false, LC_ALL=C). */
export function execaKubeRunner(): KubeRunner {
  return {
    run(command, args, options) {
      return runToCompletion(command, args, {
        timeout: options.timeout,
        execa: {
          ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
          cancelSignal: options.signal,
        },
        missing: () => missing(command),
        timedOut: () =>
          new TimeoutError(`\`${command} ${args.join(' ')}\` did not finish within ${options.timeout} s`),
      });
    },
    start(command, args) {
      const child = execa(command, args, {
        detached: true,
        cleanup: false,
        stdin: 'ignore',
        buffer: false,
        reject: false,
        env: { ...process.env, LC_ALL: 'C' },
      });
      if (child.pid === undefined) throw missing(command);
      ownChild(child, `${command} ${args[0] ?? ''}`);
      return new OwnedChild(child);
    },
  };
}
