/** `faasmark invoke` and `faasmark profile`, run unspawned through the CLI's main. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { BOTH, needBuilds } from './helpers.js';

describe('faasmark invoke', () => {
  it('prints the result JSON of one native and one wasm invocation, identical for a seed', async (t) => {
    if (!needBuilds(t, BOTH('aes'))) return;
    const native = await runCli(['invoke', 'aes', '--seed', '3']);
    const wasm = await runCli(['invoke', 'aes', '--build', 'wasm', '--seed', '3']);
    assert.equal(native.code, 0, native.stderr);
    assert.equal(wasm.code, 0, wasm.stderr);
    assert.equal(native.stdout, wasm.stdout);
    const result = JSON.parse(native.stdout);
    assert.equal(result.plaintext, 'faasmark aes message');
    assert.equal(result.roundTrip, true);
  });

  it('--json wraps the result with the workload, build, input and seconds', async (t) => {
    if (!needBuilds(t, [['whatlang', 'wasm']])) return;
    const r = await runCli(['invoke', 'whatlang', '--build', 'wasm', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.workload, 'whatlang');
    assert.equal(doc.build, 'wasm');
    assert.equal(doc.result.lang, 'eng');
    assert.ok(doc.seconds > 0);
  });

  const bad: [string[], RegExp][] = [
    [['invoke', 'sha256'], /unknown workload "sha256"/],
    [['invoke', 'aes', '--build', 'gpu'], /--build must be one of native, wasm, got "gpu"/],
    [['invoke', 'aes', '--input', '{bad'], /--input must be JSON/],
    [['invoke', 'aes', '--input', '[1,2]'], /--input must be a JSON object/],
    [['invoke', 'matmul', '--input', '{"n":5000}'], /"n" must be an integer in \[1, 1000\], got 5000/],
    [['invoke', 'whatlang', '--seed', '1'], /--seed applies to aes \(IV\) and matmul \(matrices\) only/],
    [['invoke', 'aes', '--seed', '-4'], /--seed must be an integer >= 0/],
    [['profile', 'aes', '--runs', '0'], /--runs must be an integer >= 1/],
    [['profile', 'aes', 'matmul', '--input', '{}'], /--input needs exactly one workload/],
  ];
  for (const [argv, pattern] of bad) {
    it(`exits 2 for ${argv.join(' ')}`, async () => {
      const r = await runCli(argv);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, pattern);
      assert.equal(r.stdout, '');
    });
  }
});

describe('faasmark profile', () => {
  it('--runs 2 --json gives nativeCold, nativeWarm, wasm, wasmSlowdown and the raw samples', async (t) => {
    if (!needBuilds(t, BOTH('aes'))) return;
    const r = await runCli([
      'profile',
      'aes',
      '--runs',
      '2',
      '--warmup',
      '1',
      '--json',
      '--input',
      '{"iterations":10}',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [p] = JSON.parse(r.stdout);
    assert.equal(p.workload, 'aes');
    for (const phase of ['nativeCold', 'nativeStart', 'nativeWarm', 'wasm']) {
      assert.equal(p[phase].samples.length, 2, phase);
      assert.ok(
        p[phase].samples.every((s: number) => s > 0),
        phase,
      );
      assert.ok(p[phase].p95 >= p[phase].median, phase);
    }
    assert.ok(p.wasm.first > 0 && p.nativeWarm.first > 0);
    assert.ok(p.nativeStart.max <= p.nativeCold.max, 'process start is part of each cold sample');
    assert.equal(p.wasmSlowdown, p.wasm.mean / p.nativeWarm.mean);
    assert.equal(p.thesis.cold, 2.5849);
    assert.match(p.warmupPolicy, /1 discarded/);
  });

  it('prints a table beside the thesis figures', async (t) => {
    if (!needBuilds(t, BOTH('matmul'))) return;
    const r = await runCli(['profile', 'matmul', '--runs', '2', '--warmup', '0', '--input', '{"n":10}']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /matmul/);
    assert.match(r.stdout, /thesis 4\.1/);
    assert.match(r.stdout, /35\.9/); // thesis Wasm figure for matmul, ms
  });
});
