import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../core/errors.js';
import { AES_CAPS } from '../../workloads/aes/inputs.js';
import { DEFAULT_BUILD_DIR, getWorkload, presetInput, WORKLOADS } from '../../workloads/registry.js';
import { INPUT_PRESET_NAMES, WORKLOAD_NAMES } from '../../workloads/types.js';
import { WHATLANG_CAPS } from '../../workloads/whatlang/inputs.js';

describe('workload registry', () => {
  it('defines every workload name, with its defaults valid', () => {
    assert.deepEqual(Object.keys(WORKLOADS).sort(), [...WORKLOAD_NAMES].sort());
    for (const name of WORKLOAD_NAMES) {
      const def = getWorkload(name);
      assert.equal(def.name, name);
      assert.doesNotThrow(() => def.validateInput(def.defaultInput));
    }
    assert.ok(DEFAULT_BUILD_DIR.endsWith('workloads/build'));
  });

  it('rejects an unknown workload, listing the known ones', () => {
    assert.throws(
      () => getWorkload('sha256'),
      (err: unknown) =>
        err instanceof InputError &&
        /unknown workload "sha256"/.test(err.message) &&
        /aes, matmul, whatlang, float/.test(err.hint ?? ''),
    );
  });

  it('applies the thesis defaults', () => {
    assert.deepEqual(getWorkload('aes').validateInput({}), {
      iterations: 2500,
      key: '2b7e151628aed2a6abf7158809cf4f3c',
      message: 'faasmark aes message',
    });
    assert.equal((getWorkload('aes').validateInput({}).message as string).length, 20);
    assert.deepEqual(getWorkload('matmul').validateInput(undefined), { n: 50, seed: 42 });
    assert.deepEqual(getWorkload('whatlang').validateInput({}), {
      text: 'The quick brown fox jumps over the lazy dog',
    });
    assert.deepEqual(getWorkload('float').validateInput({}), { n: 100_000 });
  });

  it('has valid presets: default = the default input, thesis = the sizes of docs/workloads.md', () => {
    for (const name of WORKLOAD_NAMES) {
      const def = getWorkload(name);
      assert.deepEqual(Object.keys(def.inputPresets).sort(), [...INPUT_PRESET_NAMES].sort());
      assert.deepEqual(def.inputPresets.default, def.defaultInput);
      for (const preset of INPUT_PRESET_NAMES) assert.doesNotThrow(() => presetInput(name, preset));
      assert.ok(['action', 'python'].includes(def.containerBase));
    }
    assert.equal(presetInput('aes', 'thesis').iterations, 40_000);
    assert.equal(presetInput('matmul', 'thesis').n, 500);
    assert.equal(presetInput('float', 'thesis').n, 1_250_000);
    const w = presetInput('whatlang', 'thesis') as { text: string; repeat: number };
    const bytes = Buffer.byteLength(w.text) * w.repeat + w.repeat - 1;
    assert.ok(bytes >= 2_000_000 && bytes <= 3_000_000, `whatlang thesis text ${bytes} bytes`);
    assert.deepEqual(presetInput('matmul', 'thesis', { seed: 1 }), { n: 500, seed: 1 });
  });
});

describe('bad workload input names the field, the rule and the value', () => {
  const cases: [string, unknown, RegExp][] = [
    ['aes', [], /must be a JSON object, got an array/],
    ['aes', 'x', /must be a JSON object/],
    ['aes', { iterations: 0 }, /"iterations" must be an integer in \[1, 1000000\], got 0/],
    ['aes', { iterations: 2.5 }, /"iterations" must be an integer/],
    ['aes', { iterations: '10' }, /"iterations" must be an integer .* got "10"/],
    ['aes', { key: 'abc' }, /"key" must be exactly 32 hex digits/],
    ['aes', { iv: 'zz'.repeat(16) }, /"iv" must be exactly 32 hex digits/],
    ['aes', { message: '' }, /"message" must be 1\.\.65536 UTF-8 bytes long, got 0/],
    ['aes', { message: 'x'.repeat(AES_CAPS.messageBytes + 1) }, /"message" must be 1\.\.65536/],
    ['aes', { message: 'a', messageHex: '61' }, /mutually exclusive/],
    ['aes', { iv: '00'.repeat(16), seed: 1 }, /"iv" and "seed" are mutually exclusive/],
    ['aes', { seed: -1 }, /"seed" must be an integer in \[0, /],
    [
      'aes',
      { iterations: 1_000_000, message: 'x'.repeat(1000) },
      /iterations × message bytes must be <= 100000000/,
    ],
    ['aes', { rounds: 3 }, /unknown field "rounds"/],
    ['matmul', { n: 0 }, /"n" must be an integer in \[1, 1000\], got 0/],
    ['matmul', { n: 1001 }, /"n" must be an integer in \[1, 1000\], got 1001/],
    ['matmul', { n: 65, returnMatrices: true }, /only allowed for n <= 64, got n = 65/],
    ['matmul', { returnMatrices: 'yes' }, /"returnMatrices" must be a boolean/],
    ['whatlang', { text: 42 }, /"text" must be a string, got 42/],
    [
      'whatlang',
      { text: 'x'.repeat(WHATLANG_CAPS.textBytes + 1) },
      /"text" must be 0\.\.4194304 UTF-8 bytes long/,
    ],
    ['whatlang', { text: 'x', repeat: 0 }, /"repeat" must be an integer in \[1, 100000\], got 0/],
    [
      'whatlang',
      { text: 'x'.repeat(100), repeat: 50_000 },
      /text × repeat must be at most 4194304 UTF-8 bytes, got 5049999/,
    ],
    ['float', { n: 0 }, /"n" must be an integer in \[1, 10000000\], got 0/],
    ['float', { n: 1e8 }, /"n" must be an integer in \[1, 10000000\]/],
    ['float', { points: 10 }, /unknown field "points"/],
  ];
  for (const [name, input, pattern] of cases) {
    it(`${name} ${JSON.stringify(input).slice(0, 50)}`, () => {
      assert.throws(
        () => getWorkload(name).validateInput(input),
        (err: unknown) => err instanceof InputError && pattern.test(err.message),
      );
    });
  }
});
