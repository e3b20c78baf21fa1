/**
 * Signalling a detached child's whole process group (it and anything it spawned): the owned
 * children of platforms/spin (spin-process.ts, spinkube/runner.ts) and platforms/openwhisk
 * (runner.ts follow()).
 */

/** Signal a whole process group; false when it no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while any process of group `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
