/**
 * The record of owned process groups and resources (core/ownership.ts): state files, the sweep
 * of a dead owner's leftovers, and the checks that keep it from killing what is not its own.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  groupAlive,
  killGroup,
  ownChild,
  owned,
  ownResource,
  processStartTime,
  registerSweeper,
  sweepOrphans,
} from '../../core/ownership.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-owners-'));
const previous = process.env.FAASMARK_RUNTIME_DIR;
const children: ChildProcess[] = [];

before(() => {
  process.env.FAASMARK_RUNTIME_DIR = dir;
});
after(() => {
  for (const c of children) if (c.pid) killGroup(c.pid, 'SIGKILL');
  if (previous === undefined) delete process.env.FAASMARK_RUNTIME_DIR;
  else process.env.FAASMARK_RUNTIME_DIR = previous;
  rmSync(dir, { recursive: true, force: true });
});

/** A detached `sleep` (its own process group) that also leaves a grandchild in the group. */
function detachedSleeper(): ChildProcess {
  const child = spawn('sh', ['-c', 'sleep 300 & sleep 300; wait'], { detached: true, stdio: 'ignore' });
  children.push(child);
  return child;
}

/** A pid that is not running (a process that has exited). */
async function deadPid(): Promise<number> {
  const c = spawn('true');
  await once(c, 'exit');
  return c.pid as number;
}

function plantState(owner: number, ownerStart: number | null, groups: unknown[], resources: unknown[] = []) {
  mkdirSync(join(dir, 'owners'), { recursive: true });
  const file = join(dir, 'owners', `${owner}.json`);
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  writeFileSync(file, JSON.stringify({ pid: owner, startTime: ownerStart, bootId, groups, resources }));
  return file;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(20);
  }
}

describe('ownership', () => {
  it('records an owned child in the state file and forgets it once its group is gone', async () => {
    const child = detachedSleeper();
    ownChild(child, 'test sleeper token=abc');
    const file = join(dir, 'owners', `${process.pid}.json`);
    const state = JSON.parse(readFileSync(file, 'utf8')) as { groups: { pgid: number; startTime: number }[] };
    assert.equal(state.groups[0]?.pgid, child.pid);
    assert.equal(state.groups[0]?.startTime, processStartTime(child.pid as number));
    killGroup(child.pid as number, 'SIGKILL');
    await until(() => !groupAlive(child.pid as number));
    await until(() => !existsSync(file));
    assert.deepEqual(owned().groups, []);
  });

  it('refuses a child that does not lead its own process group', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    children.push(child);
    assert.throws(() => ownChild(child, 'attached'), /detached: true/);
    child.kill('SIGKILL');
    await once(child, 'exit');
  });

  it('sweeps the process groups of a dead owner, grandchildren included', async () => {
    const child = detachedSleeper();
    await sleep(100); // the grandchild exists
    const pgid = child.pid as number;
    const file = plantState(await deadPid(), 1, [{ pgid, startTime: processStartTime(pgid), what: 'left' }]);
    const lines: string[] = [];
    const report = await sweepOrphans((l) => lines.push(l));
    assert.equal(report.groups, 1);
    assert.match(lines.join('\n'), new RegExp(`stopped process group ${pgid}`));
    await until(() => !groupAlive(pgid));
    assert.ok(!existsSync(file));
  });

  it('leaves a live owner alone, and a reused pgid (another start time) too', async () => {
    const owner = detachedSleeper();
    const mine = detachedSleeper();
    const ownerPid = owner.pid as number;
    const live = plantState(ownerPid, processStartTime(ownerPid), [
      { pgid: mine.pid, startTime: processStartTime(mine.pid as number), what: 'of a live owner' },
    ]);
    const other = detachedSleeper();
    const reused = plantState(await deadPid(), 1, [
      { pgid: other.pid, startTime: (processStartTime(other.pid as number) as number) - 1, what: 'reused' },
    ]);
    const report = await sweepOrphans();
    assert.equal(report.groups, 0);
    assert.ok(groupAlive(mine.pid as number) && groupAlive(other.pid as number));
    assert.ok(existsSync(live), 'a live owner keeps its file');
    assert.ok(!existsSync(reused), 'the dead owner is forgotten');
    rmSync(live);
  });

  it('an owner whose pid was reused by another process counts as dead', async () => {
    const impostor = detachedSleeper();
    const pid = impostor.pid as number;
    const victim = detachedSleeper();
    plantState(pid, (processStartTime(pid) as number) - 5, [
      { pgid: victim.pid, startTime: processStartTime(victim.pid as number), what: 'orphan' },
    ]);
    assert.equal((await sweepOrphans()).groups, 1);
    await until(() => !groupAlive(victim.pid as number));
    assert.ok(groupAlive(pid), 'the process now holding the pid is not touched');
  });

  it('keeps resources without a sweeper, and removes them once one is registered', async () => {
    const file = plantState(await deadPid(), 1, [], [{ kind: 'test-box', id: 'box-1', what: 'a box' }]);
    assert.equal((await sweepOrphans()).pending, 1);
    assert.ok(existsSync(file), 'kept for a later sweep');
    const removed: string[] = [];
    const report = await registerSweeper('test-box', async (r) => {
      removed.push(r.id);
    });
    assert.equal(report.resources, 1);
    assert.deepEqual(removed, ['box-1']);
    assert.ok(!existsSync(file));
  });

  it('records an owned resource until it is released', async () => {
    const release = ownResource('test-box', 'box-2', 'mine');
    const file = join(dir, 'owners', `${process.pid}.json`);
    assert.match(readFileSync(file, 'utf8'), /box-2/);
    release();
    await until(() => !existsSync(file));
  });
});
