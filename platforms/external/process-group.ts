/**
 * Signalling a detached child's whole process group (it and anything it spawned): the owned
 * children of platforms/spin (spin-process.ts, spinkube/runner.ts) and platforms/openwhisk
 * (runner.ts follow()). The helpers live with the ownership record (core/ownership.ts:
 * `ownChild` records a group so a crash or the next start can stop it).
 */
export { groupAlive, killGroup, ownChild } from '../../core/ownership.js';
