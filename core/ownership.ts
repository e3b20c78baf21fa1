/**
 * What this faasmark process owns outside itself — child process groups and outside resources
 * (e.g. Docker containers) — kept in memory and in a state file per process under a runtime
 * directory, so that the next faasmark can sweep what a killed one left (docs/architecture.md
 * "Owned processes"). A child is owned by spawning it in its own process group (detached) and
 * calling {@link ownChild}; the exit hook SIGKILLs every owned group still alive. An owner is
 * dead when its pid is gone or now belongs to a process with another start time (a reused
 * pid), or the machine rebooted. Linux (/proc); elsewhere only the in-process hooks work.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrub } from './secrets.js';

export interface OwnedGroup {
  pgid: number;
  /** The group leader's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  startTime: number | null;
  what: string;
}

export interface OwnedResource {
  kind: string;
  id: string;
  what: string;
}

interface StateFile {
  pid: number;
  startTime: number | null;
  bootId: string | null;
  groups: OwnedGroup[];
  resources: OwnedResource[];
}

/** Releases what was owned (call it once the child or resource is gone). */
export type Release = () => void;
export type Sweeper = (resource: OwnedResource) => Promise<void>;

const groups = new Map<number, OwnedGroup>();
const resources = new Map<string, OwnedResource>();
const sweepers = new Map<string, Sweeper>();
let exitHookInstalled = false;
let pendingWrite: NodeJS.Timeout | undefined;

/** The runtime directory of the state files: env FAASMARK_RUNTIME_DIR, else $XDG_RUNTIME_DIR/faasmark, else <tmp>/faasmark-<uid>. */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FAASMARK_RUNTIME_DIR) return env.FAASMARK_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'faasmark');
  return join(tmpdir(), `faasmark-${process.getuid?.() ?? 'user'}`);
}

function ownersDir(): string {
  return join(runtimeDir(), 'owners');
}

/** /proc/<pid>/stat fields after the command name: [state, ppid, pgrp, ...]; null when gone. */
export function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Start time of `pid` in clock ticks since boot, or null when it does not exist (or no /proc). */
export function processStartTime(pid: number): number | null {
  const f = statFields(pid);
  return f ? Number(f[19]) : null;
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signal a whole process group; false when it no longer exists. */
export function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
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

function stateFile(pid = process.pid): string {
  return join(ownersDir(), `${pid}.json`);
}

/** Write (or remove, when nothing is owned) this process's state file; synchronous. */
function writeState(): void {
  if (pendingWrite) clearTimeout(pendingWrite);
  pendingWrite = undefined;
  try {
    if (groups.size === 0 && resources.size === 0) {
      rmSync(stateFile(), { force: true });
      return;
    }
    mkdirSync(ownersDir(), { recursive: true, mode: 0o700 });
    const state: StateFile = {
      pid: process.pid,
      startTime: processStartTime(process.pid),
      bootId: bootId(),
      groups: [...groups.values()],
      resources: [...resources.values()],
    };
    const tmp = `${stateFile()}.${Math.random().toString(16).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
    renameSync(tmp, stateFile());
  } catch {
    // a state file that cannot be written costs only the sweep after a hard kill
  }
}

/** Releases are written lazily: a stale entry is harmless (the sweep checks start times). */
function writeSoon(): void {
  pendingWrite ??= setTimeout(writeState, 200).unref();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    killOwnedGroups('SIGKILL');
    groups.clear();
    writeState();
    if (privateRoot) rmSync(privateRoot, { recursive: true, force: true });
  });
}

let privateRoot: string | undefined;

/**
 * A private directory (mode 0700) for files that must never reach the results — kubeconfigs,
 * Helm values carrying keys: under the runtime directory, not the run directory; removed when
 * the process exits, and swept after a crash like the rest of what a dead owner left.
 */
export function privateDir(name: string): string {
  installExitHook();
  privateRoot ??= join(runtimeDir(), 'private', `${process.pid}-${processStartTime(process.pid) ?? 0}`);
  const dir = join(privateRoot, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Remove the private directories of dead processes (named `<pid>-<start time>`). */
function sweepPrivateDirs(): void {
  const root = join(runtimeDir(), 'private');
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^(\d+)-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    const start = processStartTime(Number(m[1]));
    if (start !== null && (start === Number(m[2]) || Number(m[2]) === 0)) continue; // still running
    try {
      if (statSync(join(root, name)).isDirectory())
        rmSync(join(root, name), { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
}

/**
 * Own process group `pgid` (a child spawned with `detached: true` leads its own group) until
 * the returned release is called. Written to the state file before returning.
 */
export function ownProcessGroup(pgid: number, what: string): Release {
  installExitHook();
  groups.set(pgid, { pgid, startTime: processStartTime(pgid), what: scrub(what) });
  writeState();
  return () => {
    if (groups.delete(pgid)) writeSoon();
  };
}

/**
 * Own a child spawned with `detached: true` (its own process group): released by itself when
 * the child has exited and nothing is left in its group. Returns the release, for an owner
 * that stops the group itself. @throws Error when the child does not lead its own group
 */
export function ownChild(
  child: { pid?: number | undefined; once(event: 'exit', listener: () => void): unknown },
  what: string,
): Release {
  const pid = child.pid;
  if (pid === undefined) return () => {};
  const pgrp = statFields(pid)?.[2];
  if (pgrp !== undefined && Number(pgrp) !== pid)
    throw new Error(`ownChild(${what}): pid ${pid} is not a group leader: spawn it with detached: true`);
  const release = ownProcessGroup(pid, what);
  child.once('exit', () => releaseWhenGone(pid, release, 20));
  return release;
}

/** Release once the group is empty (its members may take a moment to be reaped); a group that stays is kept. */
function releaseWhenGone(pgid: number, release: Release, tries: number): void {
  if (!groupAlive(pgid)) release();
  else if (tries > 0) setTimeout(() => releaseWhenGone(pgid, release, tries - 1), 100).unref();
}

/** Own an outside resource (`kind` names the sweeper that can remove it after a crash). */
export function ownResource(kind: string, id: string, what: string): Release {
  installExitHook();
  const key = `${kind}\0${id}`;
  resources.set(key, { kind, id, what: scrub(what) });
  writeState();
  return () => {
    if (resources.delete(key)) writeSoon();
  };
}

/** Signal every owned process group still alive (synchronous); returns how many were signalled. */
export function killOwnedGroups(signal: NodeJS.Signals = 'SIGKILL'): number {
  let n = 0;
  for (const g of groups.values()) if (killGroup(g.pgid, signal)) n++;
  return n;
}

/** What this process owns now (diagnostics and tests). */
export function owned(): { groups: OwnedGroup[]; resources: OwnedResource[] } {
  return { groups: [...groups.values()], resources: [...resources.values()] };
}

/** True when the state file's owner is gone (or is another process under a reused pid). */
function ownerDead(state: StateFile, boot: string | null): boolean {
  if (state.bootId && boot && state.bootId !== boot) return true;
  if (!pidAlive(state.pid)) return true;
  const now = processStartTime(state.pid);
  return state.startTime !== null && now !== null && now !== state.startTime;
}

/** Kill one orphaned group, unless its pgid now belongs to someone else. */
function sweepGroup(g: OwnedGroup): boolean {
  if (!groupAlive(g.pgid)) return false;
  const leaderStart = processStartTime(g.pgid);
  // a live leader with another start time is a reused pid: not ours. (A pgid cannot be reused
  // while any member of the old group lives, so a leaderless live group is still ours.)
  if (leaderStart !== null && g.startTime !== null && leaderStart !== g.startTime) return false;
  return killGroup(g.pgid, 'SIGKILL');
}

export interface SweepReport {
  groups: number;
  resources: number;
  /** Resources kept for a later sweep: no sweeper registered for their kind yet. */
  pending: number;
}

/**
 * Sweep what dead faasmark processes left: kill their process groups, remove their resources
 * through the registered sweepers (others stay recorded for later). Safe to run concurrently:
 * a state file is claimed by renaming it first.
 */
export async function sweepOrphans(log: (line: string) => void = () => {}): Promise<SweepReport> {
  const report: SweepReport = { groups: 0, resources: 0, pending: 0 };
  sweepPrivateDirs();
  let names: string[];
  try {
    names = readdirSync(ownersDir()).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return report;
  }
  const boot = bootId();
  for (const name of names) {
    const file = join(ownersDir(), name);
    let state: StateFile;
    try {
      state = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
    } catch {
      continue; // being written, or claimed by another sweeper
    }
    if (state.pid === process.pid || !ownerDead(state, boot)) continue;
    const claimed = `${file}.sweep-${process.pid}`;
    try {
      renameSync(file, claimed);
    } catch {
      continue;
    }
    const rebooted = Boolean(state.bootId && boot && state.bootId !== boot);
    for (const g of state.groups ?? []) {
      if (!rebooted && sweepGroup(g)) {
        report.groups++;
        log(`faasmark: stopped process group ${g.pgid} (${g.what}) left by faasmark pid ${state.pid}`);
      }
    }
    const left = await sweepResources(state, report, log);
    if (left.length > 0) writeFileSync(file, JSON.stringify({ ...state, groups: [], resources: left }));
    rmSync(claimed, { force: true });
  }
  return report;
}

async function sweepResources(state: StateFile, report: SweepReport, log: (line: string) => void) {
  const left: OwnedResource[] = [];
  for (const r of state.resources ?? []) {
    const sweeper = sweepers.get(r.kind);
    if (!sweeper) {
      left.push(r);
      report.pending++;
      continue;
    }
    try {
      await sweeper(r);
      report.resources++;
      log(`faasmark: removed ${r.kind} ${r.id} (${r.what}) left by faasmark pid ${state.pid}`);
    } catch (err) {
      left.push(r);
      log(
        `faasmark: could not remove ${r.kind} ${r.id}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  return left;
}

/**
 * Register how to remove a resource kind after a crash (e.g. `docker-container` → `docker rm
 * -f`), then sweep the dead owners' resources of that kind. Call it before creating the first one.
 */
export async function registerSweeper(
  kind: string,
  sweeper: Sweeper,
  log?: (line: string) => void,
): Promise<SweepReport> {
  sweepers.set(kind, sweeper);
  return sweepOrphans(log);
}
