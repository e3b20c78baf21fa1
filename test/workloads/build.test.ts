/** workloads/build.ts: incremental (a second run skips unchanged artifacts) and its messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildWorkloads, formatOutcome } from '../../workloads/build.js';
import { BOTH, needBuilds } from './helpers.js';

describe('build:workloads', () => {
  it('finds the built artifacts up to date (a build would skip them; dry run: nothing is rebuilt)', async (t) => {
    if (!needBuilds(t, [...BOTH('aes'), ...BOTH('whatlang')])) return;
    const outcomes = await buildWorkloads({ workloads: ['aes', 'whatlang'], dryRun: true });
    assert.deepEqual(
      outcomes.map((o) => `${o.workload}/${o.build}:${o.status}`),
      ['aes/native:skipped', 'aes/wasm:skipped', 'whatlang/native:skipped', 'whatlang/wasm:skipped'],
    );
  });

  it('names the reason and the fix when a toolchain is missing', () => {
    const text = formatOutcome({
      workload: 'aes',
      build: 'wasm',
      status: 'unavailable',
      artifact: '/x/aes.wasm',
      reason: '/usr/bin/rustc (Debian rustc) not found',
      fix: 'apt-get install -y rustc libstd-rust-dev-wasm32 lld',
      seconds: 0,
    });
    assert.match(text, /^unavailable aes\/wasm/);
    assert.match(text, /reason: \/usr\/bin\/rustc \(Debian rustc\) not found/);
    assert.match(text, /fix: apt-get install -y rustc libstd-rust-dev-wasm32 lld/);
  });
});

describe('packaging', () => {
  it('each workloads/<w>/spin.toml (manifest v2) serves its Wasm artifact on /<w>', async () => {
    const { readFileSync } = await import('node:fs');
    const { dirname, resolve } = await import('node:path');
    const { rootPath } = await import('../../core/paths.js');
    const { artifactPaths } = await import('../../workloads/registry.js');
    for (const name of ['aes', 'matmul', 'whatlang', 'float'] as const) {
      const path = rootPath('workloads', name, 'spin.toml');
      const text = readFileSync(path, 'utf8');
      assert.match(text, /^spin_manifest_version = 2$/m);
      assert.match(text, new RegExp(`^route = "/${name}"$`, 'm'));
      assert.match(text, new RegExp(`^component = "${name}"$`, 'm'));
      const source = /^source = "([^"]+)"$/m.exec(text)?.[1] as string;
      assert.equal(resolve(dirname(path), source), artifactPaths(name).wasm, name);
      assert.equal(
        /executor = \{ type = "wagi" \}/.test(text),
        name !== 'float',
        `${name}: WAGI for the WASI modules only`,
      );
    }
  });
});

describe('OpenWhisk blackbox image context', () => {
  it('workloads/docker/build-image.sh --context-only stages the Dockerfile and the action server', async (t) => {
    if (!needBuilds(t, [['aes', 'native']])) return;
    const { spawnSync } = await import('node:child_process');
    const { existsSync, mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { rootPath } = await import('../../core/paths.js');
    const dir = mkdtempSync(join(tmpdir(), 'faasmark-ctx-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const script = rootPath('workloads', 'docker', 'build-image.sh');
    const res = spawnSync('bash', [script, 'aes', 'faasmark/aes:test', '--context-only', dir], {
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr);
    assert.match(res.stdout, /ACTION_CMD=\/action\/aes-server/);
    assert.ok(existsSync(join(dir, 'action', 'aes-server')));
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /--port 8080 --host 0\.0\.0\.0/);
    const bad = spawnSync('bash', [script, 'sha256'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /usage: .*<aes\|matmul\|whatlang\|float>/);
  });
});
