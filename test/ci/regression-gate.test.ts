import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { latencies, makeRun } from '../analysis/report/fixture-run.js';
import { runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'faasmark-gate-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** `faasmark gate …` run unspawned: its exit code, and the Markdown it prints. */
async function gate(argv: string[]): Promise<{ code: number; markdown: string; stderr: string }> {
  const r = await runCli(['gate', ...argv]);
  return { code: r.code, markdown: r.stdout, stderr: r.stderr };
}

function run(name: string, scale: number): string {
  const dir = join(root, name);
  makeRun(dir, {
    points: [
      {
        latencies: latencies(200, 0.1 * scale),
        measured: { respTime: 0.1 * scale },
        predicted: { respTime: 0.1 },
      },
    ],
  });
  return dir;
}

describe('faasmark gate (the nightly regression gate)', () => {
  it('no baseline: exit 0 and says so in the summary', async () => {
    const summary = join(root, 's1.md');
    const empty = join(root, 'empty-baseline');
    mkdirSync(empty);
    const r = await gate(['--candidate', run('c1', 1), '--baseline', empty, '--summary-md', summary]);
    assert.equal(r.code, 0);
    assert.match(readFileSync(summary, 'utf8'), /No baseline/);
    assert.match(r.markdown, /\| sim \| aes \| respTime \| 0\.0%/);
  });
  it('regression: exit 1 and a ❌ row', async () => {
    const r = await gate([
      '--candidate',
      run('c2', 1.5),
      '--baseline',
      run('b2', 1),
      '--summary-md',
      join(root, 's2.md'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.markdown, /❌ regressed/);
  });
  it('same data: exit 0', async () => {
    const r = await gate([
      '--candidate',
      run('c3', 1),
      '--baseline',
      run('b3', 1),
      '--summary-md',
      join(root, 's3.md'),
    ]);
    assert.equal(r.code, 0);
    assert.match(r.markdown, /\*\*0 regressed\*\*/);
  });
  const bad: [string, string[], RegExp][] = [
    ['no candidate', [], /--candidate <results-dir> is required/],
    ['unknown flag', ['--candidate', 'x', '--bogus'], /unknown option '--bogus'/],
    ['bad threshold', ['--candidate', 'x', '--threshold', 'lots'], /--threshold must be/],
  ];
  for (const [name, argv, msg] of bad) {
    it(`bad arguments: ${name}`, async () => {
      const r = await gate(argv);
      assert.equal(r.code, 2);
      assert.match(r.stderr, msg);
    });
  }
  it('a missing candidate directory is bad input', async () => {
    const r = await gate(['--candidate', join(root, 'nope')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /results directory not found/);
  });
});
