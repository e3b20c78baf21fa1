/**
 * matmul: the product against a reference computed here in TypeScript from the matrices the
 * workload returns (same summation order over k, no FMA in either language: exact equality
 * holds, IEEE-754 +/× are correctly rounded), the summary fields, the N(0,1) generator's
 * moments, and native = wasm bit for bit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ActionServer, startActionServer } from '../../platforms/direct/native-runner.js';
import { runWasmOnce } from '../../platforms/direct/wasm-runner.js';
import { getWorkload } from '../../workloads/registry.js';
import { BOTH, needBuilds } from './helpers.js';

interface MatmulResult {
  n: number;
  seed: number;
  sum: number;
  trace: number;
  frobenius: number;
  c00: number;
  a: number[][];
  b: number[][];
  c: number[][];
}

function reference(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const at = (m: number[][], i: number, j: number) => (m[i] as number[])[j] as number;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += at(a, i, k) * at(b, k, j);
      return s;
    }),
  );
}

describe('matmul', () => {
  let server: ActionServer | undefined;
  before(async () => {
    if (getWorkload('matmul').artifacts().native) server = await startActionServer('matmul');
  });
  after(async () => {
    await server?.stop();
  });

  it('multiplies exactly like a reference product (n = 1, 7, 64)', async (t) => {
    if (!needBuilds(t, BOTH('matmul'))) return;
    for (const n of [1, 7, 64]) {
      const r = (await runWasmOnce('matmul', { n, seed: 11, returnMatrices: true })) as MatmulResult;
      assert.equal(r.a.length, n);
      assert.deepEqual(r.c, reference(r.a, r.b), `n = ${n}`);
      const flat = r.c.flat();
      assert.equal(
        r.sum,
        flat.reduce((s, x) => s + x, 0),
      );
      assert.equal(
        r.trace,
        r.c.reduce((s, row, i) => s + (row[i] as number), 0),
      );
      assert.equal(r.frobenius, Math.sqrt(flat.reduce((s, x) => s + x * x, 0)));
      assert.equal(r.c00, r.c[0]?.[0]);
    }
  });

  it('draws N(0,1) entries: sample mean and variance of 8192 values within 4 standard errors', async (t) => {
    if (!needBuilds(t, [['matmul', 'wasm']])) return;
    const r = (await runWasmOnce('matmul', { n: 64, seed: 3, returnMatrices: true })) as MatmulResult;
    const xs = [...r.a.flat(), ...r.b.flat()];
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
    // standard errors for N(0,1): mean 1/√N, variance √(2/(N−1))
    assert.ok(Math.abs(m) < 4 / Math.sqrt(xs.length), `mean ${m}`);
    assert.ok(Math.abs(v - 1) < 4 * Math.sqrt(2 / (xs.length - 1)), `variance ${v}`);
  });

  it('is seeded: same seed → same matrices, different seed → different', async (t) => {
    if (!needBuilds(t, [['matmul', 'wasm']])) return;
    const a = await runWasmOnce('matmul', { n: 5, seed: 1 });
    assert.deepEqual(await runWasmOnce('matmul', { n: 5, seed: 1 }), a);
    assert.notDeepEqual(await runWasmOnce('matmul', { n: 5, seed: 2 }), a);
  });

  it('gives byte-identical JSON natively and in wasm (n = 50 default, 64 with matrices, 200)', async (t) => {
    if (!needBuilds(t, BOTH('matmul'))) return;
    for (const input of [{}, { n: 64, seed: 5, returnMatrices: true }, { n: 200, seed: 9 }]) {
      const native = await (server as ActionServer).runRaw(getWorkload('matmul').validateInput(input));
      const { invokeWasmRaw } = await import('../../platforms/direct/wasm-runner.js');
      const wasm = await invokeWasmRaw('matmul', JSON.stringify(getWorkload('matmul').validateInput(input)));
      assert.equal(native.status, 200);
      assert.equal(native.body, wasm.body, JSON.stringify(input));
    }
  });

  it('is bit-identical natively and in wasm for 40 random (n, seed) pairs (property, seeded)', async (t) => {
    if (!needBuilds(t, BOTH('matmul'))) return;
    const fc = await import('fast-check');
    const { invokeWasmRaw } = await import('../../platforms/direct/wasm-runner.js');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        async (n, seed) => {
          const input = { n, seed };
          const native = await (server as ActionServer).runRaw(input);
          const wasm = await invokeWasmRaw('matmul', JSON.stringify(input));
          assert.equal(native.status, 200);
          assert.equal(native.body, wasm.body);
        },
      ),
      { numRuns: 40, seed: 20261125 },
    );
  });
});
