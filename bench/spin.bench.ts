/**
 * Spin adapter overhead: the time `platform.invoke()` adds on top of a plain undici
 * POST to the same `spin up` (the stand-in executing the fixture WAGI echo module, a fresh
 * node:wasi instance per request). Both sides run in this process, interleaved in blocks, so
 * the ratio compares like with like; start-up (spawn → health answer) is timed too.
 * Prints figures and ratios; asserts nothing.
 *
 *   npm run bench -- spin
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { createPointClock } from '../core/clock.js';
import { create } from '../platforms/spin/index.js';
import { fakeSpinBinary, fixtureApp } from '../test/platforms/spin/helpers.js';

const N = 400;
const BLOCK = 50;
const input = { message: 'faasmark aes message', iterations: 3 };

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const app = fixtureApp('aes');
const platform = await create(
  { name: 'spin', binary: fakeSpinBinary().path, manifests: { aes: app.manifest }, startTimeout: 20 },
  { buildDir: app.dir, workDir: mkdtempSync(join(tmpdir(), 'faasmark-spin-bench-')), log: () => {} },
);
const t0 = performance.now();
await platform.setup({ requestTimeout: 10 }, createPointClock());
await platform.deploy('aes');
const startMs = performance.now() - t0;
const details = (await platform.describe()).details as { apps: { aes: { command: string[] } } };
const listen = details.apps.aes.command[details.apps.aes.command.indexOf('--listen') + 1];
const pool = new Pool(`http://${listen}`);
const body = JSON.stringify(input);

const direct: number[] = [];
const viaAdapter: number[] = [];
for (let i = 0; i < 20; i++) await platform.invoke({ workload: 'aes', input }); // warm-up (V8 tier-up)
for (let done = 0; done < N; done += BLOCK) {
  for (let i = 0; i < BLOCK; i++) {
    const t = performance.now();
    const res = await pool.request({
      path: '/aes',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    JSON.parse(await res.body.text());
    direct.push(performance.now() - t);
  }
  for (let i = 0; i < BLOCK; i++) {
    const t = performance.now();
    const r = await platform.invoke({ workload: 'aes', input });
    if (r.status !== 'ok') throw new Error(`invoke failed: ${r.errorMessage}`);
    viaAdapter.push(performance.now() - t);
  }
}
await pool.close();
await platform.teardown();

direct.sort((a, b) => a - b);
viaAdapter.sort((a, b) => a - b);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
console.log(`spin up (stand-in) start → health answer: ${startMs.toFixed(0)} ms (includes spin --version)`);
console.log(`sequential requests: ${N} each side, interleaved in blocks of ${BLOCK}`);
console.log(
  `direct undici POST : mean ${mean(direct).toFixed(3)} ms, p50 ${quantile(direct, 0.5).toFixed(3)} ms, p99 ${quantile(direct, 0.99).toFixed(3)} ms`,
);
console.log(
  `platform.invoke()  : mean ${mean(viaAdapter).toFixed(3)} ms, p50 ${quantile(viaAdapter, 0.5).toFixed(3)} ms, p99 ${quantile(viaAdapter, 0.99).toFixed(3)} ms`,
);
console.log(
  `ratio adapter/direct (mean): ${(mean(viaAdapter) / mean(direct)).toFixed(3)}; added per request: ${(mean(viaAdapter) - mean(direct)).toFixed(3)} ms`,
);
