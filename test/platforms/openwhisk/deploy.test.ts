/** Action documents: blackbox from an image, native from a zip (dockerskeleton), missing zip. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { actionBody } from '../../../platforms/openwhisk/deploy.js';

describe('openwhisk action documents', () => {
  it('blackbox image and native zip; one activation per container', async () => {
    const limits = { memoryMb: 256, timeout: 60 };
    const bb = await actionBody({ image: 'faasmark/aes:dev' }, limits);
    assert.deepEqual(bb.exec, { kind: 'blackbox', image: 'faasmark/aes:dev' });
    assert.deepEqual(bb.limits, { memory: 256, timeout: 60000, concurrency: 1 });

    const dir = await mkdtemp(join(tmpdir(), 'fm-owd-'));
    try {
      const zip = join(dir, 'aes.zip');
      await writeFile(zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
      const native = await actionBody({ zip }, limits);
      assert.deepEqual(native.exec, {
        kind: 'blackbox',
        image: 'openwhisk/dockerskeleton',
        code: 'UEsDBAECAw==',
        binary: true,
      });
      await assert.rejects(
        actionBody({ zip: join(dir, 'missing.zip') }, limits),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, 'FM_BUILD');
          assert.match(e.message, /missing\.zip cannot be read \(ENOENT\)/);
          return true;
        },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
