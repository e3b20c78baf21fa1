/**
 * The MRU patch is a well-formed unified diff against ContainerPool.scala (hunk line counts
 * match their headers, so `git apply` will not reject it as corrupt), it changes only
 * `schedule`'s warm-container choice, and the build script pins the same commit.
 * (Applying it needs an OpenWhisk checkout: done by build-invoker.sh in the nightly job.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const read = (name: string) =>
  readFileSync(new URL(`../../../platforms/openwhisk/mru/${name}`, import.meta.url), 'utf8');

describe('MRU patch', () => {
  const patch = read('containerpool-mru.patch');

  it('targets ContainerPool.scala with consistent hunks', () => {
    const lines = patch.split('\n');
    const target = 'core/invoker/src/main/scala/org/apache/openwhisk/core/containerpool/ContainerPool.scala';
    assert.equal(lines[0], `--- a/${target}`);
    assert.equal(lines[1], `+++ b/${target}`);
    let i = 2;
    let hunks = 0;
    while (i < lines.length && lines[i] !== '') {
      const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@/.exec(lines[i] as string);
      assert.ok(m, `hunk header expected at line ${i + 1}: ${lines[i]}`);
      hunks++;
      let old = 0;
      let neu = 0;
      i++;
      while (i < lines.length && /^[ +-]/.test(lines[i] as string)) {
        const c = (lines[i] as string)[0];
        if (c !== '+') old++;
        if (c !== '-') neu++;
        i++;
      }
      assert.equal(old, Number(m[2]), 'old line count');
      assert.equal(neu, Number(m[4]), 'new line count');
    }
    assert.equal(hunks, 1);
  });

  it('replaces the first-match find over warm containers by the largest lastUsed', () => {
    const removed = patch.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
    const added = patch.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    assert.ok(removed.some((l) => /\.find \{/.test(l)));
    assert.ok(removed.some((l) => /WarmedData/.test(l)));
    assert.ok(added.some((l) => /lastUsed\.isAfter/.test(l)));
    assert.ok(
      added.some((l) => /hasCapacity\(\)/.test(l)),
      'capacity is still required',
    );
    assert.ok(!added.some((l) => /WarmingData|WarmingColdData/.test(l)), 'fallbacks untouched');
  });

  it('the build script and Dockerfile use the pinned commit and the patch', () => {
    const script = read('build-invoker.sh');
    assert.match(script, /ef725a653ab112391f79c274d8e3dcfb915d59a3/);
    assert.match(script, /:core:invoker:distDocker/);
    assert.match(script, /git apply --check "\$patch_file"/);
    assert.match(read('Dockerfile'), /COPY containerpool-mru\.patch build-invoker\.sh/);
  });
});
