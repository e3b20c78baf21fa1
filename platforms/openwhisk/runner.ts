/**
 * An injectable command runner for helm, kubectl, kind and docker: production uses execa,
 * tests record the calls and script the answers. Missing binaries become MissingToolError
 * with an install hint; every call has a bounded timeout.
 */
import { execa } from 'execa';
import { MissingToolError, TimeoutError } from '../../core/errors.js';
import { type CommandOptions, type CommandResult, runToCompletion } from '../external/command-runner.js';
import { killGroup, ownChild } from '../external/process-group.js';

export type { CommandOptions, CommandResult } from '../external/command-runner.js';

/** A long-running child whose stdout is consumed line by line (e.g. `kubectl logs -f`). */
export interface FollowHandle {
  stop(): Promise<void>;
}

export interface CommandRunner {
  /** Run to completion. Throws MissingToolError (not installed) or TimeoutError; a non-zero exit is returned, not thrown. */
  run(command: string, args: string[], options: CommandOptions): Promise<CommandResult>;
  /** Start a child and feed each stdout line to `onLine`. */
  follow(command: string, args: string[], onLine: (line: string) => void): FollowHandle;
}

export const INSTALL_HINTS: Record<string, string> = {
  helm: 'install Helm 3: https://helm.sh/docs/intro/install/ (e.g. `curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash`)',
  kubectl:
    'install kubectl: https://kubernetes.io/docs/tasks/tools/ (Debian: apt-get install kubernetes-client)',
  kind: 'install kind: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (e.g. `go install sigs.k8s.io/kind@v0.23.0`)',
  docker:
    'install and start Docker (Debian: apt-get install docker.io && dockerd &); kind and image builds need it',
  sh: 'a POSIX shell is needed to run invokerLog.command',
  git: 'install git (Debian: apt-get install git); the pinned openwhisk-deploy-kube chart is fetched with it',
};

function hintFor(tool: string): string {
  return INSTALL_HINTS[tool] ?? `install ${tool} and put it on PATH`;
}

/** The production runner (execa, no shell, reject: false). */
export function execaRunner(): CommandRunner {
  return {
    run(command, args, options) {
      return runToCompletion(command, args, {
        timeout: options.timeout,
        execa: { input: options.input, cancelSignal: options.signal, stripFinalNewline: true },
        missing: () => new MissingToolError(command, hintFor(command)),
        timedOut: () =>
          new TimeoutError(`${command} ${args[0] ?? ''} did not finish within ${options.timeout} s`, {
            hint: `check the cluster (kubectl get pods -A) or raise the timeout`,
          }),
      });
    },
    follow(command, args, onLine) {
      // own process group, so stop() also ends grandchildren (a shell's pipeline)
      const child = execa(command, args, {
        reject: false,
        buffer: false,
        stdin: 'ignore',
        stderr: 'ignore',
        detached: true,
      });
      ownChild(child, `${command} ${args[0] ?? ''} (log follow)`);
      let rest = '';
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        rest += chunk;
        let nl = rest.indexOf('\n');
        while (nl >= 0) {
          onLine(rest.slice(0, nl));
          rest = rest.slice(nl + 1);
          nl = rest.indexOf('\n');
        }
      });
      const done = child.then(
        () => undefined,
        () => undefined,
      );
      const signalGroup = (signal: NodeJS.Signals) => {
        if (child.pid !== undefined) killGroup(child.pid, signal);
      };
      return {
        async stop() {
          if (child.exitCode === null) signalGroup('SIGTERM');
          const settled = await Promise.race([
            done.then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
          ]);
          if (!settled) {
            signalGroup('SIGKILL');
            await done;
          }
          if (rest) onLine(rest);
          rest = '';
        },
      };
    },
  };
}

/** Check that `tool` runs (`versionArgs`), else MissingToolError with the install hint. */
export async function requireTool(
  runner: CommandRunner,
  tool: string,
  versionArgs: string[],
): Promise<string> {
  const r = await runner.run(tool, versionArgs, { timeout: 30 });
  if (r.exitCode !== 0 && tool === 'docker') {
    throw new MissingToolError(
      'docker (engine)',
      `${hintFor('docker')}; \`docker version\` said: ${firstLine(r.stderr)}`,
    );
  }
  return firstLine(r.stdout);
}

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '') ?? '';
}
