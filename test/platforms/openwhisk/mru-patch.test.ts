/**
 * The MRU patch and the build patch are well-formed unified diffs (hunk line counts match their
 * headers, so `git apply` will not reject them as corrupt); the MRU patch changes only
 * `schedule`'s warm-container choice, the build patch only drops the scalafmt plugin (its
 * jcenter() buildscript no longer resolves); the build script pins the commit of pins.ts, and
 * refuses a JDK that Gradle 6.9.1 cannot run on. (Applying the patches needs an OpenWhisk
 * checkout: build-invoker.sh in the nightly job; docs/openwhisk.md "MRU invoker".)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OPENWHISK_COMMIT } from '../../../platforms/openwhisk/pins.js';

const read = (name: string) =>
  readFileSync(new URL(`../../../platforms/openwhisk/mru/${name}`, import.meta.url), 'utf8');

/** Check the hunks of a unified diff: each header's line counts match its body. Returns the files. */
function checkHunks(patch: string): string[] {
  const lines = patch.split('\n');
  const files: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.startsWith('--- a/')) {
      assert.equal(lines[i + 1], `+++ b/${line.slice(6)}`);
      files.push(line.slice(6));
      i += 2;
      continue;
    }
    const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@/.exec(line);
    if (!m) {
      i++;
      continue;
    }
    let old = 0;
    let neu = 0;
    i++;
    while (
      i < lines.length &&
      /^[ +-]/.test(lines[i] as string) &&
      !(lines[i] as string).startsWith('--- a/')
    ) {
      const c = (lines[i] as string)[0];
      if (c !== '+') old++;
      if (c !== '-') neu++;
      i++;
    }
    assert.equal(old, Number(m[2]), `old line count of ${line}`);
    assert.equal(neu, Number(m[4]), `new line count of ${line}`);
  }
  return files;
}

describe('MRU patch', () => {
  const patch = read('containerpool-mru.patch');

  it('targets ContainerPool.scala with consistent hunks', () => {
    const target = 'core/invoker/src/main/scala/org/apache/openwhisk/core/containerpool/ContainerPool.scala';
    assert.deepEqual(checkHunks(patch), [target]);
    assert.equal((patch.match(/^@@ /gm) ?? []).length, 1);
  });

  it('the build patch only removes the scalafmt plugin and its jcenter() buildscript', () => {
    const build = read('build-without-scalafmt.patch');
    assert.deepEqual(checkHunks(build), ['build.gradle']);
    const added = build.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    const removed = build.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
    assert.deepEqual(added, []);
    assert.ok(removed.some((l) => /jcenter\(\)/.test(l)));
    assert.ok(removed.some((l) => /apply plugin: 'scalafmt'/.test(l)));
    assert.ok(
      removed.every((l) =>
        /buildscript|repositories|jcenter|dependencies|classpath|scalafmt|^-\s*\}?\s*$/.test(l),
      ),
      removed.join('\n'),
    );
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

  it('the build script and Dockerfile use the pinned commit, both patches, and the layer', () => {
    const script = read('build-invoker.sh');
    assert.match(script, new RegExp(`OW_COMMIT:-${OPENWHISK_COMMIT}`));
    assert.match(script, /:core:invoker:jar/);
    assert.match(script, /git apply --check "\$mru_patch" "\$build_patch"/);
    assert.match(script, /^set -euo pipefail$/m);
    assert.match(script, /Dockerfile\.layer/);
    assert.match(
      read('Dockerfile'),
      /COPY containerpool-mru\.patch build-without-scalafmt\.patch Dockerfile\.layer build-invoker\.sh/,
    );
  });

  it('build-invoker.sh refuses a JDK Gradle 6.9.1 cannot run on (exit 2, one message), accepts 11', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fm-mru-'));
    try {
      const fake = (name: string, body: string) => {
        writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
        chmodSync(join(dir, name), 0o755);
      };
      fake('git', 'exit 0');
      fake('docker', 'echo 20.10.24');
      const script = fileURLToPath(
        new URL('../../../platforms/openwhisk/mru/build-invoker.sh', import.meta.url),
      );
      const run = (version: string) => {
        fake('java', `echo 'openjdk version "${version}" 2024-07-16' >&2`);
        return spawnSync('bash', [script, join(dir, 'no-checkout')], {
          env: { PATH: `${dir}:/usr/bin:/bin` },
          encoding: 'utf8',
        });
      };
      for (const v of ['17.0.15', '1.8.0_292', '21']) {
        const r = run(v);
        assert.equal(r.status, 2, `${v}: ${r.stderr}`);
        assert.match(r.stderr, /runs on JDK 11-16: set JAVA_HOME to a JDK 11/);
        assert.equal(r.stdout, '');
      }
      // JDK 11 passes the check (and then stops at the missing checkout directory)
      const ok = run('11.0.24');
      assert.doesNotMatch(ok.stderr, /JDK/);
      assert.notEqual(ok.status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
