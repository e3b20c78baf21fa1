/**
 * local-wasm worker pool prefetch and the per-worker reusable WASI host (performance work):
 * a prefetched request behind a hanging one is re-queued, not lost, when that worker
 * is terminated; requests are served in FIFO order; and a reused WASI host still gives every
 * request a fresh instance with its own stdin/stdout (no state carried between requests).
 * Fixtures: test/fixtures/wasi/{echo,counter}.wat (echo: '[' first byte loops forever, '"'
 * traps, '-' exits 3, anything else is echoed; counter: a module-global counter).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createInstanceRunner } from '../../../platforms/local-wasm/run-instance.js';
import { wasmApi } from '../../../platforms/local-wasm/wasm-api.js';
import { type RunOutcome, WorkerPool } from '../../../platforms/local-wasm/worker-pool.js';
import { FIXTURES } from '../local-container/helpers.js';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const compile = (name: string) => wasmApi.compile(readFileSync(`${FIXTURES}wasi/${name}.wasm`));

describe('local-wasm worker pool (prefetch)', () => {
  test('a request prefetched behind a hanging one is re-queued when that worker is replaced', async () => {
    const pool = new WorkerPool(1); // one worker: the second request must be prefetched behind the first
    try {
      pool.load('echo', await compile('echo'));
      assert.equal((await pool.run('echo', enc({ warm: 1 }), 60)).status, 'ok'); // booted
      const hung = pool.run('echo', enc([1]), 0.3);
      const next = pool.run('echo', enc({ after: 'hang' }), 30);
      const [h, n] = await Promise.all([hung, next]);
      assert.equal(h.status, 'timeout');
      assert.equal(n.status, 'ok', n.error);
      assert.equal(dec(n.stdout), JSON.stringify({ after: 'hang' }));
      assert.notEqual(n.workerId, h.workerId, 'served by the replacement worker');
      assert.equal(pool.counters.workerTimeouts, 1);
      assert.equal(pool.counters.workersStarted, 2);
    } finally {
      await pool.close();
    }
  });

  for (const prefetch of [true, false]) {
    test(`FIFO: one worker serves queued requests in arrival order (prefetch ${prefetch})`, async () => {
      const pool = new WorkerPool(1, { prefetch });
      try {
        pool.load('echo', await compile('echo'));
        await pool.run('echo', enc({ warm: 1 }), 60);
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) => pool.run('echo', enc({ i }), 60)),
        );
        for (const [i, o] of outcomes.entries()) {
          assert.equal(dec(o.stdout), JSON.stringify({ i }));
          if (i > 0) assert.ok(o.startMs! >= outcomes[i - 1]!.endMs!, `request ${i} overlapped ${i - 1}`);
        }
      } finally {
        await pool.close();
      }
    });
  }

  test('close() answers running, prefetched and queued requests', async () => {
    const pool = new WorkerPool(1);
    pool.load('echo', await compile('echo'));
    await pool.run('echo', enc({ warm: 1 }), 60);
    const pending: Promise<RunOutcome>[] = [pool.run('echo', enc([1]), 60)]; // hangs
    for (let i = 0; i < 3; i++) pending.push(pool.run('echo', enc({ i }), 60));
    await new Promise((r) => setTimeout(r, 50));
    await pool.close();
    const outcomes = await Promise.all(pending);
    for (const o of outcomes) {
      assert.equal(o.status, 'error');
      assert.match(o.error!, /torn down/);
    }
  });
});

describe('local-wasm instance runner (WASI host built once per module)', () => {
  test('each call is a fresh instance with its own stdin and stdout, also after a trap or exit', async () => {
    const run = createInstanceRunner(await compile('echo'), 'echo');
    const cases: Array<[unknown, number, RegExp | string]> = [
      [{ a: 1 }, 0, JSON.stringify({ a: 1 })],
      ['trap', 1, /trap: unreachable/],
      [{ bb: 'two' }, 0, JSON.stringify({ bb: 'two' })],
      [-1, 3, /exit code 3/],
      [{ c: [3] }, 0, JSON.stringify({ c: [3] })],
    ];
    for (const [input, exitCode, expected] of cases) {
      const o = run(enc(input));
      assert.equal(o.exitCode, exitCode, JSON.stringify(input));
      if (typeof expected === 'string') assert.equal(dec(o.stdout), expected);
      else assert.match(o.error!, expected);
    }
    const counter = createInstanceRunner(await compile('counter'), 'counter');
    for (let i = 0; i < 5; i++) assert.deepEqual(JSON.parse(dec(counter(enc({})).stdout)), { count: 1 });
  });
});
