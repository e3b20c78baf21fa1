/**
 * The part the injectable command runners share (platforms/openwhisk/runner.ts for helm,
 * kubectl, kind and docker; platforms/spin/spinkube/runner.ts for kubectl, helm and kind;
 * local-container's `docker version` check):
 * run a command to completion through execa with no shell, `reject: false`, a bounded
 * timeout and LC_ALL=C, turning a missing binary and a timeout into the caller's errors.
 */
import { execa, type Options } from 'execa';
import { ownChild } from '../../core/ownership.js';

/** How one run of a runner's `run()` is bounded and fed (shared by the OpenWhisk and SpinKube runners). */
export interface CommandOptions {
  /** Bounded wait (s). */
  timeout: number;
  /** Written to stdin (e.g. YAML for `kubectl apply -f -`). */
  input?: string;
  /** Cancels the run. */
  signal?: AbortSignal;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunCompletionOptions {
  /** Bounded wait (s). */
  timeout: number;
  /** How stdin is fed and how the run is cancelled (the runners differ here). */
  execa: Pick<Options, 'input' | 'stdin' | 'cancelSignal' | 'stripFinalNewline'>;
  /** The error for a binary that is not installed (ENOENT). */
  missing: () => Error;
  /** The error for a run that outlived `timeout`. */
  timedOut: () => Error;
}

/**
 * Run to completion; a non-zero exit is returned, not thrown.
 * @throws the error `missing()` or `timedOut()` builds
 */
export async function runToCompletion(
  command: string,
  args: string[],
  options: RunCompletionOptions,
): Promise<CommandResult> {
  const child = execa(command, args, {
    reject: false,
    timeout: Math.round(options.timeout * 1000),
    ...options.execa,
    env: { ...process.env, LC_ALL: 'C' },
    detached: true, // its own process group, owned: stopped after a crash of faasmark too
  });
  ownChild(child, `${command} ${args[0] ?? ''}`);
  const r = await child;
  if ((r as { code?: string }).code === 'ENOENT') throw options.missing();
  if (r.timedOut) throw options.timedOut();
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
