import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gate, parseGateArgs } from '../../ci/regression-gate.js';
import { latencies, makeRun } from '../analysis/report/fixture-run.js';

const root = mkdtempSync(join(tmpdir(), 'faasmark-gate-'));
after(() => rmSync(root, { recursive: true, force: true }));

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

describe('ci/regression-gate', () => {
  it('no baseline: exit 0 and says so in the summary', async () => {
    const summary = join(root, 's1.md');
    const empty = join(root, 'empty-baseline');
    mkdirSync(empty);
    const r = await gate(
      parseGateArgs(['--candidate', run('c1', 1), '--baseline', empty, '--summary', summary]),
    );
    assert.equal(r.code, 0);
    assert.match(readFileSync(summary, 'utf8'), /No baseline/);
    assert.match(r.markdown, /\| sim \| aes \| respTime \| 0\.0%/);
  });
  it('regression: exit 1 and a ❌ row', async () => {
    const r = await gate(
      parseGateArgs([
        '--candidate',
        run('c2', 1.5),
        '--baseline',
        run('b2', 1),
        '--summary',
        join(root, 's2.md'),
      ]),
    );
    assert.equal(r.code, 1);
    assert.match(r.markdown, /❌ regressed/);
  });
  it('same data: exit 0', async () => {
    const r = await gate(
      parseGateArgs([
        '--candidate',
        run('c3', 1),
        '--baseline',
        run('b3', 1),
        '--summary',
        join(root, 's3.md'),
      ]),
    );
    assert.equal(r.code, 0);
    assert.match(r.markdown, /\*\*0 regressed\*\*/);
  });
  const bad: [string, string[], RegExp][] = [
    ['no candidate', [], /--candidate <results-dir> is required/],
    ['unknown flag', ['--candidate', 'x', '--bogus'], /Unknown option '--bogus'/],
    ['bad threshold', ['--candidate', 'x', '--threshold', 'lots'], /--threshold must be/],
  ];
  for (const [name, argv, msg] of bad) {
    it(`bad arguments: ${name}`, () => assert.throws(() => parseGateArgs(argv), msg));
  }
  it('a missing candidate directory is bad input', async () => {
    await assert.rejects(
      gate(parseGateArgs(['--candidate', join(root, 'nope')])),
      /results directory not found/,
    );
  });
});
