/**
 * A Docker-against-process study (issue 16): two local-container entries that differ only by
 * `label` and executor are measured, profiled, judged and reported apart — one service-time
 * row, one MAPE row set and one verdict each, with their own cold times (a container start
 * against a process fork). Engine-dependent (docker-helpers.ts: fails when CI=true and there
 * is none).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCleanups } from '../../../core/lifecycle.js';
import type { RunSummary } from '../../../results/types.js';
import { runCli } from '../../helpers/cli.js';
import { engineIfReady, removeContainersOfPid, requireDocker } from './docker-helpers.js';
import { fixtureWorkload } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fm-labels-'));
after(async () => {
  await runCleanups();
  const engine = await engineIfReady();
  if (engine) await removeContainersOfPid(engine, process.pid);
  rmSync(dir, { recursive: true, force: true });
});

function suiteFile(): string {
  const workload = JSON.stringify({ aes: fixtureWorkload(randomUUID()) });
  const file = join(dir, 'labels.yaml');
  writeFileSync(
    file,
    [
      'name: labels',
      'warmup: 0s',
      'duration: 8s',
      'arrivalRate: 2',
      'keepAlive: [1]',
      'workloads: [aes]',
      'thresholds: {minRequests: 5}',
      'platforms:',
      '  - name: local-container',
      '    label: docker',
      '    executor: docker',
      `    workloads: ${workload}`,
      '  - name: local-container',
      '    label: process',
      '    executor: process',
      `    workloads: ${workload}`,
      '  - name: sim',
      '    label: wasm',
      '    mode: wasm',
      '    serviceTime: {wasm: 0.005}',
      '',
    ].join('\n'),
  );
  return file;
}

describe('two labelled local-container entries (docker, process)', () => {
  test('are profiled, judged and reported apart', async (t) => {
    if (!(await requireDocker(t))) return;
    const out = join(dir, 'run');
    const r = await runCli(['run', suiteFile(), '--out', out]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr); // 1: a short point may be invalid; still reported
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    const labels = summary.points.filter((p) => p.executor === 'container').map((p) => p.label);
    assert.deepEqual(labels.sort(), ['docker', 'process']);
    const cold = (label: string) =>
      summary.points.find((p) => p.label === label)?.modelInputs?.cold as number;
    assert.ok(cold('docker') >= 0.05, `a container start: ${cold('docker')} s`);
    assert.ok(cold('process') < cold('docker'), `a fork is faster: ${cold('process')} s`);

    const report = await runCli(['report', out, '--json', '--no-figures']);
    assert.equal(report.code, 0, report.stderr);
    const doc = JSON.parse(report.stdout) as {
      serviceTimes: { containerLabel: string | null; containerCold: number | null }[];
      mape: { platform: string }[];
    };
    const rows = doc.serviceTimes.filter((s) => s.containerLabel !== null);
    assert.deepEqual(rows.map((s) => s.containerLabel).sort(), ['docker', 'process']);
    const docker = rows.find((s) => s.containerLabel === 'docker');
    assert.ok(Math.abs((docker?.containerCold as number) - cold('docker')) < 1e-9, 'not averaged');
    const mapeEntries = new Set(doc.mape.map((m) => m.platform));
    assert.ok(mapeEntries.has('docker') && mapeEntries.has('process'), [...mapeEntries].join(', '));
    const verdictLabels = (summary.verdicts ?? []).map((v) => v.container.label).sort();
    if (summary.points.every((p) => p.valid)) assert.deepEqual(verdictLabels, ['docker', 'process']);
  });
});
