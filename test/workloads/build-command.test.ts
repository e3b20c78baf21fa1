/** `faasmark build` (what `npm run build:workloads` runs): its arguments, unspawned. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../core/errors.js';
import { parseBuildFlags } from '../../harness/cli/commands/build/index.js';
import { runCli } from '../helpers/cli.js';

describe('faasmark build', () => {
  it('parses workloads and flags; CI=true makes it strict', () => {
    assert.deepEqual(parseBuildFlags(['aes', 'float'], { check: true }, {}), {
      workloads: ['aes', 'float'],
      strict: false,
      force: false,
      check: true,
    });
    assert.equal(parseBuildFlags([], {}, { CI: 'true' }).strict, true);
    assert.equal(parseBuildFlags([], { strict: true }, {}).strict, true);
    assert.throws(() => parseBuildFlags(['sha256'], {}, {}), UsageError);
  });

  for (const [argv, pattern] of [
    [['build', 'sha256'], /workload must be one of aes, matmul, whatlang, float, got "sha256"/],
    [['build', '--bogus'], /unknown option '--bogus'/],
  ] as const) {
    it(`exits 2 for ${argv.join(' ')}, building nothing`, async () => {
      const r = await runCli([...argv]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(r.stdout, '');
    });
  }

  it('--help lists the flags; the removed profile generator is an unknown option', async () => {
    const r = await runCli(['build', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--strict[\s\S]*--force[\s\S]*--check/);
    const gone = await runCli(['build', '--generate-whatlang-profiles']);
    assert.equal(gone.code, 2);
  });
});
