/**
 * Ctrl-C during `faasmark run` (spawned, a real SIGINT): the process exits 130, the point in
 * progress is written with status "incomplete" and balanced books, manifest and summary
 * exist, and a --resume run completes it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { rootPath } from '../../core/paths.js';
import type { PointSummary } from '../../results/types.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-sigint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function suiteFile(duration: string): string {
  const file = join(dir, `s-${duration}.yaml`);
  writeFileSync(
    file,
    [
      'name: sigint',
      'warmup: 0s',
      `duration: ${duration}`,
      'arrivalRate: 20',
      'keepAlive: 1',
      'workloads: [aes]',
      'modelInputs: {source: given, given: {aes: {warm: 0.01, cold: 0.05}}}',
      'thresholds: {minRequests: 10}', // the resumed 1 s point has ~20 requests
      'platforms:',
      '  - name: sim',
      '    serviceTime: {warm: 0.01, cold: 0.05}',
      '    timeScale: 1', // in real time: the test interrupts it mid-point
      '',
    ].join('\n'),
  );
  return file;
}

describe('SIGINT during a run', () => {
  it('marks the point incomplete, exits 130, and --resume finishes it', async () => {
    const out = join(dir, 'run');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        rootPath('harness', 'bin.ts'),
        'run',
        suiteFile('60s'),
        '--out',
        out,
        '--no-report',
      ],
      {
        cwd: rootPath(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let scheduled = false; // one SIGINT (a second one means "exit without cleanup")
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('[1/1] sim.aes.rate20.ka1.rep0') && !scheduled) {
        scheduled = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 130, stderr);
    const file = join(out, 'points', 'sim.aes.rate20.ka1.rep0', 'summary.json');
    assert.ok(existsSync(file), stderr);
    const p = JSON.parse(readFileSync(file, 'utf8')) as PointSummary;
    assert.equal(p.status, 'incomplete');
    assert.equal(p.valid, false);
    const c = p.requests;
    assert.ok(c.sent > 0);
    assert.equal(c.sent, c.ok + c.error + c.timeout + c.rejected);
    const lines = readFileSync(join(out, 'points', p.pointId, 'requests.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, c.sent, 'every sent request has its record');
    assert.ok(existsSync(join(out, 'manifest.json')));

    const resumed = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        rootPath('harness', 'bin.ts'),
        'run',
        suiteFile('1s'),
        '--out',
        out,
        '--resume',
        '--no-report',
        '--json',
      ],
      { cwd: rootPath(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    resumed.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const [code2] = (await once(resumed, 'exit')) as [number | null];
    assert.equal(code2, 0);
    const summary = JSON.parse(stdout) as { points: PointSummary[] };
    assert.equal(summary.points[0]?.status, 'complete');
  });
});
