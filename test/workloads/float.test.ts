/**
 * float: the kernel against its definition (pyperformance bm_float), and the three builds
 * against each other. The Spin/StarlingMonkey engine's sin/cos can differ from V8's by
 * 1 ULP for 0.9 % of arguments (docs/design/machines.md, measured for i < 1e6), which can move the
 * normalised maxima by a few ULP: builds are compared with a relative tolerance of 1e-14
 * (≈ 45 ULP), far below any real disagreement.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ActionServer, startActionServer } from '../../platforms/direct/native-runner.js';
import { runWasmOnce } from '../../platforms/direct/wasm-runner.js';
import { floatKernel, handleFloat } from '../../workloads/float/kernel.js';
import { getWorkload } from '../../workloads/registry.js';
import { BOTH, needBuilds } from './helpers.js';

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-14 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

describe('float kernel', () => {
  it('matches a direct evaluation of the definition for n = 1 and n = 3', () => {
    // n = 1: the point i = 0 is (0, 3, 0) → normalised (0, 1, 0)
    assert.deepEqual(floatKernel(1), { n: 1, x: 0, y: 1, z: 0 });
    const pts = [0, 1, 2].map((i) => {
      const x = Math.sin(i);
      const y = Math.cos(i) * 3;
      const z = (x * x) / 2;
      const norm = Math.sqrt(x * x + y * y + z * z);
      return [x / norm, y / norm, z / norm] as const;
    });
    const r = floatKernel(3);
    assert.equal(r.x, Math.max(...pts.map((p) => p[0])));
    assert.equal(r.y, Math.max(...pts.map((p) => p[1])));
    assert.equal(r.z, Math.max(...pts.map((p) => p[2])));
  });

  it('returns 502-style errors for bad bodies instead of throwing', () => {
    assert.deepEqual(handleFloat('{"n":0}')[0], 502);
    const error = (body: string) => JSON.parse(handleFloat(body)[1]).error as string;
    assert.match(error('{"n":0}'), /"n" must be an integer in \[1, 10000000\], got 0/);
    assert.match(error('not json'), /invalid JSON/);
    assert.match(error('[1]'), /must be a JSON object/);
    assert.equal(handleFloat('')[0], 200);
  });
});

describe('float builds', () => {
  let server: ActionServer | undefined;
  before(async () => {
    if (getWorkload('float').artifacts().native) server = await startActionServer('float');
  });
  after(async () => {
    await server?.stop();
  });

  it('native (Node) and wasm (StarlingMonkey component) agree within 1e-14 relative', async (t) => {
    if (!needBuilds(t, BOTH('float'))) return;
    for (const n of [1, 10, 1000, 100_000]) {
      const expected = floatKernel(n);
      const native = (await (server as ActionServer).run({ n })) as typeof expected;
      const wasm = (await runWasmOnce('float', { n })) as typeof expected;
      assert.deepEqual(native, expected, `native n = ${n} runs the same source on the same engine`);
      for (const k of ['x', 'y', 'z'] as const) close(wasm[k], expected[k], `wasm n = ${n} ${k}`);
      assert.equal(wasm.n, n);
    }
  });

  it('reports a workload error from the component as a failure, not a crash', async (t) => {
    if (!needBuilds(t, [['float', 'wasm']])) return;
    const { invokeWasmRaw } = await import('../../platforms/direct/wasm-runner.js');
    const r = await invokeWasmRaw('float', '{"n":-1}');
    assert.equal(r.status, 502);
    assert.match(JSON.parse(r.body).error, /"n" must be an integer/);
  });
});
