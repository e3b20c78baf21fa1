/**
 * aes: the Rust AES-128-CFB against NIST SP 800-38A (Appendix F.3.13, CFB128-AES128.Encrypt)
 * and against node:crypto's aes-128-cfb (OpenSSL), on both builds. Exact equality: the
 * cipher is deterministic bytes, no tolerance applies.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type ActionServer, startActionServer } from '../../platforms/direct/native-runner.js';
import { runWasmOnce } from '../../platforms/direct/wasm-runner.js';
import { getWorkload } from '../../workloads/registry.js';
import { BOTH, needBuilds } from './helpers.js';

// SP 800-38A F.3.13: key, IV, four plaintext blocks and the CFB128 ciphertext
const NIST = {
  key: '2b7e151628aed2a6abf7158809cf4f3c',
  iv: '000102030405060708090a0b0c0d0e0f',
  plaintext:
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
  ciphertext:
    '3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6',
};

/** Deterministic bytes for case i (seeded: SHA-256 of a label). */
function bytes(label: string, i: number, length: number): Buffer {
  let out = Buffer.alloc(0);
  for (let block = 0; out.length < length; block++) {
    out = Buffer.concat([out, createHash('sha256').update(`${label}/${i}/${block}`).digest()]);
  }
  return out.subarray(0, length);
}

describe('aes (AES-128-CFB128)', () => {
  let server: ActionServer | undefined;
  before(async () => {
    if (getWorkload('aes').artifacts().native) server = await startActionServer('aes');
  });
  after(async () => {
    await server?.stop();
  });

  it('matches the NIST SP 800-38A CFB128 known answer (wasm and native)', async (t) => {
    if (!needBuilds(t, BOTH('aes'))) return;
    const input = { key: NIST.key, iv: NIST.iv, messageHex: NIST.plaintext, iterations: 1 };
    for (const result of [await runWasmOnce('aes', input), await (server as ActionServer).run(input)]) {
      const r = result as Record<string, unknown>;
      assert.equal(r.ciphertext, NIST.ciphertext);
      assert.equal(r.plaintextHex, NIST.plaintext);
      assert.equal(r.roundTrip, true);
    }
  });

  it('agrees with node:crypto aes-128-cfb for 24 seeded keys, IVs and message lengths 1..70', async (t) => {
    if (!needBuilds(t, BOTH('aes'))) return;
    for (let i = 0; i < 24; i++) {
      const key = bytes('key', i, 16);
      const iv = bytes('iv', i, 16);
      const message = bytes('msg', i, 1 + ((i * 7) % 70)); // partial final blocks included
      const cipher = createCipheriv('aes-128-cfb', key, iv);
      const expected = Buffer.concat([cipher.update(message), cipher.final()]).toString('hex');
      const input = {
        key: key.toString('hex'),
        iv: iv.toString('hex'),
        messageHex: message.toString('hex'),
        iterations: 2,
      };
      const wasm = (await runWasmOnce('aes', input)) as Record<string, unknown>;
      const native = (await (server as ActionServer).run(input)) as Record<string, unknown>;
      assert.equal(wasm.ciphertext, expected, `case ${i} (wasm)`);
      assert.deepEqual(native, wasm, `case ${i} (native = wasm)`);
    }
  });

  it('derives the IV from the seed (reproducible) and draws a random one otherwise', async (t) => {
    if (!needBuilds(t, BOTH('aes'))) return;
    const a = (await runWasmOnce('aes', { seed: 7 })) as Record<string, unknown>;
    const b = (await (server as ActionServer).run({ seed: 7 })) as Record<string, unknown>;
    assert.deepEqual(a, b);
    assert.equal(a.plaintext, 'faasmark aes message');
    assert.equal(a.iterations, 2500);
    const r1 = (await runWasmOnce('aes', {})) as Record<string, unknown>;
    const r2 = (await runWasmOnce('aes', {})) as Record<string, unknown>;
    assert.notEqual(r1.iv, r2.iv, 'two unseeded invocations drew the same IV');
    const check = createCipheriv(
      'aes-128-cfb',
      Buffer.from(NIST.key, 'hex'),
      Buffer.from(r1.iv as string, 'hex'),
    );
    assert.equal(
      Buffer.concat([check.update('faasmark aes message'), check.final()]).toString('hex'),
      r1.ciphertext,
    );
  });
});
