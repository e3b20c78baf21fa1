/**
 * Ownership of everything faasmark starts. Platforms, servers and child processes register a
 * cleanup here; SIGINT/SIGTERM run every cleanup (newest first) before exiting, and
 * `shutdownSignal` lets long loops stop early. Tests call `runCleanups()` in `after` hooks.
 */
type Cleanup = () => Promise<void> | void;

const cleanups = new Map<number, { name: string; fn: Cleanup }>();
let nextId = 1;
const controller = new AbortController();
let installed = false;

/** Register a cleanup; returns a function that unregisters it (call it after a normal teardown). */
export function onShutdown(name: string, fn: Cleanup): () => void {
  installSignalHandlers();
  const id = nextId++;
  cleanups.set(id, { name, fn });
  return () => {
    cleanups.delete(id);
  };
}

/** Aborted when SIGINT/SIGTERM arrives. */
export function shutdownSignal(): AbortSignal {
  return controller.signal;
}

/** Run and forget every registered cleanup, newest first; errors are collected, not thrown. */
export async function runCleanups(): Promise<string[]> {
  const failures: string[] = [];
  const entries = [...cleanups.entries()].reverse();
  cleanups.clear();
  for (const [, { name, fn }] of entries) {
    try {
      await fn();
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return failures;
}

function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupted) {
      process.stderr.write(`\nsecond ${signal}: exiting without cleanup\n`);
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping and cleaning up (press Ctrl-C again to force)\n`);
    controller.abort(new Error(signal));
    void runCleanups().then((failures) => {
      for (const f of failures) process.stderr.write(`cleanup failed: ${f}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
