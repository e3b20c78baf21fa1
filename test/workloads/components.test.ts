/**
 * The wasi:http proxy components under `wasmtime serve` (a fresh instance per request, a private
 * compile cache, stopped after): the contract of docs/workloads.md "The artifact contracts"
 * (200 + JSON, 502 + {"error"}, 413 over the body limit, content-type, the x-faas-* timing
 * headers) for all four, and byte-identical answers to the native action servers for aes and
 * matmul (whatlang and float have their own test files).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type ActionServer, startActionServer } from '../../platforms/direct/native-runner.js';
import { invokeWasmRaw } from '../../platforms/direct/wasm-runner.js';
import { getWorkload, MAX_BODY_BYTES, presetInput } from '../../workloads/registry.js';
import { WORKLOAD_NAMES, type WorkloadName } from '../../workloads/types.js';
import {
  ALL_BUILDS,
  needBuilds,
  type Served,
  serveComponent,
  unavailable,
  WASMTIME_MISSING,
  wasmtimeBinary,
} from './helpers.js';

const SAME_BYTES: Partial<Record<WorkloadName, unknown[]>> = {
  aes: [
    { seed: 1 },
    { seed: 7, message: 'ünïcödé ✓', iterations: 3 },
    { iv: '000102030405060708090a0b0c0d0e0f', messageHex: '6bc1bee22e409f96e93d7e117393172a', iterations: 1 },
    { ...presetInput('aes', 'thesis'), seed: 3 },
    { iterations: 0 },
    { seed: 1, key: 'zz' },
  ],
  matmul: [
    {},
    { n: 1, seed: 0 },
    { n: 7, seed: 9, returnMatrices: true },
    presetInput('matmul', 'thesis'),
    { n: 1001 },
  ],
};

const VALID: Record<WorkloadName, unknown> = {
  aes: { seed: 2 },
  matmul: { n: 20 },
  whatlang: {},
  float: { n: 10 },
};
const INVALID: Record<WorkloadName, unknown> = {
  aes: { iterations: -1 },
  matmul: { n: 0 },
  whatlang: { text: 1 },
  float: { n: 'x' },
};

for (const name of WORKLOAD_NAMES) {
  describe(`${name} component under wasmtime serve`, () => {
    const running: Array<{ stop(): Promise<void> }> = [];
    after(async () => {
      for (const r of running) await r.stop();
    });

    async function start(t: import('node:test').TestContext): Promise<Served | undefined> {
      if (!needBuilds(t, ALL_BUILDS(name))) return undefined;
      const wasmtime = wasmtimeBinary();
      if (!wasmtime) {
        unavailable(t, WASMTIME_MISSING);
        return undefined;
      }
      const component = getWorkload(name).artifacts().component as { path: string; serveArgs: string[] };
      const served = await serveComponent(wasmtime, component.path, component.serveArgs);
      running.push(served);
      return served;
    }

    it('answers 200 + JSON with timing headers, 502 + {"error"} on bad input, 413 over the body limit', async (t) => {
      const served = await start(t);
      if (!served) return;
      const before = BigInt(Date.now()) * 1_000_000n;
      const ok = await served.post(JSON.stringify(VALID[name]));
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.headers['content-type'], 'application/json');
      assert.equal(typeof JSON.parse(ok.body), 'object');
      const startNs = BigInt(ok.headers['x-faas-start-ns'] as string);
      const endNs = BigInt(ok.headers['x-faas-end-ns'] as string);
      const service = BigInt(ok.headers['x-faas-service-ns'] as string);
      // wall clock, Unix epoch ns: within a minute of this process's clock, start ≤ end
      assert.ok(startNs > before - 60_000_000_000n && startNs <= endNs, `${startNs} .. ${endNs}`);
      assert.ok(service > 0n && service <= endNs - startNs + 1_000_000n, `service ${service} ns`);
      const empty = await served.post('');
      assert.equal(empty.status, 200, 'an empty body means the default input');
      const bad = await served.post(JSON.stringify(INVALID[name]));
      assert.equal(bad.status, 502);
      assert.equal(typeof (JSON.parse(bad.body) as { error: unknown }).error, 'string');
      const junk = await served.post('{"n":');
      assert.equal(junk.status, 502);
      const big = await served.post(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
      assert.equal(big.status, 413);
      assert.match((JSON.parse(big.body) as { error: string }).error, /larger than/);
    });

    const same = SAME_BYTES[name];
    if (same) {
      it('gives byte-identical bodies to the native server and the V8 command module', async (t) => {
        const served = await start(t);
        if (!served) return;
        const server: ActionServer = await startActionServer(name);
        running.push(server);
        for (const input of same) {
          const native = await server.runRaw(input);
          const component = await served.post(JSON.stringify(input));
          const v8 = await invokeWasmRaw(name, JSON.stringify(input));
          const label = JSON.stringify(input);
          assert.equal(component.status, native.status, label);
          assert.equal(component.body, native.body, label);
          assert.equal(v8.body, native.body, label);
        }
      });
    }
  });
}
