/** workloads/build.ts: incremental (a second run skips unchanged artifacts) and its messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildWorkloads, formatOutcome } from '../../workloads/build.js';
import { BOTH, needBuilds } from './helpers.js';

describe('build:workloads', () => {
  it('skips artifacts whose inputs have not changed', async (t) => {
    if (!needBuilds(t, [...BOTH('aes'), ...BOTH('whatlang')])) return;
    const outcomes = await buildWorkloads({ workloads: ['aes', 'whatlang'] });
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
