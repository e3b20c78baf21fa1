/**
 * Integrity under failure on a real platform (docs/engine.md "Invalid-point rules"): executors
 * of the embedded local-container pool (real OS processes) are killed with SIGKILL during a
 * point; every sent request must still be accounted for (sent = ok + error + timeout +
 * rejected), the killed executors' spans must end, and the point must be written.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCleanups } from '../../core/lifecycle.js';
import type { ExecutorSpan } from '../../core/records.js';
import { runSuite } from '../../harness/engine/runner.js';
import { validateSuite } from '../../harness/suite/load.js';
import type { PointSummary } from '../../results/types.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-kill-'));
after(async () => {
  await runCleanups();
  rmSync(dir, { recursive: true, force: true });
});

/** PIDs of this process's children that look like workload executors (not ps itself). */
function executorPids(): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !/\bps\b/.test(l))
      .map((l) => Number(l.split(/\s+/)[0]))
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}

describe('books balance when executors are killed (local-container)', () => {
  it('kills executors mid-run; every request is still recorded once', async () => {
    const suite = await validateSuite(
      {
        name: 'kill',
        seed: 11,
        warmup: '300ms',
        duration: process.env.FAASMARK_LONG === '1' ? '20s' : '3s',
        drainTimeout: '10s',
        requestTimeout: '10s',
        arrivalRate: 15,
        keepAlive: 5,
        workloads: ['aes'],
        modelInputs: { runs: 2, spacing: '50ms' },
        thresholds: { maxRateShortfall: 0.5, errorBudget: 1 },
        // OS-process executors: the test kills its own child processes
        platforms: [{ name: 'local-container', executor: 'process', routing: 'random' }],
      },
      { file: 'kill.yaml' },
    );
    let killed = 0;
    // kill only once the open loop runs (its first progress report): a kill during the
    // profile makes the point fail as a whole (a PlatformError), which is not what this tests
    let loadRunning = false;
    const killer = setInterval(() => {
      if (!loadRunning) return;
      const pids = executorPids();
      const victim = pids[killed % Math.max(1, pids.length)];
      if (victim === undefined) return;
      try {
        process.kill(victim, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }, 400);
    const out = join(dir, 'run');
    let res: Awaited<ReturnType<typeof runSuite>>;
    try {
      res = await runSuite({
        suite,
        out,
        onProgress: () => {
          loadRunning = true;
        },
      });
    } finally {
      clearInterval(killer);
    }
    const p = res.summary.points[0] as PointSummary;
    const c = p.requests;
    assert.ok(killed > 0, 'the test killed at least one executor');
    assert.equal(c.sent, c.ok + c.error + c.timeout + c.rejected, JSON.stringify(c));
    const lines = readFileSync(join(out, 'points', p.pointId, 'requests.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const seqs = new Set(lines.map((l) => (JSON.parse(l) as { seq: number }).seq));
    assert.equal(seqs.size, lines.length, 'one record per request');
    const spans = readFileSync(join(out, 'points', p.pointId, 'executors.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ExecutorSpan);
    assert.ok(spans.length > 0);
    // the kills hit executors: their spans end with cause crash, and a request that was on
    // one when it died is an error, never a missing record
    assert.ok(
      spans.some((s) => s.cause === 'crash'),
      JSON.stringify(spans.map((s) => s.cause)),
    );
  });
});
