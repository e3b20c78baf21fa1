/**
 * The models' verdict (analysis/verdict/advise.ts) on the thesis's Table 4.1 inputs at 1 req/s
 * (docs/verdict.md): aes at 60 s → Wasm on latency and memory, crossover ≈ 103 s; aes at 600 s
 * → the container; float at 60 s → the container. Reference values from the thesis SMP and
 * M/G/∞ (issue 16's worked example: 0.0377 s against 0.0308 s).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { solveSmp } from '../../../analysis/models/smp.js';
import {
  advise,
  adviseTrace,
  crossoverKeepAlive,
  gbSecondsPerHour,
} from '../../../analysis/verdict/advise.js';
import { adviceSentences, crossoverWords } from '../../../analysis/verdict/sentences.js';
import { InputError } from '../../../core/errors.js';

const AES = { warm: 0.0259, cold: 2.5849, wasm: 0.0308 };
const FLOAT = { warm: 1.5288, cold: 4.1202, wasm: 4.876 };
const MATMUL = { warm: 0.013, cold: 2.5625, wasm: 0.0359 };

describe('advise: Table 4.1 at 1 req/s', () => {
  it('aes at keep-alive 60 s: Wasm wins latency and memory; the container catches up at ≈ 103 s', () => {
    const a = advise({ arrivalRate: 1, ...AES, keepAlive: 60 });
    assert.equal(a.latency.winner, 'wasm');
    assert.ok(Math.abs(a.latency.container - 0.0377) < 5e-4, String(a.latency.container));
    assert.equal(a.latency.wasm, 0.0308);
    assert.equal(a.memory.winner, 'wasm');
    assert.equal(a.coldProb.winner, 'wasm');
    assert.ok(a.executors.container > 1.5 && a.executors.container < 2.5, String(a.executors.container));
    assert.ok(Math.abs(a.executors.wasm - 0.0308) < 1e-12);
    const x = a.crossoverKeepAlive;
    assert.ok(x !== null && Math.abs(x - 103) < 1, String(x));
  });

  it('the crossover is where the SMP mean meets E[S]: just above it the container is no slower, just below it is', () => {
    const x = advise({ arrivalRate: 1, ...AES, keepAlive: 60 }).crossoverKeepAlive as number;
    const at = (tau: number) =>
      solveSmp({ arrivalRate: 1, warm: AES.warm, cold: AES.cold, keepAlive: tau, variant: 'thesis' })
        .avgRespTime;
    assert.ok(at(x) <= AES.wasm);
    assert.ok(at(x * 0.999) > AES.wasm);
  });

  it('aes at 600 s: the container wins latency (memory stays with Wasm)', () => {
    const a = advise({ arrivalRate: 1, ...AES, keepAlive: 600 });
    assert.equal(a.latency.winner, 'container');
    assert.equal(a.memory.winner, 'wasm');
  });

  it('float at 60 s: the container wins latency; even all-cold it is no slower (crossover 0)', () => {
    const a = advise({ arrivalRate: 1, ...FLOAT, keepAlive: 60 });
    assert.equal(a.latency.winner, 'container');
    assert.equal(a.crossoverKeepAlive, 0);
    assert.match(crossoverWords(0), /every request cold/);
  });

  it('memory-time counts idle containers: GB-s per hour of the mean executors alive', () => {
    const a = advise({ arrivalRate: 1, ...MATMUL, keepAlive: 60, memoryMb: 512, wasmMemoryMb: 64 });
    assert.ok(Math.abs(a.memory.container - gbSecondsPerHour(a.executors.container, 512)) < 1e-9);
    assert.ok(Math.abs(a.memory.wasm - gbSecondsPerHour(a.executors.wasm, 64)) < 1e-9);
    assert.equal(gbSecondsPerHour(1, 1024), 3600);
  });

  it('gives the capacity where it decides: the Wasm knee c/E[S] with cores, the SMP saturation', () => {
    const a = advise({ arrivalRate: 1, ...FLOAT, keepAlive: 60, cores: 10 });
    assert.ok(Math.abs((a.capacity.wasmKnee as number) - 10 / 4.876) < 1e-9);
    assert.ok((a.capacity.containerSaturation as number) > 1);
    const past = advise({ arrivalRate: 3, ...FLOAT, keepAlive: 60, cores: 10 });
    assert.ok(past.notes.some((n) => /past its knee/.test(n)));
  });

  it('never catches up when even the warm container is slower than Wasm (null)', () => {
    assert.equal(
      crossoverKeepAlive(() => 0.05, 0.03),
      null,
    );
    const a = advise({ arrivalRate: 1, warm: 0.05, cold: 1, wasm: 0.03, keepAlive: 60 });
    assert.equal(a.crossoverKeepAlive, null);
    assert.match(adviceSentences('aes', 1, 60, a), /never catches up/);
  });

  for (const [field, bad] of [
    ['arrivalRate', -1],
    ['arrivalRate', 0],
    ['wasm', Number.NaN],
    ['keepAlive', -5],
    ['memoryMb', 0],
  ] as const) {
    it(`rejects ${field} = ${bad} with an InputError naming it`, () => {
      assert.throws(
        () => advise({ arrivalRate: 1, ...AES, keepAlive: 60, [field]: bad }),
        (e: unknown) => e instanceof InputError && e.message.includes(field),
      );
    });
  }
});

describe('adviseTrace', () => {
  it('a trace at a constant rate gives the answer of that rate', () => {
    const a = adviseTrace({ ...AES, keepAlive: 60 }, [60, 60, 60]);
    const b = advise({ arrivalRate: 1, ...AES, keepAlive: 60 });
    assert.ok(Math.abs(a.latency.container - b.latency.container) < 1e-12);
    assert.ok(Math.abs(a.memory.container - b.memory.container) < 1e-9);
    assert.ok(Math.abs((a.crossoverKeepAlive as number) - (b.crossoverKeepAlive as number)) < 1e-3);
  });

  it('weights latency by requests and memory by time (an empty minute holds nothing)', () => {
    const a = adviseTrace({ ...AES, keepAlive: 60 }, [120, 0]);
    const busy = advise({ arrivalRate: 2, ...AES, keepAlive: 60 });
    assert.ok(Math.abs(a.latency.container - busy.latency.container) < 1e-12);
    assert.ok(Math.abs(a.memory.container - busy.memory.container / 2) < 1e-9);
  });

  it('refuses a trace without a request', () => {
    assert.throws(() => adviseTrace({ ...AES, keepAlive: 60 }, [0, 0]), /no request/);
  });
});
