/**
 * How faasmark ends, whatever ends it (docs/architecture.md "Owned processes"). Platforms,
 * servers and children register a cleanup with onShutdown; SIGINT, SIGTERM, SIGHUP, the loss
 * of the npm process that launched faasmark and an uncaught error (exception or rejection) all
 * run every cleanup, newest first, then exit 130 / 143 / 129 / 129 / 1; a second signal exits
 * at once, and core/ownership.ts's exit hook still kills every owned process group.
 * `shutdownSignal` lets long loops stop early. The CLI installs the hooks (harness/bin.ts);
 * tests call `runCleanups()` in `after` hooks.
 */
import { readFileSync } from 'node:fs';
import { killOwnedGroups } from './ownership.js';
import { scrub } from './secrets.js';

type Cleanup = () => Promise<void> | void;

const cleanups = new Map<number, { name: string; fn: Cleanup }>();
let nextId = 1;
const controller = new AbortController();
let signalsInstalled = false;
let ending = false;
/** Bound on the cleanups after a crash or a lost launcher (nobody is there to press Ctrl-C again). */
const UNATTENDED_CLEANUP_MS = 120_000;
/** How often the launcher watchdog looks at the parent pid. */
const WATCH_INTERVAL_MS = 500;

/** Register a cleanup; returns a function that unregisters it (call it after a normal teardown). */
export function onShutdown(name: string, fn: Cleanup): () => void {
  installSignalHandlers();
  const id = nextId++;
  cleanups.set(id, { name, fn });
  return () => {
    cleanups.delete(id);
  };
}

/** Aborted when the process starts ending (signal, lost launcher, uncaught error). */
export function shutdownSignal(): AbortSignal {
  return controller.signal;
}

/** The cleanup runs under way: a later run (a signal during the normal teardown) waits for them. */
let inFlight: Promise<unknown> = Promise.resolve();

/**
 * Run and forget every registered cleanup, newest first; errors are collected, not thrown.
 * Resolves only when every earlier run has finished too.
 */
export function runCleanups(): Promise<string[]> {
  const entries = [...cleanups.values()].reverse();
  cleanups.clear();
  const earlier = inFlight;
  const run = (async () => {
    const failures: string[] = [];
    for (const { name, fn } of entries) {
      try {
        await fn();
      } catch (err) {
        failures.push(scrub(`${name}: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
    await earlier;
    return failures;
  })();
  inFlight = run.catch(() => undefined);
  return run;
}

/** Stop everything and exit with `code`; a second call (second signal, crash in a cleanup) exits at once. */
function endProcess(code: number, message: string, reason: unknown, deadlineMs?: number): void {
  if (ending) {
    process.stderr.write(`\n${scrub(message)}: exiting without cleanup\n`);
    killOwnedGroups('SIGKILL');
    process.exit(code);
  }
  ending = true;
  process.stderr.write(`\n${scrub(message)}\n`);
  controller.abort(reason);
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          process.stderr.write(`cleanup did not finish within ${deadlineMs / 1000} s: exiting\n`);
          process.exit(code);
        }, deadlineMs).unref();
  void runCleanups().then((failures) => {
    if (timer) clearTimeout(timer);
    for (const f of failures) process.stderr.write(`cleanup failed: ${f}\n`);
    process.exit(code);
  });
}

/** SIGHUP ignored when faasmark started (nohup): then the user asked it to outlive its terminal. */
function hangupIgnored(): boolean {
  try {
    const line = /^SigIgn:\s*([0-9a-f]+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return line ? (BigInt(`0x${line[1]}`) & 1n) === 1n : false;
  } catch {
    return false;
  }
}

function installSignalHandlers(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  const exitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
  if (!hangupIgnored()) exitCodes.SIGHUP = 129;
  for (const [signal, code] of Object.entries(exitCodes) as [NodeJS.Signals, number][]) {
    process.on(signal, () =>
      endProcess(
        code,
        `${signal}: stopping and cleaning up (press Ctrl-C again to force)`,
        new Error(signal),
      ),
    );
  }
}

function describeCrash(err: unknown, origin: string, debug: boolean): string {
  const message = err instanceof Error ? err.message : String(err);
  const lines = [
    `error[FM_INTERNAL]: ${origin}: ${message}`,
    'This is a bug in faasmark; please report it with --debug output. Stopping and cleaning up.',
  ];
  if (debug && err instanceof Error && err.stack) lines.push(err.stack);
  return lines.join('\n');
}

/**
 * When npm launched faasmark (`npx faasmark …`, `npm run …`) and is gone — it forwarded a
 * SIGTERM to the `sh -c` between it and faasmark, which died of it, or it was killed — faasmark
 * is re-parented: it ends as on SIGHUP. Not under nohup (SIGHUP ignored).
 */
function watchLauncher(env: NodeJS.ProcessEnv): void {
  if (!env.npm_command || hangupIgnored()) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    endProcess(
      129,
      `the npm process that launched faasmark (pid ${parent}) is gone: stopping and cleaning up`,
      new Error('launcher gone'),
    );
  }, WATCH_INTERVAL_MS);
  timer.unref();
}

/**
 * Install every process-wide hook: signals, uncaught exceptions and unhandled rejections (run
 * the cleanups, exit 1), and the launcher watchdog. For the CLI entry point only.
 */
export function installProcessHooks(options: { debug?: boolean; env?: NodeJS.ProcessEnv } = {}): void {
  installSignalHandlers();
  const env = options.env ?? process.env;
  const debug = options.debug ?? (process.argv.includes('--debug') || env.FAASMARK_DEBUG === '1');
  const crash = (origin: string) => (err: unknown) =>
    endProcess(1, describeCrash(err, origin, debug), err, UNATTENDED_CLEANUP_MS);
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
  watchLauncher(env);
}

type CrashPlan = { site: string; after: number; kind: 'exception' | 'rejection' } | null;
let crashPlan: CrashPlan | undefined;

/**
 * A deliberate crash for the cleanup tests: env FAASMARK_DEBUG_CRASH=`<site>:<n>[:rejection]`
 * throws an uncaught error (or rejects a promise nobody awaits) when `site` reaches count `n`.
 */
export function debugCrashPoint(site: string, count: number): void {
  if (crashPlan === undefined) {
    const m = /^([a-z-]+):(\d+)(?::(exception|rejection))?$/.exec(process.env.FAASMARK_DEBUG_CRASH ?? '');
    crashPlan = m
      ? {
          site: m[1] as string,
          after: Number(m[2]),
          kind: (m[3] ?? 'exception') as 'exception' | 'rejection',
        }
      : null;
  }
  if (crashPlan === null || crashPlan.site !== site || crashPlan.after !== count) return;
  const err = new Error(`deliberate crash at ${site} ${count} (FAASMARK_DEBUG_CRASH)`);
  if (crashPlan.kind === 'rejection') void Promise.reject(err);
  else
    setImmediate(() => {
      throw err;
    });
}
