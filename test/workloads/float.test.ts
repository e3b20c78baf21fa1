/**
 * float (pyperformance bm_float in Python): the kernel against its definition, and the three
 * builds against each other — the CPython 3.11 action server, the componentize-py wasi:http
 * component under `wasmtime serve` (CPython 3.14 in Wasm) and the function component in V8 —
 * byte for byte. wasi-libc's and glibc's sin/cos differ by 1 ULP for ~3 % of the arguments
 * below 1e6, yet the maximised, normalised point was found identical for every n ≤ 1e6
 * (docs/workloads.md "float"); a difference here would be a real finding, not noise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ActionServer, startActionServer } from '../../platforms/direct/native-runner.js';
import { invokeWasmRaw } from '../../platforms/direct/wasm-runner.js';
import { getWorkload } from '../../workloads/registry.js';
import { allBuildsServed, needBuilds, type Served, serveComponent, wasmtimeBinary } from './helpers.js';

/** The definition, evaluated directly in JS (V8's sin/cos): for small n, within 1e-14 relative. */
function reference(n: number): { x: number; y: number; z: number } {
  const best = { x: -Infinity, y: -Infinity, z: -Infinity };
  for (let i = 0; i < n; i++) {
    const x = Math.sin(i);
    const y = Math.cos(i) * 3;
    const z = (x * x) / 2;
    const norm = Math.sqrt(x * x + y * y + z * z);
    best.x = Math.max(best.x, x / norm);
    best.y = Math.max(best.y, y / norm);
    best.z = Math.max(best.z, z / norm);
  }
  return best;
}

describe('float builds (Python kernel)', () => {
  let server: ActionServer | undefined;
  let served: Served | undefined;
  before(async () => {
    const artifacts = getWorkload('float').artifacts();
    const wasmtime = wasmtimeBinary();
    if (artifacts.native) server = await startActionServer('float');
    if (artifacts.component && wasmtime) {
      served = await serveComponent(wasmtime, artifacts.component.path, artifacts.component.serveArgs ?? []);
    }
  });
  after(async () => {
    await server?.stop();
    await served?.stop();
  });

  const ready = (t: import('node:test').TestContext): boolean => allBuildsServed(t, 'float', served);

  it('computes the definition: n = 1 is (0, 1, 0), n = 3 and 1000 match a direct evaluation', async (t) => {
    if (!ready(t)) return;
    assert.equal((await (server as ActionServer).runRaw({ n: 1 })).body, '{"n":1,"x":0,"y":1,"z":0}');
    for (const n of [3, 1000]) {
      const got = JSON.parse((await (server as ActionServer).runRaw({ n })).body) as Record<string, number>;
      const want = reference(n);
      assert.equal(got.n, n);
      for (const k of ['x', 'y', 'z'] as const) {
        assert.ok(Math.abs((got[k] as number) - want[k]) <= 1e-14 * Math.abs(want[k]), `n=${n} ${k}`);
      }
    }
  });

  it('gives byte-identical bodies natively, in the component and in V8, errors included', async (t) => {
    if (!ready(t)) return;
    const inputs: unknown[] = [{}, { n: 1 }, { n: 2 }, { n: 10 }, { n: 1000 }, { n: 54_321 }, { n: 1e5 }];
    const rejected: unknown[] = [{ n: 0 }, { n: 'x' }, { n: 1.5 }, { n: true }, { m: 1 }, { n: 10_000_001 }];
    for (const input of [...inputs, ...rejected]) {
      const native = await (server as ActionServer).runRaw(input);
      const component = await (served as Served).post(JSON.stringify(input));
      const v8 = await invokeWasmRaw('float', JSON.stringify(input));
      const label = JSON.stringify(input);
      assert.equal(native.status, rejected.includes(input) ? 502 : 200, `${label}: ${native.body}`);
      assert.equal(component.status, native.status, label);
      assert.equal(v8.status, native.status, label);
      assert.equal(component.body, native.body, label);
      assert.equal(v8.body, native.body, label);
    }
    const junk = await (served as Served).post('[1]');
    assert.equal(junk.status, 502);
    assert.match((JSON.parse(junk.body) as { error: string }).error, /must be a JSON object/);
  });

  it('reports the native service time in x-faas-service-ns', async (t) => {
    if (!needBuilds(t, [['float', 'native']])) return;
    const port = (server as ActionServer).port;
    const res = await fetch(`http://127.0.0.1:${port}/run`, { method: 'POST', body: '{"value":{"n":100}}' });
    await res.text();
    assert.ok(Number(res.headers.get('x-faas-service-ns')) > 0);
  });
});
