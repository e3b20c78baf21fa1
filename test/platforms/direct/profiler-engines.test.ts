/**
 * The Table 4.1 analog per Wasm engine (platforms/direct/profiler.ts): native cold / warm, v8 and
 * wasmtime phases with a slowdown each against the same run's native warm mean, the component's
 * own times beside the wasmtime round trips, and a wasmtime that cannot run skipped with its reason.
 * The wasmtime phase here serves the fixture component (it echoes the input) in place of aes's.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../../core/errors.js';
import { parseProfileFlags } from '../../../harness/cli/commands/profile/index.js';
import { profileTable } from '../../../harness/cli/commands/profile/render.js';
import { profileWorkload } from '../../../platforms/direct/profiler.js';
import { BOTH, needBuilds } from '../../workloads/helpers.js';
import {
  fixtureComponent,
  needWasmtime,
  privateCache,
  skipWithoutWasmtime,
} from '../local-wasm/wasmtime-helpers.js';

describe('profile per Wasm engine', () => {
  test(
    'v8 and wasmtime columns, each with its slowdown against native warm',
    skipWithoutWasmtime,
    async (t) => {
      if (!needBuilds(t, BOTH('aes'))) return;
      const p = await profileWorkload('aes', {
        runs: 3,
        warmup: 1,
        input: { iterations: 10 },
        component: fixtureComponent(),
        wasmtimeBinary: needWasmtime(),
        cacheDir: privateCache(),
      });
      assert.equal(p.kind, 'compiled');
      assert.deepEqual(Object.keys(p.engines).sort(), ['v8', 'wasmtime']);
      assert.deepEqual(p.skipped, []);
      for (const e of [p.engines.v8!, p.engines.wasmtime!]) {
        assert.equal(e.samples.length, 3, e.engine);
        assert.ok(e.samples.every((s) => s > 0));
        assert.equal(e.slowdown, e.mean / p.nativeWarm.mean, e.engine);
      }
      const wt = p.engines.wasmtime!;
      assert.match(wt.version, /^\d+\.\d+\.\d+/);
      assert.equal(wt.service?.count, 3, 'x-faas-service-ns of every measured answer');
      assert.ok(wt.guest!.max <= wt.max, 'the guest time is inside the round trip');
      assert.equal(p.wasmSlowdown, p.engines.v8!.slowdown, 'the v8 phase under its earlier name');
      const table = profileTable([p], 3, 1);
      assert.match(table, /wasmtime\/warm/);
      assert.match(table, /thesis 4\.1/);
    },
  );

  test('a wasmtime that cannot run is skipped with the reason', async (t) => {
    if (!needBuilds(t, BOTH('matmul'))) return;
    const p = await profileWorkload('matmul', {
      runs: 1,
      warmup: 0,
      input: { n: 4 },
      engines: ['wasmtime'],
      component: '/nonexistent/matmul.wasm',
      wasmtimeBinary: process.execPath, // an executable that is found; the component is what is missing
    });
    assert.deepEqual(Object.keys(p.engines), []);
    assert.equal(p.skipped[0]?.engine, 'wasmtime');
    assert.equal(p.wasm, undefined);
  });

  test('--engines: a list of v8 and wasmtime, anything else is a usage error', () => {
    assert.deepEqual(parseProfileFlags([], {}).engines, ['v8', 'wasmtime']);
    assert.equal(parseProfileFlags([], {}).enginesExplicit, false);
    assert.deepEqual(parseProfileFlags([], { engines: 'wasmtime,wasmtime' }).engines, ['wasmtime']);
    assert.throws(() => parseProfileFlags([], { engines: 'v8,spin' }), UsageError);
  });
});
