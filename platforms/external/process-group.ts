/**
 * Signalling a detached child's whole process group (it and anything it spawned): the owned
 * children of platforms/spin (spin-process.ts, spinkube/runner.ts) and platforms/openwhisk
 * (runner.ts follow()). The helpers live with the ownership record (core/ownership.ts:
 * `ownChild` records a group so a crash or the next start can stop it).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { groupAlive, killGroup } from '../../core/ownership.js';

export { groupAlive, killGroup, ownChild } from '../../core/ownership.js';

/**
 * Stop the group led by `pid`: SIGTERM, SIGKILL when `exited` has not settled after
 * `graceSeconds` (then up to 5 s more), and finally SIGKILL whatever of the group outlived its
 * leader, waiting up to 1 s for it to go. `exited` is null when the leader has already exited.
 */
export async function stopGroup(
  pid: number,
  exited: Promise<unknown> | null,
  graceSeconds: number,
): Promise<void> {
  if (exited) {
    killGroup(pid, 'SIGTERM');
    const done = await Promise.race([exited, sleep(graceSeconds * 1000, null, { ref: false })]);
    if (done === null) {
      killGroup(pid, 'SIGKILL');
      await Promise.race([exited, sleep(5000, null, { ref: false })]);
    }
  }
  if (groupAlive(pid)) {
    killGroup(pid, 'SIGKILL');
    for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(20);
  }
}
