/**
 * Nothing is orphaned when faasmark dies (docs/architecture.md "Owned processes"): an uncaught
 * exception or rejection thrown on purpose mid-point (FAASMARK_DEBUG_CRASH) runs the cleanups
 * — the point is written incomplete, every local-container executor stops — and exits 1; after
 * a SIGKILL, which no hook survives, the next faasmark sweeps the executors left behind.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootPath } from '../../core/paths.js';
import type { PointSummary } from '../../results/types.js';
import { captureOutput } from '../helpers/processes.js';
import { fixtureWorkload, pidsWith } from '../platforms/local-container/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-crash-'));
const tags: string[] = [];
after(() => {
  for (const tag of tags) for (const pid of pidsWith(tag)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A local-container suite on the fixture action server (tagged), long enough to crash in. */
let suites = 0;
function suiteFile(tag: string): string {
  const file = join(dir, `suite-${++suites}.yaml`); // not named by the tag: only executors carry it
  const workload = fixtureWorkload(tag);
  writeFileSync(
    file,
    [
      'name: crash',
      'warmup: 0s',
      'duration: 60s',
      'arrivalRate: 20',
      'keepAlive: 30',
      'workloads: [aes]', // served by the fixture: the platform's workloads override wins
      'modelInputs: {source: given, given: {aes: {warm: 0.001, cold: 0.05}}}',
      'platforms:',
      '  - name: local-container',
      '    executor: process', // process groups are what this test follows (Docker: docker-ownership.test.ts)
      `    workloads: {aes: ${JSON.stringify(workload)}}`,
      '',
    ].join('\n'),
  );
  return file;
}

function faasmark(args: string[], env: Record<string, string>): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', rootPath('harness', 'bin.ts'), ...args], {
    cwd: rootPath(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, out: captureOutput(child).all };
}

const exitOf = (c: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (c.exitCode !== null) resolve(c.exitCode);
    else c.once('exit', (code) => resolve(code));
  });

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('crash cleanup', () => {
  for (const kind of ['exception', 'rejection'] as const) {
    it(`an uncaught ${kind} mid-point stops every executor, writes the point incomplete, exits 1`, async () => {
      const tag = randomUUID();
      tags.push(tag);
      const file = suiteFile(tag);
      const runtime = join(dir, `rt-${suites}`);
      const out = join(dir, `run-${suites}`);
      const { child, out: text } = faasmark(['run', file, '--out', out, '--no-report'], {
        FAASMARK_DEBUG_CRASH: `records:40:${kind}`,
        FAASMARK_RUNTIME_DIR: runtime,
      });
      const code = await exitOf(child);
      assert.equal(code, 1, text());
      assert.match(text(), /error\[FM_INTERNAL\]: unhandled rejection|uncaught exception/);
      assert.match(text(), /deliberate crash at records 40/);
      await until(() => pidsWith(tag).length === 0, 3000, 'the executors to be gone');
      const point = join(out, 'points', 'local-container.aes.rate20.ka30.rep0');
      const summary = JSON.parse(readFileSync(join(point, 'summary.json'), 'utf8')) as PointSummary;
      assert.equal(summary.status, 'incomplete');
      const records = readFileSync(join(point, 'requests.jsonl'), 'utf8').trim().split('\n');
      assert.ok(
        records.filter((l) => JSON.parse(l).status === 'ok').length >= 40,
        'executors were serving when it crashed',
      );
      const owners = join(runtime, 'owners');
      assert.deepEqual(existsSync(owners) ? readdirSync(owners) : [], [], 'no state file left');
    });
  }

  it('after a SIGKILL the executors survive, and the next faasmark sweeps them', async () => {
    const tag = randomUUID();
    tags.push(tag);
    const file = suiteFile(tag);
    const runtime = join(dir, `rt-${suites}`);
    const { child, out: text } = faasmark(['run', file, '--out', join(dir, `run-${suites}`), '--no-report'], {
      FAASMARK_RUNTIME_DIR: runtime,
    });
    // mid-point (its progress line), not during profiling, whose cold runs stop their executors
    await until(
      () => (/\| sent \d+ ok/.test(text()) && pidsWith(tag).length > 0) || child.exitCode !== null,
      60_000,
      'an executor serving the point',
    );
    assert.equal(child.exitCode, null, text());
    child.kill('SIGKILL');
    await exitOf(child);
    const left = pidsWith(tag);
    assert.ok(left.length > 0, 'SIGKILL leaves the executors running (no hook runs)');
    const state = readFileSync(join(runtime, 'owners', `${child.pid}.json`), 'utf8');
    for (const pid of left) assert.match(state, new RegExp(`"pgid":${pid}\\b`));

    const next = faasmark(['--version'], { FAASMARK_RUNTIME_DIR: runtime });
    assert.equal(await exitOf(next.child), 0, next.out());
    assert.match(
      next.out(),
      new RegExp(`stopped process group ${left[0]} .*left by faasmark pid ${child.pid}`),
    );
    await until(() => pidsWith(tag).length === 0, 3000, 'the sweep');
    assert.deepEqual(readdirSync(join(runtime, 'owners')), []);
  });
});
