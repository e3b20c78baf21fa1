/**
 * Who owns a container: every container local-container creates carries its owner process
 * (pid, the process's start time, its pid namespace), the platform instance and the executor
 * id as labels. A SIGKILL of faasmark runs no cleanup, so the next start sweeps the containers
 * whose owner process is gone; a live owner's containers are never touched, whoever it is
 * (docs/embedded-platforms.md "Ownership").
 */
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { statFields } from '../../../core/ownership.js';
import type { DockerEngine } from './engine.js';

export const LABEL_OWNER_PID = 'faasmark.owner.pid';
/** Start time of the owner (field 22 of /proc/<pid>/stat): a reused pid has another. */
export const LABEL_OWNER_START = 'faasmark.owner.start';
/** The owner's pid namespace (`pid:[inode]`): pids are only compared within the same one. */
export const LABEL_OWNER_PIDNS = 'faasmark.owner.pidns';
/** One platform instance (tests count their own containers by it). */
export const LABEL_INSTANCE = 'faasmark.instance';
export const LABEL_EXECUTOR = 'faasmark.executor';

/** A process's start time in clock ticks since boot, or undefined when there is no such process. */
export function processStartTime(pid: number | 'self'): string | undefined {
  const fields = statFields(pid === 'self' ? process.pid : pid);
  return fields && fields[0] !== 'Z' ? fields[19] : undefined; // a zombie is dead
}

export function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return 'unknown';
  }
}

export interface Owner {
  pid: number;
  start: string;
  pidns: string;
  instance: string;
}

/** This process as an owner, with a new instance id. */
export function currentOwner(): Owner {
  return {
    pid: process.pid,
    start: processStartTime('self') ?? '',
    pidns: pidNamespace(),
    instance: `${process.pid}-${randomBytes(4).toString('hex')}`,
  };
}

export function ownerLabels(owner: Owner, executorId: string): Record<string, string> {
  return {
    [LABEL_OWNER_PID]: String(owner.pid),
    [LABEL_OWNER_START]: owner.start,
    [LABEL_OWNER_PIDNS]: owner.pidns,
    [LABEL_INSTANCE]: owner.instance,
    [LABEL_EXECUTOR]: executorId,
  };
}

/**
 * Whether a container is a leftover: its owner, in this pid namespace, is no longer the process
 * that created it (gone, a zombie, or the pid reused). Containers of another pid namespace, or
 * without owner labels (not ours), are never leftovers here.
 */
export function isLeftover(
  labels: Record<string, string>,
  pidns: string,
  startTimeOf: (pid: number) => string | undefined = processStartTime,
): boolean {
  const pid = Number(labels[LABEL_OWNER_PID]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (labels[LABEL_OWNER_PIDNS] !== pidns) return false;
  const start = startTimeOf(pid);
  return start === undefined || start !== labels[LABEL_OWNER_START];
}

/** Remove every leftover container (in parallel); returns their ids. */
export async function sweepLeftovers(engine: DockerEngine, pidns = pidNamespace()): Promise<string[]> {
  const found = await engine.list([LABEL_OWNER_PID]);
  const stale = found.filter((c) => isLeftover(c.Labels ?? {}, pidns));
  await Promise.all(stale.map((c) => engine.remove(c.Id)));
  return stale.map((c) => c.Id);
}
